/*
 * dgit download-source [--dir DIR] PACKAGE[=VERSION] [SUITE]
 *
 * Writes the .dsc and its files, each verified back to the archive's
 * signed InRelease, into DIR (default: the current directory).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common.h"
#include "dgit.h"
#include "dgit_archive.h"
#include "dgit_fetch.h"

#define DEFAULT_SUITE "sid"

enum { OPT_DIR = COMMON_OPT_END, OPT_CLEAR_CACHE };

static const struct option options[] = {
	{ "dir", required_argument, NULL, OPT_DIR },
	{ "clear-cache", no_argument, NULL, OPT_CLEAR_CACHE },
	COMMON_ARCHIVE_OPTIONS,
	{ NULL, 0, NULL, 0 }
};

static common_opt_fn take;
static const struct common_optspec optspec = {
	"", options, 0, 2, take
};

struct dl_args {
	struct common_archive_flags flags;
	const char *dir;
	int clear_cache;
};

static const struct dgit_error *
take(struct dgit_cmd_ctx *ctx, void *arg, int opt, const char *optarg)
{
	struct dl_args *da = arg;

	if (opt == OPT_DIR)
		da->dir = optarg;
	else if (opt == OPT_CLEAR_CACHE)
		da->clear_cache = 1;
	else
		return common_archive_opt_fn(ctx, &da->flags, opt, optarg);
	return NULL;
}

/* --clear-cache: empty the cache. */
static const struct dgit_error *
clear_cache(void)
{
	const struct dgit_error *err;
	char *cache = NULL;

	if ((err = dgit_fetch_cache_dir(&cache)) == NULL && dgit_opts.dry_run)
		dgit_info("dgit: dry run: would clear the cache '%s'", cache);
	else if (err == NULL && (err = dgit_fetch_cache_clear(cache)) == NULL)
		dgit_info("dgit: cleared the cache '%s'", cache);
	free(cache);
	return err;
}

/* PACKAGE[=VERSION] into *pkg (caller's) and *version (inside *pkg). */
static const struct dgit_error *
split_package(char **pkg, char **version, struct dgit_cmd_ctx *ctx,
    const char *arg)
{
	if ((*pkg = strdup(arg)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	if ((*version = strchr(*pkg, '=')) != NULL) {
		*(*version)++ = '\0';
		if (**version == '\0')
			return dgit_usage_error(ctx, "empty version in '%s'",
			    arg);
	}
	if ((*pkg)[0] == '\0' || strchr(*pkg, '/'))
		return dgit_usage_error(ctx, "bad package name '%s'", arg);
	return NULL;
}

/* Say what the .dsc's signature check found (only warnings). */
static void
report_signature(const struct dgit_archive_download *dl,
    const struct dgit_archive_source *src, const char *distro)
{
	switch (dl->sig) {
	case DGIT_DSC_SIG_GOOD:
		dgit_debug(1, ".dsc signed by %s", dl->sig_detail);
		break;
	case DGIT_DSC_SIG_NO_KEYRING:
		fprintf(stderr, "dgit: warning: .dsc signature of '%s' not "
		    "checked: no uploader keyring installed (install "
		    "debian-keyring, or set dgit-distro.%s.keyring); its "
		    "files are verified through the signed Release\n",
		    src->dsc_name, distro);
		break;
	case DGIT_DSC_SIG_UNKNOWN_KEY:
	case DGIT_DSC_SIG_UNSIGNED:
		fprintf(stderr, "dgit: warning: %s; its files are verified "
		    "through the signed Release (--require-valid-signature "
		    "makes this an error)\n", dl->sig_detail);
		break;
	}
}

/* Release, Sources, then the package's files into dir. */
static const struct dgit_error *
download(struct dgit_archive_source **src, struct dgit_archive_download **dl,
    struct common_archive *arch, const char *suite, const char *pkg,
    const char *version, const char *dir)
{
	const struct dgit_error *err;
	struct dgit_archive_release *rel = NULL;

	if ((err = common_find_source(src, &rel, arch, suite, pkg, version)))
		return err;
	if (dgit_opts.dry_run) {
		if (!dgit_opts.quiet)
			printf("dgit: dry run: would download %s %s from %s: "
			    "%zu files into %s\n", (*src)->package,
			    (*src)->version, suite, (*src)->nfiles, dir);
	} else {
		arch->progress.what = (*src)->package;
		err = dgit_archive_download_source(dl, &arch->opts, *src, dir);
	}
	common_progress_done(arch);
	dgit_archive_release_free(rel);
	return err;
}

const struct dgit_error *
cmd_download_source(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	const struct dgit_error *err;
	struct dl_args da = { .dir = "." };
	struct common_archive arch;
	struct dgit_archive_source *src = NULL;
	struct dgit_archive_download *dl = NULL;
	const char *suite;
	char *pkg = NULL, *version = NULL, sz[32];
	struct stat st;
	struct timespec t0;
	int i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&arch, 0, sizeof arch);
	if ((err = common_parse_options(&i, ctx, argc, argv, &optspec,
	    &da)))
		return err;
	if (da.clear_cache && ((err = clear_cache()) || i == argc))
		return err;
	if (i == argc)
		return dgit_usage_error(ctx, "which package?");
	if ((err = split_package(&pkg, &version, ctx, argv[i])))
		goto done;
	suite = argv[i + 1] ? argv[i + 1] : DEFAULT_SUITE;
	if (stat(da.dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		err = dgit_error_fmt(DGIT_ERR_NOT_FOUND,
		    "'%s' is not a directory; create it first", da.dir);
		goto done;
	}
	if ((err = common_archive_init(&arch, ctx->cfg, suite, NULL,
	    &da.flags)) ||
	    (err = download(&src, &dl, &arch, suite, pkg, version, da.dir)) ||
	    dgit_opts.dry_run)
		goto done;
	report_signature(dl, src, arch.distro);
	common_human_size(sz, sizeof sz, (double)dl->bytes);
	if (!dgit_opts.quiet)
		printf("dgit: downloaded %s %s from %s: %zu files, %s%s, "
		    "verified, in %s (%.1fs)\n", src->package, src->version,
		    suite, src->nfiles, sz,
		    dl->from_cache == src->nfiles ? ", all from the cache" :
		    dl->from_cache ? ", some from the cache" : "", da.dir,
		    common_elapsed(&t0));
done:
	common_archive_release(&arch);
	dgit_archive_download_free(dl);
	dgit_archive_source_free(src);
	free(pkg);
	return err;
}
