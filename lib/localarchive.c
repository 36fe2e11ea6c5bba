/*
 * The local archive; see dgit_localarchive.h.  reprepro does the archive
 * (it is what people use for this), git the repositories, gpgme the keys.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dgit_fs.h"
#include "dgit_localarchive.h"
#include "dgit_repo.h"
#include "dgit_sign.h"
#include "dgit_spawn.h"

struct la {
	const struct dgit_localarchive_opts *o;
	char path[4096];
};

static void
say(const struct dgit_localarchive_opts *o, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (o->info == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	o->info(o->info_arg, msg);
}

/* DIR/rel into la->path */
static const char *
at(struct la *l, const char *rel)
{
	snprintf(l->path, sizeof l->path, "%s/%s", l->o->dir, rel);
	return l->path;
}

static const struct dgit_error *
mkdir_at(struct la *l, const char *rel, mode_t mode)
{
	if (mkdir(at(l, rel), mode) != 0 && errno != EEXIST)
		return dgit_error_from_errno("cannot create '%s'", l->path);
	return NULL;
}

static const struct dgit_error *
write_at(struct la *l, const char *rel, const char *data, size_t len)
{
	FILE *fp = fopen(at(l, rel), "wb");

	if (fp == NULL)
		return dgit_error_from_errno("cannot write '%s'", l->path);
	if (fwrite(data, 1, len, fp) != len || fclose(fp) != 0)
		return dgit_error_from_errno("cannot write '%s'", l->path);
	return NULL;
}

static int
dir_empty_or_missing(const char *dir)
{
	char cmdpath[4200];
	struct stat st;

	if (stat(dir, &st) != 0)
		return errno == ENOENT;
	if (!S_ISDIR(st.st_mode))
		return 0;
	snprintf(cmdpath, sizeof cmdpath, "%s", dir);
	/* rmdir succeeds only on an empty directory; remake it */
	if (rmdir(cmdpath) == 0)
		return 1;
	return 0;
}

static const struct dgit_error *
reprepro(const char *dir, const char *const *args, int quiet)
{
	char base[4200];
	const char *argv[12];
	int n = 0;

	snprintf(base, sizeof base, "%s/reprepro", dir);
	argv[n++] = "reprepro";
	argv[n++] = "--silent";
	argv[n++] = "-b";
	argv[n++] = base;
	for (; *args && n < 11; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	{
		struct dgit_spawn_opts so = { .quiet = quiet };

		return dgit_spawn(argv, &so);
	}
}

static const struct dgit_error *
git_config_global(const char *key, const char *value)
{
	const char *argv[] = { "git", "config", "--global", key, value, NULL };

	return dgit_spawn(argv, NULL);
}

/* The dput host in ~/.dput.cf, appended; refuses a host already there. */
static const struct dgit_error *
dput_host(struct la *l, const char *home)
{
	const struct dgit_localarchive_opts *o = l->o;
	char path[4200], head[300], *buf = NULL;
	size_t len = 0;
	FILE *fp;

	snprintf(path, sizeof path, "%s/.dput.cf", home);
	snprintf(head, sizeof head, "[%s]", o->distro);
	if (dgit_fs_read_file(&buf, &len, path, 1u << 20) == NULL) {
		char *p = strstr(buf, head);
		int there = p && (p == buf || p[-1] == '\n');

		free(buf);
		if (there)
			return dgit_error_fmt(DGIT_ERR_EXISTS, "'%s' has a "
			    "host %s already; remove that section first",
			    path, head);
	}
	if ((fp = fopen(path, "a")) == NULL)
		return dgit_error_from_errno("cannot write '%s'", path);
	/* dput runs post_upload_command through the shell: quote */
	fprintf(fp, "\n%s\nmethod = local\nincoming = %s/reprepro/incoming\n"
	    "allow_unsigned_uploads = 0\nrun_dinstall = 0\n"
	    "post_upload_command = '%s' local-archive process '%s'\n",
	    head, o->dir, o->dgit_program, o->dir);
	if (fclose(fp) != 0)
		return dgit_error_from_errno("cannot write '%s'", path);
	say(o, "added dput host %s to %s", head, path);
	return NULL;
}

static const struct dgit_error *
make_archive(struct la *l, char **uploader_fpr)
{
	const struct dgit_localarchive_opts *o = l->o;
	const struct dgit_error *err;
	char *afpr = NULL, *key = NULL, *uid = NULL, *conf = NULL;
	size_t klen, clen = 0;
	char kuid[300];
	FILE *fp;

	if (mkdir(o->dir, 0755) != 0)
		return dgit_error_from_errno("cannot create '%s'", o->dir);
	if ((err = mkdir_at(l, "gnupg", 0700)) ||
	    (err = mkdir_at(l, "public", 0755)) ||
	    (err = mkdir_at(l, "git", 0755)) ||
	    (err = mkdir_at(l, "reprepro", 0755)) ||
	    (err = mkdir_at(l, "reprepro/conf", 0755)) ||
	    (err = mkdir_at(l, "reprepro/incoming", 0755)) ||
	    (err = mkdir_at(l, "reprepro/tmp", 0755)))
		return err;

	/* the uploader: the user's key */
	if ((err = dgit_sign_find_key(uploader_fpr, &uid, NULL,
	    o->uploader_key)))
		return err;
	if ((err = dgit_sign_export(&key, &klen, NULL, *uploader_fpr)))
		goto done;
	if ((err = write_at(l, "uploaders-keyring.gpg", key, klen)) ||
	    (err = dgit_sign_import(at(l, "gnupg"), key, klen)))
		goto done;
	free(key);
	key = NULL;
	say(o, "uploads must be signed by %s (%s)", *uploader_fpr,
	    uid ? uid : "?");

	/* the archive key */
	snprintf(kuid, sizeof kuid, "dgit local archive %s <dgit-%s@localhost>",
	    o->distro, o->distro);
	if ((err = dgit_sign_genkey(&afpr, at(l, "gnupg"), kuid)))
		goto done;
	if ((err = dgit_sign_export(&key, &klen, at(l, "gnupg"), afpr)) ||
	    (err = write_at(l, "archive-keyring.gpg", key, klen)) ||
	    (err = write_at(l, "public/archive-keyring.gpg", key, klen)))
		goto done;
	say(o, "made the archive signing key %s in %s/gnupg", afpr, o->dir);

	/* reprepro's configuration */
	if ((fp = open_memstream(&conf, &clen)) == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	for (size_t i = 0; i < o->nsuites; i++) {
		fprintf(fp, "Origin: %s\nLabel: %s\nCodename: %s\n",
		    o->distro, o->distro, o->suites[i].codename);
		if (o->suites[i].suite)
			fprintf(fp, "Suite: %s\n", o->suites[i].suite);
		fprintf(fp, "Architectures: source amd64\n"
		    "Components: main\nDescription: dgit local archive %s\n"
		    "SignWith: %s\nUploaders: uploaders\n"
		    "DscIndices: Sources Release . .gz .xz\n\n", o->distro,
		    afpr);
	}
	fclose(fp);
	err = write_at(l, "reprepro/conf/distributions", conf, clen);
	free(conf);
	conf = NULL;
	if (err)
		goto done;
	if ((fp = open_memstream(&conf, &clen)) == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	fputs("Name: local\nIncomingDir: incoming\nTempDir: tmp\nAllow:", fp);
	for (size_t i = 0; i < o->nsuites; i++) {
		fprintf(fp, " %s", o->suites[i].codename);
		if (o->suites[i].suite)
			fprintf(fp, " %s>%s", o->suites[i].suite,
			    o->suites[i].codename);
	}
	fputs("\nCleanup: on_deny on_error\n", fp);
	fclose(fp);
	err = write_at(l, "reprepro/conf/incoming", conf, clen);
	free(conf);
	conf = NULL;
	if (err)
		goto done;
	{
		size_t fl = strlen(*uploader_fpr);
		char line[200];

		snprintf(line, sizeof line, "allow * by key %s+\n",
		    fl > 16 ? *uploader_fpr + fl - 16 : *uploader_fpr);
		if ((err = write_at(l, "reprepro/conf/uploaders", line,
		    strlen(line))))
			goto done;
	}
	{
		char opts[9000];

		snprintf(opts, sizeof opts, "outdir %s/public\ngnupghome "
		    "%s/gnupg\n", o->dir, o->dir);
		if ((err = write_at(l, "reprepro/conf/options", opts,
		    strlen(opts))))
			goto done;
	}
	{
		const char *exp[] = { "export", NULL };
		const char *sym[] = { "createsymlinks", NULL };

		if ((err = reprepro(o->dir, exp, 0)) ||
		    (err = reprepro(o->dir, sym, 0)))
			goto done;
	}
	say(o, "made the archive (reprepro) in %s/reprepro, published in "
	    "%s/public", o->dir, o->dir);
done:
	free(afpr);
	free(key);
	free(uid);
	return err;
}

const struct dgit_error *
dgit_localarchive_init(const struct dgit_localarchive_opts *o)
{
	const struct dgit_error *err;
	struct la l = { .o = o };
	const char *home = getenv("HOME");
	char *fpr = NULL, k[300], v[4200];

	if (o->dir[0] != '/' || o->nsuites == 0 || o->distro == NULL)
		return dgit_error_fmt(DGIT_ERR_USAGE, "local archive: bad "
		    "arguments");
	if (home == NULL || home[0] != '/')
		return dgit_error_fmt(DGIT_ERR_USAGE, "HOME is not set; it is "
		    "needed for the git and dput configuration");
	if (!dir_empty_or_missing(o->dir))
		return dgit_error_fmt(DGIT_ERR_EXISTS, "'%s' exists and is not "
		    "empty; give a new directory", o->dir);
	if ((err = make_archive(&l, &fpr))) {
		dgit_fs_remove_tree(o->dir);
		free(fpr);
		return err;
	}
#define SET(KEY, ...) do { \
		snprintf(k, sizeof k, "dgit-distro.%s." KEY, o->distro); \
		snprintf(v, sizeof v, __VA_ARGS__); \
		if ((err = git_config_global(k, v))) \
			goto done; \
		say(o, "git config --global %s '%s'", k, v); \
	} while (0)
	SET("mirror", "file://%s/public", o->dir);
	SET("archive-keyring", "%s/archive-keyring.gpg", o->dir);
	SET("keyring", "%s/uploaders-keyring.gpg", o->dir);
	SET("git-url", "file://%s/git", o->dir);
	SET("git-url-suffix", ".git");
	SET("git-check", "true");
	SET("upload-host", "%s", o->distro);
	SET("keyid", "%s", fpr);
#undef SET
	err = dput_host(&l, home);
done:
	free(fpr);
	return err;
}

const struct dgit_error *
dgit_localarchive_process(const char *dir)
{
	const char *args[] = { "processincoming", "local", NULL };
	char conf[4200];
	struct stat st;

	snprintf(conf, sizeof conf, "%s/reprepro/conf/incoming", dir);
	if (stat(conf, &st) != 0)
		return dgit_error_fmt(DGIT_ERR_NOT_FOUND, "'%s' is not a "
		    "local archive (no %s); make one with dgit local-archive "
		    "init", dir, conf);
	return reprepro(dir, args, 0);
}
