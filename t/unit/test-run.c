/*
 * Unit tests for child processes.  The children are /bin/sh -c scripts:
 * the script is the test's program, the API under test only sees argv.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dgit_run.h"
#include "unit.h"

struct run_case {
	const char *name;
	const char *script;        /* for sh -c */
	const char *const *env;
	enum dgit_run_in in;
	const char *in_text;       /* DGIT_RUN_IN_BUF */
	int status_variant;        /* dgit_run_status instead of dgit_run */
	enum dgit_error_code code; /* expected */
	const char *msg_has;       /* substring of the message, or NULL */
	const char *msg_lacks;
	const char *out;           /* expected stdout, or NULL: not checked */
	const char *errout;        /* expected stderr, or NULL */
	int exit_code;             /* checked when the run completed */
};

static const char *const env_set[] = { "DGIT_T_A=one", "DGIT_T_B=two",
	"DGIT_T_B", "DGIT_T_C=x=y", NULL };
static const char *const env_unset_home[] = { "HOME", NULL };
static const char *const env_bad[] = { "=x", NULL };

static const struct run_case cases[] = {
	{ "stdout captured", "printf 'hello\\nworld'", NULL, 0, NULL, 0,
	  DGIT_ERR_OK, NULL, NULL, "hello\nworld", "", 0 },
	{ "stderr apart", "echo out; echo err >&2", NULL, 0, NULL, 0,
	  DGIT_ERR_OK, NULL, NULL, "out\n", "err\n", 0 },
	{ "non-zero exit names the command and its stderr",
	  "echo 'dpkg-source: error: bad' >&2; exit 2", NULL, 0, NULL, 0,
	  DGIT_ERR_CHILD, "exited with status 2\n  dpkg-source: error: bad",
	  NULL, "", NULL, 2 },
	{ "only the last lines of stderr",
	  "for i in 1 2 3 4 5 6 7 8 9 10; do echo line$i >&2; done; exit 1",
	  NULL, 0, NULL, 0, DGIT_ERR_CHILD,
	  "line6\n  line7\n  line8\n  line9\n  line10", "line5", NULL, NULL, 1 },
	{ "control bytes in stderr are masked",
	  "printf 'a\\033[31mb\\n' >&2; exit 1", NULL, 0, NULL, 0,
	  DGIT_ERR_CHILD, "a?[31mb", "\033", NULL, NULL, 1 },
	{ "killed by a signal", "kill -9 $$", NULL, 0, NULL, 0,
	  DGIT_ERR_CHILD, "killed by signal 9", NULL, NULL, NULL, 0 },
	{ "status variant: non-zero is a result", "exit 3", NULL, 0, NULL, 1,
	  DGIT_ERR_OK, NULL, NULL, "", NULL, 3 },
	{ "status variant: a signal is still an error", "kill -TERM $$",
	  NULL, 0, NULL, 1, DGIT_ERR_CHILD, "killed by signal 15", NULL,
	  NULL, NULL, 0 },
	{ "stdin is /dev/null by default", "cat; echo end", NULL, 0, NULL, 0,
	  DGIT_ERR_OK, NULL, NULL, "end\n", NULL, 0 },
	{ "stdin from a buffer", "tr a-z A-Z", NULL, DGIT_RUN_IN_BUF,
	  "some input\n", 0, DGIT_ERR_OK, NULL, NULL, "SOME INPUT\n", NULL, 0 },
	{ "empty stdin buffer", "wc -c", NULL, DGIT_RUN_IN_BUF, "", 0,
	  DGIT_ERR_OK, NULL, NULL, "0\n", NULL, 0 },
	{ "environment set and unset in order",
	  "echo \"$DGIT_T_A ${DGIT_T_B-unset} $DGIT_T_C\"", env_set, 0, NULL,
	  0, DGIT_ERR_OK, NULL, NULL, "one unset x=y\n", NULL, 0 },
	{ "environment unset", "echo ${HOME-nohome}", env_unset_home, 0,
	  NULL, 0, DGIT_ERR_OK, NULL, NULL, "nohome\n", NULL, 0 },
	{ "bad environment change", "true", env_bad, 0, NULL, 0,
	  DGIT_ERR_USAGE, "bad environment change '=x'", NULL, NULL, NULL, 0 },
};

/* unit_diag, usable after || */
__attribute__((format(printf, 1, 2))) static int
diag(const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	unit_diag("%s", buf);
	return 0;
}

static int
no_children(void)
{
	return waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD;
}

static void
run_table(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct run_case *c = &cases[i];
		const char *argv[] = { "sh", "-c", c->script, NULL };
		struct dgit_run_opts o = { 0 };
		struct dgit_run_result res = DGIT_RUN_RESULT_INIT;
		const struct dgit_error *err;

		o.env = c->env;
		o.in = c->in;
		o.in_buf = c->in_text;
		o.in_len = c->in_text ? strlen(c->in_text) : 0;
		o.out = DGIT_RUN_OUT_CAPTURE;
		o.err = DGIT_RUN_OUT_CAPTURE;
		err = c->status_variant ? dgit_run_status(&res, argv, &o) :
		    dgit_run(&res, argv, &o);
		if (!unit_ok((err ? err->code : DGIT_ERR_OK) == c->code,
		    "%s: code", c->name))
			unit_diag("  got %s", err ? err->msg : "success");
		if (c->msg_has)
			(void)(unit_ok(err && strstr(err->msg, c->msg_has) != NULL,
			    "%s: message has the expected text", c->name) ||
			    diag("  message: %s", err ? err->msg : "none"));
		if (c->msg_lacks)
			unit_ok(err && strstr(err->msg, c->msg_lacks) == NULL,
			    "%s: message lacks the unwanted text", c->name);
		if (c->out)
			UNIT_STREQ(res.out, c->out, "%s: stdout", c->name);
		if (c->errout)
			UNIT_STREQ(res.err, c->errout, "%s: stderr", c->name);
		if (c->code == DGIT_ERR_OK || (err && strstr(err->msg, "exited")))
			unit_ok(res.exited && res.exit_code == c->exit_code,
			    "%s: exit code %d", c->name, c->exit_code);
		unit_ok(no_children(), "%s: child reaped", c->name);
		dgit_run_result_release(&res);
	}
}

/* A tiny file whose contents are the whole of path's, or NULL. */
static void
spew(const char *path, const char *s, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd >= 0) {
		if (write(fd, s, strlen(s)) < 0)
			perror(path);
		close(fd);
	}
}

int
main(void)
{
	char dir[] = "/tmp/dgit-test-run.XXXXXX", path[256], script[512];
	struct dgit_run_result res = DGIT_RUN_RESULT_INIT;
	struct dgit_run_opts o = { 0 };
	const struct dgit_error *err;
	char *big, *out = NULL;
	size_t len = 0, bigsz = 3u << 20;
	int fd;

	if (mkdtemp(dir) == NULL)
		return 1;
	run_table();

	/* Not found: its own code and a message saying what to do. */
	{
		const char *argv[] = { "dgit-test-no-such-program", "x", NULL };

		err = dgit_run(NULL, argv, NULL);
		(void)(unit_ok(err && err->code == DGIT_ERR_NOT_FOUND &&
		    strcmp(err->msg, "cannot run 'dgit-test-no-such-program': "
		    "not found; install it") == 0, "program not found") ||
		    diag("  got %s", err ? err->msg : "success"));
	}
	/* Not executable, by path and through PATH. */
	snprintf(path, sizeof path, "%s/noexec", dir);
	spew(path, "#!/bin/sh\necho hi\n", 0644);
	{
		const char *argv[] = { path, NULL };
		const char *argv2[] = { "noexec", NULL };
		char envpath[300];
		const char *env[] = { envpath, NULL };

		err = dgit_run(NULL, argv, NULL);
		(void)(unit_ok(err && err->code == DGIT_ERR_ERRNO &&
		    strstr(err->msg, "ermission denied"),
		    "not executable, by path") ||
		    diag("  got %s", err ? err->msg : "success"));
		snprintf(envpath, sizeof envpath, "PATH=%s", dir);
		o.env = env;
		err = dgit_run(NULL, argv2, &o);
		(void)(unit_ok(err && err->code == DGIT_ERR_ERRNO &&
		    strstr(err->msg, "permission denied"),
		    "not executable, through the child's PATH") ||
		    diag("  got %s", err ? err->msg : "success"));
		o.env = NULL;
		/* Found through the child's PATH, not ours. */
		snprintf(path, sizeof path, "%s/dgit-test-prog", dir);
		spew(path, "#!/bin/sh\necho found \"$@\"\n", 0755);
		{
			const char *argv3[] = { "dgit-test-prog", "a b", NULL };

			o.env = env;
			err = dgit_run_capture(&out, &len, argv3, &o, 1);
			UNIT_STREQ(err ? err->msg : out, "found a b",
			    "program found in the child's PATH");
			free(out);
			out = NULL;
			o.env = NULL;
		}
	}

	/* cwd, and a cwd that does not exist. */
	{
		const char *argv[] = { "pwd", NULL };
		char missing[300];

		o.cwd = dir;
		err = dgit_run_capture(&out, &len, argv, &o, 1);
		UNIT_STREQ(err ? err->msg : out, dir, "runs in opts->cwd");
		free(out);
		out = NULL;
		snprintf(missing, sizeof missing, "%s/missing", dir);
		o.cwd = missing;
		err = dgit_run(NULL, argv, &o);
		(void)(unit_ok(err && err->code == DGIT_ERR_ERRNO &&
		    strstr(err->msg, "in '") && strstr(err->msg, "/missing'"),
		    "missing cwd is named") ||
		    diag("  got %s", err ? err->msg : "success"));
		o.cwd = NULL;
		unit_ok(no_children(), "child reaped after a failed chdir");
	}

	/* stdin from a file, and from a missing file. */
	snprintf(path, sizeof path, "%s/input", dir);
	spew(path, "from a file\n", 0644);
	{
		const char *argv[] = { "cat", NULL };

		o.in = DGIT_RUN_IN_FILE;
		o.in_path = path;
		err = dgit_run_capture(&out, &len, argv, &o, 0);
		UNIT_STREQ(err ? err->msg : out, "from a file\n", "stdin from a file");
		free(out);
		out = NULL;
		snprintf(path, sizeof path, "%s/no-input", dir);
		err = dgit_run_capture(&out, &len, argv, &o, 0);
		unit_ok(err && err->code == DGIT_ERR_ERRNO &&
		    strstr(err->msg, "no-input"), "missing stdin file is named");
		o.in = DGIT_RUN_IN_NULL;
	}

	/* Megabytes both ways at once: no deadlock, bytes intact. */
	big = malloc(bigsz);
	for (size_t i = 0; i < bigsz; i++)
		big[i] = (char)('a' + i % 26);
	{
		const char *argv[] = { "cat", NULL };

		o.in = DGIT_RUN_IN_BUF;
		o.in_buf = big;
		o.in_len = bigsz;
		err = dgit_run_capture(&out, &len, argv, &o, 0);
		unit_ok(err == NULL && len == bigsz && memcmp(out, big, len) == 0,
		    "3 MiB through cat");
		free(out);
		out = NULL;
	}
	/* A child that reads nothing: our write fails, we do not die. */
	{
		const char *argv[] = { "sh", "-c", "exec 0<&-; echo done", NULL };

		err = dgit_run_capture(&out, &len, argv, &o, 1);
		UNIT_STREQ(err ? err->msg : out, "done",
		    "child closing stdin early is no SIGPIPE for us");
		free(out);
		out = NULL;
		o.in = DGIT_RUN_IN_NULL;
		o.in_buf = NULL;
		o.in_len = 0;
	}
	free(big);

	/* The cap: the child is stopped and reaped, DGIT_ERR_LIMIT. */
	{
		const char *argv[] = { "yes", NULL };

		o.cap = 10000;
		o.out = DGIT_RUN_OUT_CAPTURE;
		err = dgit_run(&res, argv, &o);
		(void)(unit_ok(err && err->code == DGIT_ERR_LIMIT &&
		    strstr(err->msg, "'yes' wrote more than 10000 bytes"),
		    "output over the cap") ||
		    diag("  got %s", err ? err->msg : "success"));
		unit_ok(res.out_len <= 10000, "no more than the cap kept");
		unit_ok(no_children(), "child reaped after the cap");
		dgit_run_result_release(&res);
		o.cap = 0;
		o.out = DGIT_RUN_OUT_INHERIT;
	}

	/* Output discarded. */
	{
		const char *argv[] = { "sh", "-c", "echo lost; echo lost >&2",
			NULL };

		o.out = DGIT_RUN_OUT_NULL;
		o.err = DGIT_RUN_OUT_NULL;
		err = dgit_run(&res, argv, &o);
		unit_ok(err == NULL && res.out == NULL && res.exited &&
		    res.exit_code == 0, "output to /dev/null");
		dgit_run_result_release(&res);
		o.out = o.err = DGIT_RUN_OUT_INHERIT;
	}

	/* An fd we hold without O_CLOEXEC does not reach the child. */
	fd = open("/dev/null", O_RDONLY);
	snprintf(script, sizeof script,
	    "if [ -e /proc/$$/fd/%d ]; then echo leaked; else echo closed; fi",
	    fd);
	{
		const char *argv[] = { "sh", "-c", script, NULL };

		err = dgit_run_capture(&out, &len, argv, NULL, 1);
		UNIT_STREQ(err ? err->msg : out, "closed", "our fds are closed");
		free(out);
		out = NULL;
	}
	close(fd);

	/* Our ignored SIGPIPE is not the child's: "yes | head" is quiet. */
	signal(SIGPIPE, SIG_IGN);
	{
		const char *argv[] = { "sh", "-c", "yes | head -n 1", NULL };

		o.out = DGIT_RUN_OUT_CAPTURE;
		o.err = DGIT_RUN_OUT_CAPTURE;
		err = dgit_run(&res, argv, &o);
		(void)(unit_ok(err == NULL && res.out && strcmp(res.out, "y\n") == 0 &&
		    res.err_len == 0, "child gets SIGPIPE back") ||
		    diag("  stderr: %s", res.err ? res.err : ""));
		dgit_run_result_release(&res);
	}
	signal(SIGPIPE, SIG_DFL);

	/* Usage errors. */
	{
		const char *empty[] = { NULL };
		const char *argv[] = { "true", NULL };

		err = dgit_run(NULL, empty, NULL);
		unit_ok(err && err->code == DGIT_ERR_USAGE, "empty argv");
		o.out = DGIT_RUN_OUT_CAPTURE;
		err = dgit_run(NULL, argv, &o);
		unit_ok(err && err->code == DGIT_ERR_USAGE,
		    "capture without a result");
	}
	/* A piped child: stdout in pieces, stderr kept for the message. */
	{
		const char *argv[] = { "sh", "-c", "head -c 300000 /dev/zero; "
		    "echo oops >&2; exit 3", NULL };
		const char *argv_ok[] = { "sh", "-c", "printf abc", NULL };
		const char *argv_long[] = { "yes", NULL };
		struct dgit_run_opts po = { .err = DGIT_RUN_OUT_CAPTURE };
		struct dgit_run_pipe *rp = NULL;
		char piece[1000];
		size_t got, total = 0;
		int zeros = 1;

		err = dgit_run_pipe_open(&rp, argv, &po);
		unit_ok(err == NULL, "pipe: started");
		while (err == NULL && rp) {
			err = dgit_run_pipe_read(rp, piece, sizeof piece, &got);
			if (err || got == 0)
				break;
			for (size_t k = 0; k < got; k++)
				zeros &= piece[k] == 0;
			total += got;
		}
		unit_ok(err == NULL && total == 300000 && zeros,
		    "pipe: all of stdout, in pieces (%zu bytes)", total);
		err = rp ? dgit_run_pipe_close(rp) : NULL;
		(void)(unit_ok(err && err->code == DGIT_ERR_CHILD &&
		    strstr(err->msg, "status 3") && strstr(err->msg, "oops"),
		    "pipe: a failing child's status and stderr") ||
		    diag("  got %s", err ? err->msg : "success"));
		dgit_run_pipe_free(rp);
		unit_ok(no_children(), "pipe: child reaped");

		rp = NULL;
		err = dgit_run_pipe_open(&rp, argv_ok, NULL);
		total = 0;
		while (err == NULL && (err = dgit_run_pipe_read(rp, piece + total,
		    1, &got)) == NULL && got)
			total += got;
		unit_ok(err == NULL && total == 3 && memcmp(piece, "abc", 3) == 0,
		    "pipe: byte by byte");
		err = dgit_run_pipe_close(rp);
		unit_ok(err == NULL, "pipe: a clean exit succeeds");
		dgit_run_pipe_free(rp);

		/* abandoned while it still writes: killed and reaped */
		rp = NULL;
		err = dgit_run_pipe_open(&rp, argv_long, NULL);
		if (err == NULL)
			err = dgit_run_pipe_read(rp, piece, sizeof piece, &got);
		unit_ok(err == NULL && got > 0, "pipe: a child that goes on");
		dgit_run_pipe_free(rp);
		unit_ok(no_children(), "pipe: abandoned child reaped");

		{
			const char *nope[] = { "dgit-no-such-program", NULL };

			rp = NULL;
			err = dgit_run_pipe_open(&rp, nope, NULL);
			unit_ok(err && err->code == DGIT_ERR_NOT_FOUND &&
			    rp == NULL, "pipe: a missing program");
			po.in = DGIT_RUN_IN_BUF;
			err = dgit_run_pipe_open(&rp, argv_ok, &po);
			unit_ok(err && err->code == DGIT_ERR_USAGE && rp == NULL,
			    "pipe: stdin from a buffer is refused");
		}
	}
	unit_ok(no_children(), "no child left at the end");

	snprintf(script, sizeof script, "rm -rf '%s'", dir);
	{
		const char *argv[] = { "sh", "-c", script, NULL };

		dgit_run(NULL, argv, NULL);
	}
	/* a child on two pipes: what we write comes back (tr), its exit
	 * status is reported; a missing program is NOT_FOUND */
	{
		const char *argv[] = { "tr", "a-z", "A-Z", NULL };
		const char *bad[] = { "no-such-program-dgit", NULL };
		const char *fail[] = { "sh", "-c", "exit 3", NULL };
		struct dgit_run_child *c = NULL;
		const struct dgit_error *e;
		char gotbuf[16] = { 0 }, *got = gotbuf;
		int to = -1, from = -1;
		ssize_t n = 0, k;

		unit_ok(dgit_run_spawn(&c, &to, &from, argv, NULL) == NULL &&
		    c && to >= 0 && from >= 0, "spawn tr on two pipes");
		unit_ok(write(to, "hello\n", 6) == 6, "write to it");
		close(to);
		while ((k = read(from, got + n, sizeof got - 1 - (size_t)n)) > 0)
			n += k;
		close(from);
		UNIT_STREQ(got, "HELLO\n", "its answer");
		unit_ok(dgit_run_child_wait(c, 0) == NULL, "it exits 0");
		e = dgit_run_spawn(&c, &to, &from, bad, NULL);
		unit_ok(e && e->code == DGIT_ERR_NOT_FOUND && c == NULL &&
		    to < 0 && from < 0, "a missing program: not found");
		unit_ok(dgit_run_spawn(&c, &to, &from, fail, NULL) == NULL,
		    "spawn a failing child");
		close(to);
		close(from);
		e = dgit_run_child_wait(c, 0);
		unit_ok(e && e->code == DGIT_ERR_CHILD &&
		    strstr(e->msg, "status 3"), "its status is the error");
	}
	return unit_done();
}
