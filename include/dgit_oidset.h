/*
 * A set of git object ids, for walks that must visit each object once
 * (history walks, tree walks).  Open addressing, grown at half full.
 *
 * On the stack: struct dgit_oidset s = DGIT_OIDSET_INIT; ...;
 * dgit_oidset_release(&s).
 */
#ifndef DGIT_OIDSET_H
#define DGIT_OIDSET_H

#include <stddef.h>

#include <git2.h>

struct dgit_oidset {
	git_oid *slot;
	unsigned char *used;
	size_t cap, n;
};

#define DGIT_OIDSET_INIT { NULL, NULL, 0, 0 }

/* Add id: 1 when it was new, 0 when it was there already, -1 when out of
 * memory (the set is then unchanged). */
int dgit_oidset_add(struct dgit_oidset *s, const git_oid *id);

/* Free the set's memory; it is empty (and reusable) afterwards. */
void dgit_oidset_release(struct dgit_oidset *s);

#endif
