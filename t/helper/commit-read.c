/*
 * Test driver: commits read as lib/commit.c reads them.
 *
 * usage: commit-read GIT_DIR COMMIT      print the commit's fields
 *        commit-read GIT_DIR -w COMMIT   print every commit reachable
 *        commit-read GIT_DIR -d COMMIT ANCESTOR   print 1 or 0
 *
 * Fields, one a line: "tree ID", "parent ID" for each parent, "author
 * VALUE" and "committer VALUE" where there are such headers, then
 * "message" and the message's bytes.  On failure prints the error on
 * stderr and exits 1.
 */
#include <stdio.h>
#include <string.h>

#include <git2.h>

#include "dgit_commit.h"

static const struct dgit_error *
print_id(int *stop, void *arg, const git_oid *id, const struct dgit_commit *c)
{
	(void)stop;
	(void)arg;
	(void)c;
	puts(git_oid_tostr_s(id));
	return NULL;
}

static int
oid_arg(git_oid *out, git_repository *repo, const char *s)
{
	git_object *o = NULL;

	/* the id itself: revparse would peel through libgit2's parser */
	if (strlen(s) == GIT_OID_HEXSZ && git_oid_fromstr(out, s) == 0)
		return 0;
	if (git_revparse_single(&o, repo, s) != 0)
		return -1;
	git_oid_cpy(out, git_object_id(o));
	git_object_free(o);
	return 0;
}

int
main(int argc, char **argv)
{
	const struct dgit_error *err = NULL;
	git_repository *repo = NULL;
	struct dgit_commit *c = NULL;
	git_oid a, b;
	size_t i;
	int rc = 1, yes;

	git_libgit2_init();
	if (argc < 3 || git_repository_open(&repo, argv[1]) != 0) {
		fprintf(stderr, "usage: commit-read GIT_DIR [-w|-d] COMMIT "
		    "[ANCESTOR]\n");
		goto done;
	}
	if (strcmp(argv[2], "-w") == 0 && argc == 4) {
		if (oid_arg(&a, repo, argv[3]) != 0)
			goto bad;
		err = dgit_commit_walk(repo, &a, print_id, NULL);
	} else if (strcmp(argv[2], "-d") == 0 && argc == 5) {
		if (oid_arg(&a, repo, argv[3]) != 0 ||
		    oid_arg(&b, repo, argv[4]) != 0)
			goto bad;
		if ((err = dgit_commit_descends(&yes, repo, &a, &b)) == NULL)
			printf("%d\n", yes);
	} else if (argc == 3) {
		if (oid_arg(&a, repo, argv[2]) != 0)
			goto bad;
		if ((err = dgit_commit_read(&c, repo, &a)) == NULL) {
			printf("tree %s\n", git_oid_tostr_s(&c->tree));
			for (i = 0; i < c->nparents; i++)
				printf("parent %s\n",
				    git_oid_tostr_s(&c->parents[i]));
			if (c->author)
				printf("author %s\n", c->author);
			if (c->committer)
				printf("committer %s\n", c->committer);
			printf("message\n%s", c->message);
		}
	} else
		goto bad;
	if (err) {
		fprintf(stderr, "commit-read: %s\n", err->msg);
		goto done;
	}
	rc = 0;
	goto done;
bad:
	fprintf(stderr, "commit-read: bad arguments\n");
done:
	dgit_commit_free(c);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return rc;
}
