/* Paths to remove on failure or interruption (see cleanup.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"

#define SLOTS 32
#define MAX_DEPTH 512     /* deeper trees keep their bottom (fds, stack) */

struct slot {
	char path[4096];
	int tree;
};

/* The handler's view: slots[0..nslots) are live; see cleanup.h. */
static struct slot slots[SLOTS];
static volatile sig_atomic_t nslots;
static volatile sig_atomic_t installed;
/*
 * Set while a thread changes the list.  That thread has the signals
 * blocked, but another thread (a compression worker, a decoder) may take
 * one meanwhile: its handler waits for the change to be whole.
 */
static atomic_int changing;
/* Set while cleanup_hold holds the signals off: likewise. */
static atomic_int holding;

static const int signals[] = { SIGINT, SIGTERM, SIGHUP };
/* the mask cleanup_hold restores */
static sigset_t held;

void
cleanup_block(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
		sigaddset(&set, signals[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

void
cleanup_unblock(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

/* Remove name under dfd, a tree if need be; system calls only. */
static void
remove_at(int dfd, const char *name, int depth)
{
	char buf[2048];
	int fd, pass;

	if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT)
		return;
	if ((errno != EISDIR && errno != EPERM) || depth > MAX_DEPTH)
		return;
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0)
		return;
	/* entries removed while reading may hide others: read again */
	for (pass = 0; pass < 64; pass++) {
		ssize_t n;
		int seen = 0;

		if (lseek(fd, 0, SEEK_SET) != 0)
			break;
		while ((n = getdents64(fd, buf, sizeof buf)) > 0) {
			for (ssize_t off = 0; off < n;) {
				struct dirent64 *d = (struct dirent64 *)
				    (void *)(buf + off);

				off += d->d_reclen;
				if (strcmp(d->d_name, ".") == 0 ||
				    strcmp(d->d_name, "..") == 0)
					continue;
				seen = 1;
				remove_at(fd, d->d_name, depth + 1);
			}
		}
		if (!seen || n < 0)
			break;
	}
	close(fd);
	unlinkat(dfd, name, AT_REMOVEDIR);
}

static void
remove_all(void)
{
	for (int i = nslots; i > 0; i--)
		if (slots[i - 1].tree)
			remove_at(AT_FDCWD, slots[i - 1].path, 0);
		else
			unlinkat(AT_FDCWD, slots[i - 1].path, 0);
	nslots = 0;
}

static void
on_signal(int sig)
{
	struct sigaction sa;

	while (atomic_load(&changing) || atomic_load(&holding))
		;
	remove_all();
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
	/* delivered when the handler returns, with the default action */
	raise(sig);
}

void
cleanup_install(void)
{
	struct sigaction sa, old;

	if (installed)
		return;
	installed = 1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
		sigaddset(&sa.sa_mask, signals[i]);
	for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
		/* as the shell does for background jobs: ignored stays so */
		if (sigaction(signals[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		sigaction(signals[i], &sa, NULL);
	}
}

int
cleanup_register(const char *path, int tree)
{
	size_t len = strlen(path);
	sigset_t old;
	int ret = -1;

	if (len >= sizeof slots[0].path || path[0] != '/')
		return -1;
	cleanup_block(&old);
	atomic_store(&changing, 1);
	if (nslots < SLOTS) {
		memcpy(slots[nslots].path, path, len + 1);
		slots[nslots].tree = tree;
		nslots = nslots + 1;
		ret = 0;
	}
	atomic_store(&changing, 0);
	cleanup_unblock(&old);
	return ret;
}

void
cleanup_run(void)
{
	sigset_t old;

	cleanup_block(&old);
	atomic_store(&changing, 1);
	remove_all();
	atomic_store(&changing, 0);
	cleanup_unblock(&old);
}

void
cleanup_forget(void)
{
	sigset_t old;

	cleanup_block(&old);
	atomic_store(&changing, 1);
	nslots = 0;
	atomic_store(&changing, 0);
	cleanup_unblock(&old);
}

void
cleanup_forget_path(const char *path)
{
	sigset_t old;

	cleanup_block(&old);
	atomic_store(&changing, 1);
	for (int i = 0; i < nslots; i++)
		if (strcmp(slots[i].path, path) == 0) {
			memmove(&slots[i], &slots[i + 1],
			    (size_t)(nslots - i - 1) * sizeof slots[0]);
			nslots = nslots - 1;
			break;
		}
	atomic_store(&changing, 0);
	cleanup_unblock(&old);
}

void
cleanup_told(void *arg, const char *path, int made)
{
	char abs[4096];
	sigset_t old;
	int n;

	(void)arg;
	if (path[0] == '/')
		n = snprintf(abs, sizeof abs, "%s", path);
	else {
		char cwd[4096];

		if (getcwd(cwd, sizeof cwd) == NULL)
			return;
		n = snprintf(abs, sizeof abs, "%s/%s", cwd, path);
	}
	if (n < 0 || (size_t)n >= sizeof abs)
		return;
	cleanup_install();
	cleanup_block(&old);
	if (made)
		(void)cleanup_register(abs, 1);
	else
		cleanup_forget_path(abs);
	cleanup_unblock(&old);
}

void
cleanup_hold(void *arg, int on)
{
	(void)arg;
	if (on) {
		cleanup_block(&held);
		atomic_store(&holding, 1);
	} else {
		atomic_store(&holding, 0);
		cleanup_unblock(&held);
	}
}
