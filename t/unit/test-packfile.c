/*
 * Unit tests for reading whole objects from mapped packs: every object
 * of a pack git itself wrote (git repack, with deltas) reads back as
 * libgit2 reads it, or is "not here" (a delta, or over the size given);
 * a damaged object stream is an error naming the object; an index that
 * is not version 2 leaves its pack out.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "dgit_fs.h"
#include "dgit_packfile.h"
#include "unit.h"

#define NBLOBS 40

static char dir[] = "/tmp/dgit-unit-packfile.XXXXXX";

/* Run a shell command in the repository's directory. */
static int
sh(const char *cmd)
{
	char full[2048];

	snprintf(full, sizeof full, "cd %s && { %s; }", dir, cmd);
	return system(full);
}

/* The .pack path and the pack offset of blob id (git verify-pack -v). */
static long
offset_of(char *pack, size_t cap, const git_oid *id)
{
	char cmd[2048], line[512], hex[GIT_OID_HEXSZ + 1];
	long off = -1;
	FILE *f;

	snprintf(cmd, sizeof cmd, "ls %s/.git/objects/pack/*.pack", dir);
	if ((f = popen(cmd, "r")) == NULL || fgets(pack, (int)cap, f) == NULL) {
		if (f)
			pclose(f);
		return -1;
	}
	pclose(f);
	pack[strcspn(pack, "\n")] = '\0';
	git_oid_tostr(hex, sizeof hex, id);
	snprintf(cmd, sizeof cmd, "git verify-pack -v %s", pack);
	if ((f = popen(cmd, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f)) {
		char h[64], type[16];
		long size, psize, o;

		if (sscanf(line, "%63s %15s %ld %ld %ld", h, type, &size, &psize,
		    &o) == 5 && strcmp(h, hex) == 0)
			off = o;
	}
	pclose(f);
	return off;
}

int
main(void)
{
	git_repository *repo = NULL;
	git_odb *odb = NULL;
	struct dgit_packfiles *pf = NULL;
	const struct dgit_error *err;
	git_oid ids[NBLOBS + 1];
	char *text;
	size_t big = 300000;
	int whole = 0, notwhole = 0, same = 1;

	git_libgit2_init();
	if (mkdtemp(dir) == NULL || git_repository_init(&repo, dir, 0) != 0 ||
	    git_repository_odb(&odb, repo) != 0) {
		unit_ok(0, "set up a repository");
		return unit_done();
	}
	/* blobs much alike, so that git deltifies some of them */
	if ((text = malloc(big + 64)) == NULL)
		return 1;
	for (size_t i = 0; i < big; i++)
		text[i] = (char)("abcdefghij\n"[(i * 7 + i / 13) % 11]);
	for (int i = 0; i < NBLOBS; i++) {
		snprintf(text + (size_t)i * 997, 40, "variant %d\n", i);
		git_odb_write(&ids[i], odb, text, big, GIT_OBJECT_BLOB);
	}
	git_odb_write(&ids[NBLOBS], odb, "", 0, GIT_OBJECT_BLOB);
	git_odb_free(odb);
	odb = NULL;
	{
		char path[1100], hex[GIT_OID_HEXSZ + 1];
		FILE *f;

		snprintf(path, sizeof path, "%s/ids", dir);
		if ((f = fopen(path, "w")) == NULL)
			return 1;
		for (int i = 0; i <= NBLOBS; i++)
			fprintf(f, "%s\n", git_oid_tostr(hex, sizeof hex,
			    &ids[i]));
		fclose(f);
	}
	unit_ok(sh("git pack-objects -q --window=50 .git/objects/pack/pack "
	    "<ids >/dev/null && rm -rf .git/objects/??") == 0,
	    "git pack-objects made a pack");
	git_repository_free(repo);
	repo = NULL;
	if (git_repository_open(&repo, dir) != 0 ||
	    git_repository_odb(&odb, repo) != 0 ||
	    (err = dgit_packfiles_open(&pf, repo)) != NULL) {
		unit_ok(0, "open the pack");
		return unit_done();
	}
	for (int i = 0; i <= NBLOBS; i++) {
		void *data;
		size_t len;
		git_object_t type;
		int found;
		git_odb_object *o = NULL;

		err = dgit_packfiles_read(&found, &data, &len, &type, pf,
		    &ids[i], (size_t)1 << 20);
		if (err) {
			unit_diag("blob %d: %s", i, err->msg);
			same = 0;
			continue;
		}
		if (!found) {
			notwhole++;
			continue;
		}
		whole++;
		if (git_odb_read(&o, odb, &ids[i]) != 0 ||
		    type != GIT_OBJECT_BLOB || len != git_odb_object_size(o) ||
		    memcmp(data, git_odb_object_data(o), len) != 0)
			same = 0;
		git_odb_object_free(o);
		free(data);
	}
	unit_ok(same, "every object read whole is the bytes libgit2 reads");
	unit_ok(whole >= 2 && notwhole >= 1, "whole objects read, deltas "
	    "left to libgit2 (%d whole, %d not)", whole, notwhole);
	{
		void *data;
		size_t len;
		git_object_t type;
		int found = 1;
		git_oid none;

		memset(&none, 0x5a, sizeof none);
		err = dgit_packfiles_read(&found, &data, &len, &type, pf, &none,
		    (size_t)1 << 20);
		unit_ok(err == NULL && !found, "an id in no pack is not here");
		found = 1;
		for (int i = 0; i < NBLOBS && found; i++) {
			err = dgit_packfiles_read(&found, &data, &len, &type, pf,
			    &ids[i], 1000);
			if (found)
				free(data);
		}
		unit_ok(err == NULL && !found, "an object over the size given "
		    "is not here");
	}
	dgit_packfiles_free(pf);
	pf = NULL;

	/* damage the stream of a whole object: an error naming it */
	{
		char pack[1024], hex[GIT_OID_HEXSZ + 1];
		void *data = NULL;
		size_t len;
		git_object_t type;
		int found = 0, fd, i;
		long off = -1;

		for (i = 0; i < NBLOBS; i++) {
			if ((err = dgit_packfiles_open(&pf, repo)) != NULL)
				break;
			err = dgit_packfiles_read(&found, &data, &len, &type, pf,
			    &ids[i], (size_t)1 << 20);
			dgit_packfiles_free(pf);
			pf = NULL;
			free(data);
			data = NULL;
			if (err == NULL && found)
				break;
		}
		if (i < NBLOBS)
			off = offset_of(pack, sizeof pack, &ids[i]);
		chmod(pack, 0644);
		fd = off > 0 ? open(pack, O_WRONLY) : -1;
		if (fd >= 0) {
			unsigned char x = 0xff;

			/* past the object header, into its deflate stream */
			if (pwrite(fd, &x, 1, off + 40) != 1)
				off = -1;
			if (pwrite(fd, &x, 1, off + 41) != 1)
				off = -1;
			close(fd);
		}
		unit_ok(fd >= 0 && off > 0, "damage one object of the pack");
		err = dgit_packfiles_open(&pf, repo);
		if (err == NULL)
			err = dgit_packfiles_read(&found, &data, &len, &type,
			    pf, &ids[i], (size_t)1 << 20);
		git_oid_tostr(hex, sizeof hex, &ids[i]);
		unit_ok(err != NULL && err->code == DGIT_ERR_GIT &&
		    strstr(err->msg, hex) && strstr(err->msg, "corrupt"),
		    "a damaged object is an error naming it (%s)",
		    err ? err->msg : "no error");
		free(data);
		dgit_packfiles_free(pf);
		pf = NULL;
	}

	/* an index that is not version 2: its pack is left out */
	{
		void *data = NULL;
		size_t len;
		git_object_t type;
		int found = 1;

		unit_ok(sh("for f in .git/objects/pack/*.idx; do chmod 644 $f "
		    "&& printf xxxx | dd of=$f conv=notrunc status=none || "
		    "exit 1; done") == 0, "spoil the index's magic");
		err = dgit_packfiles_open(&pf, repo);
		if (err == NULL)
			err = dgit_packfiles_read(&found, &data, &len, &type,
			    pf, &ids[NBLOBS], (size_t)1 << 20);
		unit_ok(err == NULL && !found, "a pack with a spoilt index is "
		    "left out");
		free(data);
		dgit_packfiles_free(pf);
	}

	git_odb_free(odb);
	git_repository_free(repo);
	free(text);
	dgit_fs_remove_tree(dir);
	git_libgit2_shutdown();
	return unit_done();
}
