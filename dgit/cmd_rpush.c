/*
 * dgit rpush[-source|-built] BUILD-HOST:BUILD-DIR [PUSH-ARGS]: the
 * signing host's side (ssh to the build host, sign what it sends); and
 * remote-push[-source]-build-host, the build host's side, which ssh runs
 * there: push-source or push-built with the signing done over the
 * connection (lib/rpush.c).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "dgit.h"
#include "dgit_config.h"
#include "dgit_fs.h"
#include "dgit_quiltfix.h"
#include "dgit_rpush.h"

#define MAX_ARGS 256

struct argvec {
	const char *v[MAX_ARGS + 1];
	size_t n;
	char *owned[MAX_ARGS];
	size_t nowned;
};

static const struct dgit_error *
add(struct argvec *a, const char *s)
{
	if (a->n >= MAX_ARGS)
		return dgit_error_fmt(DGIT_ERR_LIMIT, "too many arguments");
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
	return NULL;
}

static const struct dgit_error *
addf(struct argvec *a, const char *pre, const char *x, size_t xl,
    const char *post)
{
	char *s;

	if (a->nowned >= MAX_ARGS)
		return dgit_error_fmt(DGIT_ERR_LIMIT, "too many arguments");
	if (asprintf(&s, "%s%.*s%s", pre, (int)xl, x, post) < 0)
		return dgit_error(DGIT_ERR_NOMEM);
	a->owned[a->nowned++] = s;
	return add(a, s);
}

static void
argvec_release(struct argvec *a)
{
	for (size_t i = 0; i < a->nowned; i++)
		free(a->owned[i]);
}

/* The ssh to run: --ssh=, else $DGIT_SSH (words), $GIT_SSH, ssh. */
static const struct dgit_error *
ssh_argv(struct argvec *a, char **words)
{
	const struct dgit_error *err;
	const char *prog = dgit_tool_program("ssh"), *opts[32], *env;
	size_t nopts;

	*words = NULL;
	if (strcmp(prog, "ssh") == 0 && (env = getenv("DGIT_SSH")) &&
	    env[0]) {
		char *save = NULL, *w;

		if ((*words = strdup(env)) == NULL)
			return dgit_error(DGIT_ERR_NOMEM);
		for (w = strtok_r(*words, " \t", &save); w;
		    w = strtok_r(NULL, " \t", &save))
			if ((err = add(a, w)))
				return err;
	} else if (strcmp(prog, "ssh") == 0 && (env = getenv("GIT_SSH")) &&
	    env[0]) {
		if ((err = add(a, env)))
			return err;
	} else if ((err = add(a, prog)))
		return err;
	nopts = dgit_tool_options(opts, 32, "ssh");
	for (size_t i = 0; i < nopts && i < 32; i++)
		if ((err = add(a, opts[i])))
			return err;
	return NULL;
}

/* The global options the build host's dgit gets (all but -k, --ssh). */
static const struct dgit_error *
global_opts(struct argvec *a)
{
	const struct dgit_error *err = NULL;

	for (size_t i = 0; i < dgit_opts.nconfig && !err; i++)
		err = addf(a, "-c", "", 0, dgit_opts.config[i]);
	if (!err && dgit_opts.distro)
		err = addf(a, "-d", "", 0, dgit_opts.distro);
	if (!err && dgit_opts.package)
		err = addf(a, "-p", "", 0, dgit_opts.package);
	for (int i = 0; i < dgit_opts.debug && !err; i++)
		err = add(a, "-D");
	if (!err && dgit_opts.quiet)
		err = add(a, "-q");
	if (!err && dgit_opts.dry_run)
		err = add(a, "-n");
	if (!err && dgit_opts.damp_run)
		err = add(a, "-L");
	if (!err && dgit_opts.self)
		err = addf(a, "--dgit=", "", 0, dgit_opts.self);
	for (size_t k = 0; k < dgit_opts.ntools && !err; k++) {
		const struct dgit_tool_opt *t = &dgit_opts.tools[k];

		if (t->tool_len == 3 && strncmp(t->tool, "ssh", 3) == 0)
			continue;
		if ((err = addf(a, "--", t->tool, t->tool_len,
		    t->is_option == 1 ? ":" : t->is_option == 2 ? "!:" : "=")))
			break;
		/* the value after it, in the same word */
		{
			char *w;

			if (asprintf(&w, "%s%s", a->v[a->n - 1], t->value) < 0)
				return dgit_error(DGIT_ERR_NOMEM);
			free(a->owned[a->nowned - 1]);
			a->owned[a->nowned - 1] = w;
			a->v[a->n - 1] = w;
		}
	}
	for (size_t k = 0; k < dgit_opts.nexplode && !err; k++)
		err = addf(a, "--config-lookup-explode=", "", 0,
		    dgit_opts.explode[k]);
	return err;
}

static void
ignore_sigpipe(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/* The quilt mode's name for the tags: --quilt=, --gbp, --dpm, config. */
static const char *
quilt_name(struct dgit_cmd_ctx *ctx, char **opts, int n)
{
	const char *q = NULL;
	int m;

	for (int i = 0; i < n; i++) {
		if (strncmp(opts[i], "--quilt=", 8) == 0)
			q = opts[i] + 8;
		else if (strcmp(opts[i], "--gbp") == 0)
			q = "gbp";
		else if (strcmp(opts[i], "--dpm") == 0)
			q = "dpm";
		else if (strcmp(opts[i], "--no-quilt-fixup") == 0)
			q = "nocheck";
	}
	if (q == NULL)
		q = dgit_config_get(ctx->cfg, "dgit.default.quilt-mode");
	if (q == NULL || (m = dgit_quiltfix_mode_parse(q)) < 0)
		return "linear";
	if (m == DGIT_QUILT_AUTO)
		return "try-linear";
	return dgit_quiltfix_mode_name((enum dgit_quilt_mode)m);
}

static const struct dgit_error *
rpush_core(struct dgit_cmd_ctx *ctx, int argc, char **argv,
    const char *verb)
{
	const struct dgit_error *err = NULL;
	struct dgit_rpush_initiator_opts o;
	struct argvec ssh = { .n = 0 }, remote = { .n = 0 };
	const char *deliberately[16];
	char *host = NULL, *dir = NULL, *cmdline = NULL, *words = NULL;
	char *tmpdir = NULL, nvsn[] = "2";
	int i, hostarg = -1;
	size_t ndel = 0;

	ignore_sigpipe();
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (argv[i][0] != '-')
			break;
		if (strncmp(argv[i], "--deliberately-", 15) == 0 && ndel < 16)
			deliberately[ndel++] = argv[i];
	}
	if (i >= argc)
		return dgit_usage_error(ctx, "needs BUILD-HOST:BUILD-DIR");
	hostarg = i;
	{
		/* HOST:DIR, the host perhaps [bracketed] (IPv6) */
		const char *a = argv[i], *p = a;

		while (*p && *p != ':') {
			if (*p == '[') {
				const char *e = strchr(p, ']');

				p = e ? e + 1 : p + strlen(p);
				continue;
			}
			p++;
		}
		if (*p == ':') {
			host = strndup(a, (size_t)(p - a));
			dir = strdup(p + 1);
		} else if (i + 1 < argc) {
			host = strdup(a);
			dir = strdup(argv[++i]);
		} else {
			err = dgit_usage_error(ctx, "needs BUILD-HOST:BUILD-DIR");
			goto done;
		}
		if (host == NULL || dir == NULL) {
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
		if (dir[0] == '-') {
			char *d;

			if (asprintf(&d, "./%s", dir) < 0) {
				err = dgit_error(DGIT_ERR_NOMEM);
				goto done;
			}
			free(dir);
			dir = d;
		}
	}
	/* the build host's dgit: ours, the options, the command */
	if ((err = add(&remote, dgit_opts.self ? dgit_opts.self : "dgit")) ||
	    (err = global_opts(&remote)))
		goto done;
	for (int k = 1; k < hostarg; k++)
		if ((err = add(&remote, argv[k])))
			goto done;
	if ((err = addf(&remote, "remote-", verb, strlen(verb),
	    "-build-host")) || (err = add(&remote, nvsn)) ||
	    (err = add(&remote, dir)) ||
	    (err = add(&remote, DGIT_RPUSH_VERSIONS)))
		goto done;
	for (int k = i + 1; k < argc; k++) {
		if (strncmp(argv[k], "--deliberately-", 15) == 0 && ndel < 16)
			deliberately[ndel++] = argv[k];
		if ((err = add(&remote, argv[k])))
			goto done;
	}
	for (size_t k = 0; k < remote.n; k++)
		if ((err = dgit_rpush_shell_quote(&cmdline, remote.v[k])))
			goto done;
	if ((err = ssh_argv(&ssh, &words)) || (err = add(&ssh, host)) ||
	    (err = add(&ssh, cmdline)))
		goto done;
	dgit_debug(1, "+ %s %s %s", ssh.v[0], host, cmdline);
	if ((err = dgit_fs_mkdtemp(&tmpdir, NULL, "dgit-rpush")))
		goto done;
	memset(&o, 0, sizeof o);
	o.argv = ssh.v;
	o.verb = verb;
	o.tmpdir = tmpdir;
	o.cfg = ctx->cfg;
	o.distro = dgit_opts.distro;
	o.keyid = dgit_opts.keyid;
	o.quilt = quilt_name(ctx, argv + 1, argc - 1);
	o.deliberately = deliberately;
	o.ndeliberately = ndel;
	o.info = common_say_cb;
	err = dgit_rpush_initiate(&o);
	if (err == NULL && !dgit_opts.quiet)
		printf("dgit ok: rpush %s from %s done\n", verb, argv[hostarg]);
done:
	if (tmpdir) {
		dgit_fs_remove_tree(tmpdir);
		free(tmpdir);
	}
	argvec_release(&ssh);
	argvec_release(&remote);
	free(host);
	free(dir);
	free(cmdline);
	free(words);
	return err;
}

const struct dgit_error *
cmd_rpush_source(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	return rpush_core(ctx, argc, argv, "push-source");
}

const struct dgit_error *
cmd_rpush_built(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	return rpush_core(ctx, argc, argv, "push");
}

/* As dgit: dgit.default.rpush-subcmd, else .push-subcmd. */
const struct dgit_error *
cmd_rpush(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	const char *v = dgit_config_get(ctx->cfg, "dgit.default.rpush-subcmd");

	if (v == NULL)
		v = dgit_config_get(ctx->cfg, "dgit.default.push-subcmd");
	if (v == NULL)
		v = "built";
	if (strcmp(v, "source") == 0)
		return cmd_rpush_source(ctx, argc, argv);
	if (strcmp(v, "built") == 0)
		return cmd_rpush_built(ctx, argc, argv);
	if (strcmp(v, "warn,built") == 0) {
		dgit_info("warning: \"dgit rpush\" currently means \"dgit "
		    "rpush-built\" (by default)\nwarning:   but is going to "
		    "change to \"dgit rpush-source\".   See dgit(1).");
		return cmd_rpush_built(ctx, argc, argv);
	}
	return dgit_error_cfmt(DGIT_ECLASS_CONFIG, DGIT_ERR_USAGE, "dgit "
	    "rpush, but dgit.default.[r]push-subcmd set to %s", v);
}

/*
 * The build host: argv is "remote-VERB-build-host N DIR VERSIONS...
 * PUSH-ARGS".  The protocol goes over our stdin and stdout; stdin is
 * then /dev/null and stdout our stderr, so nothing else gets into it.
 */
static const struct dgit_error *
build_host(struct dgit_cmd_ctx *ctx, int argc, char **argv, int built)
{
	const struct dgit_error *err;
	struct dgit_rpush_responder *r = NULL;
	char *pargv[MAX_ARGS + 2];
	int n, pin = -1, pout = -1, nul, pargc = 0, nopt = 0;
	const char *dir, *versions;

	ignore_sigpipe();
	/* options given before the command (main puts them after it) */
	pargv[pargc++] = built ? "push-built" : "push-source";
	while (nopt + 1 < argc && argv[nopt + 1][0] == '-' &&
	    pargc < MAX_ARGS)
		pargv[pargc++] = argv[++nopt];
	argc -= nopt;
	argv += nopt;
	if (argc < 3 || (n = atoi(argv[1])) < 1 || n > 16 || n + 2 > argc)
		return dgit_usage_error(ctx, "needs N DIR VERSIONS (run by "
		    "dgit rpush)");
	dir = argv[2];
	versions = n >= 2 ? argv[3] : "1";
	fflush(stdout);
	pin = fcntl(0, F_DUPFD_CLOEXEC, 3);
	pout = fcntl(1, F_DUPFD_CLOEXEC, 3);
	nul = open("/dev/null", O_RDONLY);
	if (pin < 0 || pout < 0 || nul < 0 || dup2(nul, 0) < 0 ||
	    dup2(2, 1) < 0) {
		err = dgit_error_from_errno("cannot set up the rpush "
		    "connection");
		goto done;
	}
	close(nul);
	if (chdir(dir) != 0) {
		err = dgit_error_from_errno("cannot change to the build "
		    "directory '%s'", dir);
		goto done;
	}
	if ((err = dgit_rpush_responder_new(&r, pin, pout,
	    built ? "push" : "push-source", versions)))
		goto done;
	if ((err = dgit_cmd_open_here(ctx, 1)))
		goto done;
	for (int k = 2 + n; k < argc && pargc < MAX_ARGS; k++)
		pargv[pargc++] = argv[k];
	pargv[pargc] = NULL;
	if ((err = cmd_push_signed_elsewhere(ctx, pargc, pargv, built,
	    dgit_rpush_responder_sign, r)))
		goto done;
	err = dgit_rpush_responder_complete(r);
done:
	dgit_rpush_responder_free(r);
	if (pin >= 0)
		close(pin);
	if (pout >= 0)
		close(pout);
	return err;
}

const struct dgit_error *
cmd_remote_push_build_host(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	return build_host(ctx, argc, argv, 1);
}

const struct dgit_error *
cmd_remote_push_source_build_host(struct dgit_cmd_ctx *ctx, int argc,
    char **argv)
{
	return build_host(ctx, argc, argv, 0);
}
