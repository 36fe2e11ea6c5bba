/*
 * The orig tarballs' trees (see dgit_origcache.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dgit_hash.h"
#include "dgit_origcache.h"

#define ENTRIES_MAX 100            /* reflog entries kept, and read */
#define KEY_PREFIX "dgit-orig-cache"

struct entry {
	char sha[DGIT_SHA256_HEXLEN + 1];
	uint64_t size;
	git_oid tree;
};

/* a file hashed by a lookup that missed, for its record */
struct pending {
	char *path;
	char sha[DGIT_SHA256_HEXLEN + 1];
	uint64_t size;
};

struct dgit_origcache {
	git_repository *repo;
	char *version;
	int persist;
	int loaded;                /* the reflog has been read */
	struct entry *v;
	size_t n, cap;
	struct pending *pend;
	size_t npend;
	size_t hits, records;
	void (*hold)(void *arg, int on);
	void *hold_arg;
};

void
dgit_origcache_set_hold(struct dgit_origcache *c,
    void (*hold)(void *arg, int on), void *arg)
{
	c->hold = hold;
	c->hold_arg = arg;
}

const struct dgit_error *
dgit_origcache_new(struct dgit_origcache **out, git_repository *repo,
    const char *version, int persist)
{
	struct dgit_origcache *c;

	*out = NULL;
	if ((c = calloc(1, sizeof *c)) == NULL ||
	    (c->version = strdup(version ? version : "C")) == NULL) {
		free(c);
		return dgit_error(DGIT_ERR_NOMEM);
	}
	/* a space would make the key ambiguous */
	for (char *p = c->version; *p; p++)
		if (*p == ' ' || *p == '\n')
			*p = '_';
	c->repo = repo;
	c->persist = persist;
	*out = c;
	return NULL;
}

void
dgit_origcache_free(struct dgit_origcache *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->npend; i++)
		free(c->pend[i].path);
	free(c->pend);
	free(c->v);
	free(c->version);
	free(c);
}

size_t
dgit_origcache_hits(const struct dgit_origcache *c)
{
	return c ? c->hits : 0;
}

size_t
dgit_origcache_records(const struct dgit_origcache *c)
{
	return c ? c->records : 0;
}

static int
add_entry(struct dgit_origcache *c, const char *sha, uint64_t size,
    const git_oid *tree)
{
	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 8;
		struct entry *nv = realloc(c->v, ncap * sizeof *nv);

		if (nv == NULL)
			return -1;
		c->v = nv;
		c->cap = ncap;
	}
	memcpy(c->v[c->n].sha, sha, sizeof c->v[c->n].sha);
	c->v[c->n].size = size;
	git_oid_cpy(&c->v[c->n].tree, tree);
	c->n++;
	return 0;
}

static struct entry *
find_entry(const struct dgit_origcache *c, const char *sha, uint64_t size)
{
	for (size_t i = c->n; i-- > 0;)
		if (c->v[i].size == size && strcmp(c->v[i].sha, sha) == 0)
			return &c->v[i];
	return NULL;
}

/* "dgit-orig-cache VERSION " then "SHA256 SIZE": sha and *size. */
static int
parse_key(const struct dgit_origcache *c, const char *m, char *sha,
    uint64_t *size)
{
	size_t pl = strlen(KEY_PREFIX), vl = strlen(c->version);
	unsigned long long sz;
	char *end;

	if (strncmp(m, KEY_PREFIX, pl) != 0 || m[pl] != ' ' ||
	    strncmp(m + pl + 1, c->version, vl) != 0 || m[pl + 1 + vl] != ' ')
		return -1;
	m += pl + 1 + vl + 1;
	for (size_t i = 0; i < DGIT_SHA256_HEXLEN; i++)
		if (!((m[i] >= '0' && m[i] <= '9') || (m[i] >= 'a' && m[i] <= 'f')))
			return -1;
	if (m[DGIT_SHA256_HEXLEN] != ' ')
		return -1;
	memcpy(sha, m, DGIT_SHA256_HEXLEN);
	sha[DGIT_SHA256_HEXLEN] = '\0';
	m += DGIT_SHA256_HEXLEN + 1;
	if (*m < '0' || *m > '9')
		return -1;
	errno = 0;
	sz = strtoull(m, &end, 10);
	if (errno != 0 || (*end != '\0' && *end != '\n'))
		return -1;
	*size = sz;
	return 0;
}

/* The reflog's entries for this version, oldest first, into memory (a
 * commit or tree that is gone is left out). */
static void
load(struct dgit_origcache *c)
{
	git_reflog *log = NULL;
	size_t n;

	c->loaded = 1;
	if (!c->persist || git_reflog_read(&log, c->repo, DGIT_ORIGCACHE_REF) != 0)
		return;
	n = git_reflog_entrycount(log);
	if (n > ENTRIES_MAX)
		n = ENTRIES_MAX;
	for (size_t i = n; i-- > 0;) {
		const git_reflog_entry *e = git_reflog_entry_byindex(log, i);
		const char *m = git_reflog_entry_message(e);
		char sha[DGIT_SHA256_HEXLEN + 1];
		uint64_t size;
		git_commit *cm = NULL;
		git_tree *t = NULL;

		if (m == NULL || parse_key(c, m, sha, &size) != 0)
			continue;
		if (git_commit_lookup(&cm, c->repo,
		    git_reflog_entry_id_new(e)) == 0 &&
		    git_commit_tree(&t, cm) == 0)
			(void)add_entry(c, sha, size, git_tree_id(t));
		git_tree_free(t);
		git_commit_free(cm);
	}
	git_reflog_free(log);
}

static int
lookup_cb(void *arg, git_oid *tree, const char *path, const char *dsc_sha256,
    uint64_t dsc_size)
{
	struct dgit_origcache *c = arg;
	char sha[DGIT_SHA256_HEXLEN + 1];
	uint64_t size;
	const struct entry *e;
	struct pending *np;
	git_odb *odb = NULL;
	int have = 0;

	/* the .dsc's digest, which the import checks; or the file's own */
	if (dsc_sha256 && strlen(dsc_sha256) == DGIT_SHA256_HEXLEN) {
		for (size_t i = 0; i <= DGIT_SHA256_HEXLEN; i++)
			sha[i] = (char)tolower((unsigned char)dsc_sha256[i]);
		size = dsc_size;
	} else if (dgit_hash_file(sha, &size, DGIT_HASH_SHA256, path) != NULL)
		return 0;          /* the unpack will say what is wrong */
	if (!c->loaded)
		load(c);
	if ((e = find_entry(c, sha, size)) != NULL &&
	    git_repository_odb(&odb, c->repo) == 0) {
		have = git_odb_exists(odb, &e->tree);
		git_odb_free(odb);
	}
	if (have) {
		git_oid_cpy(tree, &e->tree);
		c->hits++;
		return 1;
	}
	np = realloc(c->pend, (c->npend + 1) * sizeof *np);
	if (np == NULL)
		return 0;
	c->pend = np;
	if ((np[c->npend].path = strdup(path)) == NULL)
		return 0;
	memcpy(np[c->npend].sha, sha, sizeof sha);
	np[c->npend].size = size;
	c->npend++;
	return 0;
}

/* The tree's commit in the reflog of the ref, under key. */
static void
persist(struct dgit_origcache *c, const char *key, const git_oid *tree_id)
{
	git_signature *sig = NULL;
	git_tree *t = NULL;
	git_reference *ref = NULL;
	git_reflog *log = NULL;
	git_oid id, old;
	int same;

	/* a fixed identity and time: the same tree, the same commit */
	if (git_signature_new(&sig, "dgit", "dgit@invalid", 0, 0) != 0 ||
	    git_tree_lookup(&t, c->repo, tree_id) != 0 ||
	    git_commit_create(&id, c->repo, NULL, sig, sig, NULL,
	    "dgit orig cache\n", t, 0, NULL) != 0 ||
	    git_reference_ensure_log(c->repo, DGIT_ORIGCACHE_REF) != 0)
		goto done;
	same = git_reference_name_to_id(&old, c->repo, DGIT_ORIGCACHE_REF) ==
	    0 && git_oid_equal(&old, &id);
	if (!same && git_reference_create(&ref, c->repo, DGIT_ORIGCACHE_REF,
	    &id, 1, key) != 0)
		goto done;
	if (git_reflog_read(&log, c->repo, DGIT_ORIGCACHE_REF) != 0)
		goto done;
	/* the ref does not move: the entry is added by hand */
	if (same && git_reflog_append(log, &id, sig, key) != 0)
		goto done;
	while (git_reflog_entrycount(log) > ENTRIES_MAX)
		if (git_reflog_drop(log, git_reflog_entrycount(log) - 1, 1) != 0)
			goto done;
	(void)git_reflog_write(log);
done:
	git_reflog_free(log);
	git_reference_free(ref);
	git_tree_free(t);
	git_signature_free(sig);
}

static void
record_cb(void *arg, const char *path, const git_oid *tree)
{
	struct dgit_origcache *c = arg;
	struct pending *p = NULL;
	struct entry *e;
	char *key = NULL;

	for (size_t i = c->npend; i-- > 0;)
		if (strcmp(c->pend[i].path, path) == 0) {
			p = &c->pend[i];
			break;
		}
	if (p == NULL)
		return;            /* not hashed by a lookup: not recorded */
	if ((e = find_entry(c, p->sha, p->size)) != NULL)
		git_oid_cpy(&e->tree, tree);   /* one whose tree was gone */
	else if (add_entry(c, p->sha, p->size, tree) != 0)
		return;
	c->records++;
	if (c->persist && asprintf(&key, "%s %s %s %llu", KEY_PREFIX,
	    c->version, p->sha, (unsigned long long)p->size) >= 0) {
		if (c->hold)
			c->hold(c->hold_arg, 1);
		persist(c, key, tree);
		if (c->hold)
			c->hold(c->hold_arg, 0);
		free(key);
	}
}

void
dgit_origcache_hook(struct dgit_origcache *c, struct dgit_import_opts *io)
{
	io->orig_lookup = c ? lookup_cb : NULL;
	io->orig_record = c ? record_cb : NULL;
	io->orig_arg = c;
}
