/*
 * dgit: command table, global option parsing and dispatch.
 * No archive or git logic lives here; that is lib/'s.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "buildopts.h"
#include "dgit.h"
#include "dgit_history.h"

struct dgit_opts dgit_opts;

#define ARCHIVE_OPTS \
	"  --require-valid-signature   refuse a .dsc without a good signature\n" \
	"  --force-release-expired     accept a Release past its Valid-Until\n" \
	"  --force-release-future-date accept a Release dated in the future\n" \
	"  --force-release-rollback    accept a Release older than one seen\n" \
	"  --no-cache                  neither use nor fill the download cache\n" \
	"  --force-import-gitapply-no-absurd\n" \
	"                              apply quilt patches with gbp pq import\n" \
	"                              (git apply) only\n" \
	"SUITE may be combined, e.g. bookworm,-security (the highest version)\n"

#define PUSH_HELP \
	"  --new                       the package is new in the suite\n" \
	"  --overwrite[=VERSION]       declare HEAD a fast forward from the\n" \
	"                              archive's version (a pseudomerge)\n" \
	"  --deliberately-not-fast-forward\n" \
	"                              rewrite the git server's history\n" \
	"  --deliberately-include-questionable-history\n" \
	"                              keep history the server's policy questions\n" \
	"  --force-push-tainted        only warn of objects the server refuses\n" \
	"  -C CHANGES                  the .changes to upload (push-built)\n" \
	BUILDOPTS_PUSH_HELP \
	"signing key: -k KEYID, else dgit-distro.DISTRO.keyid, else the\n" \
	"  changelog's Maintainer; -n checks and says what it would do;\n" \
	"  -L signs locally and pushes and uploads nothing\n"

#define RPUSH_HELP \
	"  the options before BUILD-HOST:BUILD-DIR and the global ones (but\n" \
	"  -k and --ssh) go to dgit on the build host, PUSH-ARGS to its push;\n" \
	"  ssh: --ssh=PROGRAM, --ssh:OPTION, else $DGIT_SSH, $GIT_SSH, ssh\n"

static const struct dgit_cmd commands[] = {
	{ "clone", cmd_clone, CMD_NO_REPO_CONFIG, "PACKAGE [SUITE] [./DIR|/DIR]",
	  "make a new git repository of PACKAGE as it is in SUITE",
	  ARCHIVE_OPTS },
	{ "fetch", cmd_fetch, CMD_NEEDS_REPO | CMD_DRY_RUN, "[SUITE]",
	  "update the remote tracking branch from the archive", ARCHIVE_OPTS },
	{ "pull", cmd_pull, CMD_NEEDS_REPO | CMD_NEEDS_CLEAN | CMD_DRY_RUN, "[SUITE]",
	  "fetch, then merge into the current branch", ARCHIVE_OPTS },
	{ "checkout", cmd_checkout, CMD_NEEDS_REPO | CMD_DRY_RUN, "SUITE",
	  "create or switch to the branch dgit/SUITE", ARCHIVE_OPTS },
	{ "import-dsc", cmd_import_dsc, CMD_NEEDS_REPO,
	  "[--require-valid-signature] FILE.dsc [+|..]BRANCH",
	  "import a source package into git the way fetch does",
	  "  --require-valid-signature   refuse a .dsc without a good signature\n"
	  "  --no-chase-dsc-distro       do not fetch the Dgit: field's commit\n"
	  "  --force-import-dsc-with-dgit-field\n"
	  "                              import even when the Dgit: commit is usable\n"
	  "  --force-import-gitapply-no-absurd\n"
	  "                              apply quilt patches with gbp pq import\n"
	  "                              (git apply) only\n" },
	{ "download-source", cmd_download_source, 0 | CMD_DRY_RUN,
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
	{ "build-source", cmd_build_source, CMD_NEEDS_REPO | CMD_RAW_ARGS,
	  "[BUILD-OPTS]",
	  "build the source package and a source-only .changes",
	  BUILDOPTS_SOURCE_HELP },
	{ "build", cmd_build, CMD_NEEDS_REPO | CMD_RAW_ARGS,
	  "[BUILD-OPTS] [DPKG-BUILDPACKAGE-OPTS]",
	  "build with dpkg-buildpackage, the source package by dgit",
	  BUILDOPTS_BUILD_HELP },
	{ "sbuild", cmd_sbuild, CMD_NEEDS_REPO | CMD_RAW_ARGS,
	  "[BUILD-OPTS] [SBUILD-OPTS]",
	  "build the source package, then binaries with sbuild",
	  BUILDOPTS_BUILD_HELP },
	{ "pbuilder", cmd_pbuilder, CMD_NEEDS_REPO | CMD_RAW_ARGS,
	  "[BUILD-OPTS] [DPKG-BUILDPACKAGE-OPTS]",
	  "build the source package, then binaries with pbuilder",
	  BUILDOPTS_BUILD_HELP },
	{ "cowbuilder", cmd_cowbuilder, CMD_NEEDS_REPO | CMD_RAW_ARGS,
	  "[BUILD-OPTS] [DPKG-BUILDPACKAGE-OPTS]",
	  "build the source package, then binaries with cowbuilder",
	  BUILDOPTS_BUILD_HELP },
	{ "gbp-build", cmd_gbp_build, CMD_NEEDS_REPO | CMD_RAW_ARGS,
	  "[BUILD-OPTS] [GBP-BUILDPACKAGE-OPTS]",
	  "build the source package, then binaries with gbp buildpackage "
	  "(--quilt=gbp by default)", BUILDOPTS_BUILD_HELP },
	{ "clean", cmd_clean, CMD_NEEDS_REPO, "[--clean=MODE]",
	  "clean the working tree as the clean mode says", BUILDOPTS_HELP },
	{ "quilt-fixup", cmd_quilt_fixup, CMD_NEEDS_REPO | CMD_NEEDS_CLEAN,
	  "[--quilt=MODE] [--build-products-dir=DIR]",
	  "make debian/patches represent the git tree's changes",
	  BUILDOPTS_HELP },
	{ "push-source", cmd_push_source, CMD_NEEDS_REPO | CMD_NEEDS_CLEAN | CMD_DRY_RUN,
	  "[--new] [--overwrite[=VERSION]] [SUITE]",
	  "build, sign, push to the dgit git server and upload", PUSH_HELP },
	{ "push-built", cmd_push_built, CMD_NEEDS_REPO | CMD_NEEDS_CLEAN | CMD_DRY_RUN,
	  "[-C CHANGES] [--new] [--overwrite[=VERSION]] [SUITE]",
	  "sign, push and upload an existing build of HEAD", PUSH_HELP },
	{ "push", cmd_push, CMD_NEEDS_REPO | CMD_NEEDS_CLEAN | CMD_DRY_RUN, "[SUITE]",
	  "push-built or push-source, as dgit.default.push-subcmd says",
	  PUSH_HELP },
	{ "rpush-source", cmd_rpush_source, CMD_RAW_ARGS | CMD_DRY_RUN,
	  "BUILD-HOST:BUILD-DIR [PUSH-ARGS]",
	  "push-source on the build host, signed here (over ssh)", RPUSH_HELP },
	{ "rpush-built", cmd_rpush_built, CMD_RAW_ARGS | CMD_DRY_RUN,
	  "BUILD-HOST:BUILD-DIR [PUSH-ARGS]",
	  "push-built on the build host, signed here (over ssh)", RPUSH_HELP },
	{ "rpush", cmd_rpush, CMD_RAW_ARGS | CMD_DRY_RUN,
	  "BUILD-HOST:BUILD-DIR [PUSH-ARGS]",
	  "rpush-built or rpush-source, as dgit.default.rpush-subcmd (else "
	  "push-subcmd) says", RPUSH_HELP },
	{ "remote-push-build-host", cmd_remote_push_build_host,
	  CMD_RAW_ARGS | CMD_DRY_RUN, "N DIR VERSIONS [PUSH-ARGS]",
	  "the build host's side of rpush-built (run by rpush)", NULL },
	{ "remote-push-source-build-host", cmd_remote_push_source_build_host,
	  CMD_RAW_ARGS | CMD_DRY_RUN, "N DIR VERSIONS [PUSH-ARGS]",
	  "the build host's side of rpush-source (run by rpush)", NULL },
	{ "setup-new-tree", cmd_setup_new_tree, CMD_NEEDS_REPO, "",
	  "set up this tree as clone does (each part as configured)",
	  "config: dgit-distro.DISTRO.setup-gitattributes, .setup-useremail,\n"
	  "  .setup-mergechangelogs (default true); DISTRO is -d's, else\n"
	  "  dgit-suite.DGIT-SETUP-TREE.distro's\n" },
	{ "setup-useremail", cmd_setup_useremail, CMD_NEEDS_REPO, "",
	  "set user.name and user.email as dgit does",
	  "from dgit-distro.DISTRO.user-name and .user-email, else\n"
	  "  $DEBFULLNAME and $DEBEMAIL\n" },
	{ "setup-mergechangelogs", cmd_setup_mergechangelogs, CMD_NEEDS_REPO,
	  "", "merge debian/changelog with dpkg-mergechangelogs", NULL },
	{ "setup-gitattributes", cmd_setup_gitattributes, CMD_NEEDS_REPO, "",
	  "defuse transforming git attributes (.git/info/attributes)", NULL },
	{ "update-vcs-git", cmd_update_vcs_git, CMD_NEEDS_REPO,
	  "[SUITE|.] [--] [GIT-FETCH-ARGS]",
	  "point the vcs-git remote at the Vcs-Git URL and fetch it",
	  "  SUITE (default: the first of dgit.vcs-git.suites) takes the URL\n"
	  "  from the archive's .dsc, '.' from debian/control; '-' instead of\n"
	  "  '--' sets the remote without fetching\n" },
	{ "print-dgit-repos-server-source-url",
	  cmd_print_dgit_repos_server_source_url, CMD_DRY_RUN, "",
	  "print the git URL of the dgit git server's source", NULL },
	{ "print-dpkg-source-ignores", cmd_print_dpkg_source_ignores,
	  CMD_DRY_RUN, "", "print the options that make dpkg-source leave "
	  ".git out", NULL },
	{ "print-unapplied-treeish", cmd_print_unapplied_treeish,
	  CMD_NEEDS_REPO | CMD_DRY_RUN, "", "print the tree of HEAD with its "
	  "patches unapplied (the origs in '..' and HEAD's debian/)", NULL },
	{ "version", cmd_version, CMD_DRY_RUN, "", "print the version", NULL },
	{ "archive-api-query", cmd_archive_api_query, 0, "SUBPATH",
	  "print the archive query service's answer to SUBPATH", NULL },
	{ "local-archive", cmd_local_archive, 0,
	  "init DIR [--distro NAME] [--suite SUITE]... [--key KEYID] | "
	  "process DIR | serve DIR [--port N]",
	  "a local archive and dgit git server to push to", NULL },
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const char global_help[] =
    "global options (before or after the command):\n"
    "  -d DISTRO, --distro=DISTRO  the distro (default: debian)\n"
    "  -c NAME=VALUE               override a git config setting (-cNAME:\n"
    "                              NAME=true, as git's -c)\n"
    "  -p PACKAGE, --package=PACKAGE\n"
    "                              the source package, where there is no\n"
    "                              debian/changelog to say (fetch, pull)\n"
    "  -k KEYID                    sign with this OpenPGP key\n"
    "  -n, --dry-run               do not change anything\n"
    "  -L, --damp-run              change only local things\n"
    "  -D                          debug output to stderr (repeatable)\n"
    "  -q, --quiet                 only errors\n"
    "  --dgit=PATH, --tool=PROGRAM, --tool:OPTION, --tool!:OPTION\n"
    "                              (tool: dget, dput, ...),\n"
    "  --config-lookup-explode=KEY, --no-rm-on-error\n"
    "                              for compatibility with Perl dgit\n"
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
	fprintf(fp, "usage: %s [OPTIONS] COMMAND [OPTIONS] [ARGS]\n\n"
	    "commands:\n", dgit_opts.prog);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  %-16s %s\n", commands[i].name,
		    commands[i].summary);
	fprintf(fp, "\n%s\n"
	    "'%s help COMMAND' describes one command.\n", global_help,
	    dgit_opts.prog);
}

static void
print_command_help(FILE *fp, const struct dgit_cmd *cmd)
{
	fprintf(fp, "usage: %s [OPTIONS] %s [OPTIONS] %s\n\n%s\n",
	    dgit_opts.prog, cmd->name, cmd->usage, cmd->summary);
	if (cmd->help)
		fprintf(fp, "\noptions:\n%s", cmd->help);
	fprintf(fp, "\n%s", global_help);
}

/* The one place error codes become exit codes. */
static int
exit_code(const struct dgit_error *err)
{
	if (err == NULL)
		return DGIT_EXIT_OK;
	if (err->cls == DGIT_ECLASS_NO_PACKAGE)
		return DGIT_EXIT_NO_PACKAGE;
	if (err->cls == DGIT_ECLASS_CONFIG)
		return DGIT_EXIT_CONFIG;
	if (err->code == DGIT_ERR_USAGE)
		return DGIT_EXIT_USAGE;
	return DGIT_EXIT_FAIL;
}

/* "dgit: [CMD: ]MSG" and the usage line; returns DGIT_EXIT_USAGE. */
static int
print_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int
print_usage_error(const char *cmd, const char *fmt, ...)
{
	const struct dgit_cmd *c = cmd ? find_command(cmd) : NULL;
	va_list ap;

	fprintf(stderr, "%s: ", dgit_opts.prog);
	if (cmd)
		fprintf(stderr, "%s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: %s %s%s%s\n", dgit_opts.prog,
	    cmd ? cmd : "COMMAND",
	    cmd ? " " : "", c ? c->usage : "");
	return DGIT_EXIT_USAGE;
}

const struct dgit_error *
dgit_usage_error(struct dgit_cmd_ctx *ctx, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	ctx->usage = 1;
	return dgit_error_fmt(DGIT_ERR_USAGE, "%s: %s", ctx->cmd->name, msg);
}

void
dgit_debug(int level, const char *fmt, ...)
{
	va_list ap;

	if (dgit_opts.debug < level)
		return;
	fprintf(stderr, "%s: debug: ", dgit_opts.prog);
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

const struct dgit_error *
dgit_not_implemented(struct dgit_cmd_ctx *ctx)
{
	return dgit_error_fmt(DGIT_ERR_NOT_IMPLEMENTED, "%s: not implemented "
	    "yet in this version", ctx->cmd->name);
}

/* The global options (-D, repeatable, is apart: "-DD" counts 2). */
static const struct option global_options[] = {
	{ "distro", required_argument, NULL, 'd' },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "damp-run", no_argument, NULL, 'L' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "package", required_argument, NULL, 'p' },
	{ NULL, 0, NULL, 0 }
};
static const char global_short[] = "d:c:k:p:nLq";

/* "NAME=true", kept in dgit_opts.config_owned; NULL (said) on failure. */
static const char *
config_true(const char *name)
{
	char **no, *s;

	if (asprintf(&s, "%s=true", name) < 0)
		s = NULL;
	no = s ? realloc(dgit_opts.config_owned,
	    (dgit_opts.nconfig_owned + 1) * sizeof *no) : NULL;
	if (no == NULL) {
		perror(dgit_opts.prog);
		free(s);
		return NULL;
	}
	no[dgit_opts.nconfig_owned++] = s;
	dgit_opts.config_owned = no;
	return s;
}

static int
set_global(int opt, const char *val, const char *cmd)
{
	const char **nc;

	switch (opt) {
	case 'd':
		dgit_opts.distro = val;
		break;
	case 'k':
		dgit_opts.keyid = val;
		break;
	case 'p':
		if (val[0] == '\0' || val[0] == '-' || strchr(val, '/')) {
			print_usage_error(cmd, "bad package name '%s'", val);
			return -1;
		}
		dgit_opts.package = val;
		break;
	case 'n':
		dgit_opts.dry_run = 1;
		break;
	case 'L':
		dgit_opts.damp_run = 1;
		break;
	case 'q':
		dgit_opts.quiet = 1;
		break;
	case 'c':
		/* -cNAME is NAME=true, as git's -c */
		if (strchr(val, '=') == NULL && (val = config_true(val)) ==
		    NULL)
			return -1;
		nc = realloc(dgit_opts.config,
		    (dgit_opts.nconfig + 1) * sizeof *nc);
		if (nc == NULL) {
			perror(dgit_opts.prog);
			return -1;
		}
		nc[dgit_opts.nconfig++] = val;
		dgit_opts.config = nc;
		break;
	}
	return 1;
}

/* The option and its value of "--NAME[=VALUE]" by the table, or 0. */
static int
find_global_long(const char *a, int *has_arg, const char **val)
{
	const char *eq = strchr(a, '=');
	size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);

	for (const struct option *o = global_options; o->name; o++) {
		if (strlen(o->name) != n || strncmp(a + 2, o->name, n) != 0)
			continue;
		if (eq && o->has_arg == no_argument)
			return 0;
		*has_arg = o->has_arg;
		*val = eq ? eq + 1 : NULL;
		return o->val;
	}
	return 0;
}

/*
 * Take one global option from argv[*i] if it is one, wherever it is (as
 * dgit does, also after the command name).  Returns 1 if taken
 * (advancing *i past any value), 0 if not a global option, -1 on a usage
 * error (message printed).
 */
/*
 * The tools --TOOL=PROGRAM and --TOOL:OPTION may name: those dgit runs.
 * (Perl dgit accepts the same set.)
 */
static const char *const known_tools[] = {
	"dget", "dput", "debsign", "gpg", "ssh", "dgit", "git", "dpkg-source",
	"dpkg-buildpackage", "dpkg-genchanges", "dpkg-query", "mergechanges",
	"gbp", "gbp-build", "gbp-pq", "sbuild", "pbuilder", "cowbuilder",
	"git-debrebase", "git-debpush", "curl", "dpkg-genbuildinfo",
	"dpkg-parsechangelog", "dpkg-deb", "dch", "mk-origtargz",
	"diff", "tar", "ch", NULL
};

/* 1: a --TOOL=... or --TOOL:... option, recorded; 0: not one; -1: error. */
static int
take_tool_opt(const char *a)
{
	struct dgit_tool_opt *nt;
	size_t len, k;

	if (a[0] != '-' || a[1] != '-')
		return 0;
	len = strcspn(a + 2, "=:!");
	if (a[2 + len] == '\0' || len == 0 ||
	    (a[2 + len] == '!' && a[3 + len] != ':'))
		return 0;
	for (k = 0; known_tools[k] != NULL; k++)
		if (strlen(known_tools[k]) == len &&
		    strncmp(known_tools[k], a + 2, len) == 0)
			break;
	if (known_tools[k] == NULL)
		return 0;
	nt = realloc(dgit_opts.tools, (dgit_opts.ntools + 1) * sizeof *nt);
	if (nt == NULL) {
		perror(dgit_opts.prog);
		return -1;
	}
	nt[dgit_opts.ntools].tool = a + 2;
	nt[dgit_opts.ntools].tool_len = len;
	/* --TOOL!:OPTION removes OPTION (is_option 2) */
	nt[dgit_opts.ntools].value = a + 3 + len + (a[2 + len] == '!');
	nt[dgit_opts.ntools].is_option = a[2 + len] == ':' ? 1 :
	    a[2 + len] == '!' ? 2 : 0;
	dgit_opts.ntools++;
	dgit_opts.tools = nt;
	return 1;
}

const char *
dgit_tool_program(const char *tool)
{
	const char *prog = tool;
	size_t k, len = strlen(tool);

	for (k = 0; k < dgit_opts.ntools; k++) {
		const struct dgit_tool_opt *t = &dgit_opts.tools[k];

		if (!t->is_option && t->tool_len == len &&
		    strncmp(t->tool, tool, len) == 0)
			prog = t->value;
	}
	return prog;
}

const char *
dgit_gbp_pq_program(void)
{
	const char *prog = dgit_tool_program("gbp-pq");

	return strcmp(prog, "gbp-pq") == 0 ? NULL : prog;
}

size_t
dgit_tool_options(const char **out, size_t max, const char *tool)
{
	size_t k, n = 0, len = strlen(tool);

	for (k = 0; k < dgit_opts.ntools; k++) {
		const struct dgit_tool_opt *t = &dgit_opts.tools[k];

		if (t->is_option == 2 && t->tool_len == len &&
		    strncmp(t->tool, tool, len) == 0) {
			/* drop the ones given so far, as dgit does */
			size_t w = 0;

			for (size_t j = 0; j < n && j < max; j++)
				if (strcmp(out[j], t->value) != 0)
					out[w++] = out[j];
			n = w + (n > max ? n - max : 0);
		} else if (t->is_option && t->tool_len == len &&
		    strncmp(t->tool, tool, len) == 0) {
			if (n < max)
				out[n] = t->value;
			n++;
		}
	}
	return n;
}

int
dgit_tool_removed(const char *tool, const char *option)
{
	size_t len = strlen(tool);

	for (size_t k = 0; k < dgit_opts.ntools; k++) {
		const struct dgit_tool_opt *t = &dgit_opts.tools[k];

		if (t->is_option == 2 && t->tool_len == len &&
		    strncmp(t->tool, tool, len) == 0 &&
		    strcmp(t->value, option) == 0)
			return 1;
	}
	return 0;
}

static int
take_global(int argc, char **argv, int *i, const char *cmd)
{
	const char *a = argv[*i], *val = NULL, *p;
	int opt, has_arg, rc;

	if (a[0] != '-' || a[1] == '\0')
		return 0;
	if (a[1] == 'D' && strspn(a + 1, "D") == strlen(a + 1)) {
		dgit_opts.debug += (int)strlen(a + 1);
		return 1;
	}
	if (strcmp(a, "--no-rm-on-error") == 0 ||
	    strcmp(a, "--rm-on-error") == 0) {
		dgit_opts.no_rm_on_error = a[2] == 'n';
		return 1;
	}
	if (strncmp(a, "--dgit=", 7) == 0) {
		dgit_opts.self = a + 7;
		return 1;
	}
	if (strncmp(a, "--config-lookup-explode=", 24) == 0) {
		const char **ne = realloc(dgit_opts.explode,
		    (dgit_opts.nexplode + 1) * sizeof *ne);

		if (ne == NULL) {
			perror(dgit_opts.prog);
			return -1;
		}
		ne[dgit_opts.nexplode++] = a + 24;
		dgit_opts.explode = ne;
		return 1;
	}
	if ((rc = take_tool_opt(a)) != 0)
		return rc;
	if (a[1] == '-') {
		if ((opt = find_global_long(a, &has_arg, &val)) == 0)
			return 0;
	} else {
		if (a[1] == ':' || (p = strchr(global_short, a[1])) == NULL)
			return 0;
		opt = a[1];
		has_arg = p[1] == ':' ? required_argument : no_argument;
		if (a[2] != '\0' && has_arg == no_argument)
			return 0;
		if (a[2] != '\0')
			val = a + 2;
	}
	if (has_arg == required_argument && val == NULL) {
		if (*i + 1 >= argc) {
			print_usage_error(cmd, "option '%s' needs a value", a);
			return -1;
		}
		val = argv[++*i];
	}
	return set_global(opt, val, cmd);
}

/*
 * The repository containing ".", refusing a working tree with changes to
 * tracked files when need_clean (DGIT_ERR_DIRTY, naming them).
 */
static const struct dgit_error *
open_repo(git_repository **out, int need_clean)
{
	const struct dgit_error *err = NULL;
	git_repository *repo = NULL;
	char **paths = NULL;
	size_t n = 0, total = 0;

	*out = NULL;
	if (git_repository_open_ext(&repo, ".", 0, NULL) != 0)
		return dgit_error_fmt(DGIT_ERR_NOT_FOUND, "not in a git "
		    "repository; run this in a tree made by 'dgit clone'");
	if (need_clean) {
		dgit_history_refresh_index(repo, dgit_tool_program("git"));
		err = dgit_history_tree_dirty(&paths, &n, &total, repo, 1);
		if (err == NULL && total > 0)
			err = dgit_error_fmt(DGIT_ERR_DIRTY, "the working tree "
			    "has uncommitted changes (%zu paths, '%s'%s); commit "
			    "or stash them first (git status shows them)", total,
			    paths[0], total > 1 ? " and others" : "");
		dgit_history_paths_free(paths, n);
	}
	if (err)
		git_repository_free(repo);
	else
		*out = repo;
	return err;
}

const struct dgit_error *
dgit_cmd_open_here(struct dgit_cmd_ctx *ctx, int need_clean)
{
	const struct dgit_error *err;

	git_repository_free(ctx->repo);
	ctx->repo = NULL;
	if ((err = open_repo(&ctx->repo, need_clean)))
		return err;
	dgit_config_free(ctx->cfg);
	ctx->cfg = NULL;
	return dgit_config_new(&ctx->cfg, git_repository_workdir(ctx->repo),
	    dgit_opts.config, dgit_opts.nconfig);
}

/*
 * A failure as dgit reports it: "dgit: error: " before the first line,
 * "dgit: " before each further one.  A usage error (the usage line
 * follows), a configuration error and a package not in the suite have
 * no "error: " (plain: 0), as dgit's bad usage, bad configuration and
 * "does not exist in suite" have none.  A first line "failed command:
 * ..." is dgit's report of the command before the error: "error: " goes
 * on the line after it.
 */
static void
report_error(const char *msg, int plain)
{
	static const char cmd[] = "failed command: ";
	const char *nl;
	size_t len;
	int tag = !plain;

	do {
		nl = strchr(msg, '\n');
		len = nl ? (size_t)(nl - msg) : strlen(msg);
		if (tag && nl && strncmp(msg, cmd, sizeof cmd - 1) == 0) {
			fprintf(stderr, "%s: %.*s\n", dgit_opts.prog, (int)len,
			    msg);
			msg = nl + 1;
			continue;
		}
		fprintf(stderr, "%s: %s%.*s\n", dgit_opts.prog,
		    tag ? "error: " : "", (int)len, msg);
		tag = 0;
		msg = nl ? nl + 1 : NULL;
	} while (msg && *msg);
}

/* Prepare what cmd's table entry asks for, run it, report its error. */
static int
run_command(const struct dgit_cmd *cmd, int argc, char **argv)
{
	struct dgit_cmd_ctx ctx = { .cmd = cmd };
	const struct dgit_error *err = NULL;
	const char *where = ".";

	git_libgit2_init();
	if (dgit_opts.dry_run && !(cmd->flags & CMD_DRY_RUN)) {
		err = dgit_usage_error(&ctx, "--dry-run (-n) is not supported "
		    "by %s: it cannot go through the motions without changing "
		    "anything; run it without -n", cmd->name);
		goto done;
	}
	if (cmd->flags & CMD_NEEDS_REPO) {
		if ((err = open_repo(&ctx.repo, cmd->flags & CMD_NEEDS_CLEAN)))
			goto done;
		where = git_repository_workdir(ctx.repo);
	} else if (cmd->flags & CMD_NO_REPO_CONFIG)
		where = NULL;
	if ((err = dgit_config_new(&ctx.cfg, where, dgit_opts.config,
	    dgit_opts.nconfig)))
		goto done;
	err = cmd->fn(&ctx, argc, argv);
done:
	fflush(stdout);
	if (err) {
		report_error(err->msg, ctx.usage ||
		    err->cls == DGIT_ECLASS_NO_PACKAGE ||
		    err->cls == DGIT_ECLASS_CONFIG);
		if (ctx.usage)
			fprintf(stderr, "usage: %s %s%s%s\n", dgit_opts.prog,
			    cmd->name, cmd->usage[0] ? " " : "", cmd->usage);
	}
	dgit_config_free(ctx.cfg);
	git_repository_free(ctx.repo);
	git_libgit2_shutdown();
	return exit_code(err);
}

/*
 * Whether a is one of the options that set the clean or quilt mode (-wgf,
 * --clean=MODE, --quilt=MODE, --gbp, ...).  Perl dgit takes them with any
 * command; those that neither build nor clean ignore them.
 */
static int
is_mode_option(const char *a)
{
	static const char *const q[] = { "--gbp", "--dpm", "--baredebian",
	    "--baredebian+git", "--baredebian+tarball", "--no-quilt-fixup" };

	/* a bad mode is not one: the command refuses it, as Perl dgit */
	if (a[0] == '-' && a[1] == 'w' && a[2] != '\0')
		return buildopts_is_w(a + 2);
	if (strncmp(a, "--clean=", 8) == 0)
		return dgit_srcbuild_clean_parse(a + 8) >= 0;
	if (strncmp(a, "--quilt=", 8) == 0)
		return dgit_quiltfix_mode_parse(a + 8) >= 0;
	for (size_t k = 0; k < sizeof q / sizeof q[0]; k++)
		if (strcmp(a, q[k]) == 0)
			return 1;
	return 0;
}

/*
 * A command's option that Perl dgit's global parser takes with its value
 * as the next word ("--build-products-dir ..", as git-debrebase runs
 * dgit), given before the command.
 */
static int
pre_valopt(const char *a)
{
	static const char *const v[] = { "--build-products-dir", "--clean",
	    "--quilt", "--since-version", "--existing-package", NULL };

	for (int k = 0; v[k]; k++)
		if (strcmp(a, v[k]) == 0)
			return 1;
	return 0;
}

/* Whether cmd takes the clean and quilt modes (builds, cleans or pushes). */
static int
takes_modes(const struct dgit_cmd *cmd)
{
	return (cmd->flags & CMD_RAW_ARGS) || cmd->fn == cmd_clean ||
	    cmd->fn == cmd_quilt_fixup || cmd->fn == cmd_push_source ||
	    cmd->fn == cmd_push_built || cmd->fn == cmd_push;
}

/*
 * Parse the global options and run the command; rest has argc + 1 slots,
 * pre argc.  Command options given before the command (Perl dgit takes
 * "dgit -wgf quilt-fixup") are kept in pre and passed after its name.
 */
static int
run(int argc, char **argv, char **rest, char **pre)
{
	const struct dgit_cmd *cmd = NULL;
	int nrest = 0, npre = 0, i, rc, ddash = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (ddash) {
			rest[nrest++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			if (cmd == NULL)
				return print_usage_error(NULL,
				    "'--' before the command");
			ddash = 1;
			rest[nrest++] = argv[i];
			continue;
		}
		if (strcmp(a, "--version") == 0) {
			printf("dgit version %s\n", DGIT_VERSION);
			return DGIT_EXIT_OK;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			if (cmd)
				print_command_help(stdout, cmd);
			else
				print_usage(stdout);
			return DGIT_EXIT_OK;
		}
		if (cmd && (cmd->flags & CMD_RAW_ARGS)) {
			rest[nrest++] = argv[i];
			continue;
		}
		rc = take_global(argc, argv, &i, cmd ? cmd->name : NULL);
		if (rc < 0)
			return DGIT_EXIT_USAGE;
		if (rc > 0)
			continue;
		if (cmd == NULL) {
			if (strcmp(a, "-C") == 0 && i + 1 < argc) {
				/* push's -C CHANGES, before the command */
				pre[npre++] = argv[i++];
				pre[npre++] = argv[i];
				continue;
			}
			if (pre_valopt(a) && i + 1 < argc) {
				/* "--build-products-dir DIR", as Perl dgit */
				pre[npre++] = argv[i++];
				pre[npre++] = argv[i];
				continue;
			}
			if (a[0] == '-') {
				pre[npre++] = argv[i];
				continue;
			}
			if (strcmp(a, "help") == 0 && npre > 0)
				return print_usage_error(NULL,
				    "unknown option '%s'", pre[0]);
			if (strcmp(a, "help") == 0) {
				const struct dgit_cmd *c;

				if (i + 1 >= argc) {
					print_usage(stdout);
					return DGIT_EXIT_OK;
				}
				c = find_command(argv[i + 1]);
				if (c == NULL)
					return print_usage_error(NULL,
					    "unknown command '%s'",
					    argv[i + 1]);
				print_command_help(stdout, c);
				return DGIT_EXIT_OK;
			}
			cmd = find_command(a);
			if (cmd == NULL)
				return print_usage_error(NULL,
				    "unknown command '%s' (see '%s --help')",
				    a, dgit_opts.prog);
			rest[nrest++] = argv[i];
			for (int k = 0; k < npre; k++)
				if (takes_modes(cmd) || !is_mode_option(pre[k]))
					rest[nrest++] = pre[k];
			npre = 0;
			continue;
		}
		if (!takes_modes(cmd) && is_mode_option(a))
			continue;
		rest[nrest++] = argv[i];
	}
	if (cmd == NULL && npre > 0)
		return print_usage_error(NULL, "unknown option '%s'", pre[0]);
	if (cmd == NULL) {
		print_usage(stderr);
		return DGIT_EXIT_USAGE;
	}
	rest[nrest] = NULL;
	for (size_t k = 0; k < dgit_opts.ntools; k++)
		dgit_debug(1, "%.*s: %s %s", (int)dgit_opts.tools[k].tool_len,
		    dgit_opts.tools[k].tool, dgit_opts.tools[k].is_option ?
		    "extra option" :
		    dgit_opts.tools[k].is_option == 2 ? "option removed" :
		    "program", dgit_opts.tools[k].value);
	return run_command(cmd, nrest, rest);
}

int
main(int argc, char **argv)
{
	char **rest, **pre;
	int rc;

	dgit_opts.prog = argv[0] && strrchr(argv[0], '/') ?
	    strrchr(argv[0], '/') + 1 : argv[0] && argv[0][0] ? argv[0] : "dgit";
	rest = calloc((size_t)argc + 1, sizeof *rest);
	pre = calloc((size_t)argc + 1, sizeof *pre);
	if (rest == NULL || pre == NULL) {
		perror(dgit_opts.prog);
		free(rest);
		free(pre);
		return DGIT_EXIT_FAIL;
	}
	rc = run(argc, argv, rest, pre);
	fflush(stdout);
	free(rest);
	free(pre);
	free(dgit_opts.config);
	for (size_t k = 0; k < dgit_opts.nconfig_owned; k++)
		free(dgit_opts.config_owned[k]);
	free(dgit_opts.config_owned);
	free(dgit_opts.tools);
	free(dgit_opts.explode);
	return rc;
}
