/*
 * dgit download-source [--dir DIR] PACKAGE[=VERSION] [SUITE]
 *
 * Writes the .dsc and its files, each verified back to the archive's
 * signed InRelease, into DIR (default: the current directory).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dgit.h"
#include "dgit_archive.h"
#include "dgit_config.h"
#include "dgit_fetch.h"

#define DEFAULT_SUITE "sid"

static void
human(char *buf, size_t len, double v)
{
	const char *u[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int i = 0;

	while (v >= 1024 && i < 4) {
		v /= 1024;
		i++;
	}
	if (i == 0)
		snprintf(buf, len, "%.0f %s", v, u[i]);
	else
		snprintf(buf, len, "%.1f %s", v, u[i]);
}

struct progress_state {
	const char *what;
	int shown;
};

static int
show_progress(const struct dgit_fetch_progress *p, void *arg)
{
	struct progress_state *ps = arg;
	char done[32], total[32], rate[32], eta[32] = "";

	if (p->final) {
		if (ps->shown)
			fputs("\r\033[K", stderr);
		ps->shown = 0;
		return 0;
	}
	human(done, sizeof done, (double)p->bytes_done);
	human(total, sizeof total, (double)p->bytes_total);
	human(rate, sizeof rate, p->rate);
	if (p->eta >= 0 && p->eta < 360000)
		snprintf(eta, sizeof eta, ", ETA %d:%02d", (int)p->eta / 60,
		    (int)p->eta % 60);
	fprintf(stderr, "\r\033[K%s: %zu/%zu files, %s of %s, %s/s%s",
	    ps->what, p->files_done, p->files_total, done, total, rate, eta);
	ps->shown = 1;
	return 0;
}

static const char help_clear[] = "--clear-cache";

int
cmd_download_source(int argc, char **argv)
{
	const struct dgit_error *err = NULL;
	struct dgit_archive_opts o;
	struct dgit_archive_release *rel = NULL;
	struct dgit_archive_source *src = NULL;
	struct dgit_archive_download *dl = NULL;
	struct progress_state ps = { "downloading", 0 };
	const char *dir = ".", *pkgarg = NULL, *suite = NULL;
	const char *distro = NULL;
	struct dgit_config *cfg = NULL;
	char **akr = NULL, **dkr = NULL;
	size_t nakr = 0, ndkr = 0;
	char *pkg = NULL, *version = NULL, *mirror = NULL, *cache = NULL;
	int clear_cache = 0, no_cache = 0, rc = DGIT_EXIT_FAIL, i;
	struct stat st;
	char sz[32];
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&o, 0, sizeof o);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(a, "--dir") == 0) {
			if (i + 1 >= argc)
				return dgit_usage_error(argv[0],
				    "--dir needs a value");
			dir = argv[++i];
		} else if (strncmp(a, "--dir=", 6) == 0) {
			dir = a + 6;
		} else if (strcmp(a, "--require-valid-signature") == 0) {
			o.require_valid_signature = 1;
		} else if (strcmp(a, "--force-release-expired") == 0) {
			o.allow_expired = 1;
		} else if (strcmp(a, "--force-release-future-date") == 0) {
			o.allow_future = 1;
		} else if (strcmp(a, "--force-release-rollback") == 0) {
			o.allow_rollback = 1;
		} else if (strcmp(a, help_clear) == 0) {
			clear_cache = 1;
		} else if (strcmp(a, "--no-cache") == 0) {
			no_cache = 1;
		} else if (a[0] == '-' && a[1] != '\0') {
			return dgit_usage_error(argv[0], "unknown option '%s'",
			    a);
		} else if (pkgarg == NULL) {
			pkgarg = a;
		} else if (suite == NULL) {
			suite = a;
		} else {
			return dgit_usage_error(argv[0],
			    "too many arguments ('%s')", a);
		}
	}
	for (; i < argc; i++) {
		if (pkgarg == NULL)
			pkgarg = argv[i];
		else if (suite == NULL)
			suite = argv[i];
		else
			return dgit_usage_error(argv[0],
			    "too many arguments ('%s')", argv[i]);
	}

	err = dgit_fetch_cache_dir(&cache);
	if (err && (clear_cache || !no_cache))
		goto done;
	err = NULL;
	if (clear_cache) {
		err = dgit_fetch_cache_clear(cache);
		if (err)
			goto done;
		dgit_info("dgit: cleared the cache '%s'", cache);
		if (pkgarg == NULL) {
			rc = DGIT_EXIT_OK;
			goto done;
		}
	}
	if (pkgarg == NULL) {
		rc = dgit_usage_error(argv[0], "which package?");
		goto done;
	}
	pkg = strdup(pkgarg);
	if (pkg == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	version = strchr(pkg, '=');
	if (version) {
		*version++ = '\0';
		if (*version == '\0') {
			rc = dgit_usage_error(argv[0],
			    "empty version in '%s'", pkgarg);
			goto done;
		}
	}
	if (pkg[0] == '\0' || strchr(pkg, '/')) {
		rc = dgit_usage_error(argv[0], "bad package name '%s'", pkgarg);
		goto done;
	}
	if (suite == NULL)
		suite = DEFAULT_SUITE;
	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		err = dgit_error_fmt(DGIT_ERR_NOT_FOUND,
		    "'%s' is not a directory; create it first", dir);
		goto done;
	}

	err = dgit_config_new(&cfg, ".", dgit_opts.config, dgit_opts.nconfig);
	if (err)
		goto done;
	distro = dgit_opts.distro ? dgit_opts.distro :
	    dgit_config_suite_distro(cfg, suite);
	/* mirror: config, else the system's apt sources */
	if (dgit_config_get_distro(cfg, distro, "mirror")) {
		mirror = strdup(dgit_config_get_distro(cfg, distro, "mirror"));
		if (mirror == NULL) {
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
	} else {
		err = dgit_archive_mirror_from_apt(&mirror, suite);
		if (err)
			goto done;
	}
	err = dgit_config_get_distro_paths(&akr, &nakr, cfg, distro,
	    "archive-keyring");
	if (err)
		goto done;
	if (nakr == 0) {
		const char *v = dgit_config_get_distro(cfg, distro,
		    "archive-keyring");

		err = dgit_error_fmt(DGIT_ERR_NOT_FOUND,
		    "no archive keyring for distro '%s' (%s); install "
		    "debian-archive-keyring or set "
		    "dgit-distro.%s.archive-keyring", distro,
		    v ? v : "none configured", distro);
		goto done;
	}
	err = dgit_config_get_distro_paths(&dkr, &ndkr, cfg, distro,
	    "keyring");
	if (err)
		goto done;
	o.mirror = mirror;
	o.narchive_keyrings = nakr;
	o.archive_keyrings = (const char *const *)akr;
	o.ndsc_keyrings = ndkr;
	o.dsc_keyrings = (const char *const *)dkr;
	o.fetch.cache_dir = no_cache ? NULL : cache;
	if (!dgit_opts.quiet && isatty(2)) {
		o.fetch.progress = show_progress;
		o.fetch.progress_arg = &ps;
	}
	dgit_debug(1, "mirror %s, suite %s, cache %s", mirror, suite,
	    cache ? cache : "(none)");

	ps.what = "Release";
	err = dgit_archive_release_open(&rel, &o, suite);
	if (err)
		goto done;
	if (dgit_archive_release_offline(rel))
		fprintf(stderr, "dgit: warning: mirror unreachable, using the "
		    "cached Release of '%s' (verified again)\n", suite);
	dgit_debug(1, "Release of %s (codename %s) signed by %s",
	    dgit_archive_release_suite(rel),
	    dgit_archive_release_codename(rel) ?
	    dgit_archive_release_codename(rel) : "-",
	    dgit_archive_release_signer(rel));
	ps.what = "Sources";
	err = dgit_archive_find_source(&src, &o, rel, pkg, version);
	if (err)
		goto done;
	ps.what = src->package;
	err = dgit_archive_download_source(&dl, &o, src, dir);
	if (err)
		goto done;
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
	clock_gettime(CLOCK_MONOTONIC, &t1);
	human(sz, sizeof sz, (double)dl->bytes);
	if (!dgit_opts.quiet)
		printf("dgit: downloaded %s %s from %s: %zu files, %s%s, "
		    "verified, in %s (%.1fs)\n", src->package, src->version,
		    suite, src->nfiles, sz,
		    dl->from_cache == src->nfiles ? ", all from the cache" :
		    dl->from_cache ? ", some from the cache" : "", dir,
		    (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	rc = DGIT_EXIT_OK;
done:
	if (ps.shown)
		fputs("\r\033[K", stderr);
	if (err)
		rc = dgit_report(err);
	dgit_archive_download_free(dl);
	dgit_archive_source_free(src);
	dgit_archive_release_free(rel);
	dgit_config_paths_free(akr, nakr);
	dgit_config_paths_free(dkr, ndkr);
	dgit_config_free(cfg);
	free(mirror);
	free(cache);
	free(pkg);
	return rc;
}
