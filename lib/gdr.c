/*
 * git-debrebase branches in the quilt fixup (see dgit_gdr.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>

#include "dgit_commit.h"
#include "dgit_error.h"
#include "dgit_fs.h"
#include "dgit_gdr.h"
#include "dgit_run.h"

#define MAX_WALK 100000

/* The id of TREE:debian/patches, or zero when there is none. */
static void
patches_of(git_oid *out, git_repository *repo, const struct dgit_commit *c)
{
	git_tree *t = NULL;
	git_tree_entry *e = NULL;

	memset(out, 0, sizeof *out);
	if (git_tree_lookup(&t, repo, &c->tree) == 0 &&
	    git_tree_entry_bypath(&e, t, "debian/patches") == 0 &&
	    git_tree_entry_type(e) == GIT_OBJECT_TREE)
		git_oid_cpy(out, git_tree_entry_id(e));
	git_tree_entry_free(e);
	git_tree_free(t);
}

/* Does the message have a line "[git-debrebase KIND: " or "KIND "; its
 * KIND, or NULL. */
static const char *
gdr_marked(const char *msg)
{
	static const char *const kinds[] = { "anchor", "changelog",
	    "make-patches", "merged-breakwater", "pseudomerge", NULL };
	const char *p = msg;

	while (p && *p) {
		if (strncmp(p, "[git-debrebase ", 15) == 0)
			for (int k = 0; kinds[k]; k++) {
				size_t l = strlen(kinds[k]);

				if (strncmp(p + 15, kinds[k], l) == 0 &&
				    (p[15 + l] == ':' || p[15 + l] == ' '))
					return kinds[k];
			}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return 0;
}

/* Has c's parent debian/, or do c and its parent differ outside it? */
static int
breakwater_start(git_repository *repo, const struct dgit_commit *c)
{
	git_oid ptid;
	git_tree *pt = NULL, *ct = NULL;
	git_tree_entry *e = NULL;
	git_diff *d = NULL;
	git_diff_options o = GIT_DIFF_OPTIONS_INIT;
	char *ps[1] = { (char *)":(exclude)debian" };
	int r = 0;

	if (c->nparents < 1 ||
	    dgit_commit_tree_id(&ptid, repo, &c->parents[0]) != NULL ||
	    git_tree_lookup(&pt, repo, &ptid) != 0 ||
	    git_tree_lookup(&ct, repo, &c->tree) != 0)
		goto done;
	if (git_tree_entry_bypath(&e, pt, "debian") == 0)
		goto done;
	/* the upstream files the same: c only adds debian/ */
	o.pathspec.strings = ps;
	o.pathspec.count = 1;
	if (git_diff_tree_to_tree(&d, repo, pt, ct, &o) == 0) {
		size_t n = git_diff_num_deltas(d);

		r = 1;
		for (size_t i = 0; i < n; i++) {
			const git_diff_delta *dd = git_diff_get_delta(d, i);

			if (strcmp(dd->new_file.path, "debian") != 0 &&
			    strncmp(dd->new_file.path, "debian/", 7) != 0)
				r = 0;
		}
	}
done:
	git_diff_free(d);
	git_tree_entry_free(e);
	git_tree_free(ct);
	git_tree_free(pt);
	return r;
}

/* Tell trace one step of the walk, in dgit's words. */
static void
trace_step(dgit_gdr_trace_fn *trace, void *arg, int level, const git_oid *id,
    const char *what)
{
	char line[192];

	if (trace == NULL)
		return;
	snprintf(line, sizeof line, "branch_is_gdr  %s %s",
	    git_oid_tostr_s(id), what);
	trace(arg, level, line);
}

const struct dgit_error *
dgit_gdr_branch_is_gdr(int *yes, git_repository *repo, const git_oid *head,
    dgit_gdr_trace_fn *trace, void *trace_arg)
{
	const struct dgit_error *err;
	struct dgit_commit *c = NULL, *next = NULL;
	git_oid tip_patches, p, cid = *head;
	const char *kind;
	char line[128];
	int zero_tip;

	*yes = 0;
	if (trace) {
		snprintf(line, sizeof line, "branch_is_gdr %s...",
		    git_oid_tostr_s(head));
		trace(trace_arg, 1, line);
	}
	/* read as git does: a malformed header is no reason to stop here */
	if ((err = dgit_commit_read(&c, repo, head)))
		return err;
	patches_of(&tip_patches, repo, c);
	zero_tip = git_oid_is_zero(&tip_patches);
	for (int n = 0; n < MAX_WALK; n++) {
		if ((kind = gdr_marked(c->message)) != NULL) {
			snprintf(line, sizeof line, "gdr %s YES", kind);
			trace_step(trace, trace_arg, 1, &cid, line);
			*yes = 1;
			break;
		}
		if (c->nparents == 2) {
			git_oid nid;
			int k;

			for (k = 0; k < 2; k++) {
				struct dgit_commit *pc = NULL;

				if (dgit_commit_read(&pc, repo,
				    &c->parents[k]) != NULL)
					continue;
				if (git_oid_equal(&pc->tree, &c->tree)) {
					next = pc;
					git_oid_cpy(&nid, &c->parents[k]);
					break;
				}
				dgit_commit_free(pc);
			}
			if (next == NULL) {
				/* another merge */
				trace_step(trace, trace_arg, 1, &cid,
				    "?-2-merge NO");
				break;
			}
			trace_step(trace, trace_arg, 2, &cid,
			    "unmarked pseudomerge");
			dgit_commit_free(c);
			c = next;
			next = NULL;
			git_oid_cpy(&cid, &nid);
			continue;
		}
		if (c->nparents != 1) {
			trace_step(trace, trace_arg, 1, &cid,
			    c->nparents ? "?-octopus NO" : "origin");
			break;
		}
		patches_of(&p, repo, c);
		if (!git_oid_equal(&p, &tip_patches)) {
			trace_step(trace, trace_arg, 1, &cid, "?-patches NO");
			break;
		}
		if (zero_tip && breakwater_start(repo, c)) {
			trace_step(trace, trace_arg, 1, &cid,
			    "unmarked BreakwaterStart NO");
			break;
		}
		trace_step(trace, trace_arg, 2, &cid, "plain");
		if (dgit_commit_read(&next, repo, &c->parents[0]) != NULL)
			break;
		git_oid_cpy(&cid, &c->parents[0]);
		dgit_commit_free(c);
		c = next;
		next = NULL;
	}
	dgit_commit_free(c);
	return NULL;
}

/* Run argv in dir; the error names the command as dgit does. */
static const struct dgit_error *
run_in(const char *dir, const char *const *argv)
{
	struct dgit_run_opts ro;

	memset(&ro, 0, sizeof ro);
	ro.cwd = dir;
	ro.out = DGIT_RUN_OUT_NULL;
	return dgit_run(NULL, argv, &ro);
}

/* The play tree: git init, repo's objects (a symlink), its identity. */
const struct dgit_error *
dgit_gdr_play_setup(const char *dir, git_repository *repo)
{
	const struct dgit_error *err;
	const char *init[] = { "git", "-c", "init.defaultBranch=master",
	    "init", "-q", NULL };
	const char *keys[] = { "user.name", "user.email", NULL };
	git_config *cfg = NULL;
	char *objs = NULL, *link_ = NULL;

	if ((err = run_in(dir, init)))
		return err;
	if (asprintf(&objs, "%sobjects", git_repository_commondir(repo)) < 0 ||
	    asprintf(&link_, "%s/.git/objects", dir) < 0) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	if ((err = dgit_fs_remove_tree(link_)))
		goto done;
	if (symlink(objs, link_) != 0) {
		err = dgit_error_from_errno("cannot link '%s' to '%s'", link_,
		    objs);
		goto done;
	}
	if (git_repository_config_snapshot(&cfg, repo) == 0)
		for (int k = 0; keys[k] && err == NULL; k++) {
			const char *v = NULL;

			if (git_config_get_string(&v, cfg, keys[k]) == 0) {
				const char *set[] = { "git", "config",
				    keys[k], v, NULL };

				err = run_in(dir, set);
			}
		}
	git_error_clear();
done:
	git_config_free(cfg);
	free(objs);
	free(link_);
	return err;
}

const struct dgit_error *
dgit_gdr_make_patches(git_oid *out, git_repository *repo, const git_oid *head,
    const char *program)
{
	const struct dgit_error *err;
	char hex[GIT_OID_HEXSZ + 1], *dir = NULL, *headout = NULL;
	const char *prog = program && *program ? program : "git-debrebase";
	const char *gdr[] = { prog, "--noop-ok", "-funclean-mixed",
	    "-funclean-ordering", "make-patches", "--quiet-would-amend", NULL };
	const char *reset[] = { "git", "reset", "-q", "--hard", hex, NULL };
	const char *revparse[] = { "git", "rev-parse", "HEAD", NULL };
	struct dgit_run_result rr = DGIT_RUN_RESULT_INIT;
	struct dgit_run_opts ro;

	git_oid_cpy(out, head);
	git_oid_tostr(hex, sizeof hex, head);
	if ((err = dgit_fs_mkdtemp(&dir, git_repository_path(repo),
	    "dgit-gdr")))
		return err;
	if ((err = dgit_gdr_play_setup(dir, repo)) ||
	    (err = run_in(dir, reset)))
		goto done;
	memset(&ro, 0, sizeof ro);
	ro.cwd = dir;
	ro.out = DGIT_RUN_OUT_NULL;
	err = dgit_run_status(&rr, gdr, &ro);
	if (err && err->code == DGIT_ERR_NOT_FOUND) {
		err = NULL;             /* git-debrebase not installed */
		goto done;
	}
	if (err)
		goto done;
	if (rr.exit_code == 7)
		goto done;
	if (rr.exit_code != 0) {
		/* dgit's words: the command, then the failure */
		err = dgit_error_fmt(DGIT_ERR_CHILD, "failed command: %s "
		    "--noop-ok -funclean-mixed -funclean-ordering make-patches "
		    "--quiet-would-amend\nsubprocess failed with error exit "
		    "status %d", prog, rr.exit_code);
		goto done;
	}
	if ((err = dgit_run_capture(&headout, NULL, revparse, &ro, 1)))
		goto done;
	if (git_oid_fromstr(out, headout) != 0) {
		git_oid_cpy(out, head);
		err = dgit_error_fmt(DGIT_ERR_PARSE, "git rev-parse HEAD in "
		    "the play tree said '%.60s'", headout);
	}
done:
	dgit_run_result_release(&rr);
	free(headout);
	if (dir) {
		const struct dgit_error *e2 = dgit_fs_remove_tree(dir);

		if (err == NULL)
			err = e2;
		free(dir);
	}
	return err;
}

const struct dgit_error *
dgit_gdr_unstitched(int *out, git_repository *repo, const git_oid *archive)
{
	git_reference *h = NULL;
	const char *target;
	char *ref = NULL;
	git_oid ffq;
	int rc;

	*out = 0;
	if (git_reference_lookup(&h, repo, "HEAD") != 0)
		return dgit_error_git("cannot read HEAD");
	if (git_reference_type(h) != GIT_REFERENCE_SYMBOLIC ||
	    strncmp(target = git_reference_symbolic_target(h), "refs/",
	    5) != 0) {
		git_reference_free(h);
		return NULL;
	}
	rc = asprintf(&ref, "refs/ffq-prev/%s", target + 5);
	git_reference_free(h);
	if (rc < 0)
		return dgit_error(DGIT_ERR_NOMEM);
	rc = git_reference_name_to_id(&ffq, repo, ref);
	free(ref);
	if (rc != 0)
		return NULL;
	if (archive && !git_oid_equal(archive, &ffq)) {
		rc = git_graph_descendant_of(repo, &ffq, archive);
		if (rc < 0)
			return dgit_error_git("cannot compare the histories");
		if (rc == 0)
			return NULL;
	}
	*out = 1;
	return NULL;
}

const struct dgit_error *
dgit_gdr_stitch(git_repository *repo, const char *git_debrebase)
{
	const char *wd = git_repository_workdir(repo);
	const char *argv[] = { git_debrebase ? git_debrebase : "git-debrebase",
	    "stitch", NULL };
	struct dgit_run_opts ro;

	if (wd == NULL)
		return dgit_error_fmt(DGIT_ERR_USAGE, "git-debrebase stitch "
		    "needs a working tree");
	memset(&ro, 0, sizeof ro);
	ro.cwd = wd;
	return dgit_run(NULL, argv, &ro);
}
