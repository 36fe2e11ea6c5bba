/*
 * The pieces of an upload that dgit makes from git (dgit push-source,
 * push-built): the signed tags, the .dsc's Dgit: field, the .changes'
 * list of files.  Formats are Perl dgit's, byte for byte, so that its
 * git server and other dgit tools read them alike.
 */
#ifndef DGIT_PUSH_H
#define DGIT_PUSH_H

#include <stddef.h>
#include <stdint.h>

#include <git2.h>

#include "dgit_dsc.h"
#include "dgit_error.h"
#include "dgit_tag.h"

/* A dgit tag: its object header and its message (dgit_tag.h). */
struct dgit_push_tag {
	const char *name;          /* archive/DISTRO/MANGLED or DISTRO/... */
	git_oid target;            /* the commit */
	const char *tagger;        /* "NAME <EMAIL>": the changelog's */
	int64_t time;              /* the changelog entry's date */
	int tz;                    /* minutes east of UTC */
	const struct dgit_tag_info *info;   /* the message */
};

/*
 * The unsigned tag object text:
 *   object HEX / type commit / tag NAME / tagger NAME <EMAIL> TIME TZ
 *   (blank line)
 *   the message, as dgit_tag_format_message writes it
 * *out is caller-owned.
 */
const struct dgit_error *dgit_push_tag_text(char **out,
    const struct dgit_push_tag *t);

/*
 * Look for refs/tags/NAME in repo.  *found: 0 (absent), 1 (a tag object
 * whose text before its signature is exactly text: an earlier run made
 * it; *oid is that tag).  A tag of that name with other contents is
 * DGIT_ERR_EXISTS.
 */
const struct dgit_error *dgit_push_tag_find(int *found, git_oid *oid,
    git_repository *repo, const char *name, const char *text);

/*
 * Write the tag object text + sig (the armored signature, appended as
 * git does) and create refs/tags/NAME for it (refusing to replace one,
 * unless force: --force-reusing-version).
 */
const struct dgit_error *dgit_push_tag_write(git_oid *oid, int force,
    git_repository *repo, const char *name, const char *text,
    const char *sig);

/*
 * The .dsc text (its signature, if any, removed) with the Dgit: field
 * set to value ("COMMIT DISTRO TAG URL"), replacing one already there;
 * it goes last, where dgit puts it.  *out caller-owned.
 */
const struct dgit_error *dgit_push_dsc_with_dgit(char **out, size_t *outlen,
    const char *dsc, size_t len, const char *value, const char *what);

/*
 * Whether the archive already has file name (with this SHA-256): 1 yes,
 * 0 no; a file of that name with other contents is an error.
 */
typedef const struct dgit_error *(*dgit_push_have_cb)(int *have,
    const char *name, const char *sha256, void *arg);

/*
 * The .changes text (unsigned) with its Files, Checksums-Sha1 and
 * Checksums-Sha256 lists redone from the files in dir: the origs of dsc
 * that have() says the archive has are left out, those it lacks are
 * listed (dgit's changes_update_origs_from_dsc), and every size and hash
 * is that of the file now in dir (so the signed .dsc is what it lists).
 * Checks Source and Version against dsc.
 */
const struct dgit_error *dgit_push_changes_files(char **out, size_t *outlen,
    const char *changes, size_t len, const char *what,
    const struct dgit_dsc *dsc, const char *dsc_name, const char *dir,
    dgit_push_have_cb have, void *arg);

/*
 * Remove the clearsign armour: *out is the signed text, or a copy of buf
 * when it is not signed (*was_signed 0).
 */
const struct dgit_error *dgit_push_unsigned_text(char **out, size_t *outlen,
    int *was_signed, const char *buf, size_t len, const char *what);

#endif
