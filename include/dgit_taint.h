/*
 * The tainted-objects pre-check of a push (dgit's, before anything is
 * signed): the git server's policy (dgit-repos-policy-debian's
 * policy-client-query PACKAGE tainted-objects SUITE) answers with a JSON
 * list of objects it would refuse,
 *   [ { "gitobjid": HEX, "comment": TEXT, "overrides": [ "--deliberately-X" ],
 *       optional: "gitobjtype": TYPE, "time": SECONDS, "package": NAME,
 *       "hint": TEXT }, ... ]
 * and the push's history is searched for them here, so that the push
 * fails early and can be retried rather than being refused by the server
 * after the tags were signed.
 */
#ifndef DGIT_TAINT_H
#define DGIT_TAINT_H

#include <stddef.h>

#include <git2.h>

#include "dgit_error.h"

/* Cap on the server's answer. */
#define DGIT_TAINT_MAX_JSON (16u << 20)

/*
 * Parse the answer json (len bytes) and look for each tainted object
 * that is not overridden (one of its "overrides" is among
 * deliberately[0..ndeliberately), "--deliberately-X" strings) in the
 * history of head: the commits reachable from it, and their trees'
 * trees and blobs.  *report (caller frees; NULL when nothing is found)
 * is dgit's message for each object found:
 *
 *   History contains tainted TYPE OBJID
 *   Taint recorded at time YYYY-MM-DD HH:MM:SS Z for any package
 *   Reason: COMMENT
 *   Could perhaps be forced using --deliberately.  Consult documentation.
 *
 * (or "Uncorrectable error.  If confused, consult administrator." for a
 * taint no --deliberately overrides; each hint once, after its row).
 * Warnings (a type here other than the server's) go to warn.  Errors: a
 * malformed answer (DGIT_ERR_PARSE), reading the history.
 */
const struct dgit_error *dgit_taint_check(char **report,
    git_repository *repo, const git_oid *head, const char *json, size_t len,
    const char *const *deliberately, size_t ndeliberately,
    void (*warn)(void *arg, const char *msg), void *warn_arg);

#endif
