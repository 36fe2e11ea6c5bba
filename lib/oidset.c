/* A set of object ids (include/dgit_oidset.h). */
#include <stdlib.h>
#include <string.h>

#include "dgit_oidset.h"

/* Object ids are hashes already: their first bytes are a good hash. */
static size_t
oid_hash(const git_oid *id)
{
	size_t h = 0;

	memcpy(&h, id->id, sizeof h < GIT_OID_RAWSZ ? sizeof h : GIT_OID_RAWSZ);
	return h;
}

/* Put id, known not to be there, into a set with room for it. */
static void
place(struct dgit_oidset *s, const git_oid *id)
{
	size_t i;

	for (i = oid_hash(id) & (s->cap - 1); s->used[i];
	    i = (i + 1) & (s->cap - 1))
		;
	s->used[i] = 1;
	git_oid_cpy(&s->slot[i], id);
	s->n++;
}

int
dgit_oidset_add(struct dgit_oidset *s, const git_oid *id)
{
	size_t i;

	if (s->cap) {
		for (i = oid_hash(id) & (s->cap - 1); s->used[i];
		    i = (i + 1) & (s->cap - 1))
			if (git_oid_equal(&s->slot[i], id))
				return 0;
	}
	if (s->n + 1 > s->cap / 2) {
		/* capacities are powers of two, for the masks above */
		struct dgit_oidset g = { NULL, NULL,
		    s->cap ? s->cap * 2 : 1024, 0 };

		if ((g.slot = malloc(g.cap * sizeof *g.slot)) == NULL ||
		    (g.used = calloc(g.cap, 1)) == NULL) {
			free(g.slot);
			return -1;
		}
		for (i = 0; i < s->cap; i++)
			if (s->used[i])
				place(&g, &s->slot[i]);
		free(s->slot);
		free(s->used);
		*s = g;
	}
	place(s, id);
	return 1;
}

void
dgit_oidset_release(struct dgit_oidset *s)
{
	free(s->slot);
	free(s->used);
	s->slot = NULL;
	s->used = NULL;
	s->cap = s->n = 0;
}
