/*
 * dgit local-archive init DIR [--distro NAME] [--suite SUITE]... [--key KEYID]
 * dgit local-archive process DIR
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static int
la_init(int argc, char **argv)
{
	struct dgit_localarchive_suite suites[16];
	struct dgit_localarchive_opts o = { 0 };
	char dir[PATH_MAX], self[PATH_MAX], server[PATH_MAX + 16];
	char *codename = NULL;
	const char *dirarg = NULL;
	size_t ns = 0;
	ssize_t n;
	int i, rc;

	o.distro = "local";
	for (i = 2; i < argc; i++) {
		const char *a = argv[i];

		if ((strcmp(a, "--distro") == 0 || strcmp(a, "--suite") == 0 ||
		    strcmp(a, "--key") == 0) && i + 1 < argc) {
			const char *v = argv[++i];

			if (a[2] == 'd')
				o.distro = v;
			else if (a[2] == 'k')
				o.uploader_key = v;
			else if (ns >= 16)
				return dgit_usage_error(argv[0], "too many "
				    "suites");
			else if (strcmp(v, "sid") == 0 ||
			    strcmp(v, "unstable") == 0)
				suites[ns++] = (struct dgit_localarchive_suite)
				    { "sid", "unstable" };
			else
				suites[ns++] = (struct dgit_localarchive_suite)
				    { v, NULL };
		} else if (a[0] == '-')
			return dgit_usage_error(argv[0], "unknown or incomplete "
			    "option '%s'", a);
		else if (dirarg)
			return dgit_usage_error(argv[0], "too many arguments");
		else
			dirarg = a;
	}
	if (dirarg == NULL)
		return dgit_usage_error(argv[0], "init needs a directory");
	if (strspn(o.distro, "abcdefghijklmnopqrstuvwxyz0123456789-") !=
	    strlen(o.distro) || o.distro[0] == '\0')
		return dgit_usage_error(argv[0], "bad distro name '%s'",
		    o.distro);
	for (size_t j = 0; j < ns; j++)
		if (strspn(suites[j].codename, "abcdefghijklmnopqrstuvwxyz"
		    "0123456789-.") != strlen(suites[j].codename))
			return dgit_usage_error(argv[0], "bad suite name '%s'",
			    suites[j].codename);
	if (ns == 0) {
		suites[ns++] = (struct dgit_localarchive_suite)
		    { "sid", "unstable" };
		codename = machine_codename();
		if (codename && strcmp(codename, "sid") != 0)
			suites[ns++] = (struct dgit_localarchive_suite)
			    { codename, NULL };
	}
	if (absdir(dir, sizeof dir, dirarg) != 0 ||
	    (n = readlink("/proc/self/exe", self, sizeof self - 1)) < 0) {
		free(codename);
		return dgit_usage_error(argv[0], "cannot resolve '%s'", dirarg);
	}
	self[n] = '\0';
	/* the server beside us: dgit-repos-server, or dgit-c-repos-server
	 * beside dgit-c */
	if (snprintf(server, sizeof server, "%s-repos-server", self) >=
	    (int)sizeof server || access(server, X_OK) != 0) {
		free(codename);
		fprintf(stderr, "dgit: cannot find the dgit git server "
		    "program '%s'; install it beside '%s'\n", server, self);
		return DGIT_EXIT_USAGE;
	}
	o.server_program = server;
	o.dir = dir;
	o.suites = suites;
	o.nsuites = ns;
	o.dgit_program = self;
	o.info = say_cb;
	rc = dgit_report(dgit_localarchive_init(&o));
	if (rc == DGIT_EXIT_OK && !dgit_opts.quiet)
		printf("dgit ok: local archive '%s' in %s\n"
		    "  push to it: dgit -d %s push-source --new\n"
		    "  clone from it: dgit -d %s clone PACKAGE unstable\n"
		    "  undo: gpgconf --homedir %s/gnupg --kill all; rm -rf %s;\n"
		    "        git config --global --remove-section "
		    "dgit-distro.%s;\n"
		    "        remove the [%s] section from ~/.dput.cf\n",
		    o.distro, dir, o.distro, o.distro, dir, dir, o.distro,
		    o.distro);
	free(codename);
	return rc;
}

int
cmd_local_archive(int argc, char **argv)
{
	char dir[PATH_MAX];

	if (argc < 2)
		return dgit_usage_error(argv[0], "which: init, process?");
	if (strcmp(argv[1], "init") == 0)
		return la_init(argc, argv);
	if (strcmp(argv[1], "process") == 0) {
		if (argc != 3)
			return dgit_usage_error(argv[0], "process needs the "
			    "archive's directory");
		if (absdir(dir, sizeof dir, argv[2]) != 0)
			return dgit_usage_error(argv[0], "bad directory");
		return dgit_report(dgit_localarchive_process(dir));
	}
	if (strcmp(argv[1], "serve") == 0)
		return dgit_not_implemented("local-archive serve");
	return dgit_usage_error(argv[0], "unknown subcommand '%s'", argv[1]);
}
