/*
 * The dgit git server's pre-receive checks (dgit_server.h).  The order of
 * the checks follows dgit's own server: ref names, tag object, tag
 * message, signature, policy, replay, fast-forward, commit metadata, gate.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "dgit_error.h"
#include "dgit_fs.h"
#include "dgit_history.h"
#include "dgit_repo.h"
#include "dgit_run.h"
#include "dgit_server.h"
#include "dgit_tag.h"
#include "dgit_verify.h"
#include "dgit_version.h"

#define MAX_UPDATES 16
#define MAX_UPDATES_LEN (64 * 1024)
#define DM_TXT_MAX (64u * 1024 * 1024)
#define REMOVED_TAGS_MAX (64u * 1024 * 1024)
#define GATE_LOG_MAX (256u * 1024)
#define LOCK_NAME "dgit-push.lock"
#define GUARD_NAME "dgit-push.guard"

struct strv {
	char **v;
	size_t n;
};

struct suite {
	char *name;
	struct strv aliases;
	char *gate;
	long gate_timeout;
};

struct dgit_server_config {
	char *dir;
	char *distro;
	struct suite *suites;
	size_t nsuites;
	struct strv maint_keyrings, dm_keyrings;
	char *dm_txt;
	char *policy_hook;
	char *mirror_hook;
	int allow_nff;
	long gate_timeout;
	void (*told)(void *arg, const char *path, int made);
	void *told_arg;
};

static void
strv_free(struct strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static const struct dgit_error *
strv_add(struct strv *s, const char *str)
{
	char **nv = realloc(s->v, (s->n + 2) * sizeof *nv);

	if (nv == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	s->v = nv;
	nv[s->n] = strdup(str);
	if (nv[s->n] == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	nv[++s->n] = NULL;
	return NULL;
}

void
dgit_server_config_free(struct dgit_server_config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->dir);
	free(cfg->distro);
	for (size_t i = 0; i < cfg->nsuites; i++) {
		free(cfg->suites[i].name);
		strv_free(&cfg->suites[i].aliases);
		free(cfg->suites[i].gate);
	}
	free(cfg->suites);
	strv_free(&cfg->maint_keyrings);
	strv_free(&cfg->dm_keyrings);
	free(cfg->dm_txt);
	free(cfg->policy_hook);
	free(cfg->mirror_hook);
	free(cfg);
}

const char *
dgit_server_config_distro(const struct dgit_server_config *cfg)
{
	return cfg->distro;
}

const char *
dgit_server_config_dir(const struct dgit_server_config *cfg)
{
	return cfg->dir;
}

void
dgit_server_config_set_told(struct dgit_server_config *cfg,
    void (*told)(void *arg, const char *path, int made), void *arg)
{
	cfg->told = told;
	cfg->told_arg = arg;
}

/* A configured file name, taken from the server directory if relative. */
static const struct dgit_error *
abs_path(char **out, const struct dgit_server_config *cfg, const char *v)
{
	*out = NULL;
	if (v[0] == '/')
		*out = strdup(v);
	else if (asprintf(out, "%s/%s", cfg->dir, v) == -1)
		*out = NULL;
	return *out ? NULL : dgit_error(DGIT_ERR_NOMEM);
}

struct multi {
	const struct dgit_server_config *cfg;
	struct strv *into;
	int as_path;
	const struct dgit_error *err;
};

static int
multi_cb(const git_config_entry *e, void *arg)
{
	struct multi *m = arg;
	char *p = NULL;

	if (e->value == NULL || e->value[0] == '\0') {
		m->err = dgit_error_fmt(DGIT_ERR_PARSE, "'%s' is empty in "
		    "'%s/%s'", e->name, m->cfg->dir, DGIT_SERVER_CONFIG);
		return -1;
	}
	if (m->as_path) {
		m->err = abs_path(&p, m->cfg, e->value);
		if (m->err == NULL)
			m->err = strv_add(m->into, p);
		free(p);
	} else {
		m->err = strv_add(m->into, e->value);
	}
	return m->err ? -1 : 0;
}

static const struct dgit_error *
get_multi(struct strv *into, git_config *gc,
    const struct dgit_server_config *cfg, const char *name, int as_path)
{
	struct multi m = { cfg, into, as_path, NULL };
	int rc = git_config_get_multivar_foreach(gc, name, NULL, multi_cb, &m);

	if (m.err)
		return m.err;
	if (rc < 0 && rc != GIT_ENOTFOUND)
		return dgit_error_git("cannot read '%s' in '%s/%s'", name,
		    cfg->dir, DGIT_SERVER_CONFIG);
	return NULL;
}

/* A single string setting; *out NULL when unset. */
static const struct dgit_error *
get_str(char **out, git_config *gc, const struct dgit_server_config *cfg,
    const char *name, int as_path)
{
	git_buf b = { 0 };
	const struct dgit_error *err = NULL;
	int rc;

	*out = NULL;
	rc = git_config_get_string_buf(&b, gc, name);
	if (rc == GIT_ENOTFOUND)
		return NULL;
	if (rc < 0)
		return dgit_error_git("cannot read '%s' in '%s/%s'", name,
		    cfg->dir, DGIT_SERVER_CONFIG);
	if (b.ptr[0] == '\0')
		err = dgit_error_fmt(DGIT_ERR_PARSE, "'%s' is empty in "
		    "'%s/%s'", name, cfg->dir, DGIT_SERVER_CONFIG);
	else if (as_path)
		err = abs_path(out, cfg, b.ptr);
	else if ((*out = strdup(b.ptr)) == NULL)
		err = dgit_error(DGIT_ERR_NOMEM);
	git_buf_dispose(&b);
	return err;
}

static const struct dgit_error *
get_timeout(long *out, git_config *gc, const struct dgit_server_config *cfg,
    const char *name)
{
	int64_t v;
	int rc = git_config_get_int64(&v, gc, name);

	if (rc == GIT_ENOTFOUND)
		return NULL;
	if (rc < 0 || v <= 0 || v > 86400)
		return dgit_error_fmt(DGIT_ERR_PARSE, "'%s' in '%s/%s' must be "
		    "a number of seconds from 1 to 86400", name, cfg->dir,
		    DGIT_SERVER_CONFIG);
	*out = (long)v;
	return NULL;
}

static int
suite_name_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		    s[i] == '+' || s[i] == '.' || s[i] == '_'))
			return 0;
	return i > 0 && i < 128 && s[0] != '.' && s[0] != '-';
}

const struct dgit_error *
dgit_server_config_load(struct dgit_server_config **out,
    const char *serverdir)
{
	const struct dgit_error *err = NULL;
	struct dgit_server_config *cfg = NULL;
	git_config *gc = NULL;
	struct strv names = { 0 };
	char *path = NULL, *name = NULL;
	int b;

	*out = NULL;
	cfg = calloc(1, sizeof *cfg);
	if (cfg == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	cfg->gate_timeout = 600;
	cfg->dir = realpath(serverdir, NULL);
	if (cfg->dir == NULL) {
		err = dgit_error_from_errno("cannot open the server directory "
		    "'%s'", serverdir);
		goto done;
	}
	if (asprintf(&path, "%s/%s", cfg->dir, DGIT_SERVER_CONFIG) == -1) {
		path = NULL;
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	if (access(path, R_OK) == -1) {
		err = dgit_error_fmt(DGIT_ERR_NOT_FOUND, "cannot read the "
		    "server config '%s': %s; write it as dgit-repos-server(1) "
		    "describes", path, strerror(errno));
		goto done;
	}
	if (git_config_open_ondisk(&gc, path) < 0) {
		gc = NULL;
		err = dgit_error_git("cannot read the server config '%s'",
		    path);
		goto done;
	}
	if ((err = get_str(&cfg->distro, gc, cfg, "dgit-repos.distro", 0)))
		goto done;
	if (cfg->distro == NULL || !suite_name_ok(cfg->distro)) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "'%s' needs a valid "
		    "dgit-repos.distro", path);
		goto done;
	}
	if ((err = get_multi(&names, gc, cfg, "dgit-repos.suite", 0)) ||
	    (err = get_multi(&cfg->maint_keyrings, gc, cfg,
	    "dgit-repos.maintainer-keyring", 1)) ||
	    (err = get_multi(&cfg->dm_keyrings, gc, cfg,
	    "dgit-repos.dm-keyring", 1)) ||
	    (err = get_str(&cfg->dm_txt, gc, cfg, "dgit-repos.dm-txt", 1)) ||
	    (err = get_str(&cfg->policy_hook, gc, cfg,
	    "dgit-repos.policy-hook", 1)) ||
	    (err = get_str(&cfg->mirror_hook, gc, cfg,
	    "dgit-repos.mirror-hook", 1)) ||
	    (err = get_timeout(&cfg->gate_timeout, gc, cfg,
	    "dgit-repos.gate-timeout")))
		goto done;
	if (git_config_get_bool(&b, gc, "dgit-repos.allow-not-fast-forward")
	    == 0)
		cfg->allow_nff = b;
	if (names.n == 0) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "'%s' lists no "
		    "dgit-repos.suite", path);
		goto done;
	}
	if (cfg->maint_keyrings.n + cfg->dm_keyrings.n == 0) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "'%s' names no "
		    "dgit-repos.maintainer-keyring or dm-keyring", path);
		goto done;
	}
	if (cfg->dm_keyrings.n && cfg->dm_txt == NULL) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "'%s' has a dm-keyring "
		    "but no dgit-repos.dm-txt", path);
		goto done;
	}
	cfg->suites = calloc(names.n, sizeof *cfg->suites);
	if (cfg->suites == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	for (size_t i = 0; i < names.n; i++) {
		struct suite *s = &cfg->suites[cfg->nsuites++];

		if (!suite_name_ok(names.v[i])) {
			err = dgit_error_fmt(DGIT_ERR_PARSE, "invalid suite "
			    "name '%s' in '%s'", names.v[i], path);
			goto done;
		}
		s->name = strdup(names.v[i]);
		s->gate_timeout = cfg->gate_timeout;
		if (s->name == NULL) {
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
		free(name);
		if (asprintf(&name, "suite.%s.alias", s->name) == -1) {
			name = NULL;
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
		if ((err = get_multi(&s->aliases, gc, cfg, name, 0)))
			goto done;
		free(name);
		if (asprintf(&name, "suite.%s.gate", s->name) == -1) {
			name = NULL;
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
		if ((err = get_str(&s->gate, gc, cfg, name, 1)))
			goto done;
		free(name);
		if (asprintf(&name, "suite.%s.gate-timeout", s->name) == -1) {
			name = NULL;
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
		if ((err = get_timeout(&s->gate_timeout, gc, cfg, name)))
			goto done;
	}
	*out = cfg;
	cfg = NULL;
done:
	free(name);
	free(path);
	strv_free(&names);
	git_config_free(gc);
	dgit_server_config_free(cfg);
	return err;
}

static const struct suite *
find_suite(const struct dgit_server_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nsuites; i++)
		if (strcmp(cfg->suites[i].name, name) == 0)
			return &cfg->suites[i];
	return NULL;
}

/* SERVERDIR/NAME, or SERVERDIR/_tmp/PACKAGE SUFFIX when sub is "_tmp". */
static const struct dgit_error *
server_path(char **out, const struct dgit_server_config *cfg,
    const char *sub, const char *package, const char *suffix)
{
	int r;

	if (sub)
		r = asprintf(out, "%s/%s/%s%s", cfg->dir, sub, package, suffix);
	else
		r = asprintf(out, "%s/%s%s", cfg->dir, package, suffix);
	if (r == -1) {
		*out = NULL;
		return dgit_error(DGIT_ERR_NOMEM);
	}
	return NULL;
}

static const struct dgit_error *
server_subdir(const struct dgit_server_config *cfg, const char *sub)
{
	char *path = NULL;
	const struct dgit_error *err;

	if (asprintf(&path, "%s/%s", cfg->dir, sub) == -1)
		return dgit_error(DGIT_ERR_NOMEM);
	err = dgit_fs_mkdirs(path);
	free(path);
	return err;
}

/* Is repo_path the package's live repository, SERVERDIR/PACKAGE.git? */
static int
is_live(const struct dgit_server_config *cfg, const char *repo_path,
    const char *package)
{
	char *live = NULL;
	int r;

	if (server_path(&live, cfg, NULL, package, ".git"))
		return 0;
	r = strcmp(live, repo_path) == 0;
	free(live);
	return r;
}

/* ---- init-repo ---- */

/* Single-quote s for the hook script; refuse what cannot be quoted. */
static const struct dgit_error *
sh_word_ok(const char *s)
{
	if (strchr(s, '\'') || strchr(s, '\n'))
		return dgit_error_fmt(DGIT_ERR_USAGE, "path '%s' contains a "
		    "quote or newline; use another directory", s);
	return NULL;
}

static const struct dgit_error *
write_hook(const char *gitdir, const char *hook, const char *exe,
    const char *serverdir, const char *package)
{
	const struct dgit_error *err = NULL;
	char *path = NULL;
	FILE *fp;

	if (asprintf(&path, "%s/hooks/%s", gitdir, hook) == -1)
		return dgit_error(DGIT_ERR_NOMEM);
	fp = fopen(path, "we");
	if (fp == NULL) {
		err = dgit_error_from_errno("cannot create '%s'", path);
		goto done;
	}
	fprintf(fp, "#!/bin/sh\n# made by dgit-repos-server init-repo\n"
	    "exec '%s' hook %s '%s' '%s'\n", exe, hook, serverdir, package);
	if (fclose(fp) == EOF) {
		err = dgit_error_from_errno("cannot write '%s'", path);
		goto done;
	}
	if (chmod(path, 0755) == -1)
		err = dgit_error_from_errno("cannot make '%s' executable",
		    path);
done:
	free(path);
	return err;
}

/*
 * Make the bare repository target (made beside it and renamed into place:
 * DGIT_ERR_EXISTS when it exists).  Its hooks run exe for SERVERDIR dir,
 * or, with exe NULL, are copies of the repository hooks_from's.
 */
static const struct dgit_error *
make_repo(const char *target, const char *dir, const char *package,
    const char *exe, const char *hooks_from)
{
	const struct dgit_error *err = NULL;
	git_repository *repo = NULL;
	git_config *gc = NULL;
	char *tmp = NULL, *src = NULL, *dst = NULL;
	git_repository_init_options opts = GIT_REPOSITORY_INIT_OPTIONS_INIT;
	static const char *const hooks[] = { "pre-receive", "post-receive" };

	if ((err = dgit_fs_tmpdir_beside(&tmp, target)))
		goto done;
	opts.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH |
	    GIT_REPOSITORY_INIT_NO_REINIT;
	opts.initial_head = "master";
	if (git_repository_init_ext(&repo, tmp, &opts) < 0) {
		repo = NULL;
		err = dgit_error_git("cannot make a repository in '%s'", tmp);
		goto done;
	}
	/*
	 * receive.fsckObjects: broken objects never get in.  denyDeletes and
	 * denyNonFastForwards stay off: the hook gives the reasons.
	 */
	if (git_repository_config(&gc, repo) < 0 ||
	    git_config_set_bool(gc, "receive.fsckObjects", 1) < 0 ||
	    git_config_set_string(gc, "dgit-repos.package", package) < 0) {
		err = dgit_error_git("cannot configure '%s'", tmp);
		goto done;
	}
	for (size_t i = 0; i < 2; i++) {
		if (exe) {
			if ((err = write_hook(tmp, hooks[i], exe, dir,
			    package)))
				goto done;
			continue;
		}
		free(src);
		free(dst);
		if (asprintf(&src, "%s/hooks/%s", hooks_from, hooks[i]) == -1)
			src = NULL;
		if (asprintf(&dst, "%s/hooks/%s", tmp, hooks[i]) == -1)
			dst = NULL;
		if (src == NULL || dst == NULL) {
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
		if ((err = dgit_fs_copy_file(dst, src)))
			goto done;
		if (chmod(dst, 0755) == -1) {
			err = dgit_error_from_errno("cannot make '%s' "
			    "executable", dst);
			goto done;
		}
	}
	if (chmod(tmp, 0755) == -1) {
		err = dgit_error_from_errno("cannot chmod '%s'", tmp);
		goto done;
	}
	if ((err = dgit_fs_rename_noreplace(tmp, target)))
		goto done;
	free(tmp);
	tmp = NULL;
done:
	git_config_free(gc);
	git_repository_free(repo);
	if (tmp) {
		dgit_fs_remove_tree(tmp);
		free(tmp);
	}
	free(src);
	free(dst);
	return err;
}

const struct dgit_error *
dgit_server_init_repo(char **out, const char *serverdir,
    const char *package, const char *exe)
{
	const struct dgit_error *err = NULL;
	char *target = NULL, *dir = NULL;

	if (out)
		*out = NULL;
	if (!dgit_tag_package_name_ok(package))
		return dgit_error_fmt(DGIT_ERR_USAGE, "'%s' is not a valid "
		    "source package name", package);
	if (exe[0] != '/')
		return dgit_error_fmt(DGIT_ERR_USAGE, "the hook program '%s' "
		    "must be an absolute path", exe);
	dir = realpath(serverdir, NULL);
	if (dir == NULL)
		return dgit_error_from_errno("cannot open the server "
		    "directory '%s'", serverdir);
	if ((err = sh_word_ok(dir)) || (err = sh_word_ok(exe)))
		goto done;
	if (asprintf(&target, "%s/%s.git", dir, package) == -1) {
		target = NULL;
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	if ((err = make_repo(target, dir, package, exe, NULL)))
		goto done;
	if (out) {
		*out = target;
		target = NULL;
	}
done:
	free(target);
	free(dir);
	return err;
}

/* ---- the push lock ---- */

/*
 * One push at a time per repository: git updates each ref of a push on
 * its own unless the pusher asked for --atomic, so two pushes checked at
 * once could leave one's tag with the other's branch.  The lock holds the
 * pid of the receive-pack that owns it; a dead owner's lock is stale.
 */
static const struct dgit_error *
lock_path(char **out, const char *repo_path)
{
	if (asprintf(out, "%s/%s", repo_path, LOCK_NAME) == -1) {
		*out = NULL;
		return dgit_error(DGIT_ERR_NOMEM);
	}
	return NULL;
}

static long
lock_owner(const char *path)
{
	char *s = NULL, *end;
	size_t len;
	long pid;

	if (dgit_fs_read_file(&s, &len, path, 64))
		return -1;
	errno = 0;
	pid = strtol(s, &end, 10);
	if (errno || end == s || pid <= 0)
		pid = -1;
	free(s);
	return pid;
}

/*
 * The lock is taken and released under an flock(2) on GUARD_NAME, held
 * only while this process looks at the lock: a lock being written is
 * never read half-written (and taken for stale), and two pushes that
 * both find a stale one cannot both take it.
 */
static int
guard_take(const char *repo_path)
{
	char *path = NULL;
	int fd;

	if (asprintf(&path, "%s/%s", repo_path, GUARD_NAME) == -1)
		return -1;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	free(path);
	if (fd == -1)
		return -1;
	while (flock(fd, LOCK_EX) == -1)
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	return fd;
}

static const struct dgit_error *
lock_take(const char *repo_path, const char *package, long owner)
{
	const struct dgit_error *err = NULL;
	char *path = NULL, pidbuf[32];
	int fd, guard;
	long other;

	if ((err = lock_path(&path, repo_path)))
		return err;
	if ((guard = guard_take(repo_path)) == -1) {
		err = dgit_error_from_errno("cannot take the push lock of '%s'",
		    repo_path);
		goto done;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd == -1 && errno == EEXIST) {
		other = lock_owner(path);
		if (other > 0 && other != owner &&
		    (kill((pid_t)other, 0) == 0 || errno != ESRCH)) {
			err = dgit_error_fmt(DGIT_ERR_EXISTS, "another push to "
			    "'%s' is in progress; fetch and try again",
			    package);
			goto done;
		}
		/* Stale (its receive-pack is gone) or ours: take it over. */
		unlink(path);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	}
	if (fd == -1) {
		err = dgit_error_from_errno("cannot create '%s'", path);
		goto done;
	}
	snprintf(pidbuf, sizeof pidbuf, "%ld\n", owner);
	if (write(fd, pidbuf, strlen(pidbuf)) != (ssize_t)strlen(pidbuf)) {
		err = dgit_error_from_errno("cannot write '%s'", path);
		close(fd);
		unlink(path);
		goto done;
	}
	close(fd);
done:
	if (guard != -1)
		close(guard);
	free(path);
	return err;
}

static void
lock_release(const char *repo_path, long owner)
{
	char *path = NULL;
	int guard;

	if (lock_path(&path, repo_path))
		return;
	guard = guard_take(repo_path);
	if (lock_owner(path) == owner)
		unlink(path);
	if (guard != -1)
		close(guard);
	free(path);
}

/* ---- the checks ---- */

struct update {
	git_oid old, new;
	char *ref;
};

struct push {
	const struct dgit_server_config *cfg;
	const char *package;
	const char *repo_path;
	git_repository *repo;
	dgit_server_say_fn say;
	void *arg;
	struct update u[MAX_UPDATES];
	size_t nu;
	struct update *branch, *tag, *mtag;
	const char *suite;              /* in branch->ref */
	char *tag_raw;                  /* the archive tag object */
	size_t tag_len, payload_len;
	struct dgit_tag_info info;
	int policy;
	char *fresh;                    /* FRESHREPO: the fresh repository */
};

static void
push_release(struct push *p)
{
	for (size_t i = 0; i < p->nu; i++)
		free(p->u[i].ref);
	free(p->tag_raw);
	free(p->fresh);
	dgit_tag_info_release(&p->info);
	git_repository_free(p->repo);
}

static void
say(struct push *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
say(struct push *p, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (p->say == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	p->say(p->arg, line);
}

static const struct dgit_error *
refuse(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static const struct dgit_error *
refuse(const char *fmt, ...)
{
	va_list ap;
	const struct dgit_error *err;

	va_start(ap, fmt);
	err = dgit_error_vfmt(DGIT_ERR_USAGE, fmt, ap);
	va_end(ap);
	return err;
}

/* Check 1: which refs, and how. */
static const struct dgit_error *
parse_updates(struct push *p, const char *buf, size_t len)
{
	const char *s = buf, *end = buf + len, *nl;
	char archive_prefix[256], maint_prefix[256];

	if (len > MAX_UPDATES_LEN || memchr(buf, '\0', len))
		return refuse("too many ref updates in one push");
	snprintf(archive_prefix, sizeof archive_prefix, "refs/tags/archive/%s/",
	    p->cfg->distro);
	snprintf(maint_prefix, sizeof maint_prefix, "refs/tags/%s/",
	    p->cfg->distro);
	while (s < end) {
		struct update *u;
		char oldhex[GIT_OID_HEXSZ + 1], newhex[GIT_OID_HEXSZ + 1];
		size_t n;

		nl = memchr(s, '\n', (size_t)(end - s));
		n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		if (n == 0) {
			s = nl ? nl + 1 : end;
			continue;
		}
		if (p->nu == MAX_UPDATES)
			return refuse("too many ref updates in one push");
		u = &p->u[p->nu];
		if (n < 2 * GIT_OID_HEXSZ + 3 || s[GIT_OID_HEXSZ] != ' ' ||
		    s[2 * GIT_OID_HEXSZ + 1] != ' ')
			return dgit_error_fmt(DGIT_ERR_PARSE, "cannot read "
			    "receive-pack's ref update line");
		memcpy(oldhex, s, GIT_OID_HEXSZ);
		oldhex[GIT_OID_HEXSZ] = '\0';
		memcpy(newhex, s + GIT_OID_HEXSZ + 1, GIT_OID_HEXSZ);
		newhex[GIT_OID_HEXSZ] = '\0';
		if (git_oid_fromstr(&u->old, oldhex) < 0 ||
		    git_oid_fromstr(&u->new, newhex) < 0)
			return dgit_error_fmt(DGIT_ERR_PARSE, "cannot read "
			    "receive-pack's ref update line");
		u->ref = strndup(s + 2 * GIT_OID_HEXSZ + 2,
		    n - 2 * GIT_OID_HEXSZ - 2);
		if (u->ref == NULL)
			return dgit_error(DGIT_ERR_NOMEM);
		p->nu++;
		s = nl ? nl + 1 : end;

		if (git_oid_is_zero(&u->new))
			return refuse("deleting '%s' is not allowed; dgit "
			    "pushes only add versions", u->ref);
		if (strncmp(u->ref, "refs/dgit/", 10) == 0) {
			if (p->branch)
				return refuse("pushing more than one dgit "
				    "branch ('%s' and '%s'); push one suite "
				    "at a time", p->branch->ref, u->ref);
			p->branch = u;
			p->suite = u->ref + 10;
		} else if (strncmp(u->ref, archive_prefix,
		    strlen(archive_prefix)) == 0) {
			if (p->tag)
				return refuse("pushing more than one archive "
				    "tag ('%s' and '%s')", p->tag->ref,
				    u->ref);
			p->tag = u;
		} else if (strncmp(u->ref, maint_prefix,
		    strlen(maint_prefix)) == 0) {
			if (p->mtag)
				return refuse("pushing more than one "
				    "maintainer-view tag ('%s' and '%s')",
				    p->mtag->ref, u->ref);
			p->mtag = u;
		} else {
			return refuse("'%s' may not be pushed here; a dgit "
			    "server takes only refs/dgit/SUITE and its "
			    "%s tags", u->ref, p->cfg->distro);
		}
		if (strncmp(u->ref, "refs/tags/", 10) == 0 &&
		    !git_oid_is_zero(&u->old))
			return refuse("tag '%s' already exists; not replacing "
			    "a previously pushed version", u->ref + 10);
	}
	if (p->branch == NULL)
		return refuse("the push has no refs/dgit/SUITE branch; push "
		    "with dgit push-source");
	if (p->tag == NULL)
		return refuse("the push has no archive/%s/VERSION tag; push "
		    "with dgit push-source", p->cfg->distro);
	return NULL;
}

/* Read a tag object, capped; "object/type/tag" headers once each. */
static const struct dgit_error *
read_tag(char **raw, size_t *rawlen, git_tag **tag, struct push *p,
    const struct update *u)
{
	const struct dgit_error *err = NULL;
	git_odb *odb = NULL;
	git_odb_object *obj = NULL;
	git_object_t type;
	size_t size;
	const char *s, *e, *hdr_end;
	int nobject = 0, ntype = 0, ntag = 0;

	*raw = NULL;
	*rawlen = 0;
	*tag = NULL;
	if (git_repository_odb(&odb, p->repo) < 0)
		return dgit_error_git("cannot open the object database");
	if (git_odb_read_header(&size, &type, odb, &u->new) < 0) {
		err = dgit_error_git("cannot read '%s'", u->ref);
		goto done;
	}
	if (type != GIT_OBJECT_TAG) {
		err = refuse("'%s' is not an annotated signed tag; dgit makes "
		    "signed tags", u->ref);
		goto done;
	}
	if (size > DGIT_TAG_MAX) {
		err = refuse("tag '%s' is too large (%zu bytes)", u->ref, size);
		goto done;
	}
	if (git_odb_read(&obj, odb, &u->new) < 0) {
		err = dgit_error_git("cannot read '%s'", u->ref);
		goto done;
	}
	size = git_odb_object_size(obj);
	*raw = malloc(size + 1);
	if (*raw == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	memcpy(*raw, git_odb_object_data(obj), size);
	(*raw)[size] = '\0';
	*rawlen = size;
	hdr_end = strstr(*raw, "\n\n");
	if (memchr(*raw, '\0', size) || hdr_end == NULL) {
		err = refuse("tag '%s' is malformed", u->ref);
		goto done;
	}
	for (s = *raw; s < hdr_end; s = e + 1) {
		e = strchr(s, '\n');
		nobject += strncmp(s, "object ", 7) == 0;
		ntype += strncmp(s, "type ", 5) == 0;
		ntag += strncmp(s, "tag ", 4) == 0;
	}
	if (nobject != 1 || ntype != 1 || ntag != 1) {
		err = refuse("tag '%s' has missing or repeated headers",
		    u->ref);
		goto done;
	}
	if (git_tag_lookup(tag, p->repo, &u->new) < 0) {
		*tag = NULL;
		err = refuse("tag '%s' is malformed: %s", u->ref,
		    git_error_last() ? git_error_last()->message : "?");
		goto done;
	}
done:
	if (err) {
		free(*raw);
		*raw = NULL;
	}
	git_odb_object_free(obj);
	git_odb_free(odb);
	return err;
}

/* The tag points at the pushed commit and is named as its ref. */
static const struct dgit_error *
check_tag_object(struct push *p, git_tag *tag, const struct update *u,
    const git_oid *want_target)
{
	if (git_tag_target_type(tag) != GIT_OBJECT_COMMIT)
		return refuse("tag '%s' does not point at a commit", u->ref);
	if (want_target && !git_oid_equal(git_tag_target_id(tag), want_target)) {
		char a[GIT_OID_HEXSZ + 1], b[GIT_OID_HEXSZ + 1];

		git_oid_tostr(a, sizeof a, git_tag_target_id(tag));
		git_oid_tostr(b, sizeof b, want_target);
		return refuse("tag '%s' points at %s, not at the pushed "
		    "'%s' (%s)", u->ref + 10, a, p->branch->ref, b);
	}
	if (strcmp(git_tag_name(tag), u->ref + 10) != 0)
		return refuse("tag '%s' says its name is '%s'", u->ref + 10,
		    git_tag_name(tag));
	return NULL;
}

/* Check 2: what the tag message says against where it is pushed. */
static const struct dgit_error *
check_message(struct push *p)
{
	const struct dgit_error *err;
	const struct dgit_tag_info *t = &p->info;
	const struct suite *s;
	const char *msg = strstr(p->tag_raw, "\n\n") + 2;
	char *want = NULL;
	size_t i;
	int alias_ok;

	err = dgit_tag_parse_message(&p->info, msg,
	    p->payload_len - (size_t)(msg - p->tag_raw));
	if (err)
		return refuse("%s", err->msg);
	if (strcmp(t->package, p->package) != 0)
		return refuse("the tag is for package '%s' but this is the "
		    "repository of '%s'", t->package, p->package);
	if (strcmp(t->csuite, p->suite) != 0)
		return refuse("the tag is for suite '%s' but was pushed to "
		    "'%s'", t->csuite, p->branch->ref);
	s = find_suite(p->cfg, p->suite);
	if (s == NULL) {
		for (i = 0; i < p->cfg->nsuites; i++)
			for (size_t j = 0; j < p->cfg->suites[i].aliases.n; j++)
				if (strcmp(p->cfg->suites[i].aliases.v[j],
				    p->suite) == 0)
					return refuse("suite '%s' is an alias; "
					    "push to refs/dgit/%s", p->suite,
					    p->cfg->suites[i].name);
		return refuse("unknown suite '%s'; this server takes %s%s",
		    p->suite, p->cfg->suites[0].name,
		    p->cfg->nsuites > 1 ? " and others" : "");
	}
	alias_ok = strcmp(t->clogsuite, s->name) == 0;
	for (i = 0; i < s->aliases.n; i++)
		alias_ok |= strcmp(t->clogsuite, s->aliases.v[i]) == 0;
	if (!alias_ok)
		return refuse("the tag's changelog suite '%s' is not '%s' or "
		    "one of its aliases", t->clogsuite, s->name);
	if (t->distro == NULL)
		return refuse("the tag does not say its distro ([dgit "
		    "distro=...])");
	if (strcmp(t->distro, p->cfg->distro) != 0)
		return refuse("the tag is for distro '%s' but this server is "
		    "'%s'", t->distro, p->cfg->distro);
	if ((err = dgit_history_archive_tag(&want, p->cfg->distro,
	    t->version)))
		return err;
	if (strcmp(want, p->tag->ref + 10) != 0) {
		err = refuse("the tag of version '%s' must be named '%s', not "
		    "'%s'", t->version, want, p->tag->ref + 10);
		free(want);
		return err;
	}
	free(want);
	if (p->mtag) {
		if ((err = dgit_history_maint_tag(&want, p->cfg->distro,
		    t->version)))
			return err;
		if (strcmp(want, p->mtag->ref + 10) != 0) {
			err = refuse("the maintainer-view tag of version '%s' "
			    "must be named '%s', not '%s'", t->version, want,
			    p->mtag->ref + 10);
			free(want);
			return err;
		}
		free(want);
	}
	return NULL;
}

/* Is fpr in a dm.txt stanza whose Allow: names the package? */
static const struct dgit_error *
dm_allowed(const struct push *p, const char *fpr)
{
	const struct dgit_error *err;
	char *txt = NULL, *line, *save = NULL;
	size_t len;
	int in_stanza = 0, in_allow = 0, allowed = 0, saw_key = 0;

	err = dgit_fs_read_file(&txt, &len, p->cfg->dm_txt, DM_TXT_MAX);
	if (err)
		return dgit_error_wrap(err, "DM permissions");
	for (line = strtok_r(txt, "\n", &save); line && !allowed;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strncasecmp(line, "fingerprint:", 12) == 0) {
			char *v = line + 12;

			while (*v == ' ' || *v == '\t')
				v++;
			in_stanza = strcasecmp(v, fpr) == 0;
			saw_key |= in_stanza;
			in_allow = 0;
			continue;
		}
		if (!in_stanza)
			continue;
		if (strncasecmp(line, "allow:", 6) == 0) {
			in_allow = 1;
			line += 6;
		} else if (line[0] == ' ' || line[0] == '\t') {
			if (!in_allow)
				continue;
		} else {
			in_allow = 0;
			continue;
		}
		/* "pkg (Name [fpr])," items: words outside parentheses. */
		for (char *w = line; *w && !allowed;) {
			size_t n;

			while (*w == ' ' || *w == '\t' || *w == ',')
				w++;
			if (*w == '(') {
				char *c = strchr(w, ')');

				w = c ? c + 1 : w + strlen(w);
				continue;
			}
			n = strcspn(w, " \t,(");
			if (n == strlen(p->package) &&
			    strncmp(w, p->package, n) == 0)
				allowed = 1;
			w += n;
		}
	}
	free(txt);
	if (allowed)
		return NULL;
	if (!saw_key)
		return refuse("key %s is in the DM keyring but not in the DM "
		    "permissions list", fpr);
	return refuse("key %s (a DM key) is not allowed to upload '%s'", fpr,
	    p->package);
}

/* Check 3: who signed, with which class of signature. */
static const struct dgit_error *
check_signature(struct push *p, const char *raw, size_t payload_len,
    size_t len, const char *ref)
{
	const struct dgit_error *err = NULL;
	struct dgit_verify_result *r = NULL;
	int dm = 0;

	if (p->cfg->maint_keyrings.n) {
		err = dgit_verify_detached(&r,
		    (const char *const *)p->cfg->maint_keyrings.v,
		    p->cfg->maint_keyrings.n, raw, payload_len,
		    raw + payload_len, len - payload_len, ref);
		if (err && err->code != DGIT_ERR_UNKNOWN_KEY)
			return refuse("%s", err->msg);
	}
	if (r == NULL && p->cfg->dm_keyrings.n) {
		err = dgit_verify_detached(&r,
		    (const char *const *)p->cfg->dm_keyrings.v,
		    p->cfg->dm_keyrings.n, raw, payload_len,
		    raw + payload_len, len - payload_len, ref);
		if (err && err->code != DGIT_ERR_UNKNOWN_KEY)
			return refuse("%s", err->msg);
		dm = 1;
	}
	if (r == NULL)
		return refuse("tag '%s' is not signed by a key this server "
		    "knows (%s)", ref, err ? err->msg : "no keyring");
	if (r->sig_class != 0)
		err = refuse("the signature on '%s' is of class %02x, not 00 "
		    "(a binary document signature, as git tag -s makes)",
		    ref, r->sig_class & 0xff);
	else if (dm)
		err = dm_allowed(p, r->fpr);
	dgit_verify_result_free(r);
	return err;
}

/* Check 4a: a tag object the server removed before may not come back. */
static const struct dgit_error *
check_removed(struct push *p)
{
	const struct dgit_error *err;
	char *txt = NULL, *path = NULL, *line, *save = NULL, hex[GIT_OID_HEXSZ + 1];
	size_t len;

	git_oid_tostr(hex, sizeof hex, &p->tag->new);
	if ((err = server_path(&path, p->cfg, "_removed-tags", p->package,
	    "")))
		return err;
	err = dgit_fs_read_file(&txt, &len, path, REMOVED_TAGS_MAX);
	free(path);
	if (err)
		return err->code == DGIT_ERR_NOT_FOUND ? NULL : err;
	/* Lines "OBJID REFNAME ."; a line without the " ." is torn. */
	for (line = strtok_r(txt, "\n", &save); line && !err;
	    line = strtok_r(NULL, "\n", &save)) {
		size_t n = strlen(line);

		if (n > GIT_OID_HEXSZ + 3 && strcmp(line + n - 2, " .") == 0 &&
		    strncmp(line, hex, GIT_OID_HEXSZ) == 0 &&
		    line[GIT_OID_HEXSZ] == ' ') {
			line[n - 2] = '\0';
			err = refuse("replay of a previously rewound upload "
			    "(tag object %s, once %s); make a new version",
			    hex, line + GIT_OID_HEXSZ + 1);
		}
	}
	free(txt);
	return err;
}

static const char *
declared(const struct push *p, const char *ref)
{
	for (size_t i = 0; i < p->info.npreviously; i++)
		if (strcmp(p->info.previously[i].ref, ref) == 0)
			return p->info.previously[i].objid;
	return NULL;
}

/*
 * Check 4b: a tag allowed to rewind (or to start afresh) must name what it
 * replaces, so it cannot be replayed onto another state of the repository.
 */
static const struct dgit_error *
check_previously(struct push *p)
{
	const struct dgit_error *err = NULL;
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	git_oid head;
	char hex[GIT_OID_HEXSZ + 1];
	int have_head, nchecked = 0;

	if (!(p->policy & (DGIT_SERVER_NOFFCHECK | DGIT_SERVER_FRESHREPO)))
		return NULL;
	have_head = git_reference_name_to_id(&head, p->repo, p->branch->ref)
	    == 0;
	if (!(p->policy & DGIT_SERVER_FRESHREPO) && !have_head)
		return NULL;
	if (git_reference_iterator_new(&it, p->repo) < 0)
		return dgit_error_git("cannot list the refs");
	while (err == NULL && git_reference_next(&ref, it) == 0) {
		const char *name = git_reference_name(ref);
		const char *d;
		git_oid id, peeled;
		git_object *obj = NULL;
		int relevant;

		if (git_reference_type(ref) != GIT_REFERENCE_DIRECT) {
			git_reference_free(ref);
			continue;
		}
		git_oid_cpy(&id, git_reference_target(ref));
		if (p->policy & DGIT_SERVER_FRESHREPO) {
			relevant = strncmp(name, "refs/tags/", 10) == 0 ||
			    strncmp(name, "refs/heads/", 11) == 0;
		} else {
			/* Tags that refer to the branch head being replaced. */
			relevant = strncmp(name, "refs/tags/", 10) == 0 &&
			    git_object_lookup(&obj, p->repo, &id,
			    GIT_OBJECT_ANY) == 0 &&
			    git_object_type(obj) == GIT_OBJECT_TAG &&
			    git_oid_cpy(&peeled, git_tag_target_id(
			    (git_tag *)obj)) == 0 &&
			    git_oid_equal(&peeled, &head);
			git_object_free(obj);
		}
		if (relevant) {
			git_oid_tostr(hex, sizeof hex, &id);
			d = declared(p, name + 5);
			if (d == NULL)
				err = refuse("replay protection: the tag for "
				    "%s does not declare previously:%s=%s",
				    p->info.version, name + 5, hex);
			else if (strcmp(d, hex) != 0)
				err = refuse("replay protection: the tag for "
				    "%s declares previously:%s=%s but it is "
				    "%s", p->info.version, name + 5, d, hex);
			nchecked++;
		}
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	if (err == NULL && !(p->policy & DGIT_SERVER_FRESHREPO) && !nchecked) {
		git_oid_tostr(hex, sizeof hex, &head);
		err = refuse("replay protection: no tag refers to the head "
		    "%s of '%s' being replaced", hex, p->branch->ref);
	}
	return err;
}

/* Check 5a: every new commit has proper metadata (Debian #849041). */
static const struct dgit_error *
check_commits(struct push *p)
{
	const struct dgit_error *err = NULL;
	git_revwalk *walk = NULL;
	git_oid id;
	char hex[GIT_OID_HEXSZ + 1];

	if (git_revwalk_new(&walk, p->repo) < 0 ||
	    git_revwalk_push(walk, &p->branch->new) < 0 ||
	    (!git_oid_is_zero(&p->branch->old) &&
	    git_revwalk_hide(walk, &p->branch->old) < 0)) {
		git_oid_tostr(hex, sizeof hex, &p->branch->new);
		err = refuse("corrupted commit %s or its history under '%s' "
		    "(%s)", hex, p->branch->ref, git_error_last() ?
		    git_error_last()->message : "?");
		goto done;
	}
	for (;;) {
		git_commit *c = NULL;
		const git_signature *a, *cm;
		int rc = git_revwalk_next(&id, walk);

		if (rc == GIT_ITEROVER)
			break;
		if (rc < 0) {
			err = refuse("corrupted history under '%s': %s",
			    p->branch->ref, git_error_last() ?
			    git_error_last()->message : "?");
			goto done;
		}
		git_oid_tostr(hex, sizeof hex, &id);
		if (git_commit_lookup(&c, p->repo, &id) < 0) {
			err = refuse("corrupted commit %s (missing metadata: "
			    "%s)", hex, git_error_last() ?
			    git_error_last()->message : "?");
			goto done;
		}
		a = git_commit_author(c);
		cm = git_commit_committer(c);
		if (a == NULL || cm == NULL || a->email == NULL ||
		    cm->email == NULL || a->name == NULL || cm->name == NULL ||
		    (a->name[0] == '\0' && a->email[0] == '\0') ||
		    (cm->name[0] == '\0' && cm->email[0] == '\0'))
			err = refuse("corrupted commit %s (missing author or "
			    "committer)", hex);
		git_commit_free(c);
		if (err)
			goto done;
	}
done:
	git_revwalk_free(walk);
	return err;
}

/* Check 5b: no rewind unless the policy allows it. */
static const struct dgit_error *
check_history(struct push *p)
{
	const struct dgit_error *err;
	int rc;

	if (!(p->policy & DGIT_SERVER_NOCOMMITCHECK) &&
	    (err = check_commits(p)))
		return err;
	if (git_oid_is_zero(&p->branch->old) ||
	    (p->policy & DGIT_SERVER_NOFFCHECK) ||
	    git_oid_equal(&p->branch->old, &p->branch->new))
		return NULL;
	rc = git_graph_descendant_of(p->repo, &p->branch->new,
	    &p->branch->old);
	if (rc < 0)
		return dgit_error_git("cannot compare '%s' with its old value",
		    p->branch->ref);
	if (rc == 0)
		return refuse("not a fast forward on '%s'; to rewind "
		    "deliberately, push with --deliberately-not-fast-forward "
		    "where this server allows it", p->branch->ref);
	return NULL;
}

/* Say a child's captured output to the pusher, line by line. */
static void
say_output(struct push *p, const char *prefix, const char *buf, size_t len)
{
	const char *s = buf, *end = buf + len, *nl;

	while (s < end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		say(p, "%s%.*s", prefix, (int)((nl ? nl : end) - s), s);
		s = nl ? nl + 1 : end;
	}
}

/* The policy hook, as dgit's server runs it; returns its exit bits. */
static const struct dgit_error *
run_policy(struct push *p, const char *action, int allowed, const char *extra)
{
	const struct dgit_error *err;
	struct dgit_run_result res = DGIT_RUN_RESULT_INIT;
	struct dgit_run_opts opts = { 0 };
	char *delibs = NULL, *tagname = p->tag->ref + 10;
	size_t dl = 0;
	const char *argv[16];
	int n = 0;

	for (size_t i = 0; i < p->info.ndeliberately; i++)
		dl += strlen(p->info.deliberately[i]) + 1;
	delibs = calloc(1, dl + 1);
	if (delibs == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	for (size_t i = 0; i < p->info.ndeliberately; i++) {
		if (i)
			strncat(delibs, ",", dl);
		strncat(delibs, p->info.deliberately[i], dl);
	}
	/* DISTRO REPOS-DIR LIVE-DIR DISTRO-DIR, all the server's here. */
	argv[n++] = p->cfg->policy_hook;
	argv[n++] = p->cfg->distro;
	argv[n++] = p->cfg->dir;
	argv[n++] = p->cfg->dir;
	argv[n++] = p->cfg->dir;
	argv[n++] = action;
	argv[n++] = p->package;
	argv[n++] = p->info.version;
	argv[n++] = p->suite;
	argv[n++] = tagname;
	argv[n++] = delibs;
	if (extra)
		argv[n++] = extra;
	argv[n] = NULL;
	opts.cwd = p->repo_path;
	opts.out = DGIT_RUN_OUT_CAPTURE;
	opts.err = DGIT_RUN_OUT_CAPTURE;
	opts.cap = GATE_LOG_MAX;
	err = dgit_run_status(&res, argv, &opts);
	free(delibs);
	if (err) {
		err = refuse("policy hook '%s' failed: %s", p->cfg->policy_hook,
		    err->msg);
		goto done;
	}
	say_output(p, "policy: ", res.out ? res.out : "", res.out_len);
	say_output(p, "policy: ", res.err ? res.err : "", res.err_len);
	if (res.exit_code & ~allowed) {
		err = refuse("the server's policy refuses this push (policy "
		    "hook %s exited with status %d)", action, res.exit_code);
		goto done;
	}
	if (allowed)
		p->policy = res.exit_code;
done:
	dgit_run_result_release(&res);
	return err;
}

/* Check 7: the suite's gate gets the pushed tree in a directory. */
static const struct dgit_error *
run_gate(struct push *p, const struct suite *s)
{
	const struct dgit_error *err = NULL;
	struct dgit_run_result res = DGIT_RUN_RESULT_INIT;
	struct dgit_run_opts opts = { 0 };
	git_checkout_options co = GIT_CHECKOUT_OPTIONS_INIT;
	git_commit *c = NULL;
	git_tree *tree = NULL;
	char *tmp = NULL, *tree_dir = NULL, secs[32], hex[GIT_OID_HEXSZ + 1];
	char *env_pkg = NULL, *env_ver = NULL, *env_suite = NULL,
	    *env_commit = NULL;
	const char *tmpbase = getenv("TMPDIR");
	const char *argv[8], *env[6];

	if (tmpbase == NULL || tmpbase[0] != '/')
		tmpbase = "/tmp";
	if ((err = dgit_fs_mkdtemp_told(&tmp, tmpbase, "dgit-gate",
	    p->cfg->told, p->cfg->told_arg)))
		return err;
	if (asprintf(&tree_dir, "%s/%s", tmp, p->package) == -1) {
		tree_dir = NULL;
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	if (git_commit_lookup(&c, p->repo, &p->branch->new) < 0 ||
	    git_commit_tree(&tree, c) < 0) {
		err = dgit_error_git("cannot read the pushed tree");
		goto done;
	}
	co.checkout_strategy = GIT_CHECKOUT_FORCE |
	    GIT_CHECKOUT_DISABLE_PATHSPEC_MATCH | GIT_CHECKOUT_DONT_WRITE_INDEX;
	co.target_directory = tree_dir;
	co.disable_filters = 1;
	if (git_checkout_tree(p->repo, (git_object *)tree, &co) < 0) {
		err = dgit_error_git("cannot export the pushed tree to '%s'",
		    tree_dir);
		goto done;
	}
	git_oid_tostr(hex, sizeof hex, &p->branch->new);
	snprintf(secs, sizeof secs, "%ld", s->gate_timeout);
	if (asprintf(&env_pkg, "DGIT_PACKAGE=%s", p->package) == -1 ||
	    asprintf(&env_ver, "DGIT_VERSION=%s", p->info.version) == -1 ||
	    asprintf(&env_suite, "DGIT_SUITE=%s", p->suite) == -1 ||
	    asprintf(&env_commit, "DGIT_COMMIT=%s", hex) == -1) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	/* git's quarantine is for git; the gate sees a plain directory. */
	env[0] = env_pkg;
	env[1] = env_ver;
	env[2] = env_suite;
	env[3] = env_commit;
	env[4] = "GIT_DIR";
	env[5] = NULL;
	/* coreutils timeout: TERM at the limit, KILL 10 s later. */
	argv[0] = "timeout";
	argv[1] = "--kill-after=10";
	argv[2] = secs;
	argv[3] = s->gate;
	argv[4] = tree_dir;
	argv[5] = NULL;
	opts.env = env;
	opts.cwd = tree_dir;
	opts.out = DGIT_RUN_OUT_CAPTURE;
	opts.err = DGIT_RUN_OUT_CAPTURE;
	opts.cap = GATE_LOG_MAX;
	say(p, "running the push gate for %s", s->name);
	err = dgit_run_status(&res, argv, &opts);
	say_output(p, "gate: ", res.out ? res.out : "", res.out_len);
	say_output(p, "gate: ", res.err ? res.err : "", res.err_len);
	if (err) {
		err = refuse("the push gate for %s failed: %s", s->name,
		    err->msg);
		goto done;
	}
	if (res.exit_code == 124 || res.exit_code == 137)
		err = refuse("the push gate for %s took longer than %ld "
		    "seconds; the push is refused", s->name, s->gate_timeout);
	else if (res.exit_code != 0)
		err = refuse("the push gate for %s refused the push (exit "
		    "status %d)", s->name, res.exit_code);
done:
	dgit_run_result_release(&res);
	free(env_pkg);
	free(env_ver);
	free(env_suite);
	free(env_commit);
	git_tree_free(tree);
	git_commit_free(c);
	if (dgit_fs_remove_tree(tmp) == NULL && p->cfg->told)
		p->cfg->told(p->cfg->told_arg, tmp, 0);
	free(tmp);
	free(tree_dir);
	return err;
}

/*
 * FRESHREPO: the policy asks for the repository to start afresh, as if it
 * had never existed.  Refs cannot be removed from inside pre-receive (git
 * forbids ref updates under its quarantine, and a push refused after that
 * would have lost them), so, as Debian's server does, a fresh repository
 * SERVERDIR/_tmp/PACKAGE_fresh.git is made now with only the pushed
 * objects and refs; post-receive, once receive-pack has updated the live
 * repository, puts it in the live one's place (fresh_install).
 */
static const struct dgit_error *
fresh_make(struct push *p)
{
	const struct dgit_error *err = NULL;
	git_packbuilder *pb = NULL;
	git_revwalk *walk = NULL;
	git_repository *fresh = NULL;
	char *packdir = NULL;

	if ((err = server_subdir(p->cfg, "_tmp")) ||
	    (err = server_path(&p->fresh, p->cfg, "_tmp", p->package,
	    "_fresh.git")))
		return err;
	if ((err = dgit_fs_remove_tree(p->fresh)))
		return err;
	if ((err = make_repo(p->fresh, p->cfg->dir, p->package, NULL,
	    p->repo_path)))
		goto done;
	if (asprintf(&packdir, "%s/objects/pack", p->fresh) == -1) {
		packdir = NULL;
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	/* The pushed history and tags, read through the quarantine. */
	if (git_packbuilder_new(&pb, p->repo) < 0 ||
	    git_revwalk_new(&walk, p->repo) < 0 ||
	    git_revwalk_push(walk, &p->branch->new) < 0 ||
	    git_packbuilder_insert_walk(pb, walk) < 0 ||
	    git_packbuilder_insert(pb, &p->tag->new, NULL) < 0 ||
	    (p->mtag && git_packbuilder_insert_recur(pb, &p->mtag->new,
	    NULL) < 0) ||
	    git_packbuilder_write(pb, packdir, 0, NULL, NULL) < 0) {
		err = dgit_error_git("cannot copy the pushed objects into "
		    "'%s'", p->fresh);
		goto done;
	}
	if (git_repository_open_bare(&fresh, p->fresh) < 0) {
		fresh = NULL;
		err = dgit_error_git("cannot open '%s'", p->fresh);
		goto done;
	}
	for (size_t i = 0; i < p->nu && err == NULL; i++) {
		git_reference *ref = NULL;

		if (git_reference_create(&ref, fresh, p->u[i].ref,
		    &p->u[i].new, 0, "dgit-repos-server: fresh") < 0)
			err = dgit_error_git("cannot make '%s' in '%s'",
			    p->u[i].ref, p->fresh);
		git_reference_free(ref);
	}
done:
	git_repository_free(fresh);
	git_revwalk_free(walk);
	git_packbuilder_free(pb);
	free(packdir);
	if (err) {
		dgit_fs_remove_tree(p->fresh);
		free(p->fresh);
		p->fresh = NULL;
	}
	return err;
}

/* Does repo have ref name at id? */
static int
has_ref_at(git_repository *repo, const char *name, const git_oid *id)
{
	git_oid cur;

	return git_reference_name_to_id(&cur, repo, name) == 0 &&
	    git_oid_equal(&cur, id);
}

/*
 * Append the live repository's tags that the fresh one lacks to
 * SERVERDIR/_removed-tags/PACKAGE, Debian's file: lines "\nOBJID TAG .\n",
 * appended, so a torn write is a line without " ." and is ignored.
 */
static const struct dgit_error *
record_removed(const struct dgit_server_config *cfg, git_repository *live,
    git_repository *fresh, const char *package)
{
	const struct dgit_error *err = NULL;
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	char *path = NULL, hex[GIT_OID_HEXSZ + 1];
	FILE *fp = NULL;

	if ((err = server_subdir(cfg, "_removed-tags")) ||
	    (err = server_path(&path, cfg, "_removed-tags", package, "")))
		return err;
	fp = fopen(path, "ae");
	if (fp == NULL) {
		err = dgit_error_from_errno("cannot open '%s'", path);
		goto done;
	}
	if (git_reference_iterator_glob_new(&it, live, "refs/tags/*") < 0) {
		err = dgit_error_git("cannot list the tags");
		goto done;
	}
	while (err == NULL && git_reference_next(&ref, it) == 0) {
		const char *name = git_reference_name(ref);
		const git_oid *id = git_reference_target(ref);

		if (id && !has_ref_at(fresh, name, id)) {
			git_oid_tostr(hex, sizeof hex, id);
			if (fprintf(fp, "\n%s %s .\n", hex, name + 10) < 0 ||
			    fflush(fp) == EOF)
				err = dgit_error_from_errno("cannot write "
				    "'%s'", path);
		}
		git_reference_free(ref);
	}
done:
	git_reference_iterator_free(it);
	if (fp && fclose(fp) == EOF && err == NULL)
		err = dgit_error_from_errno("cannot write '%s'", path);
	free(path);
	return err;
}

/*
 * Post-receive of a FRESHREPO push: the fresh repository takes the live
 * one's place; the old one becomes SERVERDIR/PACKAGE_garbage (the one
 * before it PACKAGE_garbage-old, so one old tree is always kept for
 * recovery, as Debian's server keeps it).
 */
static const struct dgit_error *
fresh_install(const struct dgit_server_config *cfg, const char *repo_path,
    const char *package)
{
	const struct dgit_error *err = NULL;
	git_repository *live = NULL, *fresh = NULL;
	char *fpath = NULL, *garbage = NULL, *gold = NULL, *gtmp = NULL;
	struct stat st;

	if ((err = server_path(&fpath, cfg, "_tmp", package, "_fresh.git")))
		return err;
	if (stat(fpath, &st) == -1 || !is_live(cfg, repo_path, package))
		goto done;
	if ((err = server_path(&garbage, cfg, NULL, package, "_garbage")) ||
	    (err = server_path(&gold, cfg, NULL, package, "_garbage-old")) ||
	    (err = server_path(&gtmp, cfg, NULL, package, "_garbage-tmp")))
		goto done;
	if (git_repository_open_bare(&live, repo_path) < 0 ||
	    git_repository_open_bare(&fresh, fpath) < 0) {
		err = dgit_error_git("cannot open '%s' or '%s'", repo_path,
		    fpath);
		goto done;
	}
	if ((err = record_removed(cfg, live, fresh, package)))
		goto done;
	if (lstat(garbage, &st) == 0) {
		if ((err = dgit_fs_remove_tree(gold)))
			goto done;
		if (rename(garbage, gold) == -1) {
			err = dgit_error_from_errno("cannot rename '%s'",
			    garbage);
			goto done;
		}
	}
	if ((err = dgit_fs_remove_tree(gtmp)) ||
	    (err = dgit_fs_exchange(fpath, repo_path, gtmp)))
		goto done;
	if (rename(fpath, garbage) == -1)
		err = dgit_error_from_errno("cannot rename '%s' to '%s'",
		    fpath, garbage);
done:
	git_repository_free(live);
	git_repository_free(fresh);
	free(fpath);
	free(garbage);
	free(gold);
	free(gtmp);
	return err;
}

/*
 * Under the push lock, each ref must still be what the pusher saw: a push
 * checked against a state that another push has since changed is refused
 * whole, rather than left to receive-pack's ref-by-ref updates.
 */
static const struct dgit_error *
check_current(struct push *p)
{
	for (size_t i = 0; i < p->nu; i++) {
		git_oid cur;
		int rc = git_reference_name_to_id(&cur, p->repo, p->u[i].ref);

		if (rc == GIT_ENOTFOUND)
			git_oid_fromstr(&cur,
			    "0000000000000000000000000000000000000000");
		else if (rc < 0)
			return dgit_error_git("cannot read '%s'", p->u[i].ref);
		if (!git_oid_equal(&cur, &p->u[i].old))
			return refuse("'%s' has changed since you fetched (a "
			    "push that came first); fetch and try again",
			    p->u[i].ref);
	}
	return NULL;
}

static const struct dgit_error *
checks(struct push *p, const char *updates, size_t len)
{
	const struct dgit_error *err;
	git_tag *tag = NULL;
	const struct suite *s;

	if ((err = parse_updates(p, updates, len)))
		return err;
	if ((err = check_current(p)))
		return err;
	if ((err = read_tag(&p->tag_raw, &p->tag_len, &tag, p, p->tag)))
		return err;
	err = check_tag_object(p, tag, p->tag, &p->branch->new);
	git_tag_free(tag);
	if (err)
		return err;
	if ((err = dgit_tag_split_signature(&p->payload_len, p->tag_raw,
	    p->tag_len)))
		return refuse("tag '%s' is not signed", p->tag->ref + 10);
	if ((err = check_message(p)))
		return err;
	if ((err = check_signature(p, p->tag_raw, p->payload_len,
	    p->tag_len, p->tag->ref + 10)))
		return err;
	if (p->mtag) {
		char *raw = NULL;
		size_t rawlen, pl;

		err = read_tag(&raw, &rawlen, &tag, p, p->mtag);
		if (err == NULL) {
			err = check_tag_object(p, tag, p->mtag, NULL);
			git_tag_free(tag);
		}
		if (err == NULL &&
		    dgit_tag_split_signature(&pl, raw, rawlen) != NULL)
			err = refuse("tag '%s' is not signed",
			    p->mtag->ref + 10);
		if (err == NULL)
			err = check_signature(p, raw, pl, rawlen,
			    p->mtag->ref + 10);
		free(raw);
		if (err)
			return err;
	}
	if ((err = check_removed(p)))
		return err;
	if (p->cfg->policy_hook) {
		if ((err = run_policy(p, "push", DGIT_SERVER_NOFFCHECK |
		    DGIT_SERVER_FRESHREPO | DGIT_SERVER_NOCOMMITCHECK, NULL)))
			return err;
	} else if (p->cfg->allow_nff &&
	    dgit_tag_has_deliberately(&p->info, "not-fast-forward")) {
		p->policy |= DGIT_SERVER_NOFFCHECK;
	}
	if (p->policy & DGIT_SERVER_FRESHREPO)
		p->policy |= DGIT_SERVER_NOFFCHECK;
	if ((err = check_previously(p)))
		return err;
	if ((err = check_history(p)))
		return err;
	s = find_suite(p->cfg, p->suite);
	if (s->gate && (err = run_gate(p, s)))
		return err;
	/* A new package's repository is fresh already. */
	if ((p->policy & DGIT_SERVER_FRESHREPO) &&
	    is_live(p->cfg, p->repo_path, p->package) &&
	    (err = fresh_make(p)))
		return err;
	/* FRESH-REPO: '' for the live repository, else what will be it. */
	if (p->cfg->policy_hook &&
	    (err = run_policy(p, "push-confirm", 0, p->fresh ? p->fresh :
	    is_live(p->cfg, p->repo_path, p->package) ? "" : p->repo_path))) {
		if (p->fresh)
			dgit_fs_remove_tree(p->fresh);
		return err;
	}
	return NULL;
}

const struct dgit_error *
dgit_server_pre_receive(const struct dgit_server_config *cfg,
    const char *repo_path, const char *package, const char *updates,
    size_t len, long owner_pid, dgit_server_say_fn sayfn, void *arg)
{
	const struct dgit_error *err;
	struct push p;

	memset(&p, 0, sizeof p);
	p.info.split = -1;
	p.cfg = cfg;
	p.package = package;
	p.repo_path = repo_path;
	p.say = sayfn;
	p.arg = arg;
	if (!dgit_tag_package_name_ok(package))
		return refuse("'%s' is not a valid package name", package);
	/* GIT_OBJECT_DIRECTORY and the alternates: the quarantine. */
	if (git_repository_open_ext(&p.repo, repo_path,
	    GIT_REPOSITORY_OPEN_FROM_ENV, NULL) < 0) {
		p.repo = NULL;
		return dgit_error_git("cannot open the repository '%s'",
		    repo_path);
	}
	if (!is_live(cfg, repo_path, package)) {
		char *pro = NULL;

		if ((err = server_path(&pro, cfg, "_tmp", package,
		    "_prospective.git"))) {
			push_release(&p);
			return err;
		}
		err = strcmp(pro, repo_path) == 0 ? NULL : refuse("'%s' is "
		    "not where this server keeps '%s' (a repository moved "
		    "aside by a fresh start?); fetch and try again",
		    repo_path, package);
		free(pro);
		if (err) {
			push_release(&p);
			return err;
		}
	}
	if ((err = lock_take(repo_path, package, owner_pid))) {
		push_release(&p);
		return err;
	}
	/*
	 * receive-pack runs the hook in the repository.  A fresh start that
	 * finished after this hook began moved that repository aside: then
	 * the directory at repo_path is not ours any more.
	 */
	{
		struct stat here, there;

		if (stat(".", &here) == -1 || stat(repo_path, &there) == -1 ||
		    here.st_dev != there.st_dev || here.st_ino != there.st_ino)
			err = refuse("the repository of '%s' was replaced "
			    "while you pushed; fetch and try again", package);
	}
	if (err == NULL)
		err = checks(&p, updates, len);
	if (err)
		lock_release(repo_path, owner_pid);
	else
		say(&p, "dgit-repos-server: accepted %s %s for %s",
		    package, p.info.version, p.suite);
	push_release(&p);
	return err;
}

const struct dgit_error *
dgit_server_post_receive(const struct dgit_server_config *cfg,
    const char *repo_path, const char *package, long owner_pid,
    dgit_server_say_fn sayfn, void *arg)
{
	const struct dgit_error *err;

	/* The lock is still ours: a fresh start takes the live place. */
	if ((err = fresh_install(cfg, repo_path, package)) && sayfn) {
		char line[1024];

		snprintf(line, sizeof line, "warning: cannot start '%s' "
		    "afresh: %s; the push is in the old repository", package,
		    err->msg);
		sayfn(arg, line);
	}
	lock_release(repo_path, owner_pid);
	/* A new package's mirror hook runs once it is in place. */
	if (!is_live(cfg, repo_path, package))
		return NULL;
	return dgit_server_mirror(cfg, package, sayfn, arg);
}

const struct dgit_error *
dgit_server_mirror(const struct dgit_server_config *cfg, const char *package,
    dgit_server_say_fn sayfn, void *arg)
{
	const struct dgit_error *err = NULL;
	struct dgit_run_result res = DGIT_RUN_RESULT_INIT;
	struct dgit_run_opts opts = { 0 };
	const char *argv[5];

	if (cfg->mirror_hook == NULL)
		return NULL;
	argv[0] = cfg->mirror_hook;
	argv[1] = cfg->dir;
	argv[2] = "updated-hook";
	argv[3] = package;
	argv[4] = NULL;
	opts.cwd = cfg->dir;
	opts.out = DGIT_RUN_OUT_CAPTURE;
	opts.err = DGIT_RUN_OUT_CAPTURE;
	opts.cap = GATE_LOG_MAX;
	err = dgit_run(&res, argv, &opts);
	if (err && sayfn) {
		char line[1024];

		snprintf(line, sizeof line, "warning: mirror hook failed: %s; "
		    "the push is complete but may not be visible everywhere "
		    "yet", err->msg);
		sayfn(arg, line);
	}
	dgit_run_result_release(&res);
	return NULL;
}

/* ---- receive-pack and upload-pack ---- */

/* Run git SUB PATH talking on our stdin and stdout. */
static const struct dgit_error *
run_git_pack(const char *sub, const char *path)
{
	const char *argv[] = { "git", sub, path, NULL };
	struct dgit_run_opts opts = { 0 };

	opts.in = DGIT_RUN_IN_INHERIT;
	return dgit_run(NULL, argv, &opts);
}

/* Does the repository have a refs/dgit/ branch and a tag? */
static int
repo_has_push(const char *path)
{
	git_repository *repo = NULL;
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	int branch = 0, tag = 0;

	if (git_repository_open_bare(&repo, path) < 0)
		return 0;
	if (git_reference_iterator_new(&it, repo) == 0) {
		while (git_reference_next(&ref, it) == 0) {
			const char *n = git_reference_name(ref);

			branch |= strncmp(n, "refs/dgit/", 10) == 0;
			tag |= strncmp(n, "refs/tags/", 10) == 0;
			git_reference_free(ref);
		}
		git_reference_iterator_free(it);
	}
	git_repository_free(repo);
	return branch && tag;
}

static int
dir_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const struct dgit_error *
dgit_server_receive_pack(const struct dgit_server_config *cfg,
    const char *package, const char *exe)
{
	const struct dgit_error *err = NULL, *rerr;
	char *live = NULL, *pro = NULL, *lock = NULL;
	int fd = -1;

	if (!dgit_tag_package_name_ok(package))
		return dgit_error_fmt(DGIT_ERR_USAGE, "'%s' is not a valid "
		    "source package name", package);
	if ((err = server_path(&live, cfg, NULL, package, ".git")))
		return err;
	if (dir_exists(live)) {
		err = run_git_pack("receive-pack", live);
		goto done;
	}
	/*
	 * A new package.  Its first push goes into a prospective repository
	 * (hooks as init-repo makes them), under a lock held while the
	 * client sends; it takes the live place only if the hook accepted
	 * the push, so a refused first push leaves no repository, and the
	 * live one is never without refs.  A second first push waits for
	 * the lock and then goes to the live repository, where the hook
	 * refuses it if it was based on nothing.
	 */
	if ((err = server_subdir(cfg, "_tmp")) ||
	    (err = server_path(&pro, cfg, "_tmp", package,
	    "_prospective.git")) ||
	    (err = server_path(&lock, cfg, "_tmp", package, ".lock")))
		goto done;
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd == -1) {
		err = dgit_error_from_errno("cannot open '%s'", lock);
		goto done;
	}
	if (flock(fd, LOCK_EX) == -1) {
		err = dgit_error_from_errno("cannot lock '%s'", lock);
		goto done;
	}
	if (dir_exists(live)) {
		close(fd);
		fd = -1;
		err = run_git_pack("receive-pack", live);
		goto done;
	}
	if ((err = dgit_fs_remove_tree(pro)) ||
	    (err = sh_word_ok(exe)) ||
	    (err = make_repo(pro, cfg->dir, package, exe, NULL)))
		goto done;
	rerr = run_git_pack("receive-pack", pro);
	if (repo_has_push(pro)) {
		err = dgit_fs_rename_noreplace(pro, live);
		if (err == NULL)
			dgit_server_mirror(cfg, package, NULL, NULL);
	}
	if (err == NULL)
		err = rerr;
	dgit_fs_remove_tree(pro);
done:
	if (fd != -1)
		close(fd);
	free(live);
	free(pro);
	free(lock);
	return err;
}

const struct dgit_error *
dgit_server_upload_pack(const struct dgit_server_config *cfg,
    const char *package)
{
	const struct dgit_error *err = NULL;
	git_repository *repo = NULL;
	char *path = NULL, *tmp = NULL;

	if (!dgit_tag_package_name_ok(package))
		return dgit_error_fmt(DGIT_ERR_USAGE, "'%s' is not a valid "
		    "source package name", package);
	if ((err = server_path(&path, cfg, NULL, package, ".git")))
		return err;
	if (!dir_exists(path)) {
		/* No such package yet: an empty repository, as Debian's. */
		free(path);
		if ((err = server_path(&path, cfg, NULL, "_empty", ".git")))
			return err;
		if (!dir_exists(path)) {
			if ((err = dgit_fs_tmpdir_beside(&tmp, path)))
				goto done;
			if (git_repository_init(&repo, tmp, 1) < 0) {
				repo = NULL;
				err = dgit_error_git("cannot make '%s'", tmp);
				goto done;
			}
			if (chmod(tmp, 0755) == -1) {
				err = dgit_error_from_errno("cannot chmod "
				    "'%s'", tmp);
				goto done;
			}
			err = dgit_fs_rename_noreplace(tmp, path);
			if (err && err->code == DGIT_ERR_EXISTS)
				err = NULL;
			if (err)
				goto done;
		}
	}
	err = run_git_pack("upload-pack", path);
done:
	git_repository_free(repo);
	if (tmp) {
		dgit_fs_remove_tree(tmp);
		free(tmp);
	}
	free(path);
	return err;
}

/* ---- ssh forced command ---- */

static const struct dgit_error *
not_understood(void)
{
	return dgit_error_fmt(DGIT_ERR_USAGE, "command not understood: this "
	    "account only runs 'git-receive-pack PACKAGE.git' and "
	    "'git-upload-pack PACKAGE.git'");
}

const struct dgit_error *
dgit_server_ssh_parse(char **package, int *receive, const char *command)
{
	const char *sp, *arg, *sub, *b, *base;
	size_t n, cl;

	*package = NULL;
	*receive = 0;
	if (command == NULL || command[0] == '\0')
		return dgit_error_fmt(DGIT_ERR_USAGE, "no command given; this "
		    "account only serves git pushes and fetches of dgit "
		    "repositories");
	if (strlen(command) > 4096)
		return dgit_error_fmt(DGIT_ERR_USAGE, "command too long");
	sp = strchr(command, ' ');
	if (sp == NULL)
		return not_understood();
	cl = (size_t)(sp - command);
	/* An optional leading path on the method, as dgit's server allows. */
	sub = memrchr(command, '/', cl);
	sub = sub ? sub + 1 : command;
	cl -= (size_t)(sub - command);
	if (cl == 16 && memcmp(sub, "git-receive-pack", 16) == 0)
		*receive = 1;
	else if (!(cl == 15 && memcmp(sub, "git-upload-pack", 15) == 0))
		return not_understood();
	arg = sp + 1;
	n = strlen(arg);
	if (n >= 2 && arg[0] == '\'' && arg[n - 1] == '\'') {
		arg++;
		n -= 2;
	}
	/* Any leading path is ignored: PACKAGE.git names the repository. */
	base = memrchr(arg, '/', n);
	b = base ? base + 1 : arg;
	n -= (size_t)(b - arg);
	if (n < 5 || memcmp(b + n - 4, ".git", 4) != 0)
		return not_understood();
	*package = strndup(b, n - 4);
	if (*package == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	if (!dgit_tag_package_name_ok(*package)) {
		free(*package);
		*package = NULL;
		return not_understood();
	}
	return NULL;
}
