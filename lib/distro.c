/* A distro's access settings from config (see dgit_distro.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dgit_aptshim.h"
#include "dgit_aq.h"
#include "dgit_archive.h"
#include "dgit_config.h"
#include "dgit_distro.h"
#include "dgit_error.h"

static int
is_security(const char *suite)
{
	size_t l = strlen(suite);

	return l >= 9 && strcmp(suite + l - 9, "-security") == 0;
}

static const struct dgit_error *
mirror(char **out, int *from_apt, int *apt_cvu,
    const struct dgit_config *cfg, const char *distro, const char *suite)
{
	const struct dgit_error *err;
	const char *v;

	*out = NULL;
	*from_apt = 0;
	/*
	 * Perl dgit's built-in debian-security mirror is its own, never the
	 * nominal distro's: a security suite without a mirror of its own
	 * comes from apt's security source, not from debian's mirror.
	 */
	if (is_security(suite)) {
		char name[300];
		int w = snprintf(name, sizeof name, "dgit-distro.%s.mirror",
		    dgit_config_canon_distro(cfg, distro));

		v = w > 0 && (size_t)w < sizeof name ?
		    dgit_config_get(cfg, name) : NULL;
	} else
		v = dgit_config_get_distro(cfg, distro, "mirror");
	if (v != NULL) {
		if ((*out = strdup(v)) == NULL)
			return dgit_error(DGIT_ERR_NOMEM);
		return NULL;
	}
	if ((err = dgit_archive_mirror_from_apt(out, apt_cvu, suite)) != NULL)
		return dgit_error_cfmt(DGIT_ECLASS_CONFIG, err->code, "no "
		    "mirror for distro '%s' (set dgit-distro.%s.mirror or add "
		    "it to apt's sources): %s", distro, distro, err->msg);
	*from_apt = 1;
	return NULL;
}

const struct dgit_error *
dgit_distro_mirror(char **out, const struct dgit_config *cfg,
    const char *distro, const char *suite)
{
	int from_apt, cvu;

	return mirror(out, &from_apt, &cvu, cfg, distro, suite);
}

/*
 * A mirror from apt's sources is fetched as apt's configuration says;
 * the source's own check-valid-until (cvu >= 0) overrides apt's
 * Acquire::Check-Valid-Until, as apt does.
 */
static const struct dgit_error *
apt_acquire(struct dgit_distro *d, int cvu)
{
	const struct dgit_error *err;
	struct dgit_apt_acquire aq;

	d->check_valid_until = 1;
	if (!d->mirror_from_apt)
		return NULL;
	if ((err = dgit_aptshim_acquire(&aq, d->mirror)) != NULL)
		return err;
	d->check_valid_until = cvu >= 0 ? cvu : aq.check_valid_until;
	d->proxy = aq.proxy;
	return NULL;
}

/* A JSON archive query service, which stands in for the signed Release. */
static const struct dgit_error *
archive_query(struct dgit_distro *d, const struct dgit_config *cfg)
{
	const char *v = dgit_config_get_distro(cfg, d->name, "archive-query");

	if (!dgit_aq_method_is_json(v))
		return NULL;
	d->aq_url = strchr(v, ':')[1] ? strchr(v, ':') + 1 :
	    dgit_config_get_distro(cfg, d->name, "archive-query-url");
	if (d->aq_url == NULL)
		return dgit_error_cfmt(DGIT_ECLASS_CONFIG, DGIT_ERR_NOT_FOUND,
		    "distro '%s' uses "
		    "archive query '%s' but gives no URL; set "
		    "dgit-distro.%s.archive-query-url", d->name, v, d->name);
	return NULL;
}

static const struct dgit_error *
archive_keyrings(struct dgit_distro *d, const struct dgit_config *cfg)
{
	const struct dgit_error *err;
	const char *v, *q;

	err = dgit_config_get_distro_paths(&d->archive_keyrings,
	    &d->narchive_keyrings, cfg, d->name, "archive-keyring");
	if (err || d->narchive_keyrings > 0 || d->aq_url)
		return err;
	v = dgit_config_get_distro(cfg, d->name, "archive-keyring");
	/* archive-query aptget: trusts what apt trusts, as apt-get would */
	q = dgit_config_get_distro(cfg, d->name, "archive-query");
	if (v == NULL && q && strncmp(q, "aptget:", 7) == 0) {
		dgit_config_paths_free(d->archive_keyrings,
		    d->narchive_keyrings);
		d->archive_keyrings = NULL;
		d->narchive_keyrings = 0;
		if ((err = dgit_aptshim_trusted_keyrings(&d->archive_keyrings,
		    &d->narchive_keyrings)) || d->narchive_keyrings > 0)
			return err;
		return dgit_error_cfmt(DGIT_ECLASS_CONFIG,
		    DGIT_ERR_NOT_FOUND, "no archive keyring for distro '%s': "
		    "it uses archive query 'aptget:' and apt trusts no keyring (Dir::Etc::Trusted, "
		    "Dir::Etc::TrustedParts); add the archive's key to apt or "
		    "set dgit-distro.%s.archive-keyring", d->name, d->name);
	}
	return dgit_error_cfmt(DGIT_ECLASS_CONFIG, DGIT_ERR_NOT_FOUND,
	    "no archive keyring for "
	    "distro '%s' (%s); install debian-archive-keyring or set "
	    "dgit-distro.%s.archive-keyring", d->name,
	    v ? v : "none configured", d->name);
}

const struct dgit_error *
dgit_distro_git_url(char **out, const struct dgit_config *cfg,
    const char *distro, const char *package)
{
	const char *url = dgit_config_get_distro(cfg, distro, "git-url");
	const char *check = dgit_config_get_distro(cfg, distro, "git-check");
	const char *suffix = dgit_config_get_distro(cfg, distro,
	    "git-url-suffix");

	*out = NULL;
	if (url == NULL || *url == '\0' ||
	    (check && strcmp(check, "false") == 0))
		return NULL;
	if (asprintf(out, "%s/%s%s", url, package, suffix ? suffix : ".git") <
	    0) {
		*out = NULL;
		return dgit_error(DGIT_ERR_NOMEM);
	}
	return NULL;
}

const struct dgit_error *
dgit_distro_server_git_url(char **out, const struct dgit_config *cfg,
    const char *distro, const char *package, int push)
{
	const char *(*get)(const struct dgit_config *, const char *,
	    const char *) = push ? dgit_config_get_distro_push :
	    dgit_config_get_distro;
	const char *url = get(cfg, distro, "git-url");
	const char *suffix = get(cfg, distro, "git-url-suffix");
	const char *proto, *host, *user, *path;
	int r;

	*out = NULL;
	if (url != NULL && *url != '\0')
		r = asprintf(out, "%s/%s%s", url, package,
		    suffix ? suffix : ".git");
	else {
		proto = get(cfg, distro, "git-proto");
		host = get(cfg, distro, "git-host");
		user = get(cfg, distro, "git-user-force");
		path = get(cfg, distro, "git-path");
		if (proto == NULL || host == NULL || path == NULL)
			return NULL;
		r = asprintf(out, "%s%s%s%s%s/%s.git", proto, user ? user : "",
		    user ? "@" : "", host, path, package);
	}
	if (r < 0) {
		*out = NULL;
		return dgit_error(DGIT_ERR_NOMEM);
	}
	return NULL;
}

const struct dgit_error *
dgit_distro_open(struct dgit_distro *d, struct dgit_config *cfg,
    const char *distro, const char *suite, const char *package)
{
	const struct dgit_error *err;
	char base[256];
	const char *comma = strchr(suite, ',');
	int cvu = -1;

	memset(d, 0, sizeof *d);
	/* a combined suite's access is its base suite's (dgit(7)) */
	if (comma) {
		if ((size_t)(comma - suite) >= sizeof base)
			return dgit_error_fmt(DGIT_ERR_USAGE, "suite name "
			    "'%.40s...' is too long", suite);
		memcpy(base, suite, (size_t)(comma - suite));
		base[comma - suite] = '\0';
		suite = base;
	}
	d->name = distro ? distro : dgit_config_suite_distro(cfg, suite);
	if ((err = mirror(&d->mirror, &d->mirror_from_apt, &cvu, cfg,
	    d->name, suite)) ||
	    (err = apt_acquire(d, cvu)) ||
	    (err = archive_query(d, cfg)) ||
	    (err = archive_keyrings(d, cfg)) ||
	    (err = dgit_config_get_distro_paths(&d->dsc_keyrings,
	    &d->ndsc_keyrings, cfg, d->name, "keyring")) ||
	    (package && (err = dgit_distro_git_url(&d->git_url, cfg, d->name,
	    package))))
		dgit_distro_release(d);
	return err;
}

void
dgit_distro_release(struct dgit_distro *d)
{
	dgit_config_paths_free(d->archive_keyrings, d->narchive_keyrings);
	dgit_config_paths_free(d->dsc_keyrings, d->ndsc_keyrings);
	free(d->mirror);
	free(d->proxy);
	free(d->git_url);
	memset(d, 0, sizeof *d);
}

/* The user's trustedkeys.gpg when it is a file, else NULL. */
static const struct dgit_error *
trustedkeys(char **out)
{
	const char *gh = getenv("GNUPGHOME"), *home = getenv("HOME");
	struct stat st;
	int r = -1;

	*out = NULL;
	if (gh)
		r = asprintf(out, "%s/trustedkeys.gpg", gh);
	else if (home)
		r = asprintf(out, "%s/.gnupg/trustedkeys.gpg", home);
	else
		return NULL;
	if (r < 0) {
		*out = NULL;
		return dgit_error(DGIT_ERR_NOMEM);
	}
	if (stat(*out, &st) != 0 || !S_ISREG(st.st_mode)) {
		free(*out);
		*out = NULL;
	}
	return NULL;
}

const struct dgit_error *
dgit_distro_dsc_keyrings(char ***out, size_t *n,
    const struct dgit_config *cfg, const char *distro)
{
	const struct dgit_error *err;
	char **rings = NULL, **grown, *trusted = NULL;
	size_t nr = 0;

	*out = NULL;
	*n = 0;
	if ((err = dgit_config_get_distro_paths(&rings, &nr, cfg, distro,
	    "keyring")) || (err = trustedkeys(&trusted)))
		goto done;
	if (trusted) {
		if ((grown = realloc(rings, (nr + 1) * sizeof *grown)) == NULL) {
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
		rings = grown;
		rings[nr++] = trusted;
		trusted = NULL;
	}
	*out = rings;
	*n = nr;
	rings = NULL;
	nr = 0;
done:
	dgit_config_paths_free(rings, nr);
	free(trusted);
	return err;
}
