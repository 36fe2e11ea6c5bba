/*
 * dgit: command table, global option parsing and dispatch.
 * No archive or git logic lives here; that is lib/'s.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buildopts.h"
#include "dgit.h"

struct dgit_opts dgit_opts;

#define ARCHIVE_OPTS \
	"  --require-valid-signature   refuse a .dsc without a good signature\n" \
	"  --force-release-expired     accept a Release past its Valid-Until\n" \
	"  --force-release-future-date accept a Release dated in the future\n" \
	"  --force-release-rollback    accept a Release older than one seen\n" \
	"  --no-cache                  neither use nor fill the download cache\n" \
	"SUITE may be combined, e.g. bookworm,-security (the highest version)\n"

#define PUSH_HELP \
	"  --new                       the package is new in the suite\n" \
	"  --overwrite[=VERSION]       declare HEAD a fast forward from the\n" \
	"                              archive's version (a pseudomerge)\n" \
	"  --deliberately-not-fast-forward\n" \
	"                              rewrite the git server's history\n" \
	"  -C CHANGES                  the .changes to upload (push-built)\n" \
	BUILDOPTS_HELP \
	"signing key: -k KEYID, else dgit-distro.DISTRO.keyid, else the\n" \
	"  changelog's Maintainer; -n checks and says what it would do;\n" \
	"  -L signs locally and pushes and uploads nothing\n"

static const struct dgit_cmd commands[] = {
	{ "clone", cmd_clone, 0, "PACKAGE [SUITE] [./DIR|/DIR]",
	  "make a new git repository of PACKAGE as it is in SUITE",
	  ARCHIVE_OPTS },
	{ "fetch", cmd_fetch, CMD_NEEDS_REPO, "[SUITE]",
	  "update the remote tracking branch from the archive", ARCHIVE_OPTS },
	{ "pull", cmd_pull, CMD_NEEDS_REPO | CMD_NEEDS_CLEAN, "[SUITE]",
	  "fetch, then merge into the current branch", ARCHIVE_OPTS },
	{ "checkout", cmd_checkout, CMD_NEEDS_REPO, "SUITE",
	  "create or switch to the branch dgit/SUITE", ARCHIVE_OPTS },
	{ "import-dsc", cmd_import_dsc, CMD_NEEDS_REPO,
	  "[--require-valid-signature] FILE.dsc [+|..]BRANCH",
	  "import a source package into git the way fetch does",
	  "  --require-valid-signature   refuse a .dsc without a good signature\n"
	  "  --no-chase-dsc-distro       do not fetch the Dgit: field's commit\n"
	  "  --force-import-dsc-with-dgit-field\n"
	  "                              import even when the Dgit: commit is usable\n" },
	{ "download-source", cmd_download_source, 0,
	  "[--dir DIR] PACKAGE[=VERSION] [SUITE] | --clear-cache",
	  "download and verify a source package's .dsc and files",
	  "  --dir DIR                   write the files into DIR\n"
	  "  --require-valid-signature   refuse a .dsc without a good signature\n"
	  "  --force-release-expired     accept a Release past its Valid-Until\n"
	  "  --force-release-future-date accept a Release dated in the future\n"
	  "  --force-release-rollback    accept a Release older than one seen\n"
	  "                              before for the suite\n"
	  "  --no-cache                  neither use nor fill the download cache\n"
	  "  --clear-cache               empty the cache ($XDG_CACHE_HOME/dgit,\n"
	  "                              default ~/.cache/dgit) first; with no\n"
	  "                              PACKAGE, only that\n"
	  "config: dgit-distro.DISTRO.mirror (default: the apt sources),\n"
	  "  dgit-distro.DISTRO.archive-keyring, dgit-distro.DISTRO.keyring\n"
	  "  (colon-separated keyring files)\n" },
	{ "build-source", cmd_build_source, CMD_NEEDS_REPO, "[BUILD-OPTS]",
	  "build the source package and a source-only .changes",
	  BUILDOPTS_HELP },
	{ "quilt-fixup", cmd_quilt_fixup, CMD_NEEDS_REPO | CMD_NEEDS_CLEAN,
	  "[--quilt=MODE] [--build-products-dir=DIR]",
	  "make debian/patches represent the git tree's changes",
	  BUILDOPTS_HELP },
	{ "push-source", cmd_push_source, CMD_NEEDS_REPO | CMD_NEEDS_CLEAN,
	  "[--new] [--overwrite[=VERSION]] [SUITE]",
	  "build, sign, push to the dgit git server and upload", PUSH_HELP },
	{ "push-built", cmd_push_built, CMD_NEEDS_REPO | CMD_NEEDS_CLEAN,
	  "[-C CHANGES] [--new] [--overwrite[=VERSION]] [SUITE]",
	  "sign, push and upload an existing build of HEAD", PUSH_HELP },
	{ "push", cmd_push, CMD_NEEDS_REPO | CMD_NEEDS_CLEAN, "[SUITE]",
	  "push-built or push-source, as dgit.default.push-subcmd says",
	  PUSH_HELP },
	{ "local-archive", cmd_local_archive, 0,
	  "init DIR [--distro NAME] [--suite SUITE]... [--key KEYID] | "
	  "process DIR | serve DIR [--port N]",
	  "a local archive and dgit git server to push to", NULL },
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const char global_help[] =
    "global options (before or after the command):\n"
    "  -d DISTRO, --distro=DISTRO  the distro (default: debian)\n"
    "  -c NAME=VALUE               override a git config setting\n"
    "  -k KEYID                    sign with this OpenPGP key\n"
    "  -n, --dry-run               do not change anything\n"
    "  -L, --damp-run              change only local things\n"
    "  -D                          debug output to stderr (repeatable)\n"
    "  -q, --quiet                 only errors\n"
    "  -h, --help                  this help\n"
    "  --version                   print the version\n";

static const struct dgit_cmd *
find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void
print_usage(FILE *fp)
{
	fprintf(fp, "usage: dgit [OPTIONS] COMMAND [OPTIONS] [ARGS]\n\n"
	    "commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  %-16s %s\n", commands[i].name,
		    commands[i].summary);
	fprintf(fp, "\n%s\n"
	    "'dgit help COMMAND' describes one command.\n", global_help);
}

static void
print_command_help(FILE *fp, const struct dgit_cmd *cmd)
{
	fprintf(fp, "usage: dgit [OPTIONS] %s [OPTIONS] %s\n\n%s\n",
	    cmd->name, cmd->usage, cmd->summary);
	if (cmd->help)
		fprintf(fp, "\noptions:\n%s", cmd->help);
	fprintf(fp, "\n%s", global_help);
}

int
dgit_report(const struct dgit_error *err)
{
	if (err == NULL)
		return DGIT_EXIT_OK;
	fprintf(stderr, "dgit: %s\n", err->msg);
	switch (err->code) {
	case DGIT_ERR_USAGE:
		return DGIT_EXIT_USAGE;
	case DGIT_ERR_NOT_IMPLEMENTED:
		return DGIT_EXIT_NOT_IMPLEMENTED;
	default:
		return DGIT_EXIT_FAIL;
	}
}

int
dgit_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("dgit: ", stderr);
	if (cmd)
		fprintf(stderr, "%s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: dgit %s%s%s\n", cmd ? cmd : "COMMAND",
	    cmd ? " " : "", cmd && find_command(cmd) ?
	    find_command(cmd)->usage : "");
	return DGIT_EXIT_USAGE;
}

void
dgit_debug(int level, const char *fmt, ...)
{
	va_list ap;

	if (dgit_opts.debug < level)
		return;
	fputs("dgit: debug: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
dgit_info(const char *fmt, ...)
{
	va_list ap;

	if (dgit_opts.quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
dgit_not_implemented(const char *cmd)
{
	fprintf(stderr, "dgit: %s: not implemented yet in this version\n",
	    cmd);
	return DGIT_EXIT_NOT_IMPLEMENTED;
}

/*
 * Take one global option from argv[*i] if it is one.  Returns 1 if taken
 * (advancing *i past any argument), 0 if not a global option, -1 on a
 * usage error (message printed).
 */
static int
take_global(int argc, char **argv, int *i, const char *cmd)
{
	const char *a = argv[*i];
	const char *val = NULL;

	if (a[0] != '-' || a[1] == '\0')
		return 0;
	if (strcmp(a, "-n") == 0 || strcmp(a, "--dry-run") == 0) {
		dgit_opts.dry_run = 1;
		return 1;
	}
	if (strcmp(a, "-L") == 0 || strcmp(a, "--damp-run") == 0) {
		dgit_opts.damp_run = 1;
		return 1;
	}
	if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
		dgit_opts.quiet = 1;
		return 1;
	}
	if (a[1] == 'D' && strspn(a + 1, "D") == strlen(a + 1)) {
		dgit_opts.debug += (int)strlen(a + 1);
		return 1;
	}
	if (strncmp(a, "--distro=", 9) == 0) {
		dgit_opts.distro = a + 9;
		return 1;
	}
	if (a[1] == 'd' || a[1] == 'c' || a[1] == 'k' ||
	    strcmp(a, "--distro") == 0) {
		char o = a[1] == '-' ? 'd' : a[1];

		if (a[1] != '-' && a[2] != '\0')
			val = a + 2;
		else if (*i + 1 < argc)
			val = argv[++*i];
		else {
			dgit_usage_error(cmd, "option '%s' needs a value", a);
			return -1;
		}
		if (o == 'd')
			dgit_opts.distro = val;
		else if (o == 'k')
			dgit_opts.keyid = val;
		else {
			const char **nc;

			if (strchr(val, '=') == NULL) {
				dgit_usage_error(cmd,
				    "-c needs NAME=VALUE, not '%s'", val);
				return -1;
			}
			nc = realloc(dgit_opts.config,
			    (dgit_opts.nconfig + 1) * sizeof *nc);
			if (nc == NULL) {
				perror("dgit");
				return -1;
			}
			nc[dgit_opts.nconfig++] = val;
			dgit_opts.config = nc;
		}
		return 1;
	}
	return 0;
}

/* Parse the global options and run the command; rest has argc + 1 slots. */
static int
run(int argc, char **argv, char **rest)
{
	const struct dgit_cmd *cmd = NULL;
	int nrest = 0, i, rc, ddash = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (ddash) {
			rest[nrest++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			if (cmd == NULL)
				return dgit_usage_error(NULL,
				    "'--' before the command");
			ddash = 1;
			rest[nrest++] = argv[i];
			continue;
		}
		if (strcmp(a, "--version") == 0) {
			printf("dgit (C) version %s\n", DGIT_VERSION);
			return DGIT_EXIT_OK;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			if (cmd)
				print_command_help(stdout, cmd);
			else
				print_usage(stdout);
			return DGIT_EXIT_OK;
		}
		rc = take_global(argc, argv, &i, cmd ? cmd->name : NULL);
		if (rc < 0)
			return DGIT_EXIT_USAGE;
		if (rc > 0)
			continue;
		if (cmd == NULL) {
			if (a[0] == '-')
				return dgit_usage_error(NULL,
				    "unknown option '%s'", a);
			if (strcmp(a, "help") == 0) {
				const struct dgit_cmd *c;

				if (i + 1 >= argc) {
					print_usage(stdout);
					return DGIT_EXIT_OK;
				}
				c = find_command(argv[i + 1]);
				if (c == NULL)
					return dgit_usage_error(NULL,
					    "unknown command '%s'",
					    argv[i + 1]);
				print_command_help(stdout, c);
				return DGIT_EXIT_OK;
			}
			cmd = find_command(a);
			if (cmd == NULL)
				return dgit_usage_error(NULL,
				    "unknown command '%s' (see 'dgit --help')",
				    a);
			rest[nrest++] = argv[i];
			continue;
		}
		rest[nrest++] = argv[i];
	}
	if (cmd == NULL) {
		print_usage(stderr);
		return DGIT_EXIT_USAGE;
	}
	rest[nrest] = NULL;
	return cmd->fn(nrest, rest);
}

int
main(int argc, char **argv)
{
	char **rest;
	int rc;

	rest = calloc((size_t)argc + 1, sizeof *rest);
	if (rest == NULL) {
		perror("dgit");
		return DGIT_EXIT_FAIL;
	}
	rc = run(argc, argv, rest);
	fflush(stdout);
	free(rest);
	free(dgit_opts.config);
	return rc;
}
