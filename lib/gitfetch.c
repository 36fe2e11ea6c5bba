/*
 * Fetching through the git program; see dgit_gitfetch.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "dgit_buf.h"
#include "dgit_config.h"
#include "dgit_distro.h"
#include "dgit_error.h"
#include "dgit_gitfetch.h"
#include "dgit_run.h"
#include "dgit_tag.h"

/* `git -c ...` settings for our own fetches: no gc, no maintenance, no
 * commit graph written behind our back while the caller has the
 * repository open. */
#define GIT_QUIET_CONFIG \
	"-c", "gc.auto=0", "-c", "maintenance.auto=false", \
	"-c", "fetch.writeCommitGraph=false"

const char *
dgit_gitfetch_local_path(const char *url)
{
	if (strncmp(url, "file://", 7) == 0)
		return url + 7;
	if (url[0] == '/')
		return url;
	return NULL;
}

void
dgit_gitfetch_list_release(struct dgit_gitfetch_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->heads[i].name);
	free(l->heads);
	memset(l, 0, sizeof *l);
}

/* A URL git would read as an option ("--upload-pack=...") is refused. */
static const struct dgit_error *
check_url(const char *url)
{
	if (url[0] == '\0' || url[0] == '-')
		return dgit_error_cfmt(DGIT_ECLASS_CONFIG, DGIT_ERR_USAGE,
		    "git URL '%s' is not one dgit fetches from; configure a "
		    "URL that does not start with '-'", url);
	return NULL;
}

static const struct dgit_error *
gitdir_arg(char **out, git_repository *repo)
{
	if (asprintf(out, "--git-dir=%s", git_repository_path(repo)) < 0) {
		*out = NULL;
		return dgit_error(DGIT_ERR_NOMEM);
	}
	return NULL;
}

/* One "HEX\tNAME" line of ls-remote's output into l (or skipped). */
static const struct dgit_error *
parse_line(struct dgit_gitfetch_list *l, size_t *alloc, const char *line,
    size_t len, const char *url, size_t maxrefs)
{
	const char *name;
	size_t nl;
	char hex[GIT_OID_HEXSZ + 1];

	if (len < GIT_OID_HEXSZ + 2 || line[GIT_OID_HEXSZ] != '\t')
		return dgit_error_fmt(DGIT_ERR_PARSE, "cannot read what "
		    "'git ls-remote %s' printed: '%.*s'", url,
		    (int)(len > 100 ? 100 : len), line);
	name = line + GIT_OID_HEXSZ + 1;
	nl = len - GIT_OID_HEXSZ - 1;
	if (nl >= DGIT_GITFETCH_MAX_NAME || (nl > 3 &&
	    memcmp(name + nl - 3, "^{}", 3) == 0) || strncmp(name, "refs/",
	    5) != 0 || memchr(name, '\0', nl))
		return NULL;
	if (l->n >= maxrefs)
		return dgit_error_fmt(DGIT_ERR_LIMIT, "'%s' offers more than "
		    "%zu refs; fetch it with git instead", url, maxrefs);
	if (l->n == *alloc) {
		size_t na = *alloc ? *alloc * 2 : 16;
		struct dgit_gitfetch_head *h;

		if ((h = realloc(l->heads, na * sizeof *h)) == NULL)
			return dgit_error(DGIT_ERR_NOMEM);
		l->heads = h;
		*alloc = na;
	}
	memcpy(hex, line, GIT_OID_HEXSZ);
	hex[GIT_OID_HEXSZ] = '\0';
	if (git_oid_fromstr(&l->heads[l->n].id, hex) != 0)
		return dgit_error_fmt(DGIT_ERR_PARSE, "'git ls-remote %s' "
		    "printed a bad object id '%s'", url, hex);
	if ((l->heads[l->n].name = strndup(name, nl)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	l->n++;
	return NULL;
}

const struct dgit_error *
dgit_gitfetch_ls(struct dgit_gitfetch_list *out, git_repository *repo,
    const char *url, const char *const *patterns, size_t npatterns,
    size_t maxrefs)
{
	const struct dgit_error *err;
	const char **argv = NULL;
	char *gd = NULL, *text = NULL;
	size_t len = 0, alloc = 0, k = 0;
	struct dgit_run_opts ro;

	memset(out, 0, sizeof *out);
	if ((err = check_url(url)) || (err = gitdir_arg(&gd, repo)))
		return err;
	if ((argv = calloc(npatterns + 12, sizeof *argv)) == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	argv[k++] = "git";
	argv[k++] = gd;
	argv[k++] = "ls-remote";
	argv[k++] = url;
	for (size_t i = 0; i < npatterns; i++)
		argv[k++] = patterns[i];
	argv[k] = NULL;
	memset(&ro, 0, sizeof ro);
	ro.cap = DGIT_GITFETCH_MAX_LIST;
	if ((err = dgit_run_capture(&text, &len, argv, &ro, 0)))
		goto done;
	for (size_t at = 0; at < len && err == NULL;) {
		const char *e = memchr(text + at, '\n', len - at);
		size_t ll = e ? (size_t)(e - (text + at)) : len - at;

		if (ll > 0)
			err = parse_line(out, &alloc, text + at, ll, url,
			    maxrefs);
		at += ll + 1;
	}
done:
	if (err)
		dgit_gitfetch_list_release(out);
	free(text);
	free(argv);
	free(gd);
	return err;
}

/* Delete the refs under prefix (our private namespace). */
static void
drop_private(git_repository *repo, const char *prefix)
{
	git_reference_iterator *it = NULL;
	git_reference *ref;
	char glob[256];

	snprintf(glob, sizeof glob, "%s*", prefix);
	if (git_reference_iterator_glob_new(&it, repo, glob) != 0) {
		git_error_clear();
		return;
	}
	while (git_reference_next(&ref, it) == 0) {
		if (git_reference_delete(ref) != 0)
			git_error_clear();
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	git_error_clear();
}

const struct dgit_error *
dgit_gitfetch_download(git_oid *ids, git_repository *repo, const char *url,
    const char *const *names, size_t n)
{
	const struct dgit_error *err;
	struct dgit_buf specs = DGIT_BUF_INIT;
	struct dgit_run_opts ro;
	struct dgit_run_result res = DGIT_RUN_RESULT_INIT;
	struct timespec ts;
	git_odb *odb = NULL;
	char prefix[128], *gd = NULL, *dst = NULL;
	size_t i;

	if (n == 0)
		return NULL;
	if ((err = check_url(url)) || (err = gitdir_arg(&gd, repo)))
		return err;
	/* unique to this process and this call */
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(prefix, sizeof prefix, "refs/dgit-fetch/private/%ld.%lx.%lx/",
	    (long)getpid(), (unsigned long)ts.tv_nsec,
	    (unsigned long)(size_t)&ts);
	for (i = 0; i < n && err == NULL; i++) {
		const char *nm = names[i];

		if (strncmp(nm, "refs/", 5) != 0 ||
		    !git_reference_is_valid_name(nm))
			err = dgit_error_fmt(DGIT_ERR_USAGE, "cannot fetch "
			    "'%s' from '%s': not a full ref name", nm, url);
		else
			err = dgit_buf_addf(&specs, "+%s:%s%s\n", nm, prefix,
			    nm + 5);
	}
	if (err)
		goto done;
	{
		const char *argv[] = { "git", GIT_QUIET_CONFIG, gd, "fetch",
		    "--quiet", "--no-tags", "--no-write-fetch-head", "--no-prune",
		    "--no-recurse-submodules", "--stdin", url, NULL };

		memset(&ro, 0, sizeof ro);
		ro.in = DGIT_RUN_IN_BUF;
		ro.in_buf = specs.ptr;
		ro.in_len = specs.len;
		ro.out = DGIT_RUN_OUT_NULL;
		ro.err = DGIT_RUN_OUT_CAPTURE;
		ro.cap = 1u << 20;
		err = dgit_run(&res, argv, &ro);
		dgit_run_result_release(&res);
		if (err)
			goto done;
	}
	if (git_repository_odb(&odb, repo) != 0 || git_odb_refresh(odb) != 0) {
		err = dgit_error_git("cannot read what '%s' sent", url);
		goto done;
	}
	for (i = 0; i < n && err == NULL; i++) {
		free(dst);
		if (asprintf(&dst, "%s%s", prefix, names[i] + 5) < 0) {
			dst = NULL;
			err = dgit_error(DGIT_ERR_NOMEM);
		} else if (git_reference_name_to_id(&ids[i], repo, dst) != 0)
			err = dgit_error_git("'%s' did not send %s", url,
			    names[i]);
	}
done:
	drop_private(repo, prefix);
	git_odb_free(odb);
	free(dst);
	free(gd);
	dgit_buf_release(&specs);
	return err;
}

/* ---- git-check ------------------------------------------------------ */

/* A diverted distro's KEY, else the base distro's. */
static const char *
get_div(const struct dgit_config *cfg, const char *base, const char *div,
    const char *key)
{
	char name[512];
	const char *v;

	if (div && (size_t)snprintf(name, sizeof name, "dgit-distro.%s.%s",
	    div, key) < sizeof name && (v = dgit_config_get(cfg, name)))
		return v;
	return dgit_config_get_distro(cfg, base, key);
}

const struct dgit_error *
dgit_gitfetch_ssh_argv(const char **argv, char **uh, char **shexec,
    const char *ssh, const char *user, const char *host, const char *rune)
{
	int n = 0;

	*uh = *shexec = NULL;
	if (asprintf(uh, "%s%s%s", user && *user ? user : "",
	    user && *user ? "@" : "", host) < 0) {
		*uh = NULL;
		return dgit_error(DGIT_ERR_NOMEM);
	}
	if (strpbrk(ssh, " \t\n") != NULL) {
		/* a command with words is run by sh, as dgit does */
		if (asprintf(shexec, "exec %s \"$@\"", ssh) < 0) {
			*shexec = NULL;
			free(*uh);
			*uh = NULL;
			return dgit_error(DGIT_ERR_NOMEM);
		}
		argv[n++] = "sh";
		argv[n++] = "-ec";
		argv[n++] = *shexec;
		argv[n++] = "x";
	} else
		argv[n++] = ssh;
	argv[n++] = *uh;
	argv[n++] = rune;
	argv[n] = NULL;
	return NULL;
}

/*
 * Run rune on the git host of (base, div) through its ssh; stdout in
 * *out.  With status non-NULL, a non-zero exit is not an error: *status
 * is the exit code (else 0).
 */
static const struct dgit_error *
ssh_run(char **out, int *status, const struct dgit_config *cfg,
    const char *base, const char *div, const char *rune)
{
	const struct dgit_error *err;
	const char *ssh = get_div(cfg, base, div, "ssh");
	const char *host = get_div(cfg, base, div, "git-host");
	const char *user = get_div(cfg, base, div, "git-user-force");
	const char *d = div ? div : base;
	char *uh = NULL, *shexec = NULL;
	const char *argv[DGIT_GITFETCH_SSH_ARGV];
	struct dgit_run_opts ro;
	struct dgit_run_result res = DGIT_RUN_RESULT_INIT;

	*out = NULL;
	if (status)
		*status = 0;
	if (user == NULL || *user == '\0')
		user = get_div(cfg, base, div, "username");
	if (ssh == NULL || *ssh == '\0')
		ssh = "ssh";
	if (host == NULL)
		return dgit_error_cfmt(DGIT_ECLASS_CONFIG, DGIT_ERR_USAGE,
		    "distro '%s' has no git-host for its ssh commands; set "
		    "dgit-distro.%s.git-host", d, d);
	if ((err = dgit_gitfetch_ssh_argv(argv, &uh, &shexec, ssh, user, host,
	    rune)))
		goto done;
	memset(&ro, 0, sizeof ro);
	ro.out = DGIT_RUN_OUT_CAPTURE;
	ro.cap = 16u << 20;
	if (status) {
		if ((err = dgit_run_status(&res, argv, &ro)) == NULL)
			*status = res.exit_code;
	} else
		err = dgit_run(&res, argv, &ro);
	if (err == NULL) {
		size_t len = 0;

		*out = dgit_run_result_detach_out(&res, &len);
		if (*out == NULL && (*out = strdup("")) == NULL)
			err = dgit_error(DGIT_ERR_NOMEM);
		else if (len > 0 && (*out)[len - 1] == '\n')
			(*out)[len - 1] = '\0';
	}
	dgit_run_result_release(&res);
done:
	free(uh);
	free(shexec);
	return err;
}

const struct dgit_error *
dgit_gitfetch_ssh(char **out, int *status, const struct dgit_config *cfg,
    const char *distro, const char *rune)
{
	return ssh_run(out, status, cfg, distro, NULL, rune);
}

/* Run the git-check rune for (base, div); its output in *out. */
static const struct dgit_error *
check_rune(char **out, const struct dgit_config *cfg, const char *base,
    const char *div, const char *package)
{
	const struct dgit_error *err;
	const char *path = get_div(cfg, base, div, "git-path");
	const char *d = div ? div : base;
	char *rune = NULL;

	*out = NULL;
	if (path == NULL)
		return dgit_error_cfmt(DGIT_ECLASS_CONFIG, DGIT_ERR_USAGE,
		    "distro '%s' uses git-check 'ssh-cmd' but has no "
		    "git-path; set dgit-distro.%s.git-path", d, d);
	if (!dgit_tag_package_name_ok(package) ||
	    strpbrk(path, "'\\\n") != NULL)
		return dgit_error_cfmt(DGIT_ECLASS_CONFIG, DGIT_ERR_USAGE,
		    "cannot quote '%s' for the git host's shell; fix "
		    "dgit-distro.%s.git-path", path, d);
	if (asprintf(&rune, ": dgit %s git-check %s ; set -e; cd '%s'; "
	    "if test -d %s.git; then echo 1; else echo 0; fi", base, package,
	    path, package) < 0)
		return dgit_error(DGIT_ERR_NOMEM);
	err = ssh_run(out, NULL, cfg, base, div, rune);
	free(rune);
	return err;
}

const struct dgit_error *
dgit_gitfetch_check(int *have, char **url, const struct dgit_config *cfg,
    const char *distro, const char *package,
    void (*info)(void *arg, const char *msg), void *info_arg)
{
	const struct dgit_error *err = NULL;
	const char *check = dgit_config_get_distro(cfg, distro, "git-check");
	char *out = NULL, *div = NULL;

	*have = 1;
	*url = NULL;
	if (check == NULL || strcmp(check, "ssh-cmd") != 0)
		return NULL;
	for (int depth = 0;; depth++) {
		const char *to;
		char key[300];

		free(out);
		out = NULL;
		if (div) {
			/* the diverted distro's own git-check */
			const char *c = get_div(cfg, distro, div, "git-check");

			if (c && strcmp(c, "ssh-cmd") != 0) {
				*have = strcmp(c, "false") != 0;
				break;
			}
		}
		if ((err = check_rune(&out, cfg, distro, div, package)))
			goto done;
		if (strcmp(out, "0") == 0 || strcmp(out, "1") == 0) {
			*have = out[0] == '1';
			break;
		}
		if (strncmp(out, "divert ", 7) != 0 || out[7] == '\0' ||
		    strspn(out + 7, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != strlen(out + 7)) {
			err = dgit_error_fmt(DGIT_ERR_PARSE, "the git host's "
			    "answer to git-check of %s is '%.80s', not 0, 1 "
			    "or divert NAME", package, out);
			goto done;
		}
		if (depth >= 8) {
			err = dgit_error_cfmt(DGIT_ECLASS_CONFIG,
			    DGIT_ERR_LIMIT, "git-check of %s diverted more "
			    "than 8 times; fix dgit-distro.%s.diverts.*",
			    package, distro);
			goto done;
		}
		snprintf(key, sizeof key, "diverts.%s", out + 7);
		to = get_div(cfg, distro, div, key);
		if (to == NULL || *to == '\0') {
			err = dgit_error_cfmt(DGIT_ECLASS_CONFIG,
			    DGIT_ERR_NOT_FOUND, "the git host diverts %s to "
			    "'%s', which is not configured; set "
			    "dgit-distro.%s.%s", package, out + 7,
			    div ? div : distro, key);
			goto done;
		}
		{
			char *nd;

			if (asprintf(&nd, "%s%s", to[0] == '/' ? distro : "",
			    to) < 0) {
				err = dgit_error(DGIT_ERR_NOMEM);
				goto done;
			}
			free(div);
			div = nd;
		}
		dgit_msg(info, info_arg, "diverting to %s (using config for "
		    "%s)", out + 7, div);
	}
	if (div && *have && (err = dgit_distro_git_url(url, cfg, div,
	    package)) == NULL && *url == NULL)
		*have = 0;
done:
	free(out);
	free(div);
	return err;
}
