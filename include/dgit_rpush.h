/*
 * dgit rpush: a push built on one host (the build host) and signed on
 * another (the signing host, which has the user's key), over an ssh
 * connection, in the protocol Perl dgit speaks (its versions 4 to 6):
 *
 *   initiator (signing host) runs, over ssh:
 *     dgit ... remote-push[-source]-build-host N DIR VSNS... PUSH-ARGS
 *   < dgit-remote-push[-source]-ready VSN
 *   < file parsed-changelog | file dsc | file changes | file buildinfo
 *       (each: data-block NBYTES + NBYTES bytes ..., data-end)
 *   < param head|csuite|isuite|tagformat|splitbrain|maint-view|
 *       buildinfo-filename VALUE
 *   < previously REFNAME=OBJID
 *   < progress NBYTES, supplementary-message NBYTES (+ the bytes)
 *   < want signed-tag:  > one data stream per tag, then files-end
 *   < want signed-dsc-changes:  > the .dsc, the .changes, each
 *       .buildinfo, then files-end
 *   < complete
 *
 * The initiator never runs anything the build host sends: it reads the
 * files as data, checks them (names, sizes, that the .changes lists the
 * .dsc it signs with that .dsc's size and checksums, source-only for
 * push-source) before anything is signed, makes the tag texts itself from
 * the changelog and the parameters, and signs with gpgme (dgit_sign.h).
 */
#ifndef DGIT_RPUSH_H
#define DGIT_RPUSH_H

#include <stddef.h>

#include "dgit_config.h"
#include "dgit_error.h"
#include "dgit_pushsource.h"

/* The protocol versions this side speaks, best first: "6,5,4". */
#define DGIT_RPUSH_VERSIONS "6,5,4"

/*
 * Pick the version of versions (comma-separated, the initiator's offer)
 * that we speak, best first; 0 when none (the message says both lists).
 */
const struct dgit_error *dgit_rpush_pick_version(int *vsn,
    const char *versions);

/*
 * Quote s for a POSIX shell (as Perl's String::ShellQuote: bare when
 * only safe characters, else in single quotes).  Appends to *out
 * (caller-owned, realloc'd; *out NULL at first).
 */
const struct dgit_error *dgit_rpush_shell_quote(char **out, const char *s);

/* ---- the build host (responder) ---- */

struct dgit_rpush_responder;

/*
 * Start the responder on the connection (in: what the initiator sends,
 * out: to it; both borrowed, kept open) for verb ("push" or
 * "push-source"), picking a version of versions and saying so
 * ("dgit-remote-VERB-ready VSN").  Free with dgit_rpush_responder_free.
 */
const struct dgit_error *dgit_rpush_responder_new(
    struct dgit_rpush_responder **out, int in, int outfd, const char *verb,
    const char *versions);
/*
 * The push's signing (dgit_pushsource_opts' sign_elsewhere, arg the
 * responder): sends dpkg-parsechangelog's output (run in the current
 * directory), the .dsc, the .changes and the parameters, then asks for
 * the signed tags and files.
 */
dgit_pushsource_sign_fn dgit_rpush_responder_sign;
/* The push is done: "complete". */
const struct dgit_error *dgit_rpush_responder_complete(
    struct dgit_rpush_responder *r);
void dgit_rpush_responder_free(struct dgit_rpush_responder *r);

/* ---- the signing host (initiator) ---- */

struct dgit_rpush_initiator_opts {
	const char *const *argv;   /* ssh HOST 'REMOTE COMMAND' */
	const char *verb;          /* "push" or "push-source" */
	const char *tmpdir;        /* an empty directory for the files */
	struct dgit_config *cfg;   /* for the distro, URL and key */
	const char *distro;        /* -d, or NULL: the suite's */
	const char *keyid;         /* -k, or NULL: config, then Maintainer */
	const char *quilt;         /* quilt mode's name (for the tags) */
	const char *const *deliberately;  /* "--deliberately-X" items */
	size_t ndeliberately;
	void (*info)(void *arg, const char *msg);
	void *info_arg;
};

/*
 * Run the build host's side through argv and serve it until it says
 * "complete" and exits successfully.  A protocol violation, a file that
 * fails its checks or a failure of the build host is an error; nothing
 * is signed before every check passed.
 */
const struct dgit_error *dgit_rpush_initiate(
    const struct dgit_rpush_initiator_opts *o);

#endif
