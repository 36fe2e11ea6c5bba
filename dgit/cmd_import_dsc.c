/*
 * dgit import-dsc [--require-valid-signature] FILE.dsc [+|..]BRANCH
 *
 * BRANCH: a new branch (an existing one is an error); +BRANCH: overwrite
 * whatever is there; ..BRANCH: if it exists, finish with a pseudomerge so
 * the result is fast-forward from it.  Without refs/, refs/heads/ is
 * prepended.  The ref changes only when the whole import succeeded.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <git2.h>

#include "dgit.h"
#include "dgit_config.h"
#include "dgit_deb822.h"
#include "dgit_dsc.h"
#include "dgit_fs.h"
#include "dgit_history.h"
#include "dgit_import.h"
#include "dgit_verify.h"


static void
warn_cb(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "dgit: warning: %s\n", msg);
}

static void
info_cb(void *arg, const char *msg)
{
	(void)arg;
	dgit_debug(1, "%s", msg);
}

/*
 * Check the .dsc's signature against the distro's .dsc keyrings
 * (dgit-distro.DISTRO.keyring, those that exist) and the user's
 * trustedkeys.gpg, which dpkg-source -x also reads.  No keyring at all
 * is not special: the signer is then simply not in the keyring.
 */
static const struct dgit_error *
verify_dsc(const char *buf, size_t len, const char *what)
{
	struct dgit_config *cfg = NULL;
	char **rings = NULL, **all = NULL;
	char *trusted = NULL;
	const char *gh = getenv("GNUPGHOME"), *home = getenv("HOME");
	const char *distro;
	size_t n = 0, na = 0;
	struct dgit_verify_result *r = NULL;
	const struct dgit_error *err;
	struct stat st;

	if ((err = dgit_config_new(&cfg, ".", dgit_opts.config,
	    dgit_opts.nconfig)) != NULL)
		return err;
	distro = dgit_opts.distro ? dgit_opts.distro : "debian";
	if ((err = dgit_config_get_distro_paths(&rings, &n, cfg, distro,
	    "keyring")) != NULL)
		goto done;
	if ((all = calloc(n + 1, sizeof *all)) == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		all[na++] = rings[i];
	if (gh && asprintf(&trusted, "%s/trustedkeys.gpg", gh) < 0)
		trusted = NULL;
	else if (!gh && home &&
	    asprintf(&trusted, "%s/.gnupg/trustedkeys.gpg", home) < 0)
		trusted = NULL;
	if (trusted && stat(trusted, &st) == 0 && S_ISREG(st.st_mode))
		all[na++] = trusted;
	err = dgit_verify_clearsigned(&r, (const char *const *)all, na, buf,
	    len, what);
done:
	dgit_verify_result_free(r);
	dgit_config_paths_free(rings, n);
	dgit_config_free(cfg);
	free(all);
	free(trusted);
	return err;
}

/*
 * A numeric setting: the last -c NAME=VALUE, else git config NAME, else
 * 0.  Digits only, optionally followed by k, M or G.
 */
static const struct dgit_error *
get_cap(uint64_t *out, git_repository *repo, const char *name)
{
	const char *val = NULL;
	git_config *cfg = NULL;
	git_buf buf = { 0 };
	size_t nl = strlen(name);
	const struct dgit_error *err = NULL;
	uint64_t v = 0;
	const char *p;

	*out = 0;
	for (size_t i = 0; i < dgit_opts.nconfig; i++)
		if (strncmp(dgit_opts.config[i], name, nl) == 0 &&
		    dgit_opts.config[i][nl] == '=')
			val = dgit_opts.config[i] + nl + 1;
	if (val == NULL && git_repository_config(&cfg, repo) == 0 &&
	    git_config_get_string_buf(&buf, cfg, name) == 0)
		val = buf.ptr;
	if (val == NULL)
		goto done;
	for (p = val; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10) {
			p = "overflow";
			break;
		}
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (*p == 'k' || *p == 'K')
		v <<= 10, p++;
	else if (*p == 'M')
		v <<= 20, p++;
	else if (*p == 'G')
		v <<= 30, p++;
	if (p == val || *p != '\0')
		err = dgit_error_fmt(DGIT_ERR_USAGE, "bad value '%s' for %s: "
		    "a number (with k, M or G) is needed", val, name);
	else
		*out = v;
done:
	git_buf_dispose(&buf);
	git_config_free(cfg);
	return err;
}

/*
 * The .dsc's Dgit: field names the uploader's commit.  Use it when this
 * repository has it and its tree is the import's; else say in one line
 * that the import is made from the .dsc.  *out is zero when not used.
 */
static const struct dgit_error *
use_dgit_commit(git_oid *out, git_repository *repo, const char *fieldtext,
    const git_oid *tree, const char *dscpath)
{
	const struct dgit_error *err;
	struct dgit_dsc_dgit field;
	enum dgit_history_dgit_status st;
	char why[1024];

	memset(out, 0, sizeof *out);
	if (dgit_dsc_dgit_parse(&field, fieldtext, dscpath) != NULL) {
		dgit_info("dgit: '%s' has a malformed Dgit: field; the import "
		    "is made from the .dsc", dscpath);
		return NULL;
	}
	/* import-dsc fetches nothing: no git URL */
	err = dgit_history_dgit_commit(&st, out, why, sizeof why, repo, &field,
	    tree, NULL);
	dgit_dsc_dgit_release(&field);
	if (err)
		return err;
	if (st != DGIT_HISTORY_DGIT_USABLE) {
		memset(out, 0, sizeof *out);
		dgit_info("dgit: not using the Dgit: field of '%s': %s%s; the "
		    "import is made from the .dsc", dscpath, why,
		    st == DGIT_HISTORY_DGIT_MISSING ? " (import-dsc fetches "
		    "nothing)" : "");
	}
	return NULL;
}

static char *
dir_of(const char *path)
{
	const char *s = strrchr(path, '/');

	if (s == NULL)
		return strdup(".");
	if (s == path)
		return strdup("/");
	return strndup(path, (size_t)(s - path));
}

int
cmd_import_dsc(int argc, char **argv)
{
	const struct dgit_error *err = NULL;
	int require_sig = 0, force_dgit = 0, i;
	const char *dscpath = NULL, *target = NULL, *name;
	int overwrite = 0, merge = 0, have_old = 0, used_dgit, rc;
	char *buf = NULL, *dir = NULL, *refname = NULL;
	size_t len;
	struct dgit_dsc *dsc = NULL;
	git_repository *repo = NULL;
	git_oid old;
	struct dgit_import_opts opts;
	struct dgit_import_result res;
	char hex[GIT_OID_HEXSZ + 1];

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--require-valid-signature") == 0)
			require_sig = 1;
		else if (strcmp(a, "--no-chase-dsc-distro") == 0 ||
		    strcmp(a, "--chase-dsc-distro") == 0)
			;      /* nothing is fetched from here yet */
		else if (strcmp(a, "--force-import-dsc-with-dgit-field") == 0)
			force_dgit = 1;
		else if (strcmp(a, "--") == 0) {
			i++;
			break;
		} else if (a[0] == '-' && a[1] != '\0')
			return dgit_usage_error(argv[0], "unknown option '%s'",
			    a);
		else
			break;
	}
	if (argc - i != 2)
		return dgit_usage_error(argv[0], "need a .dsc and a branch");
	dscpath = argv[i];
	target = argv[i + 1];
	if (strncmp(target, "..", 2) == 0) {
		merge = 1;
		target += 2;
	} else if (target[0] == '+') {
		overwrite = 1;
		target++;
	}
	if (*target == '\0')
		return dgit_usage_error(argv[0], "empty branch name");
	name = target;
	if (asprintf(&refname, strncmp(name, "refs/", 5) == 0 ? "%s" :
	    "refs/heads/%s", name) < 0)
		return dgit_report(dgit_error(DGIT_ERR_NOMEM));
	if (!git_reference_is_valid_name(refname)) {
		rc = dgit_usage_error(argv[0], "'%s' is not a valid ref name",
		    refname);
		free(refname);
		return rc;
	}

	if ((err = dgit_fs_read_file(&buf, &len, dscpath,
	    DGIT_DSC_MAX)) != NULL)
		goto done;
	if (require_sig && (err = verify_dsc(buf, len, dscpath)) != NULL)
		goto done;
	if ((err = dgit_dsc_parse(&dsc, buf, len, dscpath)) != NULL)
		goto done;

	git_libgit2_init();
	if (git_repository_open_ext(&repo, ".", 0, NULL) != 0) {
		err = dgit_error_git("cannot open the git repository");
		goto done;
	}
	if (git_reference_name_to_id(&old, repo, refname) == 0)
		have_old = 1;
	if (have_old && !overwrite && !merge) {
		err = dgit_error_fmt(DGIT_ERR_EXISTS, "'%s' already exists; use "
		    "+%s to overwrite it or ..%s to add a pseudomerge onto it",
		    refname, name, name);
		goto done;
	}

	memset(&opts, 0, sizeof opts);
	opts.level = -1;
	opts.threads = -1;
	if ((err = get_cap(&opts.unpack.max_entries, repo,
	    "dgit.import.max-entries")) != NULL ||
	    (err = get_cap(&opts.unpack.max_bytes, repo,
	    "dgit.import.max-bytes")) != NULL)
		goto done;
	{
		uint64_t v;

		/* "none": compress in the main thread */
		for (size_t k = 0; k < dgit_opts.nconfig; k++)
			if (strncmp(dgit_opts.config[k], "dgit.import.threads=",
			    20) == 0)
				opts.threads = strcmp(dgit_opts.config[k] + 20,
				    "none") == 0 ? 0 : -1;
		if (opts.threads != 0) {
			if ((err = get_cap(&v, repo, "dgit.import.threads")))
				goto done;
			if (v > 0)
				opts.threads = v > 64 ? 64 : (int)v;
		}
		if ((err = get_cap(&v, repo, "dgit.import.compression")) !=
		    NULL)
			goto done;
		if (v > 0)
			opts.level = v > 9 ? 9 : (int)v;
	}
	opts.unpack.warn = warn_cb;
	opts.info = info_cb;
	dir = dir_of(dscpath);
	if (dir == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	if ((err = dgit_import_dsc(&res, repo, dsc, dir, &opts)) != NULL)
		goto done;
	used_dgit = 0;
	if (dsc->dgit_field && !force_dgit) {
		git_oid named;
		int ff;

		if ((err = use_dgit_commit(&named, repo, dsc->dgit_field,
		    &res.tree, dscpath)) != NULL)
			goto done;
		if (!git_oid_is_zero(&named)) {
			/* the uploader's history: fast-forward only */
			if (have_old && merge && ((err = dgit_history_descends(
			    &ff, repo, &named, &old)) != NULL || !ff)) {
				if (err == NULL)
					err = dgit_error_fmt(DGIT_ERR_EXISTS,
					    "the Dgit: commit of '%s' is not a "
					    "descendant of '%s'; use +%s to "
					    "overwrite it", dscpath, refname,
					    name);
				goto done;
			}
			git_oid_cpy(&res.commit, &named);
			used_dgit = 1;
		}
	}
	if (merge && have_old && !used_dgit) {
		/* dgit's pseudomerge, so the branch fast-forwards */
		char *msg = NULL;
		git_oid parents[2];

		git_oid_cpy(&parents[0], &res.commit);
		git_oid_cpy(&parents[1], &old);
		if ((err = dgit_history_merge_import_message(&msg, dsc->source,
		    dsc->version, refname)) == NULL)
			err = dgit_history_pseudomerge(&res.commit, repo, NULL,
			    parents, 2, msg);
		free(msg);
		if (err)
			goto done;
	}

	/* compare-and-swap: the ref must still be what was checked */
	if ((err = dgit_history_update_ref(repo, refname, have_old ? &old :
	    NULL, &res.commit, "dgit import-dsc")) != NULL)
		goto done;
	git_oid_tostr(hex, sizeof hex, &res.commit);
	dgit_info("dgit: import-dsc: results are in git ref %s (%s)", refname,
	    hex);
done:
	if (repo) {
		git_repository_free(repo);
		git_libgit2_shutdown();
	}
	dgit_dsc_free(dsc);
	free(dir);
	free(buf);
	free(refname);
	return dgit_report(err);
}
