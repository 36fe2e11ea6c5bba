/*
 * dgit local-archive init DIR [--distro NAME] [--suite SUITE]... [--key KEYID]
 * dgit local-archive process DIR
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "dgit.h"
#include "dgit_fs.h"
#include "dgit_localarchive.h"
#include "dgit_repo.h"

static void
say_cb(void *arg, const char *msg)
{
	(void)arg;
	if (!dgit_opts.quiet)
		printf("dgit: %s\n", msg);
}

/* This machine's release codename (VERSION_CODENAME in os-release). */
static char *
machine_codename(void)
{
	char *buf = NULL, *p, *e, *r = NULL;
	size_t len;

	if (dgit_fs_read_file(&buf, &len, "/etc/os-release", 65536) != NULL)
		return NULL;
	for (p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, "VERSION_CODENAME=", 17) == 0) {
			p += 17;
			e = p + strcspn(p, "\n");
			if (*p == '"')
				p++;
			if (e > p && e[-1] == '"')
				e--;
			if (e > p && (size_t)(e - p) < 64 &&
			    strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789-") ==
			    (size_t)(e - p))
				r = strndup(p, (size_t)(e - p));
			break;
		}
	free(buf);
	return r;
}

static int
absdir(char *out, size_t len, const char *dir)
{
	char cwd[PATH_MAX];

	if (dir[0] == '/')
		return snprintf(out, len, "%s", dir) < (int)len ? 0 : -1;
	if (getcwd(cwd, sizeof cwd) == NULL)
		return -1;
	return snprintf(out, len, "%s/%s", cwd, dir) < (int)len ? 0 : -1;
}

enum { OPT_DISTRO = COMMON_OPT_END, OPT_SUITE, OPT_KEY };

static const struct option init_options[] = {
	{ "distro", required_argument, NULL, OPT_DISTRO },
	{ "suite", required_argument, NULL, OPT_SUITE },
	{ "key", required_argument, NULL, OPT_KEY },
	{ NULL, 0, NULL, 0 }
};

#define MAX_SUITES 16

struct init_args {
	struct dgit_localarchive_opts o;
	struct dgit_localarchive_suite suites[MAX_SUITES];
	size_t ns;
};

static const struct dgit_error *
init_take(struct dgit_cmd_ctx *ctx, void *arg, int opt, const char *v)
{
	struct init_args *a = arg;

	if (opt == OPT_DISTRO)
		a->o.distro = v;
	else if (opt == OPT_KEY)
		a->o.uploader_key = v;
	else if (a->ns >= MAX_SUITES)
		return dgit_usage_error(ctx, "too many suites");
	else if (strcmp(v, "sid") == 0 || strcmp(v, "unstable") == 0)
		a->suites[a->ns++] = (struct dgit_localarchive_suite)
		    { "sid", "unstable" };
	else
		a->suites[a->ns++] = (struct dgit_localarchive_suite)
		    { v, NULL };
	return NULL;
}

static const struct common_optspec init_optspec = { "", init_options, 0, 1,
    init_take };

static const struct dgit_error *
check_names(struct dgit_cmd_ctx *ctx, const struct init_args *a)
{
	const char *d = a->o.distro;

	if (strspn(d, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(d) ||
	    d[0] == '\0')
		return dgit_usage_error(ctx, "bad distro name '%s'", d);
	for (size_t j = 0; j < a->ns; j++)
		if (strspn(a->suites[j].codename, "abcdefghijklmnopqrstuvwxyz"
		    "0123456789-.") != strlen(a->suites[j].codename))
			return dgit_usage_error(ctx, "bad suite name '%s'",
			    a->suites[j].codename);
	return NULL;
}

static const struct dgit_error *
la_init(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	const struct dgit_error *err;
	struct init_args a;
	struct dgit_localarchive_opts *o = &a.o;
	char dir[PATH_MAX], self[PATH_MAX], server[PATH_MAX + 16];
	char *codename = NULL;
	ssize_t n;
	int i;

	memset(&a, 0, sizeof a);
	o->distro = "local";
	if ((err = common_parse_options(&i, ctx, argc, argv, &init_optspec,
	    &a)))
		return err;
	if (i >= argc)
		return dgit_usage_error(ctx, "init needs a directory");
	if ((err = check_names(ctx, &a)))
		return err;
	if (a.ns == 0) {
		a.suites[a.ns++] = (struct dgit_localarchive_suite)
		    { "sid", "unstable" };
		codename = machine_codename();
		if (codename && strcmp(codename, "sid") != 0)
			a.suites[a.ns++] = (struct dgit_localarchive_suite)
			    { codename, NULL };
	}
	if (absdir(dir, sizeof dir, argv[i]) != 0 ||
	    (n = readlink("/proc/self/exe", self, sizeof self - 1)) < 0) {
		err = dgit_usage_error(ctx, "cannot resolve '%s'", argv[i]);
		goto done;
	}
	self[n] = '\0';
	/* the server beside us: dgit-repos-server, or dgit-c-repos-server
	 * beside dgit-c */
	if (snprintf(server, sizeof server, "%s-repos-server", self) >=
	    (int)sizeof server || access(server, X_OK) != 0) {
		err = dgit_error_fmt(DGIT_ERR_USAGE, "cannot find the dgit git "
		    "server program '%s'; install it beside '%s'", server,
		    self);
		goto done;
	}
	o->server_program = server;
	o->dir = dir;
	o->suites = a.suites;
	o->nsuites = a.ns;
	o->dgit_program = self;
	o->info = say_cb;
	if ((err = dgit_localarchive_init(o)) == NULL && !dgit_opts.quiet)
		printf("dgit ok: local archive '%s' in %s\n"
		    "  push to it: dgit -d %s push-source --new\n"
		    "  clone from it: dgit -d %s clone PACKAGE unstable\n"
		    "  undo: gpgconf --homedir %s/gnupg --kill all; rm -rf %s;\n"
		    "        git config --global --remove-section "
		    "dgit-distro.%s;\n"
		    "        remove the [%s] section from ~/.dput.cf\n",
		    o->distro, dir, o->distro, o->distro, dir, dir, o->distro,
		    o->distro);
done:
	free(codename);
	return err;
}

/* serve DIR [--port N] [--bind ADDR] */
static const struct dgit_error *
la_serve(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	char dir[PATH_MAX], *end;
	const char *addr = "127.0.0.1", *d = NULL;
	unsigned long port = 8080;
	int i;

	for (i = 1; i < argc; i++) {
		const char *v = NULL;

		if (strcmp(argv[i], "--port") == 0 ||
		    strcmp(argv[i], "--bind") == 0) {
			if (i + 1 >= argc)
				return dgit_usage_error(ctx, "%s needs a "
				    "value", argv[i]);
			v = argv[i + 1];
		} else if (strncmp(argv[i], "--port=", 7) == 0 ||
		    strncmp(argv[i], "--bind=", 7) == 0)
			v = argv[i] + 7;
		if (v == NULL) {
			if (argv[i][0] == '-' || d != NULL)
				return dgit_usage_error(ctx, "serve: "
				    "unexpected '%s'", argv[i]);
			d = argv[i];
			continue;
		}
		if (strncmp(argv[i], "--port", 6) == 0) {
			errno = 0;
			port = strtoul(v, &end, 10);
			if (errno || end == v || *end || port == 0 ||
			    port > 65535)
				return dgit_usage_error(ctx, "--port: '%s' is "
				    "not a port number", v);
		} else
			addr = v;
		if (argv[i][6] == '\0')
			i++;
	}
	if (d == NULL)
		return dgit_usage_error(ctx, "serve needs the archive's "
		    "directory");
	if (absdir(dir, sizeof dir, d) != 0)
		return dgit_usage_error(ctx, "bad directory");
	if (!dgit_opts.quiet)
		fprintf(stderr, "%s: serving %s/public on http://%s:%lu/ "
		    "(read-only; Ctrl-C stops)\n  apt: deb-src "
		    "[signed-by=%s/archive-keyring.gpg] http://%s:%lu/ "
		    "unstable main\n", dgit_opts.prog, dir, addr, port, dir,
		    addr, port);
	return dgit_localarchive_serve(dir, addr, (unsigned)port);
}

const struct dgit_error *
cmd_local_archive(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	char dir[PATH_MAX];

	if (argc < 2)
		return dgit_usage_error(ctx, "which: init, process?");
	if (strcmp(argv[1], "init") == 0)
		return la_init(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "process") == 0) {
		if (argc != 3)
			return dgit_usage_error(ctx, "process needs the "
			    "archive's directory");
		if (absdir(dir, sizeof dir, argv[2]) != 0)
			return dgit_usage_error(ctx, "bad directory");
		return dgit_localarchive_process(dir);
	}
	if (strcmp(argv[1], "serve") == 0)
		return la_serve(ctx, argc - 1, argv + 1);
	return dgit_usage_error(ctx, "unknown subcommand '%s'", argv[1]);
}
