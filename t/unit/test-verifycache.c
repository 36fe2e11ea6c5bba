/*
 * Unit tests for the verification cache's entries: a stored entry reads
 * back the same within its span, and any edit of its file is a miss.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dgit_fs.h"
#include "dgit_verifycache.h"
#include "unit.h"

static char base[] = "/tmp/dgit-test-verifycache.XXXXXX";

static const struct dgit_verifycache_entry good = {
	"0123456789ABCDEF0123456789ABCDEF01234567", 1, 10,
	"abcf5882746e0f68171f41adbb4ac01b74b49d62d203379befb9265804311a4f",
	1000, 2000,
};

static const char key[] =
    "401fadd639afd52c95f592c05d130c0ba4e595feadd921dd9c29073cceed6bf1";

static char *
entry_path(void)
{
	static char p[512];

	snprintf(p, sizeof p, "%s/verify/%s", base, key);
	return p;
}

static int
same(const struct dgit_verifycache_entry *a,
    const struct dgit_verifycache_entry *b)
{
	return strcmp(a->fpr, b->fpr) == 0 && a->sig_class == b->sig_class &&
	    a->hash_algo == b->hash_algo &&
	    strcmp(a->text_sha256, b->text_sha256) == 0 &&
	    a->not_before == b->not_before && a->not_after == b->not_after;
}

/* Replace the first occurrence of from in the entry file with to. */
static int
edit(const char *from, const char *to)
{
	char *buf = NULL, *p, *out = NULL;
	size_t len;
	int ok = 0;

	if (dgit_fs_read_file(&buf, &len, entry_path(), 4096) != NULL)
		return 0;
	p = strstr(buf, from);
	if (p && asprintf(&out, "%.*s%s%s", (int)(p - buf), buf, to,
	    p + strlen(from)) != -1)
		ok = dgit_fs_write_file_atomic(entry_path(), out, strlen(out),
		    0600) == NULL;
	free(out);
	free(buf);
	return ok;
}

int
main(void)
{
	static const struct {
		const char *from, *to, *name;
	} edits[] = {
		{ "fpr 0", "fpr 1", "another fingerprint" },
		{ "sig-class 1", "sig-class 0", "another class" },
		{ "hash-algo 10", "hash-algo 2", "another digest" },
		{ "text-sha256 a", "text-sha256 b", "another text hash" },
		{ "not-before 1000", "not-before 100", "an earlier start" },
		{ "not-after 2000", "not-after 0", "no expiry" },
		{ "not-after 2000", "not-after 02000", "a leading zero" },
		{ "not-after 2000", "not-after -1", "a negative time" },
		{ "key 4", "key 5", "another key line" },
		{ "dgit-verifycache 1", "dgit-verifycache 2", "another format" },
		{ "\ncheck ", "\ncheck  ", "a doubled space" },
		{ "\ncheck ", "\nextra 1\ncheck ", "an extra line" },
		{ "fpr ", "", "a missing name" },
	};
	struct dgit_verifycache_entry e, tmp;
	char dir[600];

	if (mkdtemp(base) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	unit_ok(!dgit_verifycache_lookup(&e, base, key, 1500),
	    "no directory: a miss");
	dgit_verifycache_store(base, key, &good);
	snprintf(dir, sizeof dir, "%s/verify", base);
	{
		struct stat st;

		unit_ok(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700,
		    "the directory is made mode 0700");
		unit_ok(stat(entry_path(), &st) == 0 &&
		    (st.st_mode & 0777) == 0600, "the entry is mode 0600");
	}
	unit_ok(dgit_verifycache_lookup(&e, base, key, 1500) &&
	    same(&e, &good), "a stored entry reads back the same");
	unit_ok(dgit_verifycache_lookup(&e, base, key, 1000),
	    "a hit from the signature's creation");
	unit_ok(!dgit_verifycache_lookup(&e, base, key, 999) &&
	    e.fpr[0] == '\0', "a miss before it (the clock went back)");
	unit_ok(!dgit_verifycache_lookup(&e, base, key, 2000),
	    "a miss from the expiry on");
	unit_ok(!dgit_verifycache_lookup(&e, base,
	    "401fadd639afd52c95f592c05d130c0ba4e595feadd921dd9c29073cceed6bf2",
	    1500), "another key: a miss");
	unit_ok(!dgit_verifycache_lookup(&e, base, "../x", 1500),
	    "a key that is no hex: a miss");
	for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
		dgit_verifycache_store(base, key, &good);
		unit_ok(edit(edits[i].from, edits[i].to) &&
		    !dgit_verifycache_lookup(&e, base, key, 1500),
		    "an entry with %s: a miss", edits[i].name);
	}
	tmp = good;
	tmp.not_after = 0;
	tmp.text_sha256[0] = '\0';
	dgit_verifycache_store(base, key, &tmp);
	unit_ok(dgit_verifycache_lookup(&e, base, key, 1LL << 40) &&
	    same(&e, &tmp), "no expiry and no text (detached): a hit");
	chmod(dir, 0770);
	unit_ok(!dgit_verifycache_lookup(&e, base, key, 1500),
	    "a group-writable directory: a miss");
	chmod(dir, 0700);
	chmod(entry_path(), 0644);
	unit_ok(dgit_verifycache_lookup(&e, base, key, 1500),
	    "a world-readable entry is still ours: a hit");
	chmod(entry_path(), 0602);
	unit_ok(!dgit_verifycache_lookup(&e, base, key, 1500),
	    "a world-writable entry: a miss");
	dgit_verifycache_store(NULL, key, &good);
	unit_ok(!dgit_verifycache_lookup(&e, NULL, key, 1500),
	    "no cache directory: a miss, nothing stored");
	unit_ok(!dgit_verifycache_lookup(&e, "relative", key, 1500),
	    "a relative cache directory: a miss");
	dgit_fs_remove_tree(base);
	return unit_done();
}
