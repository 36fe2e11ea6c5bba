/* Error values: a per-thread ring of message buffers (see dgit_error.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <git2.h>

#include "dgit_error.h"

#define RING 8
#define MSGLEN 1024

static _Thread_local struct {
	struct dgit_error err[RING];
	char buf[RING][MSGLEN];
	unsigned next;
} ring;

static const char *const code_str[DGIT_ERR_MAX] = {
	[DGIT_ERR_OK] = "no error",
	[DGIT_ERR_NOMEM] = "out of memory",
	[DGIT_ERR_ERRNO] = "system error",
	[DGIT_ERR_USAGE] = "usage error",
	[DGIT_ERR_NOT_FOUND] = "not found",
	[DGIT_ERR_PARSE] = "malformed input",
	[DGIT_ERR_BAD_SIGNATURE] = "bad signature",
	[DGIT_ERR_UNKNOWN_KEY] = "signed by an unknown key",
	[DGIT_ERR_CHECKSUM] = "checksum mismatch",
	[DGIT_ERR_EXPIRED] = "expired",
	[DGIT_ERR_ROLLBACK] = "rollback detected",
	[DGIT_ERR_DIRTY] = "working tree is dirty",
	[DGIT_ERR_UNREPRESENTABLE] = "cannot be represented in git",
	[DGIT_ERR_UNSAFE_PATH] = "unsafe path",
	[DGIT_ERR_PATCH] = "patch does not apply",
	[DGIT_ERR_LIMIT] = "limit exceeded",
	[DGIT_ERR_NETWORK] = "download failed",
	[DGIT_ERR_GIT] = "git error",
	[DGIT_ERR_ARCHIVE] = "archive error",
	[DGIT_ERR_GPGME] = "gpgme error",
	[DGIT_ERR_CHILD] = "child process failed",
	[DGIT_ERR_EXISTS] = "already exists",
	[DGIT_ERR_NOT_IMPLEMENTED] = "not implemented yet",
	[DGIT_ERR_CANCELLED] = "cancelled",
};

const char *
dgit_error_code_str(enum dgit_error_code code)
{
	if (code < 0 || code >= DGIT_ERR_MAX || code_str[code] == NULL)
		return "unknown error";
	return code_str[code];
}

static struct dgit_error *
slot(enum dgit_error_code code, char **buf)
{
	unsigned i = ring.next++ % RING;

	ring.err[i].code = code;
	ring.err[i].errnum = 0;
	ring.err[i].cls = DGIT_ECLASS_FAIL;
	ring.err[i].msg = ring.buf[i];
	*buf = ring.buf[i];
	return &ring.err[i];
}

const struct dgit_error *
dgit_error(enum dgit_error_code code)
{
	char *buf;
	struct dgit_error *e = slot(code, &buf);

	snprintf(buf, MSGLEN, "%s", dgit_error_code_str(code));
	return e;
}

const struct dgit_error *
dgit_error_vfmt(enum dgit_error_code code, const char *fmt, va_list ap)
{
	char *buf;
	struct dgit_error *e = slot(code, &buf);

	vsnprintf(buf, MSGLEN, fmt, ap);
	return e;
}

const struct dgit_error *
dgit_error_fmt(enum dgit_error_code code, const char *fmt, ...)
{
	const struct dgit_error *e;
	va_list ap;

	va_start(ap, fmt);
	e = dgit_error_vfmt(code, fmt, ap);
	va_end(ap);
	return e;
}

const struct dgit_error *
dgit_error_cfmt(enum dgit_error_class cls, enum dgit_error_code code,
    const char *fmt, ...)
{
	char *buf;
	struct dgit_error *e = slot(code, &buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, MSGLEN, fmt, ap);
	va_end(ap);
	e->cls = cls;
	return e;
}

const struct dgit_error *
dgit_error_from_errno(const char *fmt, ...)
{
	int errnum = errno;
	char *buf;
	struct dgit_error *e;
	size_t n;
	va_list ap;

	e = slot(errnum == ENOMEM ? DGIT_ERR_NOMEM : DGIT_ERR_ERRNO, &buf);
	e->errnum = errnum;
	va_start(ap, fmt);
	vsnprintf(buf, MSGLEN, fmt, ap);
	va_end(ap);
	n = strlen(buf);
	if (n < MSGLEN)
		snprintf(buf + n, MSGLEN - n, ": %s", strerror(errnum));
	errno = errnum;
	return e;
}

const struct dgit_error *
dgit_error_git(const char *fmt, ...)
{
	const git_error *ge = git_error_last();
	char *buf;
	struct dgit_error *e = slot(DGIT_ERR_GIT, &buf);
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, MSGLEN, fmt, ap);
	va_end(ap);
	n = strlen(buf);
	if (n < MSGLEN)
		snprintf(buf + n, MSGLEN - n, ": %s",
		    ge && ge->message ? ge->message : "unknown libgit2 error");
	return e;
}

const struct dgit_error *
dgit_error_wrap(const struct dgit_error *err, const char *fmt, ...)
{
	char prefix[MSGLEN], *buf;
	struct dgit_error *e;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	/* err may itself live in the slot we are about to take */
	char old[MSGLEN];
	snprintf(old, sizeof old, "%s", err->msg);
	int errnum = err->errnum;
	enum dgit_error_class cls = err->cls;
	e = slot(err->code, &buf);
	e->errnum = errnum;
	e->cls = cls;
	size_t n = strlen(prefix);
	memcpy(buf, prefix, n + 1);
	if (n + 2 < MSGLEN) {
		size_t m = strlen(old);

		buf[n++] = ':';
		buf[n++] = ' ';
		if (m > MSGLEN - 1 - n)
			m = MSGLEN - 1 - n;
		memcpy(buf + n, old, m);
		buf[n + m] = '\0';
	}
	return e;
}

void
dgit_msg(void (*cb)(void *arg, const char *msg), void *arg,
    const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (cb == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	cb(arg, buf);
}
