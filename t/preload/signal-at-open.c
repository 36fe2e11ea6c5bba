/*
 * LD_PRELOAD shim for tests: when the program creates a file whose path,
 * as given to open or openat, matches the fnmatch pattern $SIGNAL_AT_OPEN
 * (a lock file, a temporary), it sends itself signal $SIGNAL_AT_OPEN_SIG
 * (default SIGTERM) right after the open, once.
 * A program that holds signals off while such a file exists removes or
 * renames it before the signal is taken; one that does not leaves it.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>

static int fired;

static void
maybe_fire(const char *path, int flags)
{
	const char *pattern = getenv("SIGNAL_AT_OPEN");
	const char *sig = getenv("SIGNAL_AT_OPEN_SIG");

	if (fired || pattern == NULL || *pattern == '\0' ||
	    !(flags & O_CREAT) || fnmatch(pattern, path, 0) != 0)
		return;
	fired = 1;
	raise(sig ? (int)strtol(sig, NULL, 10) : SIGTERM);
}

/* The mode argument open and openat take with O_CREAT or O_TMPFILE. */
#define MODE_ARG(flags, mode) do {					\
	va_list ap_;							\
									\
	va_start(ap_, flags);						\
	(mode) = ((flags) & (O_CREAT | __O_TMPFILE)) ?			\
	    (mode_t)va_arg(ap_, int) : 0;				\
	va_end(ap_);							\
} while (0)

static int
opened(int fd, const char *path, int flags)
{
	if (fd >= 0)
		maybe_fire(path, flags);
	return fd;
}

int
open(const char *path, int flags, ...)
{
	static int (*real)(const char *, int, ...);
	mode_t mode;

	MODE_ARG(flags, mode);
	if (real == NULL)
		real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	return opened(real(path, flags, mode), path, flags);
}

int
openat(int dfd, const char *path, int flags, ...)
{
	static int (*real)(int, const char *, int, ...);
	mode_t mode;

	MODE_ARG(flags, mode);
	if (real == NULL)
		real = (int (*)(int, const char *, int, ...))dlsym(RTLD_NEXT,
		    "openat");
	return opened(real(dfd, path, flags, mode), path, flags);
}
