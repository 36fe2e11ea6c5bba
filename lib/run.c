/*
 * Child processes; see dgit_run.h.
 *
 * fork + execve rather than posix_spawn: the child needs a cwd, its fds
 * set up, handlers reset and every other fd closed, and the parent wants
 * to know which of those steps failed.  Between fork and exec the child
 * calls only async-signal-safe functions; it reports a failing step and
 * its errno through a close-on-exec pipe, which reads as EOF once exec
 * succeeded.  The program is found in PATH by the parent, so the child
 * needs no allocation.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dgit_buf.h"
#include "dgit_run.h"

extern char **environ;

/* How much of the command line and of its stderr go into a message. */
#define CMD_SHOW 120
#define TAIL_LINES 5
#define TAIL_BYTES 480

enum stage { ST_DUP = 1, ST_CHDIR, ST_EXEC };

struct child_report {
	int stage;
	int errnum;
};

void
dgit_run_result_init(struct dgit_run_result *res)
{
	memset(res, 0, sizeof *res);
}

void
dgit_run_result_release(struct dgit_run_result *res)
{
	free(res->out);
	free(res->err);
	memset(res, 0, sizeof *res);
}

char *
dgit_run_result_detach_out(struct dgit_run_result *res, size_t *len)
{
	char *p = res->out;

	if (len)
		*len = res->out_len;
	res->out = NULL;
	res->out_len = 0;
	return p;
}

/* "prog arg arg" for messages, cut at CMD_SHOW bytes. */
static void
show_cmd(char *buf, size_t sz, const char *const *argv)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; argv[i] && n + 1 < sz; i++) {
		int w = snprintf(buf + n, sz - n, "%s%s", i ? " " : "", argv[i]);

		if (w < 0)
			break;
		n += (size_t)w;
	}
	if (n >= sz - 1 && sz > 4)
		memcpy(buf + sz - 4, "...", 4);
}

/* The value of NAME in a NULL-terminated environment, or NULL. */
static const char *
env_get(char *const *envp, const char *name)
{
	size_t nl = strlen(name);

	for (size_t i = 0; envp[i]; i++)
		if (strncmp(envp[i], name, nl) == 0 && envp[i][nl] == '=')
			return envp[i] + nl + 1;
	return NULL;
}

static int
same_name(const char *a, const char *b)
{
	size_t al = strcspn(a, "="), bl = strcspn(b, "=");

	return al == bl && memcmp(a, b, al) == 0;
}

/* environ with the changes of opts->env; the strings are borrowed. */
static const struct dgit_error *
make_env(char ***out, const char *const *changes)
{
	size_t n = 0, m = 0, k = 0;
	char **e;

	*out = NULL;
	while (environ && environ[n])
		n++;
	while (changes && changes[m])
		m++;
	e = calloc(n + m + 1, sizeof *e);
	if (e == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	for (size_t i = 0; i < n; i++)
		e[k++] = environ[i];
	for (size_t j = 0; j < m; j++) {
		size_t w = 0;

		if (changes[j][0] == '\0' || changes[j][0] == '=') {
			free(e);
			return dgit_error_fmt(DGIT_ERR_USAGE,
			    "bad environment change '%s'", changes[j]);
		}
		for (size_t i = 0; i < k; i++)
			if (!same_name(e[i], changes[j]))
				e[w++] = e[i];
		k = w;
		if (strchr(changes[j], '='))
			e[k++] = (char *)changes[j];
	}
	e[k] = NULL;
	*out = e;
	return NULL;
}

/*
 * Find prog as execvp would, in the child's PATH.  *out is caller-owned.
 * DGIT_ERR_NOT_FOUND when no directory has it.
 */
static const struct dgit_error *
find_program(char **out, const char *prog, char *const *envp)
{
	const char *path, *p;
	int denied = 0;
	struct stat st;

	*out = NULL;
	if (strchr(prog, '/')) {
		if ((*out = strdup(prog)) == NULL)
			return dgit_error(DGIT_ERR_NOMEM);
		return NULL;
	}
	path = env_get(envp, "PATH");
	if (path == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; ; ) {
		size_t dl = strcspn(p, ":");
		char *cand;

		if (asprintf(&cand, "%.*s/%s", dl ? (int)dl : 1,
		    dl ? p : ".", prog) == -1)
			return dgit_error(DGIT_ERR_NOMEM);
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(cand, X_OK) == 0) {
				*out = cand;
				return NULL;
			}
			denied = 1;
		}
		free(cand);
		if (p[dl] == '\0')
			break;
		p += dl + 1;
	}
	if (denied)
		return dgit_error_fmt(DGIT_ERR_ERRNO,
		    "cannot run '%s': permission denied", prog);
	return dgit_error_fmt(DGIT_ERR_NOT_FOUND,
	    "cannot run '%s': not found; install it", prog);
}

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* In the child: make fd become target (clearing close-on-exec). */
static int
child_dup(int fd, int target)
{
	if (fd < 0)
		return 0;
	if (fd == target)
		return fcntl(fd, F_SETFD, 0);
	return dup2(fd, target) < 0 ? -1 : 0;
}

static void __attribute__((noreturn))
child_fail(int rfd, int stage)
{
	struct child_report r = { stage, errno };
	ssize_t w;

	do
		w = write(rfd, &r, sizeof r);
	while (w < 0 && errno == EINTR);
	_exit(127);
}

static void __attribute__((noreturn))
child(const char *path, const char *const *argv, char *const *envp,
    const char *cwd, int fds[3], int rfd)
{
	struct sigaction sa;
	sigset_t none;

	/*
	 * A handler of ours must not run here: reset handlers before
	 * unblocking (all signals are blocked since the fork).  SIGPIPE is
	 * reset even when ignored, since exec would keep SIG_IGN.
	 */
	for (int s = 1; s < NSIG; s++) {
		if (s == SIGKILL || s == SIGSTOP)
			continue;
		if (sigaction(s, NULL, &sa) != 0)
			continue;
		if (sa.sa_handler != SIG_DFL &&
		    (sa.sa_handler != SIG_IGN || s == SIGPIPE)) {
			memset(&sa, 0, sizeof sa);
			sa.sa_handler = SIG_DFL;
			sigaction(s, &sa, NULL);
		}
	}
	sigemptyset(&none);

	/* Move our pipe ends above 2 first so no dup2 clobbers another. */
	for (int i = 0; i < 3; i++)
		if (fds[i] >= 0 && fds[i] <= 2) {
			int nfd = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);

			if (nfd < 0)
				child_fail(rfd, ST_DUP);
			fds[i] = nfd;
		}
	for (int i = 0; i < 3; i++)
		if (child_dup(fds[i], i) != 0)
			child_fail(rfd, ST_DUP);
	if (cwd && chdir(cwd) != 0)
		child_fail(rfd, ST_CHDIR);
	/* Whatever fd the process holds without O_CLOEXEC stays with us. */
#ifdef CLOSE_RANGE_CLOEXEC
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
#endif
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(path, (char *const *)argv, envp);
	child_fail(rfd, ST_EXEC);
}

static int
wait_child(pid_t pid, int *status)
{
	pid_t r;

	do
		r = waitpid(pid, status, 0);
	while (r < 0 && errno == EINTR);
	return r == pid ? 0 : -1;
}

/* Last TAIL_LINES lines of s (at most TAIL_BYTES), indented, into buf. */
static void
stderr_tail(char *buf, size_t sz, const char *s, size_t len)
{
	size_t start = len, lines = 0, n = 0;

	buf[0] = '\0';
	while (len && (s[len - 1] == '\n' || s[len - 1] == '\r' ||
	    s[len - 1] == ' '))
		len--;
	if (len == 0)
		return;
	start = len;
	while (start > 0 && len - start < TAIL_BYTES) {
		if (s[start - 1] == '\n' && ++lines == TAIL_LINES)
			break;
		start--;
	}
	for (size_t i = start; i < len && n + 4 < sz; i++) {
		unsigned char c = (unsigned char)s[i];

		if (n == 0 || s[i - 1] == '\n') {
			buf[n++] = '\n';
			buf[n++] = ' ';
			buf[n++] = ' ';
		}
		if (c == '\n')
			continue;
		buf[n++] = (c < 0x20 && c != '\t') || c == 0x7f ? '?' : (char)c;
	}
	buf[n] = '\0';
}

/* The error for a child that was killed or exited non-zero. */
static const struct dgit_error *
status_error(const char *cmd, int status, const struct dgit_buf *eb)
{
	char tail[TAIL_BYTES + 4 * TAIL_LINES + 8];

	stderr_tail(tail, sizeof tail, eb->ptr ? eb->ptr : "", eb->len);
	if (WIFSIGNALED(status))
		return dgit_error_fmt(DGIT_ERR_CHILD, "'%s' killed by signal "
		    "%d%s", cmd, WTERMSIG(status), tail);
	return dgit_error_fmt(DGIT_ERR_CHILD, "'%s' exited with status %d%s",
	    cmd, WEXITSTATUS(status), tail);
}

/*
 * Write what we can of the stdin buffer without raising SIGPIPE in the
 * process: block it in this thread, and take a SIGPIPE the write raised
 * before unblocking.
 */
static ssize_t
write_nosigpipe(int fd, const void *p, size_t n)
{
	sigset_t pipeset, old, pending;
	int was_pending;
	ssize_t w;
	int saved;

	sigemptyset(&pipeset);
	sigaddset(&pipeset, SIGPIPE);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipeset, &old);
	do
		w = write(fd, p, n);
	while (w < 0 && errno == EINTR);
	saved = errno;
	if (w < 0 && errno == EPIPE && !was_pending) {
		struct timespec zero = { 0, 0 };

		while (sigtimedwait(&pipeset, NULL, &zero) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return w;
}

/*
 * Start argv as opts say: stdin set up (for DGIT_RUN_IN_BUF, *in_w is
 * the pipe to feed, non-blocking), stdout/stderr captured into pipes
 * (their read ends in *out_r and *err_r) or not.  On success *pid is
 * the child, which exec'd; on failure nothing is left running.
 */
static const struct dgit_error *
spawn(pid_t *pid, int *in_w, int *out_r, int *err_r,
    const char *const *argv, const struct dgit_run_opts *opts,
    const char *cmd)
{
	const struct dgit_error *err = NULL;
	char **envp = NULL, *path = NULL;
	int fds[3] = { -1, -1, -1 };      /* the child's 0, 1, 2 */
	int rep[2] = { -1, -1 }, p[2], status;
	sigset_t all, oldmask;
	struct child_report cr;
	ssize_t n;

	*pid = -1;
	*in_w = *out_r = *err_r = -1;
	if ((err = make_env(&envp, opts->env)))
		goto done;
	if ((err = find_program(&path, argv[0], envp)))
		goto done;

	switch (opts->in) {
	case DGIT_RUN_IN_NULL:
		fds[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		break;
	case DGIT_RUN_IN_FILE:
		fds[0] = open(opts->in_path ? opts->in_path : "",
		    O_RDONLY | O_CLOEXEC);
		if (fds[0] < 0) {
			err = dgit_error_from_errno("cannot run '%s': cannot "
			    "open its input '%s'", cmd,
			    opts->in_path ? opts->in_path : "");
			goto done;
		}
		break;
	case DGIT_RUN_IN_BUF:
		if (pipe2(p, O_CLOEXEC) != 0)
			goto sys;
		fds[0] = p[0];
		*in_w = p[1];
		if (fcntl(*in_w, F_SETFL, O_NONBLOCK) != 0)
			goto sys;
		break;
	case DGIT_RUN_IN_INHERIT:
		break;
	}
	if (opts->in == DGIT_RUN_IN_NULL && fds[0] < 0)
		goto sys;
	for (int i = 1; i <= 2; i++) {
		enum dgit_run_out how = i == 1 ? opts->out : opts->err;

		if (how == DGIT_RUN_OUT_CAPTURE) {
			if (pipe2(p, O_CLOEXEC) != 0)
				goto sys;
			fds[i] = p[1];
			*(i == 1 ? out_r : err_r) = p[0];
		} else if (how == DGIT_RUN_OUT_NULL) {
			fds[i] = open("/dev/null", O_WRONLY | O_CLOEXEC);
			if (fds[i] < 0)
				goto sys;
		}
	}
	if (pipe2(rep, O_CLOEXEC) != 0)
		goto sys;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &oldmask);
	*pid = fork();
	if (*pid == 0)
		child(path, argv, envp, opts->cwd, fds, rep[1]);
	pthread_sigmask(SIG_SETMASK, &oldmask, NULL);
	if (*pid < 0) {
		err = dgit_error_from_errno("cannot run '%s'", cmd);
		goto done;
	}
	for (int i = 0; i < 3; i++)
		close_fd(&fds[i]);
	close_fd(&rep[1]);

	/* EOF: exec worked; a report: it did not, and the child exits. */
	do
		n = read(rep[0], &cr, sizeof cr);
	while (n < 0 && errno == EINTR);
	close_fd(&rep[0]);
	if (n == (ssize_t)sizeof cr) {
		errno = cr.errnum;
		if (cr.stage == ST_CHDIR)
			err = dgit_error_from_errno("cannot run '%s' in '%s'",
			    cmd, opts->cwd);
		else if (cr.stage == ST_EXEC && cr.errnum == ENOENT)
			err = dgit_error_fmt(DGIT_ERR_NOT_FOUND,
			    "cannot run '%s': not found; install it", argv[0]);
		else
			err = dgit_error_from_errno("cannot run '%s'", cmd);
		goto done;
	}
	goto done;
sys:
	err = dgit_error_from_errno("cannot run '%s'", cmd);
done:
	for (int i = 0; i < 3; i++)
		close_fd(&fds[i]);
	close_fd(&rep[0]);
	close_fd(&rep[1]);
	if (err) {
		close_fd(in_w);
		close_fd(out_r);
		close_fd(err_r);
		if (*pid > 0) {
			kill(*pid, SIGKILL);
			wait_child(*pid, &status);
		}
		*pid = -1;
	}
	free(envp);
	free(path);
	return err;
}

static const struct dgit_error *
run(struct dgit_run_result *res, const char *const *argv,
    const struct dgit_run_opts *opts, int any_status)
{
	static const struct dgit_run_opts defaults;
	const struct dgit_error *err = NULL;
	struct dgit_buf ob, eb;
	char cmd[CMD_SHOW + 4];
	int in_w = -1, out_r = -1, err_r = -1;
	pid_t pid = -1;
	size_t in_off = 0, cap;
	int status = 0, limit = 0;
	ssize_t n;

	if (res)
		dgit_run_result_release(res);
	if (opts == NULL)
		opts = &defaults;
	if (argv == NULL || argv[0] == NULL || argv[0][0] == '\0')
		return dgit_error_fmt(DGIT_ERR_USAGE, "no program to run");
	if (res == NULL && (opts->out == DGIT_RUN_OUT_CAPTURE ||
	    opts->err == DGIT_RUN_OUT_CAPTURE))
		return dgit_error_fmt(DGIT_ERR_USAGE,
		    "capturing the output of '%s' needs a result", argv[0]);
	cap = opts->cap ? opts->cap : DGIT_RUN_DEFAULT_CAP;
	dgit_buf_init(&ob, cap);
	dgit_buf_init(&eb, cap);
	show_cmd(cmd, sizeof cmd, argv);

	if ((err = spawn(&pid, &in_w, &out_r, &err_r, argv, opts, cmd)))
		goto done;

	/* Feed stdin and drain stdout/stderr until all are closed. */
	if (in_w >= 0 && opts->in_len == 0)
		close_fd(&in_w);
	while (in_w >= 0 || out_r >= 0 || err_r >= 0) {
		struct pollfd pf[3];
		int np = 0, iw = -1, io = -1, ie = -1;

		if (in_w >= 0) {
			pf[np] = (struct pollfd){ in_w, POLLOUT, 0 };
			iw = np++;
		}
		if (out_r >= 0) {
			pf[np] = (struct pollfd){ out_r, POLLIN, 0 };
			io = np++;
		}
		if (err_r >= 0) {
			pf[np] = (struct pollfd){ err_r, POLLIN, 0 };
			ie = np++;
		}
		if (poll(pf, (nfds_t)np, -1) < 0) {
			if (errno == EINTR)
				continue;
			err = dgit_error_from_errno("cannot wait for '%s'", cmd);
			break;
		}
		if (iw >= 0 && pf[iw].revents) {
			ssize_t w = write_nosigpipe(in_w,
			    (const char *)opts->in_buf + in_off,
			    opts->in_len - in_off);

			if (w > 0)
				in_off += (size_t)w;
			/* EPIPE: the child does not want the rest; fine. */
			if ((w < 0 && errno != EAGAIN) || in_off == opts->in_len)
				close_fd(&in_w);
		}
		for (int s = 0; s < 2; s++) {
			int idx = s ? ie : io, *fd = s ? &err_r : &out_r;
			struct dgit_buf *b = s ? &eb : &ob;
			char chunk[65536];

			if (idx < 0 || pf[idx].revents == 0)
				continue;
			do
				n = read(*fd, chunk, sizeof chunk);
			while (n < 0 && errno == EINTR);
			if (n <= 0) {
				close_fd(fd);
				continue;
			}
			if (dgit_buf_add(b, chunk, (size_t)n) != NULL) {
				/* Over the cap (or out of memory): stop it. */
				limit = b->len + (size_t)n > cap ? 1 : 2;
				kill(pid, SIGKILL);
				close_fd(&in_w);
				close_fd(&out_r);
				close_fd(&err_r);
			}
		}
	}
	close_fd(&in_w);
	close_fd(&out_r);
	close_fd(&err_r);
	if (wait_child(pid, &status) != 0) {
		pid = -1;
		if (err == NULL)
			err = dgit_error_from_errno("cannot wait for '%s'", cmd);
		goto done;
	}
	pid = -1;
	if (err)
		goto done;
	if (limit == 1) {
		err = dgit_error_fmt(DGIT_ERR_LIMIT, "'%s' wrote more than "
		    "%zu bytes of output; stopped it", cmd, cap);
		goto done;
	}
	if (limit == 2) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	if (res) {
		res->exited = WIFEXITED(status);
		res->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		res->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	}
	if (WIFSIGNALED(status) || (!any_status && WEXITSTATUS(status) != 0))
		err = status_error(cmd, status, &eb);
done:
	close_fd(&in_w);
	close_fd(&out_r);
	close_fd(&err_r);
	if (pid > 0) {
		kill(pid, SIGKILL);
		wait_child(pid, &status);
	}
	if (res) {
		if (opts->out == DGIT_RUN_OUT_CAPTURE)
			res->out = dgit_buf_detach(&ob, &res->out_len);
		if (opts->err == DGIT_RUN_OUT_CAPTURE)
			res->err = dgit_buf_detach(&eb, &res->err_len);
	}
	dgit_buf_release(&ob);
	dgit_buf_release(&eb);
	return err;
}

const struct dgit_error *
dgit_run(struct dgit_run_result *res, const char *const *argv,
    const struct dgit_run_opts *opts)
{
	return run(res, argv, opts, 0);
}

const struct dgit_error *
dgit_run_status(struct dgit_run_result *res, const char *const *argv,
    const struct dgit_run_opts *opts)
{
	if (res == NULL)
		return dgit_error_fmt(DGIT_ERR_USAGE,
		    "dgit_run_status needs a result");
	return run(res, argv, opts, 1);
}

const struct dgit_error *
dgit_run_capture(char **out, size_t *len, const char *const *argv,
    const struct dgit_run_opts *opts, int chomp)
{
	static const struct dgit_run_opts defaults;
	struct dgit_run_opts o = opts ? *opts : defaults;
	struct dgit_run_result res = DGIT_RUN_RESULT_INIT;
	const struct dgit_error *err;
	size_t l;

	*out = NULL;
	if (len)
		*len = 0;
	o.out = DGIT_RUN_OUT_CAPTURE;
	o.err = DGIT_RUN_OUT_CAPTURE;
	err = dgit_run(&res, argv, &o);
	if (err == NULL) {
		*out = dgit_run_result_detach_out(&res, &l);
		if (*out == NULL)
			err = dgit_error(DGIT_ERR_NOMEM);
		else {
			if (chomp && l && (*out)[l - 1] == '\n')
				(*out)[--l] = '\0';
			if (len)
				*len = l;
		}
	}
	dgit_run_result_release(&res);
	return err;
}

struct dgit_run_child {
	pid_t pid;
	char cmd[CMD_SHOW + 4];
};

struct dgit_run_pipe {
	pid_t pid;
	int out_r, err_r;
	struct dgit_buf eb;        /* stderr, up to the cap */
	char cmd[CMD_SHOW + 4];
};

const struct dgit_error *
dgit_run_spawn(struct dgit_run_child **out, int *to, int *from,
    const char *const *argv, const struct dgit_run_opts *opts)
{
	static const struct dgit_run_opts defaults;
	const struct dgit_error *err;
	struct dgit_run_child *c;
	struct dgit_run_opts o;
	int err_r, fl;

	*out = NULL;
	*to = *from = -1;
	o = opts ? *opts : defaults;
	if (argv == NULL || argv[0] == NULL || argv[0][0] == '\0')
		return dgit_error_fmt(DGIT_ERR_USAGE, "no program to run");
	/* stdin and stdout pipes, stderr ours */
	o.in = DGIT_RUN_IN_BUF;
	o.out = DGIT_RUN_OUT_CAPTURE;
	o.err = DGIT_RUN_OUT_INHERIT;
	if ((c = calloc(1, sizeof *c)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	show_cmd(c->cmd, sizeof c->cmd, argv);
	if ((err = spawn(&c->pid, to, from, &err_r, argv, &o, c->cmd))) {
		free(c);
		return err;
	}
	/* spawn makes a buffer's pipe non-blocking; a conversation blocks */
	if ((fl = fcntl(*to, F_GETFL)) != -1)
		(void)fcntl(*to, F_SETFL, fl & ~O_NONBLOCK);
	*out = c;
	return NULL;
}

const struct dgit_error *
dgit_run_child_wait(struct dgit_run_child *c, int killit)
{
	const struct dgit_error *err = NULL;
	int status = 0;

	if (c == NULL)
		return NULL;
	if (killit)
		kill(c->pid, SIGTERM);
	if (wait_child(c->pid, &status) != 0)
		err = dgit_error_from_errno("cannot wait for '%s'", c->cmd);
	else if (!killit && WIFSIGNALED(status))
		err = dgit_error_fmt(DGIT_ERR_CHILD, "'%s' killed by signal "
		    "%d", c->cmd, WTERMSIG(status));
	else if (!killit && WEXITSTATUS(status) != 0)
		err = dgit_error_fmt(DGIT_ERR_CHILD, "'%s' exited with "
		    "status %d", c->cmd, WEXITSTATUS(status));
	free(c);
	return err;
}

const struct dgit_error *
dgit_run_pipe_open(struct dgit_run_pipe **out, const char *const *argv,
    const struct dgit_run_opts *opts)
{
	static const struct dgit_run_opts defaults;
	const struct dgit_error *err;
	struct dgit_run_opts o;
	struct dgit_run_pipe *rp;
	int in_w;

	*out = NULL;
	o = opts ? *opts : defaults;
	if (argv == NULL || argv[0] == NULL || argv[0][0] == '\0')
		return dgit_error_fmt(DGIT_ERR_USAGE, "no program to run");
	if (o.in == DGIT_RUN_IN_BUF)
		return dgit_error_fmt(DGIT_ERR_USAGE, "a piped '%s' cannot "
		    "read a buffer", argv[0]);
	o.out = DGIT_RUN_OUT_CAPTURE;
	if ((rp = calloc(1, sizeof *rp)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	dgit_buf_init(&rp->eb, o.cap ? o.cap : DGIT_RUN_DEFAULT_CAP);
	show_cmd(rp->cmd, sizeof rp->cmd, argv);
	if ((err = spawn(&rp->pid, &in_w, &rp->out_r, &rp->err_r, argv, &o,
	    rp->cmd))) {
		dgit_buf_release(&rp->eb);
		free(rp);
		return err;
	}
	*out = rp;
	return NULL;
}

/* Read what stderr has without blocking; over the cap, the rest is
 * dropped (the message keeps the first bytes). */
static void
pipe_drain_err(struct dgit_run_pipe *rp)
{
	char chunk[4096];
	ssize_t n;

	do
		n = read(rp->err_r, chunk, sizeof chunk);
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		close_fd(&rp->err_r);
		return;
	}
	if (rp->eb.len + (size_t)n <= rp->eb.cap)
		(void)dgit_buf_add(&rp->eb, chunk, (size_t)n);
}

const struct dgit_error *
dgit_run_pipe_read(struct dgit_run_pipe *rp, void *buf, size_t cap,
    size_t *got)
{
	*got = 0;
	while (rp->out_r >= 0 && cap > 0) {
		struct pollfd pf[2];
		int np = 0;
		ssize_t n;

		pf[np++] = (struct pollfd){ rp->out_r, POLLIN, 0 };
		if (rp->err_r >= 0)
			pf[np++] = (struct pollfd){ rp->err_r, POLLIN, 0 };
		if (poll(pf, (nfds_t)np, -1) < 0) {
			if (errno == EINTR)
				continue;
			return dgit_error_from_errno("cannot wait for '%s'",
			    rp->cmd);
		}
		if (np == 2 && pf[1].revents)
			pipe_drain_err(rp);
		if (pf[0].revents == 0)
			continue;
		do
			n = read(rp->out_r, buf, cap);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return dgit_error_from_errno("cannot read from '%s'",
			    rp->cmd);
		if (n == 0) {
			close_fd(&rp->out_r);
			break;
		}
		*got = (size_t)n;
		break;
	}
	return NULL;
}

const struct dgit_error *
dgit_run_pipe_close(struct dgit_run_pipe *rp)
{
	const struct dgit_error *err = NULL;
	int status = 0;

	close_fd(&rp->out_r);
	while (rp->err_r >= 0)
		pipe_drain_err(rp);
	if (wait_child(rp->pid, &status) != 0)
		err = dgit_error_from_errno("cannot wait for '%s'", rp->cmd);
	else if (WIFSIGNALED(status) || WEXITSTATUS(status) != 0)
		err = status_error(rp->cmd, status, &rp->eb);
	rp->pid = -1;
	return err;
}

void
dgit_run_pipe_free(struct dgit_run_pipe *rp)
{
	int status;

	if (rp == NULL)
		return;
	close_fd(&rp->out_r);
	close_fd(&rp->err_r);
	if (rp->pid > 0) {
		kill(rp->pid, SIGKILL);
		wait_child(rp->pid, &status);
	}
	dgit_buf_release(&rp->eb);
	free(rp);
}
