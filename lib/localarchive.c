/*
 * The local archive; see dgit_localarchive.h.  reprepro does the archive
 * (it is what people use for this), git the repositories, gpgme the keys.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dgit_buf.h"
#include "dgit_fs.h"
#include "dgit_localarchive.h"
#include "dgit_run.h"
#include "dgit_server.h"
#include "dgit_sign.h"

struct la {
	const struct dgit_localarchive_opts *o;
	char path[4096];
};

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
	const struct dgit_error *err;

	if ((err = dgit_fs_mkdirs(at(l, rel))))
		return err;
	if (chmod(l->path, mode) != 0)
		return dgit_error_from_errno("cannot chmod '%s'", l->path);
	return NULL;
}

static const struct dgit_error *
write_at(struct la *l, const char *rel, const char *data, size_t len)
{
	return dgit_fs_write_file_atomic(at(l, rel), data, len, 0);
}

/* Run argv with its output captured (lib/ prints nothing); a failure
 * carries the tail of its stderr. */
static const struct dgit_error *
run_quiet(const char *const *argv)
{
	struct dgit_run_opts ro;
	struct dgit_run_result res = DGIT_RUN_RESULT_INIT;
	const struct dgit_error *err;

	memset(&ro, 0, sizeof ro);
	ro.out = DGIT_RUN_OUT_CAPTURE;
	ro.err = DGIT_RUN_OUT_CAPTURE;
	err = dgit_run(&res, argv, &ro);
	dgit_run_result_release(&res);
	return err;
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
reprepro(const char *dir, const char *const *args)
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
	return run_quiet(argv);
}

static const struct dgit_error *
git_config_global(const char *key, const char *value)
{
	const char *argv[] = { "git", "config", "--global", key, value, NULL };

	return run_quiet(argv);
}

/* The dput host in ~/.dput.cf, appended; refuses a host already there. */
static const struct dgit_error *
dput_host(struct la *l, const char *home)
{
	const struct dgit_localarchive_opts *o = l->o;
	const struct dgit_error *err;
	struct dgit_buf b = DGIT_BUF_INIT;
	char path[4200], head[300], *buf = NULL;
	size_t len = 0;

	snprintf(path, sizeof path, "%s/.dput.cf", home);
	snprintf(head, sizeof head, "[%s]", o->distro);
	err = dgit_fs_read_file(&buf, &len, path, 1u << 20);
	if (err && err->code != DGIT_ERR_NOT_FOUND)
		return err;
	if (buf) {
		char *p = strstr(buf, head);

		if (p && (p == buf || p[-1] == '\n')) {
			free(buf);
			return dgit_error_fmt(DGIT_ERR_EXISTS, "'%s' has a "
			    "host %s already; remove that section first",
			    path, head);
		}
	}
	/* dput runs post_upload_command through the shell: quote */
	if ((err = dgit_buf_add(&b, buf ? buf : "", len)) == NULL)
		err = dgit_buf_addf(&b, "\n%s\nmethod = local\nincoming = "
		    "%s/reprepro/incoming\nallow_unsigned_uploads = 0\n"
		    "run_dinstall = 0\npost_upload_command = '%s' "
		    "local-archive process '%s'\n", head, o->dir,
		    o->dgit_program, o->dir);
	if (err == NULL)
		err = dgit_fs_write_file_atomic(path, b.ptr, b.len, 0);
	dgit_buf_release(&b);
	free(buf);
	if (err == NULL)
		dgit_msg(o->info, o->info_arg, "added dput host %s to %s",
		    head, path);
	return err;
}

static const struct dgit_error *
make_archive(struct la *l, char **uploader_fpr)
{
	const struct dgit_localarchive_opts *o = l->o;
	const struct dgit_error *err;
	struct dgit_buf conf = DGIT_BUF_INIT;
	char *afpr = NULL, *key = NULL, *uid = NULL;
	size_t klen;
	char kuid[300];

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
	dgit_msg(o->info, o->info_arg, "uploads must be signed by %s (%s)",
	    *uploader_fpr, uid ? uid : "?");

	/* the archive key */
	snprintf(kuid, sizeof kuid, "dgit local archive %s <dgit-%s@localhost>",
	    o->distro, o->distro);
	if ((err = dgit_sign_genkey(&afpr, at(l, "gnupg"), kuid)))
		goto done;
	if ((err = dgit_sign_export(&key, &klen, at(l, "gnupg"), afpr)) ||
	    (err = write_at(l, "archive-keyring.gpg", key, klen)) ||
	    (err = write_at(l, "public/archive-keyring.gpg", key, klen)))
		goto done;
	dgit_msg(o->info, o->info_arg, "made the archive signing key %s in "
	    "%s/gnupg", afpr, o->dir);

	/* reprepro's configuration */
	for (size_t i = 0; i < o->nsuites && !err; i++) {
		err = dgit_buf_addf(&conf, "Origin: %s\nLabel: %s\n"
		    "Codename: %s\n", o->distro, o->distro,
		    o->suites[i].codename);
		if (!err && o->suites[i].suite)
			err = dgit_buf_addf(&conf, "Suite: %s\n",
			    o->suites[i].suite);
		if (!err)
			err = dgit_buf_addf(&conf, "Architectures: source amd64"
			    "\nComponents: main\nDescription: dgit local "
			    "archive %s\nSignWith: %s\nUploaders: uploaders\n"
			    "DscIndices: Sources Release . .gz .xz\n\n",
			    o->distro, afpr);
	}
	if (err || (err = write_at(l, "reprepro/conf/distributions", conf.ptr,
	    conf.len)))
		goto done;
	dgit_buf_clear(&conf);
	err = dgit_buf_adds(&conf, "Name: local\nIncomingDir: incoming\n"
	    "TempDir: tmp\nAllow:");
	for (size_t i = 0; i < o->nsuites && !err; i++) {
		err = dgit_buf_addf(&conf, " %s", o->suites[i].codename);
		if (!err && o->suites[i].suite)
			err = dgit_buf_addf(&conf, " %s>%s", o->suites[i].suite,
			    o->suites[i].codename);
	}
	if (!err)
		err = dgit_buf_adds(&conf, "\nCleanup: on_deny on_error\n");
	if (err || (err = write_at(l, "reprepro/conf/incoming", conf.ptr,
	    conf.len)))
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

		if ((err = reprepro(o->dir, exp)) ||
		    (err = reprepro(o->dir, sym)))
			goto done;
	}
	dgit_msg(o->info, o->info_arg, "made the archive (reprepro) in "
	    "%s/reprepro, published in %s/public", o->dir, o->dir);

	/* the dgit git server: its checks trust the uploaders' keys */
	dgit_buf_clear(&conf);
	err = dgit_buf_addf(&conf, "[dgit-repos]\n\tdistro = %s\n",
	    o->distro);
	for (size_t i = 0; i < o->nsuites && !err; i++)
		err = dgit_buf_addf(&conf, "\tsuite = %s\n",
		    o->suites[i].codename);
	if (!err)
		err = dgit_buf_addf(&conf, "\tmaintainer-keyring = "
		    "%s/uploaders-keyring.gpg\n"
		    "\tallow-not-fast-forward = true\n", o->dir);
	for (size_t i = 0; i < o->nsuites && !err; i++)
		if (o->suites[i].suite)
			err = dgit_buf_addf(&conf, "[suite \"%s\"]\n"
			    "\talias = %s\n", o->suites[i].codename,
			    o->suites[i].suite);
	if (err || (err = write_at(l, "git/" DGIT_SERVER_CONFIG, conf.ptr,
	    conf.len)))
		goto done;
	dgit_msg(o->info, o->info_arg, "made the dgit git server in %s/git "
	    "(%s); its repositories are made by %s init-repo", o->dir,
	    DGIT_SERVER_CONFIG, o->server_program);
done:
	dgit_buf_release(&conf);
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

	if (o->dir[0] != '/' || o->nsuites == 0 || o->distro == NULL ||
	    o->server_program == NULL || o->server_program[0] != '/' ||
	    strchr(o->server_program, '\n'))
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
		dgit_msg(o->info, o->info_arg, "git config --global %s '%s'", \
		    k, v); \
	} while (0)
	SET("mirror", "file://%s/public", o->dir);
	SET("archive-keyring", "%s/archive-keyring.gpg", o->dir);
	SET("keyring", "%s/uploaders-keyring.gpg", o->dir);
	SET("git-url", "file://%s/git", o->dir);
	SET("git-url-suffix", ".git");
	SET("git-check", "true");
	SET("git-create", "init-repo:%s", o->server_program);
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
	return reprepro(dir, args);
}

const struct dgit_error *
dgit_localarchive_serve(const char *dir, const char *addr, unsigned port)
{
	char pub[4096], conf[4096], portstr[16];
	struct stat st;
	const char *argv[] = { "python3", "-m", "http.server", "--bind", addr,
	    "--directory", pub, portstr, NULL };
	struct dgit_run_opts ro;
	const char *a;

	if (port == 0 || port > 65535)
		return dgit_error_fmt(DGIT_ERR_USAGE, "port %u is not "
		    "1-65535", port);
	for (a = addr; *a; a++)
		if (!strchr("0123456789abcdefABCDEF.:", *a))
			return dgit_error_fmt(DGIT_ERR_USAGE, "'%s' is not an "
			    "IP address", addr);
	snprintf(pub, sizeof pub, "%s/public", dir);
	snprintf(conf, sizeof conf, "%s/reprepro/conf/distributions", dir);
	if (*addr == '\0' || stat(pub, &st) != 0 || !S_ISDIR(st.st_mode) ||
	    access(conf, F_OK) != 0)
		return dgit_error_fmt(DGIT_ERR_USAGE, "'%s' is not a local "
		    "archive (no public/ or reprepro/conf/distributions); make "
		    "one with dgit local-archive init", dir);
	snprintf(portstr, sizeof portstr, "%u", port);
	memset(&ro, 0, sizeof ro);
	ro.in = DGIT_RUN_IN_NULL;
	return dgit_run(NULL, argv, &ro);
}
