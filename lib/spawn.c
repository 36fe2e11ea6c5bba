/* Child processes from argv vectors; see dgit_spawn.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dgit_spawn.h"

static const struct dgit_error *
read_all(char **out, size_t *outlen, int fd, size_t cap)
{
	char *buf = NULL, *nb;
	size_t len = 0, alloc = 0;
	ssize_t n;
	int over = 0;

	for (;;) {
		if (len + 4096 + 1 > alloc) {
			alloc = alloc ? alloc * 2 : 8192;
			if ((nb = realloc(buf, alloc)) == NULL) {
				free(buf);
				return dgit_error(DGIT_ERR_NOMEM);
			}
			buf = nb;
		}
		n = read(fd, buf + len, 4096);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (len + (size_t)n > cap) {
			over = 1;      /* keep draining so the child ends */
			continue;
		}
		len += (size_t)n;
	}
	buf[len] = '\0';
	if (over) {
		free(buf);
		return dgit_error_fmt(DGIT_ERR_LIMIT, "a program's output "
		    "exceeded %zu bytes", cap);
	}
	*out = buf;
	if (outlen)
		*outlen = len;
	return NULL;
}

const struct dgit_error *
dgit_spawn(const char *const *argv, const struct dgit_spawn_opts *o)
{
	static const struct dgit_spawn_opts none;
	const struct dgit_error *err = NULL;
	int pfd[2] = { -1, -1 }, status, devnull;
	pid_t pid;

	if (o == NULL)
		o = &none;
	if (o->out)
		*o->out = NULL;
	if (o->out && pipe2(pfd, O_CLOEXEC) != 0)
		return dgit_error_from_errno("cannot make a pipe");
	pid = fork();
	if (pid < 0) {
		err = dgit_error_from_errno("cannot start '%s'", argv[0]);
		if (pfd[0] >= 0) {
			close(pfd[0]);
			close(pfd[1]);
		}
		return err;
	}
	if (pid == 0) {
		devnull = open("/dev/null", O_RDWR);
		if (devnull >= 0)
			dup2(devnull, 0);
		if (o->out)
			dup2(pfd[1], 1);
		else if (o->quiet && devnull >= 0)
			dup2(devnull, 1);
		else
			dup2(2, 1);
		if (o->quiet && devnull >= 0)
			dup2(devnull, 2);
		if (o->cwd && chdir(o->cwd) != 0)
			_exit(126);
		for (const char *const *e = o->env; e && *e; e++)
			putenv((char *)*e);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (o->out) {
		close(pfd[1]);
		err = read_all(o->out, o->outlen, pfd[0],
		    o->cap ? o->cap : 1u << 20);
		close(pfd[0]);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			if (err == NULL)
				err = dgit_error_from_errno("waiting for '%s'",
				    argv[0]);
			goto fail;
		}
	}
	if (err)
		goto fail;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return NULL;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		err = dgit_error_fmt(DGIT_ERR_CHILD, "cannot run '%s'; is it "
		    "installed?", argv[0]);
	else if (WIFEXITED(status)) {
		/* name the program and its first few words */
		char what[256];
		size_t n = 0;

		what[0] = '\0';
		for (int i = 0; argv[i] && i < 4 && n < sizeof what; i++)
			n += (size_t)snprintf(what + n, sizeof what - n, "%s%s",
			    i ? " " : "", argv[i]);
		err = dgit_error_fmt(DGIT_ERR_CHILD, "'%s%s' failed (exit "
		    "status %d)", what, argv[1] && argv[2] && argv[3] &&
		    argv[4] ? " ..." : "", WEXITSTATUS(status));
	}
	else
		err = dgit_error_fmt(DGIT_ERR_CHILD, "'%s' was killed by "
		    "signal %d", argv[0], WTERMSIG(status));
fail:
	if (o->out) {
		free(*o->out);
		*o->out = NULL;
	}
	return err;
}
