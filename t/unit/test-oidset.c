/*
 * The object-id set the history and tree walks share (dgit_oidset):
 * each id is new once, colliding and growing keep every id, and release
 * empties it.  Checked against a plain list of the ids added.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dgit_oidset.h"
#include "unit.h"

#define N 5000

/* Ids whose first 8 bytes (the hash) are the same for every fourth one,
 * so probing past collisions is exercised too. */
static void
make_id(git_oid *id, unsigned i)
{
	memset(id, 0, sizeof *id);
	id->id[0] = (unsigned char)(i / 4);
	id->id[1] = (unsigned char)(i / 4 >> 8);
	id->id[GIT_OID_RAWSZ - 1] = (unsigned char)i;
	id->id[GIT_OID_RAWSZ - 2] = (unsigned char)(i >> 8);
}

int
main(void)
{
	struct dgit_oidset s = DGIT_OIDSET_INIT;
	git_oid id;
	int fresh = 1, again = 1;

	for (unsigned i = 0; i < N; i++) {
		make_id(&id, i);
		if (dgit_oidset_add(&s, &id) != 1)
			fresh = 0;
	}
	unit_ok(fresh, "%d distinct ids are each new once", N);
	unit_ok(s.n == N, "the set counts %d ids (has %zu)", N, s.n);
	unit_ok(s.cap >= 2 * s.n, "grown to keep half free (cap %zu)", s.cap);
	for (unsigned i = 0; i < N; i++) {
		make_id(&id, i);
		if (dgit_oidset_add(&s, &id) != 0)
			again = 0;
	}
	unit_ok(again, "every id added again is found, across the growths");
	unit_ok(s.n == N, "adding again changes no count");
	make_id(&id, N);
	unit_ok(dgit_oidset_add(&s, &id) == 1, "an id sharing a hash is new");
	dgit_oidset_release(&s);
	unit_ok(s.n == 0 && s.cap == 0 && s.slot == NULL, "release empties");
	make_id(&id, 0);
	unit_ok(dgit_oidset_add(&s, &id) == 1, "reusable after release");
	dgit_oidset_release(&s);
	return unit_done();
}
