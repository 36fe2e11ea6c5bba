/*
 * Error model: every lib/ function that can fail returns
 * const struct dgit_error *; NULL means success.
 *
 * Returned errors are borrowed: they live in a small per-thread ring of
 * buffers and stay valid until several more errors have been made on the
 * same thread.  Copy the message if it must live longer.
 */
#ifndef DGIT_ERROR_H
#define DGIT_ERROR_H

#include <stdarg.h>

/* A code gets its own value only when a caller acts on it. */
enum dgit_error_code {
	DGIT_ERR_OK = 0,
	DGIT_ERR_NOMEM,            /* out of memory */
	DGIT_ERR_ERRNO,            /* system call failed; see errnum */
	DGIT_ERR_USAGE,            /* bad arguments from the user */
	DGIT_ERR_NOT_FOUND,        /* package, suite, file, key, ref not found */
	DGIT_ERR_PARSE,            /* malformed input (control file, diff, ...) */
	DGIT_ERR_BAD_SIGNATURE,    /* OpenPGP signature bad or missing */
	DGIT_ERR_UNKNOWN_KEY,      /* signed by a key not in the keyring */
	DGIT_ERR_CHECKSUM,         /* size or hash mismatch */
	DGIT_ERR_EXPIRED,          /* Release Valid-Until passed / Date in future */
	DGIT_ERR_ROLLBACK,         /* Release older than one already seen */
	DGIT_ERR_DIRTY,            /* working tree not clean */
	DGIT_ERR_UNREPRESENTABLE,  /* git cannot hold this (device file, ...) */
	DGIT_ERR_UNSAFE_PATH,      /* path escapes the tree or goes via symlink */
	DGIT_ERR_PATCH,            /* a patch does not apply */
	DGIT_ERR_LIMIT,            /* a configured cap was exceeded */
	DGIT_ERR_NETWORK,          /* download failed (curl) */
	DGIT_ERR_GIT,              /* libgit2 reported an error */
	DGIT_ERR_ARCHIVE,          /* libarchive reported an error */
	DGIT_ERR_GPGME,            /* gpgme reported an error */
	DGIT_ERR_CHILD,            /* a child process failed */
	DGIT_ERR_EXISTS,           /* target already exists */
	DGIT_ERR_NOT_IMPLEMENTED,  /* feature not built yet */
	DGIT_ERR_CANCELLED,        /* a callback asked to stop */
	DGIT_ERR_MAX
};

/*
 * What kind of failure, apart from its code, for a program's exit status
 * (Perl dgit's: 4, 12, else 255; DGIT_ERR_USAGE is 8).  A wrapped error
 * keeps its class.
 */
enum dgit_error_class {
	DGIT_ECLASS_FAIL = 0,      /* any other failure */
	DGIT_ECLASS_NO_PACKAGE,    /* the package is not in the suite */
	DGIT_ECLASS_CONFIG,        /* configuration is bad or missing */
};

struct dgit_error {
	enum dgit_error_code code;
	int errnum;                /* errno for DGIT_ERR_ERRNO, else 0 */
	const char *msg;
	enum dgit_error_class cls; /* DGIT_ECLASS_FAIL unless made so */
};

/* An error with the generic message for code. */
const struct dgit_error *dgit_error(enum dgit_error_code code);

/* An error with a printf-style message (truncated to a fixed size). */
const struct dgit_error *dgit_error_fmt(enum dgit_error_code code,
    const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const struct dgit_error *dgit_error_vfmt(enum dgit_error_code code,
    const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* As dgit_error_fmt, of class cls. */
const struct dgit_error *dgit_error_cfmt(enum dgit_error_class cls,
    enum dgit_error_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "CONTEXT: strerror(errno)"; uses and keeps the current errno. */
const struct dgit_error *dgit_error_from_errno(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* "CONTEXT: <libgit2's last error>" as DGIT_ERR_GIT. */
const struct dgit_error *dgit_error_git(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Prefix an existing error's message, keeping its code. */
const struct dgit_error *dgit_error_wrap(const struct dgit_error *err,
    const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Format a progress or warning line and pass it to a lib/ caller's
 * callback (cb may be NULL: nothing happens).  Lines longer than 1 KiB
 * are cut.
 */
void dgit_msg(void (*cb)(void *arg, const char *msg), void *arg,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Generic text of a code ("checksum mismatch", ...). */
const char *dgit_error_code_str(enum dgit_error_code code);

#endif
