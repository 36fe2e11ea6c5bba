/* Internal interface of the dgit program: options, command table, output. */
#ifndef DGIT_PROGRAM_H
#define DGIT_PROGRAM_H

#include <stddef.h>

#include <git2.h>

#include "dgit_config.h"
#include "dgit_error.h"

/* Exit codes, Perl dgit's (documented in dgit.1, EXIT STATUS). */
#define DGIT_EXIT_OK 0
#define DGIT_EXIT_NO_PACKAGE 4     /* the package is not in the suite */
#define DGIT_EXIT_USAGE 8          /* bad command line */
#define DGIT_EXIT_CONFIG 12        /* bad or missing configuration */
#define DGIT_EXIT_FAIL 255         /* any other failure */

/* The one mutable global: options common to all commands. */
struct dgit_opts {
	const char *prog;          /* argv[0]'s basename: messages name it */
	const char *distro;        /* -d DISTRO, NULL when not given */
	const char **config;       /* -c name=value (-cNAME: name=true), in
	                              order given; freed with config_owned */
	char **config_owned;       /* the name=true strings made for -cNAME */
	size_t nconfig_owned;
	size_t nconfig;
	const char *keyid;         /* -k KEYID */
	const char *package;       /* -p PACKAGE, --package=PACKAGE */
	int dry_run;               /* -n, --dry-run */
	int damp_run;              /* -L, --damp-run */
	int debug;                 /* -D, repeatable */
	int quiet;                 /* -q */
	const char *self;          /* --dgit=PATH: dgit for recursive calls */
	int no_rm_on_error;        /* --no-rm-on-error: keep a failed clone */
	/*
	 * --TOOL=PROGRAM and --TOOL:OPTION (dget, dput, dpkg-source, ...),
	 * in order given: tool[i] is the tool's name, value[i] the program
	 * (is_option[i] == 0), one extra option (is_option[i] == 1) or one
	 * option to remove (--TOOL!:OPTION, is_option[i] == 2).  The
	 * strings point into argv.  Callers that run TOOL use
	 * dgit_tool_program() and dgit_tool_options().
	 */
	struct dgit_tool_opt {
		const char *tool;
		size_t tool_len;
		const char *value;
		int is_option;
	} *tools;
	size_t ntools;
	const char **explode;      /* --config-lookup-explode=KEY, in order */
	size_t nexplode;
};
extern struct dgit_opts dgit_opts;

/* The program to run for tool (--TOOL=PROGRAM, last wins), else tool. */
const char *dgit_tool_program(const char *tool);
/* --gbp-pq=COMMAND (to be split on whitespace), or NULL: "gbp pq". */
const char *dgit_gbp_pq_program(void);
/*
 * The --TOOL:OPTION options given for tool, in order, into out (up to
 * max); returns how many there are (possibly more than max).
 */
size_t dgit_tool_options(const char **out, size_t max, const char *tool);
/* 1 when --TOOL!:OPTION was given (OPTION is not to be passed to tool). */
int dgit_tool_removed(const char *tool, const char *option);

#define CMD_NEEDS_REPO  0x1        /* main opens the repository of "." */
#define CMD_NEEDS_CLEAN 0x2        /* main refuses a dirty working tree */
#define CMD_NO_REPO_CONFIG 0x4     /* config without any repository's */
#define CMD_DRY_RUN     0x8        /* honours -n; main refuses it otherwise */
/* after the command name, arguments are the command's (a builder's:
 * dgit build -d is dpkg-buildpackage's -d), not global options */
#define CMD_RAW_ARGS    0x10

struct dgit_cmd_ctx;

/*
 * A command: argv[0] is the command name, the global options already
 * taken out.  Returns NULL on success, else the error main reports (once).
 */
typedef const struct dgit_error *dgit_cmd_fn(struct dgit_cmd_ctx *ctx,
    int argc, char **argv);

struct dgit_cmd {
	const char *name;
	dgit_cmd_fn *fn;
	unsigned flags;
	const char *usage;         /* arguments after the command name */
	const char *summary;       /* one line */
	const char *help;          /* command-specific options, or NULL */
};

/* What main() prepared for the command; all owned by main. */
struct dgit_cmd_ctx {
	const struct dgit_cmd *cmd;  /* the command's table entry */
	/*
	 * With CMD_NEEDS_REPO, the repository containing ".", checked
	 * clean when CMD_NEEDS_CLEAN; else NULL.  A command may free it
	 * early (e.g. before running git) and must then set it to NULL.
	 */
	git_repository *repo;
	/* config: the repository's (or ".": the one containing it, unless
	 * CMD_NO_REPO_CONFIG), global, system, and the -c overrides */
	struct dgit_config *cfg;
	int usage;                 /* set by dgit_usage_error */
};

/*
 * A usage error of ctx's command: DGIT_ERR_USAGE "CMD: MSG", and main
 * prints the command's usage line after it.
 */
const struct dgit_error *dgit_usage_error(struct dgit_cmd_ctx *ctx,
    const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Debug line to stderr when -D was given at least level times. */
void dgit_debug(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Informational line to stderr unless -q. */
void dgit_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A command that does not exist yet (DGIT_ERR_NOT_IMPLEMENTED). */
const struct dgit_error *dgit_not_implemented(struct dgit_cmd_ctx *ctx);

dgit_cmd_fn cmd_clone, cmd_fetch, cmd_pull, cmd_checkout, cmd_import_dsc,
    cmd_download_source, cmd_build_source, cmd_quilt_fixup, cmd_push_source,
    cmd_push, cmd_push_built, cmd_local_archive, cmd_setup_new_tree,
    cmd_setup_useremail, cmd_setup_mergechangelogs, cmd_setup_gitattributes,
    cmd_update_vcs_git, cmd_print_dgit_repos_server_source_url,
    cmd_print_dpkg_source_ignores, cmd_print_unapplied_treeish, cmd_version, cmd_archive_api_query,
    cmd_build, cmd_sbuild, cmd_pbuilder, cmd_cowbuilder, cmd_gbp_build,
    cmd_clean, cmd_rpush, cmd_rpush_source, cmd_rpush_built,
    cmd_remote_push_build_host, cmd_remote_push_source_build_host;

/*
 * Open the repository containing "." (now: after a chdir) as ctx->repo,
 * checked clean when need_clean, and its config as ctx->cfg (replacing
 * those ctx had).
 */
const struct dgit_error *dgit_cmd_open_here(struct dgit_cmd_ctx *ctx,
    int need_clean);

/*
 * push-source (built 0) or push-built (built 1) with argv as their
 * command line (argv[0] the command name), signing through sign (rpush's
 * build host).
 */
struct dgit_pushsource_signing;
const struct dgit_error *cmd_push_signed_elsewhere(struct dgit_cmd_ctx *ctx,
    int argc, char **argv, int built,
    const struct dgit_error *(*sign)(void *arg,
    struct dgit_pushsource_signing *s), void *sign_arg);

#endif
