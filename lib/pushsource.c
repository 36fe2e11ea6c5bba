/*
 * A push of HEAD: check, build (push-source), sign the tags, the .dsc
 * (with its Dgit: field) and the .changes, push history and tags to the
 * dgit git server with git push --atomic, and upload with dput.  Each
 * step that has already been done by an earlier run (a tag, a signed
 * file, the push, the upload) is recognised and not done again, so a
 * push that failed after signing can be run again and completes the
 * same upload.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "dgit_aq.h"
#include "dgit_buf.h"
#include "dgit_changelog.h"
#include "dgit_commit.h"
#include "dgit_config.h"
#include "dgit_distro.h"
#include "dgit_dsc.h"
#include "dgit_error.h"
#include "dgit_fetchsuite.h"
#include "dgit_fs.h"
#include "dgit_gitfetch.h"
#include "dgit_gdr.h"
#include "dgit_history.h"
#include "dgit_push.h"
#include "dgit_deb822.h"
#include "dgit_pushsource.h"
#include "dgit_quiltfix.h"
#include "dgit_run.h"
#include "dgit_server.h"
#include "dgit_sign.h"
#include "dgit_srcbuild.h"
#include "dgit_taint.h"
#include "dgit_tag.h"
#include "dgit_version.h"

#define MAX_CONTROL (1u << 20)     /* .dsc, .changes */
#define MAX_CHANGELOG (64u << 20)

struct dgit_pushsource {
	const struct dgit_pushsource_opts *o;
	char *receive_pack;        /* --receive-pack for a new package */

	/* state */
	struct dgit_config *cfg;   /* borrowed */
	git_repository *repo;      /* borrowed */
	struct dgit_changelog *cl;
	const struct dgit_changelog_entry *ce;
	const struct dgit_archive_opts *ao;   /* the program's */
	struct dgit_archive_source *asrc;   /* NULL: not in the suite */
	int git_only;              /* not in the suite, but the git server
	                              has refs/dgit/CSUITE (an upload not
	                              yet in the archive) */
	const char *distro;        /* as used for access */
	const char *nomdistro;     /* nominal, in tags and the Dgit: field */
	char *csuite;
	char *dsc_name, *changes_name;
	char *dsc_path, *changes_path;
	struct dgit_dsc *dsc;
	git_oid head;              /* what is pushed (the dgit view) */
	git_oid maint_head;        /* the user's HEAD (the maintainer view) */
	int split;                 /* the dgit view is beside HEAD */
	int ntags;                 /* 2: archive/D/V, and DEP-14's D/V (on
	                              the maintainer view when split) */
	int need_pm;               /* HEAD does not contain arch_tip */
	int stitch_later;          /* git-debrebase stitch after the build */
	git_oid arch_tip;          /* the archive's version, as git has it */
	char *arch_v;              /* the version in arch_tip's changelog */
	char *tag[2];
	char *tagtext[2];
	int tagfound[2];
	int tagreplace[2];         /* an existing tag of that name goes */
	char *reader_url, *push_url;
	git_signature *clog_sig;
};

/* Not fast forward, deliberately: the push may rewind the server. */
static int
nff(const struct dgit_pushsource *p)
{
	return p->o->not_ff || p->o->fresh_repo;
}

/* The quilt mode the tags record (dgit's name: auto is try-linear). */
static const char *
p_quilt(const struct dgit_pushsource *p)
{
	if (p->dsc == NULL || p->dsc->format != DGIT_FORMAT_3_0_QUILT)
		return NULL;
	if (p->o->quilt_mode == DGIT_QUILT_AUTO)
		return "try-linear";
	return dgit_quiltfix_mode_name((enum dgit_quilt_mode)p->o->quilt_mode);
}

/* The quilt mode as dgit names it, whatever the format (the
 * maintainer-view tag says it). */
static const char *
p_quilt_any(const struct dgit_pushsource *p)
{
	if (p->o->quilt_mode == DGIT_QUILT_AUTO)
		return "try-linear";
	return dgit_quiltfix_mode_name((enum dgit_quilt_mode)p->o->quilt_mode);
}

static int
exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* The changelog, the checks that need only it, the distro. */
static const struct dgit_error *
read_changelog(struct dgit_pushsource *p, const char *distro)
{
	const struct dgit_error *err;
	char path[4096], *buf = NULL;
	size_t len;

	snprintf(path, sizeof path, "%sdebian/changelog",
	    git_repository_workdir(p->repo));
	if ((err = dgit_fs_read_file(&buf, &len, path, MAX_CHANGELOG)))
		return dgit_error_wrap(err, "cannot read debian/changelog");
	err = dgit_changelog_parse_first(&p->cl, buf, len, "debian/changelog");
	free(buf);
	if (err)
		return err;
	p->ce = dgit_changelog_entry(p->cl, 0);
	if (p->ce->ndistributions != 1)
		return dgit_error_fmt(DGIT_ERR_USAGE, "debian/changelog's "
		    "first entry names %zu distributions; it must name one "
		    "suite", p->ce->ndistributions);
	if (strcmp(p->ce->distributions[0], "UNRELEASED") == 0)
		return dgit_error_fmt(DGIT_ERR_USAGE, "debian/changelog's "
		    "distribution is UNRELEASED; finalise the entry (dch -r) "
		    "and commit it first");
	if (!p->ce->has_trailer)
		return dgit_error_fmt(DGIT_ERR_USAGE, "debian/changelog's "
		    "first entry has no trailer line");
	if (git_signature_new(&p->clog_sig, p->ce->maintainer_name,
	    p->ce->maintainer_email, p->ce->timestamp, p->ce->tz_offset) != 0)
		return dgit_error_git("bad maintainer '%s' in debian/changelog",
		    p->ce->maintainer);
	p->distro = distro ? distro :
	    dgit_config_suite_distro(p->cfg, p->ce->distributions[0]);
	p->distro = dgit_config_canon_distro(p->cfg, p->distro);
	p->nomdistro = dgit_config_get_distro(p->cfg, p->distro,
	    "nominal-distro");
	if (p->nomdistro == NULL)
		p->nomdistro = p->distro;
	return NULL;
}

/* GIT-URL/PACKAGE.git, for reading (push 0) or pushing (push 1). */
static const struct dgit_error *
git_url(char **out, struct dgit_pushsource *p, int push)
{
	const struct dgit_error *err;

	if ((err = dgit_distro_server_git_url(out, p->cfg, p->distro,
	    p->ce->package, push)))
		return err;
	if (*out == NULL)
		return dgit_error_fmt(DGIT_ERR_USAGE, "distro '%s' has no dgit "
		    "git server; set dgit-distro.%s.git-url", p->distro,
		    p->distro);
	return NULL;
}

static const struct dgit_error *run_tool(const struct dgit_pushsource *p,
    const char *const *argv, const char *cwd);

/* Does the dgit git server have refs/dgit/CSUITE?  (dgit asks too.) */
static const struct dgit_error *
git_server_has_suite(int *have, struct dgit_pushsource *p)
{
	const struct dgit_error *err;
	char *url = NULL, *ref = NULL, *out = NULL;
	const char *check = dgit_config_get_distro(p->cfg, p->distro,
	    "git-check");
	struct dgit_run_opts ro;
	size_t len;

	*have = 0;
	if (check && strcmp(check, "false") == 0)
		return NULL;
	if ((err = git_url(&url, p, 0)))
		return err->code == DGIT_ERR_USAGE ? NULL : err;
	if (asprintf(&ref, "refs/dgit/%s", p->csuite) < 0) {
		free(url);
		return dgit_error(DGIT_ERR_NOMEM);
	}
	{
		const char *argv[] = { "git", "ls-remote", url, ref, NULL };

		memset(&ro, 0, sizeof ro);
		ro.cwd = git_repository_workdir(p->repo);
		ro.err = DGIT_RUN_OUT_NULL;
		/* no repository there yet is "no" */
		if (dgit_run_capture(&out, &len, argv, &ro, 1) == NULL)
			*have = out != NULL && *out != '\0';
	}
	free(out);
	free(url);
	free(ref);
	return NULL;
}

/* The git server's refs/dgit/CSUITE into the tracking ref: arch_tip. */
static const struct dgit_error *
fetch_git_only(struct dgit_pushsource *p)
{
	const struct dgit_error *err;
	char *url = NULL, *lrref = NULL, *spec = NULL;

	if ((err = git_url(&url, p, 0)) ||
	    (err = dgit_history_tracking_ref(&lrref, p->csuite)))
		goto done;
	if (asprintf(&spec, "+refs/dgit/%s:%s", p->csuite, lrref) < 0) {
		spec = NULL;
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	{
		const char *argv[] = { "git", "fetch", "-q", "--no-tags", url,
		    spec, NULL };

		if ((err = run_tool(p, argv, git_repository_workdir(p->repo))))
			goto done;
	}
	if (git_reference_name_to_id(&p->arch_tip, p->repo, lrref) != 0)
		err = dgit_error_git("cannot read '%s'", lrref);
done:
	free(url);
	free(lrref);
	free(spec);
	return err;
}

/* The archive's view: the suite's codename, the package's version. */
static const struct dgit_error *
query_archive(struct dgit_pushsource *p)
{
	const struct dgit_error *err;
	const char *clsuite = p->ce->distributions[0];
	struct dgit_aq_lookup l;
	int cmp;

	if ((err = p->o->env.archive(&p->ao, p->o->env.arg, clsuite,
	    p->ce->package)))
		return err;
	if ((err = dgit_aq_lookup(&l, p->ao, clsuite, p->ce->package)))
		return dgit_error_wrap(err, "cannot check suite '%s' of distro "
		    "'%s'", clsuite, p->distro);
	p->csuite = l.csuite;
	p->asrc = l.src;
	l.csuite = NULL;
	l.src = NULL;
	if (l.skew)
		dgit_msg(p->o->info, p->o->info_arg, "%s", l.skew);
	if (p->o->suite && strcmp(p->o->suite, clsuite) != 0 &&
	    strcmp(p->o->suite, p->csuite) != 0 &&
	    !(l.name && strcmp(p->o->suite, l.name) == 0))
		err = dgit_error_fmt(DGIT_ERR_USAGE, "debian/changelog is "
		    "for '%s', not '%s'; push to the suite the changelog "
		    "names, or change it (dch -r -D %s) and commit",
		    clsuite, p->o->suite, p->o->suite);
	else if (p->asrc == NULL && !p->o->new_pkg &&
	    ((err = git_server_has_suite(&p->git_only, p)) || p->git_only))
		;
	else if (p->asrc == NULL && !p->o->new_pkg)
		err = dgit_error_fmt(DGIT_ERR_NOT_FOUND, "package '%s' "
		    "is not in %s (%s): package appears to be new in this "
		    "suite; if this is intentional, use --new",
		    p->ce->package, p->csuite, p->distro);
	dgit_aq_lookup_release(&l);
	if (err || p->asrc == NULL)
		return err;
	if ((err = dgit_version_compare_checked(&cmp, p->asrc->version,
	    p->ce->version)))
		return err;
	if (cmp >= 0 && !p->o->old_version)
		return dgit_error_fmt(DGIT_ERR_EXISTS, "version %s is not "
		    "newer than %s, which %s has already: you seem to be "
		    "trying to push an old version; add a new changelog "
		    "entry (dch -v) and commit it, or pass "
		    "--force-uploading-old-version", p->ce->version,
		    p->asrc->version, p->csuite);
	return NULL;
}

/*
 * dgit's check of --overwrite (its pseudomerge_version_check), made
 * whenever the archive has a version and --overwrite is given: the
 * archive's version is the one in arch_tip's changelog (what git has,
 * which may be a dgit push the archive has not yet published);
 * --overwrite=VERSION must name it, plain --overwrite needs
 * debian/changelog to have that version's entry, finalised (HEAD is
 * based on that upload, not on an earlier unreleased draft of it).
 */
static const struct dgit_error *
overwrite_version_check(struct dgit_pushsource *p)
{
	const struct dgit_error *err = NULL;
	const struct dgit_changelog_entry *e = NULL;
	struct dgit_changelog *cl = NULL;
	char path[4096], *buf = NULL;
	const char *v = p->arch_v;
	size_t len, i;

	if (!p->o->overwrite || v == NULL)
		return NULL;
	if (p->o->overwrite_version) {
		if (strcmp(p->o->overwrite_version, v) != 0)
			return dgit_error_fmt(DGIT_ERR_USAGE, "--overwrite= "
			    "version (%s) not equal to version currently in "
			    "archive (%s); give --overwrite=%s or just "
			    "--overwrite", p->o->overwrite_version, v, v);
		return NULL;
	}
	dgit_msg(p->o->debug, p->o->info_arg, "checking package changelog "
	    "for archive version %s", v);
	snprintf(path, sizeof path, "%sdebian/changelog",
	    git_repository_workdir(p->repo));
	if ((err = dgit_fs_read_file(&buf, &len, path, MAX_CHANGELOG)))
		return dgit_error_wrap(err, "cannot read debian/changelog");
	err = dgit_changelog_parse_flags(&cl, buf, len, "debian/changelog",
	    DGIT_CHANGELOG_LENIENT);
	free(buf);
	if (err)
		return err;
	for (i = 0; (e = dgit_changelog_entry(cl, i)) != NULL; i++)
		if (e->version && strcmp(e->version, v) == 0)
			break;
	if (e == NULL)
		err = dgit_error_fmt(DGIT_ERR_USAGE, "debian/changelog has no "
		    "entry for %s, the version currently in %s, so --overwrite "
		    "cannot check that HEAD is based on it. Perhaps "
		    "debian/changelog does not mention %s? Merge that upload's "
		    "changelog entry (dgit setup-mergechangelogs helps), or "
		    "give --overwrite=%s", v, p->csuite, v, v);
	else if (e->ndistributions == 1 &&
	    strcmp(e->distributions[0], "UNRELEASED") == 0)
		err = dgit_error_fmt(DGIT_ERR_USAGE, "the Distribution of "
		    "debian/changelog's entry for %s is UNRELEASED: your tree "
		    "seems to be based on an earlier (not uploaded) %s; merge "
		    "the uploaded %s, or give --overwrite=%s", v, v, v, v);
	else if (!e->has_trailer)
		err = dgit_error_fmt(DGIT_ERR_USAGE, "debian/changelog's entry "
		    "for %s is unfinalised: your tree seems to be based on an "
		    "earlier (not uploaded) %s; merge the uploaded %s, or give "
		    "--overwrite=%s", v, v, v, v);
	dgit_changelog_free(cl);
	return err;
}

/* The version in arch_tip's debian/changelog, then the --overwrite check. */
static const struct dgit_error *
arch_version(struct dgit_pushsource *p)
{
	const struct dgit_error *err;

	free(p->arch_v);
	p->arch_v = NULL;
	if ((err = dgit_history_commit_clog(&p->arch_v, NULL, p->repo,
	    &p->arch_tip)))
		return dgit_error_wrap(err, "cannot read the changelog of the "
		    "archive's version (%s)", p->asrc->version);
	return overwrite_version_check(p);
}

/*
 * A branch git-debrebase left unstitched (its ffq-prev containing the
 * archive's version, archive; NULL: none) is stitched first, as dgit
 * does; HEAD is read again.  A splitting quilt mode is refused then.
 */
static const struct dgit_error *
gdr_stitch(struct dgit_pushsource *p, const git_oid *archive)
{
	const struct dgit_error *err;
	int yes;

	if ((err = dgit_gdr_unstitched(&yes, p->repo, archive)) || !yes)
		return err;
	if (p->o->quilt_mode >= DGIT_QUILT_GBP)
		return dgit_error_fmt(DGIT_ERR_USAGE, "Branch is managed by "
		    "git-debrebase (its ffq-prev exists), but quilt mode (%s) "
		    "implies a split view.\nPass the right --quilt option or "
		    "adjust your git config.\nOr, maybe, run git-debrebase "
		    "forget-was-ever-debrebase.", dgit_quiltfix_mode_name(
		    (enum dgit_quilt_mode)p->o->quilt_mode));
	if (p->o->dry_run)
		return NULL;
	if ((err = dgit_gdr_stitch(p->repo, NULL)))
		return err;
	if (git_reference_name_to_id(&p->head, p->repo, "HEAD") != 0)
		return dgit_error_git("cannot read HEAD");
	git_oid_cpy(&p->maint_head, &p->head);
	return NULL;
}

/*
 * HEAD must contain the archive's history (refs/remotes/dgit/dgit/SUITE,
 * fetched now), or --overwrite asks for dgit's pseudomerge declaring
 * that it does (made by make_pseudomerge, after the build).
 */
static const struct dgit_error *
check_history(struct dgit_pushsource *p)
{
	const struct dgit_error *err = NULL;
	struct dgit_fetchsuite_result res = { 0 };
	char *lrref = NULL;
	int rc, ff = 0;

	if (git_reference_name_to_id(&p->head, p->repo, "HEAD") != 0)
		return dgit_error_git("cannot read HEAD");
	git_oid_cpy(&p->maint_head, &p->head);
	if (p->asrc == NULL && p->git_only && !p->o->dry_run) {
		/* the git server's suite is ahead of the archive's */
		if ((err = fetch_git_only(p)) || (err = dgit_history_descends(
		    &ff, p->repo, &p->head, &p->arch_tip)))
			return err;
		if (ff || nff(p))
			return NULL;
		return dgit_error_fmt(DGIT_ERR_USAGE, "dgit push: HEAD is "
		    "not a descendant of the archive's version (the dgit git "
		    "server's refs/dgit/%s, a push the archive has not yet); "
		    "merge it, or pass --deliberately-not-fast-forward if the "
		    "server permits it", p->csuite);
	}
	if (p->asrc == NULL)
		return gdr_stitch(p, NULL);
	if (!p->o->dry_run) {
		if ((err = p->o->env.fetch(&res, p->o->env.arg,
		    p->ce->package, p->csuite)))
			return dgit_error_wrap(err, "cannot fetch %s from %s",
			    p->ce->package, p->csuite);
		/* the archive's version as git has it, as dgit: the tracking
		 * ref after the fetch (ahead of the archive after a dgit push
		 * whose upload is not yet published) */
		git_oid_cpy(&p->arch_tip, &res.tip);
		dgit_fetchsuite_result_release(&res);
	} else {
		if ((err = dgit_history_tracking_ref(&lrref, p->csuite)))
			return err;
		rc = git_reference_name_to_id(&p->arch_tip, p->repo, lrref);
		if (rc != 0)
			dgit_msg(p->o->info, p->o->info_arg, "would fetch %s "
			    "from %s (%s has it not yet)", p->ce->package,
			    p->csuite, lrref);
		free(lrref);
		if (rc != 0)
			return NULL;
	}
	if (!p->o->built && !p->o->changes && !p->o->dry_run) {
		int yes;

		/* as dgit: push-source builds first (git-debrebase's
		 * make-patches on the branch as it is), then stitches,
		 * which makes HEAD contain the archive's version */
		if ((err = dgit_gdr_unstitched(&yes, p->repo, &p->arch_tip)))
			return err;
		if (yes && p->o->quilt_mode < DGIT_QUILT_GBP) {
			p->stitch_later = 1;
			return NULL;
		}
	}
	if ((err = gdr_stitch(p, &p->arch_tip)) ||
	    ((!p->split || !nff(p)) && (err = arch_version(p))))
		return err;
	if (p->split) {
		/* the dgit view is made by the build: see split_history */
		p->need_pm = -1;
		return NULL;
	}
	if ((err = dgit_history_descends(&ff, p->repo, &p->head,
	    &p->arch_tip)))
		return err;
	if (ff || nff(p))
		return NULL;
	if (!p->o->overwrite)
		return dgit_error_fmt(DGIT_ERR_USAGE, "dgit push: HEAD is "
		    "not a descendant of the archive's version (%s %s); to "
		    "overwrite the archive's contents, pass "
		    "--overwrite[=VERSION]; to rewrite history, if the "
		    "archive permits it, --deliberately-not-fast-forward",
		    p->asrc->version, p->csuite);
	p->need_pm = 1;
	return NULL;
}

/* The archive's version as git has it (dgit's i_arch_v). */
static const char *
arch_ver(const struct dgit_pushsource *p)
{
	return p->arch_v ? p->arch_v : p->asrc->version;
}

/*
 * The commit a tag names: refs/tags/NAME here, else fetched from the
 * dgit git server into refs/tags/NAME (as a push from another clone
 * left it there).  *found 0 when neither has it.
 */
static const struct dgit_error *
tag_commit(int *found, git_oid *out, struct dgit_pushsource *p,
    const char *name)
{
	const struct dgit_error *err = NULL;
	git_object *obj = NULL;
	char *spec = NULL;
	int pass;

	*found = 0;
	if (asprintf(&spec, "refs/tags/%s:refs/tags/%s", name, name) < 0)
		return dgit_error(DGIT_ERR_NOMEM);
	for (pass = 0; pass < 2 && !*found; pass++) {
		char rev[1024];

		if (pass == 1) {
			const char *argv[] = { "git", "fetch", "-q",
			    "--no-tags", p->reader_url, spec, NULL };
			struct dgit_run_opts ro;

			memset(&ro, 0, sizeof ro);
			ro.cwd = git_repository_workdir(p->repo);
			ro.out = ro.err = DGIT_RUN_OUT_NULL;
			if (dgit_run(NULL, argv, &ro) != NULL)
				break;   /* the server has it not */
		}
		snprintf(rev, sizeof rev, "refs/tags/%s^{commit}", name);
		if (git_revparse_single(&obj, p->repo, rev) == 0) {
			git_oid_cpy(out, git_object_id(obj));
			git_object_free(obj);
			*found = 1;
		}
	}
	free(spec);
	return err;
}

/*
 * dgit's "Make fast forward" in a split view: the archive's version was
 * pushed with dgit from a maintainer view (its tags archive/D/V and D/V,
 * here or on the git server), the archive tag is the archive's version,
 * and HEAD contains that maintainer view.  *ok 0 with the reason in
 * *why (the caller's) when not.
 */
static const struct dgit_error *
prev_push_ff(int *ok, char **why, struct dgit_pushsource *p)
{
	const struct dgit_error *err;
	char *t_dgit = NULL, *t_dep14 = NULL, a[GIT_OID_HEXSZ + 1],
	    b[GIT_OID_HEXSZ + 1];
	git_oid o_dgit, o_dep14;
	int found, ff;

	*ok = 0;
	*why = NULL;
	if ((err = dgit_history_archive_tag(&t_dgit, p->nomdistro,
	    arch_ver(p))) ||
	    (err = dgit_history_maint_tag(&t_dep14, p->nomdistro,
	    arch_ver(p))))
		goto done;
	if ((err = tag_commit(&found, &o_dep14, p, t_dep14)))
		goto done;
	if (!found) {
		if (asprintf(why, "wanted tag %s (maintainer view tag) on "
		    "dgit server, but not found", t_dep14) < 0)
			*why = NULL;
		goto done;
	}
	if ((err = tag_commit(&found, &o_dgit, p, t_dgit)))
		goto done;
	if (!found) {
		if (asprintf(why, "wanted tag %s (dgit view tag) on dgit "
		    "server, but not found", t_dgit) < 0)
			*why = NULL;
		goto done;
	}
	if (!git_oid_equal(&o_dgit, &p->arch_tip)) {
		git_oid_tostr(a, sizeof a, &o_dgit);
		git_oid_tostr(b, sizeof b, &p->arch_tip);
		if (asprintf(why, "dgit view tag %s (%s) is not the current "
		    "archive contents (%s)", t_dgit, a, b) < 0)
			*why = NULL;
		goto done;
	}
	if ((err = dgit_history_descends(&ff, p->repo, &o_dgit, &o_dep14)))
		goto done;
	if (ff && (err = dgit_history_descends(&ff, p->repo, &p->maint_head,
	    &o_dep14)))
		goto done;
	if (!ff) {
		git_oid_tostr(a, sizeof a, &o_dep14);
		if (asprintf(why, "maintainer view tag %s (%s) is not an "
		    "ancestor of both its dgit view tag and HEAD", t_dep14,
		    a) < 0)
			*why = NULL;
		goto done;
	}
	*ok = 1;
done:
	free(t_dgit);
	free(t_dep14);
	return err;
}

/*
 * A split view: the dgit view must contain the archive's version, or
 * the archive's version came from a dgit push of a maintainer view that
 * HEAD contains (dgit's "Make fast forward" pseudo-merge), or
 * --overwrite asks for the pseudo-merge ("Declare fast forward"); both
 * are made in the dgit view, the branch is not changed.
 */
static const struct dgit_error *
split_history(struct dgit_pushsource *p)
{
	const struct dgit_error *err;
	char *why = NULL;
	int ff = 0, ok;

	if (p->need_pm != -1)
		return NULL;
	p->need_pm = 0;
	if (p->o->dry_run)
		return NULL;
	if ((err = dgit_history_descends(&ff, p->repo, &p->head,
	    &p->arch_tip)))
		return err;
	if (ff || nff(p))
		return NULL;
	if (!p->o->overwrite) {
		if ((err = prev_push_ff(&ok, &why, p)))
			return err;
		if (!ok) {
			err = dgit_error_fmt(DGIT_ERR_USAGE, "the dgit view is "
			    "not a descendant of the archive's version (%s %s)"
			    " and %s; not fast forward; maybe --overwrite is "
			    "needed: to overwrite the archive's contents, pass "
			    "--overwrite[=VERSION] "
			    "(a pseudo-merge is made in the dgit view; the "
			    "branch is not changed)", arch_ver(p),
			    p->csuite, why ? why : "out of memory");
			free(why);
			return err;
		}
	}
	p->need_pm = 1;
	return NULL;
}

/* dgit's "Declare fast forward": HEAD's tree, HEAD first parent. */
static const struct dgit_error *
make_pseudomerge(struct dgit_pushsource *p)
{
	const struct dgit_error *err;
	git_oid parents[2], pm;
	char *msg = NULL;

	if ((err = split_history(p)))
		return err;
	if (!p->need_pm)
		return NULL;
	if (p->o->dry_run) {
		dgit_msg(p->o->info, p->o->info_arg, "would %s fast "
		    "forward from %s", p->o->overwrite ? "declare" : "make",
		    arch_ver(p));
		return NULL;
	}
	git_oid_cpy(&parents[0], &p->head);
	git_oid_cpy(&parents[1], &p->arch_tip);
	if ((err = dgit_history_ff_message(&msg, arch_ver(p),
	    p->split ? p_quilt_any(p) : NULL, !p->o->overwrite ? NULL :
	    p->o->overwrite_version ? p->o->overwrite_version : "")) ||
	    (err = dgit_history_pseudomerge(&pm, p->repo, NULL, parents, 2,
	    msg)))
		goto done;
	if (p->split) {
		if (p->o->dgit_view_save && (err = dgit_srcbuild_save_view(
		    p->repo, p->o->dgit_view_save, &pm)))
			goto done;
	} else {
		if (p->o->hold)
			p->o->hold(p->o->told_arg, 1);
		err = dgit_quiltfix_update_head(p->repo, &p->head, &pm,
		    "dgit push: declare fast forward");
		if (p->o->hold)
			p->o->hold(p->o->told_arg, 0);
		if (err)
			goto done;
	}
	dgit_msg(p->o->info, p->o->info_arg, "made a pseudo-merge of %s into "
	    "%s", arch_ver(p), p->split ? "the dgit view" : "your HEAD");
	git_oid_cpy(&p->head, &pm);
done:
	free(msg);
	return err;
}

/*
 * The .dsc of an earlier run of this push, already signed with its Dgit:
 * field naming HEAD (a push that failed after signing): 1, keep the build
 * (sign_file signs it again when another key signed it).
 */
static int
signed_for_head(struct dgit_pushsource *p)
{
	char *buf = NULL, *text = NULL, hex[GIT_OID_HEXSZ + 1];
	struct dgit_dsc *d = NULL;
	size_t len, tl, hl;
	int was_signed = 0, r = 0;

	if (!exists(p->changes_path) ||
	    dgit_fs_read_file(&buf, &len, p->dsc_path, MAX_CONTROL) != NULL)
		return 0;
	git_oid_tostr(hex, sizeof hex, &p->head);
	hl = strlen(hex);
	if (dgit_push_unsigned_text(&text, &tl, &was_signed, buf, len,
	    p->dsc_name) == NULL && was_signed &&
	    dgit_dsc_parse(&d, text, tl, p->dsc_name) == NULL &&
	    d->dgit_field && strncmp(d->dgit_field, hex, hl) == 0 &&
	    d->dgit_field[hl] == ' ')
		r = 1;
	dgit_dsc_free(d);
	free(text);
	free(buf);
	return r;
}

/* push-source: build with build-source's quilt fixup and tree check. */
static const struct dgit_error *
build_source(struct dgit_pushsource *p)
{
	const struct dgit_error *err;
	struct dgit_srcbuild_opts so;
	struct dgit_srcbuild_result r;

	memset(&so, 0, sizeof so);
	so.quilt_mode = (enum dgit_quilt_mode)p->o->quilt_mode;
	/* push-source builds from HEAD and, as dgit, neither cleans nor
	 * minds untracked files (tracked changes were refused already) */
	so.clean_mode = DGIT_CLEAN_NONE;
	so.tracked_clean = p->o->tracked_clean;
	so.split_view = (enum dgit_split_view)p->o->split_view;
	so.dgit_view_save = p->o->dgit_view_save;
	so.upstream_commitish = p->o->upstream_commitish;
	so.gbp_pq = p->o->gbp_pq;
	so.bpd = p->o->bpd;
	so.dgit_version = p->o->dgit_version;
	so.info = p->o->debug;
	so.info_arg = p->o->info_arg;
	so.tmpfile = p->o->tmpfile;
	so.tmpfile_arg = p->o->tmpfile_arg;
	so.told = p->o->told;
	so.told_arg = p->o->told_arg;
	so.hold = p->o->hold;
	if ((err = dgit_srcbuild_build(&r, p->repo, &so)))
		return err;
	git_oid_cpy(&p->head, &r.dgit_view);
	dgit_srcbuild_result_release(&r);
	return NULL;
}

/* push-built with a split view: the dgit view of HEAD, not built. */
static const struct dgit_error *
split_view_of_head(struct dgit_pushsource *p)
{
	const struct dgit_error *err;
	struct dgit_quiltfix_opts qo;
	struct dgit_quiltfix_result r;

	if (!p->split)
		return NULL;
	memset(&qo, 0, sizeof qo);
	qo.mode = (enum dgit_quilt_mode)p->o->quilt_mode;
	qo.origs_dir = p->o->bpd;
	qo.dgit_version = p->o->dgit_version;
	qo.upstream_commitish = p->o->upstream_commitish;
	qo.gbp_pq = p->o->gbp_pq;
	qo.info = p->o->debug;
	qo.info_arg = p->o->info_arg;
	qo.tmpfile = p->o->tmpfile;
	qo.tmpfile_arg = p->o->tmpfile_arg;
	if ((err = dgit_quiltfix_run(&r, p->repo, &p->head, &qo)))
		return err;
	git_oid_cpy(&p->head, &r.commit);
	if (p->o->dgit_view_save)
		return dgit_srcbuild_save_view(p->repo, p->o->dgit_view_save,
		    &p->head);
	return NULL;
}

/*
 * The .dsc: this package and version; with check, also exactly HEAD's
 * tree (build_source has just checked what it built).
 */
static const struct dgit_error *
read_dsc(struct dgit_pushsource *p, int check)
{
	const struct dgit_error *err;
	git_oid tree, htree;
	char *buf = NULL, *desc = NULL;
	char th[GIT_OID_HEXSZ + 1], hh[GIT_OID_HEXSZ + 1];
	size_t len;

	if ((err = dgit_fs_read_file(&buf, &len, p->dsc_path, MAX_CONTROL)))
		return dgit_error_wrap(err, "looked for '%s'; build the "
		    "source package first (dgit build-source)", p->dsc_path);
	err = dgit_dsc_parse(&p->dsc, buf, len, p->dsc_name);
	free(buf);
	if (err)
		return err;
	if (strcmp(p->dsc->source, p->ce->package) != 0 ||
	    strcmp(p->dsc->version, p->ce->version) != 0)
		return dgit_error_fmt(DGIT_ERR_USAGE, "'%s' is for %s %s but "
		    "debian/changelog is for %s %s; rebuild", p->dsc_name,
		    p->dsc->source, p->dsc->version, p->ce->package,
		    p->ce->version);
	if (!check)
		return NULL;
	if ((err = dgit_commit_tree_id(&htree, p->repo, &p->head)))
		return dgit_error_wrap(err, "cannot read HEAD");
	err = dgit_srcbuild_compare_dsc(&desc, &tree, p->repo, p->dsc_path,
	    &htree);
	if (err && err->code == DGIT_ERR_CHECKSUM)
		/* "dpkg-source ... error ... checksum": what a user of
		 * dgit, which runs dpkg-source -x here, looks for */
		return dgit_error_wrap(err, "'%s' does not match the files it "
		    "names (dpkg-source -x would stop with an error too); "
		    "rebuild the source package from HEAD", p->dsc_name);
	if (err)
		return err;
	if (desc == NULL)
		return NULL;
	/* dgit's words, which its users (and its tests) look for */
	err = dgit_error_fmt(DGIT_ERR_PATCH, "HEAD specifies a different "
	    "tree to %s:\n%sThere is a problem with your source tree (see "
	    "dgit(7) for some hints), or the package was built from another "
	    "commit or with another --quilt mode; rebuild it from HEAD.\n"
	    "To see a full diff, run git diff %s %s", p->dsc_name, desc, git_oid_tostr(th, sizeof th, &tree),
	    p->split ? git_oid_tostr(hh, sizeof hh, &p->head) : "HEAD");
	free(desc);
	return err;
}

static int
cmp_previously(const void *a, const void *b)
{
	return strcmp(((const struct dgit_tag_previously *)a)->ref,
	    ((const struct dgit_tag_previously *)b)->ref);
}

/*
 * dgit's replay prevention for a push that may rewind the server
 * (--deliberately-not-fast-forward, --deliberately-fresh-repo): the tag
 * declares "previously REF=OBJID" for each of the server's tags and
 * heads (and its refs/dgit/CSUITE), as listed now, so that the server
 * can refuse the signed tag when it is replayed later against another
 * state.  A server without the repository yet gives none.  The list
 * (caller frees with free_previously) is sorted by REF.
 */
static const struct dgit_error *
server_previously(struct dgit_tag_previously **out, size_t *nout,
    struct dgit_pushsource *p)
{
	const struct dgit_error *err;
	struct dgit_gitfetch_list l = { NULL, 0 };
	struct dgit_tag_previously *v = NULL;
	char *url = NULL, branch[600];
	const char *pats[3] = { "refs/tags/*", "refs/heads/*", branch };
	size_t n = 0;

	*out = NULL;
	*nout = 0;
	snprintf(branch, sizeof branch, "refs/dgit/%s", p->csuite);
	if ((err = git_url(&url, p, 0)))
		return err;
	if ((err = dgit_gitfetch_ls(&l, p->repo, url, pats, 3, 100000))) {
		/* no repository there yet: nothing to declare */
		dgit_msg(p->o->info, p->o->info_arg, "not declaring the git "
		    "server's refs in the tag (%s)", err->msg);
		free(url);
		return NULL;
	}
	if (l.n && (v = calloc(l.n, sizeof *v)) == NULL)
		err = dgit_error(DGIT_ERR_NOMEM);
	for (size_t i = 0; err == NULL && i < l.n; i++) {
		const char *nm = l.heads[i].name + 5;	/* past "refs/" */

		if (strcmp(l.heads[i].name, branch) != 0 &&
		    strncmp(nm, "tags/", 5) != 0 && strncmp(nm, "heads/", 6) != 0)
			continue;
		if ((v[n].ref = strdup(nm)) == NULL ||
		    (v[n].objid = strdup(git_oid_tostr_s(&l.heads[i].id))) ==
		    NULL) {
			free(v[n].ref);
			err = dgit_error(DGIT_ERR_NOMEM);
			break;
		}
		n++;
	}
	dgit_gitfetch_list_release(&l);
	free(url);
	if (err) {
		for (size_t i = 0; i < n; i++) {
			free(v[i].ref);
			free(v[i].objid);
		}
		free(v);
		return err;
	}
	if (n)
		qsort(v, n, sizeof *v, cmp_previously);
	*out = v;
	*nout = n;
	return NULL;
}

static void
free_previously(struct dgit_tag_previously *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].ref);
		free(v[i].objid);
	}
	free(v);
}

/*
 * The --deliberately- options (out has DGIT_PUSHSOURCE_MAX_DELIBERATELY
 * slots): those given, then those the flags stand for that are missing
 * (neither given nor their TEST-dgit-only- form); with bares
 * (as many slots), each without its "TEST-dgit-only-", made there (as
 * the taints' overrides are matched).
 */
static size_t
deliberatelies(const char **out, char (*bares)[128],
    const struct dgit_pushsource *p)
{
	static const char pfx[] = "--deliberately-",
	    test[] = "--deliberately-TEST-dgit-only-";
	const char *flag[3];
	size_t n = 0, nf = 0;

	for (size_t k = 0; k < p->o->ndeliberately &&
	    n < DGIT_PUSHSOURCE_MAX_DELIBERATELY; k++) {
		const char *d = p->o->deliberately[k];

		if (bares && strncmp(d, test, sizeof test - 1) == 0 &&
		    strlen(d) < sizeof bares[0]) {
			snprintf(bares[n], sizeof bares[n], "%s%s", pfx,
			    d + sizeof test - 1);
			d = bares[n];
		}
		out[n++] = d;
	}
	if (p->o->not_ff)
		flag[nf++] = "--deliberately-not-fast-forward";
	if (p->o->fresh_repo)
		flag[nf++] = "--deliberately-fresh-repo";
	if (p->o->questionable)
		flag[nf++] = "--deliberately-include-questionable-history";
	for (size_t f = 0; f < nf; f++) {
		size_t k;

		/* its TEST-dgit-only- form stands for it here only */
		for (k = 0; k < p->o->ndeliberately; k++) {
			const char *d = p->o->deliberately[k];

			if (strncmp(d, test, sizeof test - 1) == 0 &&
			    strcmp(d + sizeof test - 1, flag[f] +
			    sizeof pfx - 1) == 0)
				break;
			if (strcmp(d, flag[f]) == 0)
				break;
		}
		if (k == p->o->ndeliberately &&
		    n < DGIT_PUSHSOURCE_MAX_DELIBERATELY)
			out[n++] = flag[f];
	}
	return n;
}

static const struct dgit_error *
make_tag_texts_1(struct dgit_pushsource *p,
    struct dgit_tag_previously *prev, size_t nprev);

static const struct dgit_error *
make_tag_texts(struct dgit_pushsource *p)
{
	const struct dgit_error *err;
	struct dgit_tag_previously *prev = NULL;
	size_t nprev = 0;

	if (nff(p) &&
	    (err = server_previously(&prev, &nprev, p)))
		return err;
	err = make_tag_texts_1(p, prev, nprev);
	free_previously(prev, nprev);
	return err;
}

static const struct dgit_error *
make_tag_texts_1(struct dgit_pushsource *p,
    struct dgit_tag_previously *prev, size_t nprev)
{
	const struct dgit_error *err;
	const char *deliberately[DGIT_PUSHSOURCE_MAX_DELIBERATELY];
	struct dgit_tag_info info;
	struct dgit_push_tag t;

	/* the strings are borrowed: info is never released */
	memset(&info, 0, sizeof info);
	info.package = (char *)p->ce->package;
	info.version = (char *)p->ce->version;
	info.clogsuite = (char *)p->ce->distributions[0];
	info.csuite = p->csuite;
	info.distro = (char *)p->nomdistro;
	info.split = p->split;
	info.quilt = (char *)p_quilt(p);
	info.ndeliberately = deliberatelies(deliberately, NULL, p);
	info.deliberately = (char **)deliberately;
	info.previously = prev;
	info.npreviously = nprev;
	memset(&t, 0, sizeof t);
	git_oid_cpy(&t.target, &p->head);
	t.tagger = p->ce->maintainer;
	t.time = p->ce->timestamp;
	t.tz = p->ce->tz_offset;
	t.info = &info;
	for (int i = 0; i < p->ntags; i++) {
		t.name = p->tag[i];
		if (i == 1 && p->split) {
			/* DEP-14's tag on the maintainer view */
			git_oid_cpy(&t.target, &p->maint_head);
			info.maint_quilt = (char *)p_quilt_any(p);
		}
		if ((err = dgit_push_tag_text(&p->tagtext[i], &t)))
			return err;
		err = dgit_push_tag_find(&p->tagfound[i], &(git_oid){ 0 },
		    p->repo, p->tag[i], p->tagtext[i]);
		if (err && err->code == DGIT_ERR_EXISTS &&
		    p->o->reuse_version) {
			dgit_msg(p->o->info, p->o->info_arg, "tag %s exists "
			    "and will be replaced (--force-reusing-version)",
			    p->tag[i]);
			p->tagreplace[i] = 1;
			err = NULL;
		} else if (err && err->code == DGIT_ERR_EXISTS && i == 1) {
			/*
			 * As dgit: the DEP-14 tag of the commit pushed
			 * (check_old_tags saw that it names it), made by
			 * someone else (git-debpush's for tag2upload), is
			 * replaced by this push's; only the archive/ tag
			 * says that the version was pushed.
			 */
			dgit_msg(p->o->info, p->o->info_arg, "tag %s of this "
			    "commit exists and will be replaced by this "
			    "push's", p->tag[i]);
			p->tagreplace[i] = 1;
			err = NULL;
		}
		if (err)
			return err;
	}
	return NULL;
}

static const char *
keyid(struct dgit_pushsource *p)
{
	const char *k = p->o->keyid;

	if (k == NULL)
		k = dgit_config_get_distro(p->cfg, p->distro, "keyid");
	if (k == NULL)
		k = p->ce->maintainer;
	return k;
}

/*
 * Tag i, found with this push's text (an earlier run's), is signed by the
 * key this run signs with: 1.  Not readable or no key for keyid: 0 (and
 * signing it again says why).
 */
static int
tag_signed_by_key(struct dgit_pushsource *p, int i)
{
	git_object *obj = NULL;
	git_odb *odb = NULL;
	git_odb_object *raw = NULL;
	char rev[1024];
	const char *data;
	size_t len, plen = 0;
	int mine = 0;

	snprintf(rev, sizeof rev, "refs/tags/%s", p->tag[i]);
	if (git_revparse_single(&obj, p->repo, rev) == 0 &&
	    git_repository_odb(&odb, p->repo) == 0 &&
	    git_odb_read(&raw, odb, git_object_id(obj)) == 0 &&
	    git_odb_object_type(raw) == GIT_OBJECT_TAG) {
		data = git_odb_object_data(raw);
		len = git_odb_object_size(raw);
		if (dgit_tag_split_signature(&plen, data, len) == NULL &&
		    plen < len && dgit_sign_is_signer(&mine, NULL, keyid(p),
		    data, plen, data + plen, len - plen) != NULL)
			mine = 0;
	}
	git_odb_object_free(raw);
	git_odb_free(odb);
	git_object_free(obj);
	return mine;
}

/*
 * Sign and make the tags, but keep those an earlier run made with this
 * text and this run's key.  One signed by another key (an earlier run
 * with another -k, say refused by the server for it) is signed again
 * and replaced.
 */
static const struct dgit_error *
sign_tags(struct dgit_pushsource *p)
{
	const struct dgit_error *err;
	char *sig = NULL;
	git_oid oid;
	int replace;

	for (int i = 0; i < p->ntags; i++) {
		replace = p->o->reuse_version;
		if (p->tagfound[i] && tag_signed_by_key(p, i)) {
			dgit_msg(p->o->info, p->o->info_arg, "tag %s is "
			    "already made", p->tag[i]);
			continue;
		}
		if (p->tagfound[i]) {
			dgit_msg(p->o->info, p->o->info_arg, "tag %s is "
			    "signed, but not by the key '%s'; signing it "
			    "again", p->tag[i], keyid(p));
			replace = 1;
		}
		if ((err = dgit_sign_detached(&sig, NULL, NULL, keyid(p),
		    p->tagtext[i], strlen(p->tagtext[i]))))
			return dgit_error_wrap(err, "cannot sign tag '%s'",
			    p->tag[i]);
		err = dgit_push_tag_write(&oid, replace || p->tagreplace[i],
		    p->repo, p->tag[i],
		    p->tagtext[i], sig);
		free(sig);
		if (err)
			return err;
		dgit_msg(p->o->info, p->o->info_arg, "made signed tag %s",
		    p->tag[i]);
	}
	return NULL;
}

/*
 * dput's record of a finished upload of this push's .changes (CHANGES
 * less .changes, then .HOST.upload) into *out when it exists; else
 * *out NULL.
 */
static const struct dgit_error *
upload_log(char **out, struct dgit_pushsource *p)
{
	const char *host = dgit_config_get_distro(p->cfg, p->distro,
	    "upload-host");
	size_t l = strlen(p->changes_path);

	*out = NULL;
	if (host == NULL || l <= 8)
		return NULL;
	if (asprintf(out, "%.*s.%s.upload", (int)(l - 8), p->changes_path,
	    host) < 0) {
		*out = NULL;
		return dgit_error(DGIT_ERR_NOMEM);
	}
	if (!exists(*out)) {
		free(*out);
		*out = NULL;
	}
	return NULL;
}

/*
 * Before the build: a tag of this version here already that names
 * another commit than this push's (a push of another HEAD, signed
 * before) is refused now, so that nothing is built over its files;
 * --force-reusing-version replaces it.  The tag's exact text is
 * checked once it is known (make_tag_texts).  With a split view only
 * the maintainer view's tag is known yet.
 *
 * One that names this push's commit is an earlier run's: interrupted
 * before its upload, this run resumes it; but once dput recorded the
 * upload that push is complete, and pushing the version again is
 * refused as dgit refuses it (an upload the archive rejected needs a
 * new version).
 */
static const struct dgit_error *
check_old_tags(struct dgit_pushsource *p)
{
	const struct dgit_error *err = NULL;
	git_object *obj = NULL;
	char rev[1024];
	char *log = NULL;

	if (p->o->reuse_version)
		return NULL;
	for (int i = p->split ? 1 : 0; i < 2 && err == NULL; i++) {
		snprintf(rev, sizeof rev, "refs/tags/%s^{commit}", p->tag[i]);
		if (git_revparse_single(&obj, p->repo, rev) != 0)
			continue;
		if (!git_oid_equal(git_object_id(obj), i == 1 ?
		    &p->maint_head : &p->head))
			err = dgit_error_fmt(DGIT_ERR_EXISTS, "tag '%s' "
			    "already exists and is not the one this push "
			    "makes: version %s has already been tagged "
			    "(pushed?); if this was a failed (or incomplete "
			    "or rejected) upload by you, add a new changelog "
			    "stanza for a new version number and try again, "
			    "or pass --force-reusing-version",
			    p->tag[i], p->ce->version);
		else if ((err = upload_log(&log, p)) == NULL && log)
			err = dgit_error_fmt(DGIT_ERR_EXISTS, "version %s "
			    "has already been tagged (tag '%s') and uploaded "
			    "('%s'): if this was a failed (or rejected) upload "
			    "by you, add a new changelog stanza for a new "
			    "version number and try again, or pass "
			    "--force-reusing-version", p->ce->version,
			    p->tag[i], log);
		free(log);
		log = NULL;
		git_object_free(obj);
		obj = NULL;
	}
	return err;
}

static const struct dgit_error *
make_tag_names(struct dgit_pushsource *p)
{
	const struct dgit_error *err;

	if ((err = dgit_history_archive_tag(&p->tag[0], p->nomdistro,
	    p->ce->version)))
		return err;
	return dgit_history_maint_tag(&p->tag[1], p->nomdistro,
	    p->ce->version);
}

/*
 * dgit's orig check through the archive-query method's file_in_archive
 * (the whole archive, any suite): a file of that name with the .dsc's
 * SHA-256 is had; only others of that name are refused, in dgit's
 * words.  *supported 0 when the method cannot say.
 */
static const struct dgit_error *
archive_has_anywhere(int *have, int *supported, struct dgit_pushsource *p,
    const char *name, const char *sha256)
{
	const struct dgit_error *err;
	struct dgit_aq_file *f = NULL;
	struct dgit_buf b = DGIT_BUF_INIT;
	size_t n = 0, same = 0;
	char *msg = NULL;

	*have = 0;
	if ((err = dgit_aq_file_in_archive(&f, &n, supported, p->ao,
	    dgit_config_get_distro(p->cfg, p->distro, "archive-query"),
	    name)) || !*supported)
		return err;
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i].sha256, sha256) == 0)
			same++;
	if (same || n == 0 || sha256[0] == '\0') {
		*have = same > 0;
		dgit_aq_files_free(f, n);
		return NULL;
	}
	err = dgit_buf_addf(&b, "archive contains %s with different "
	    "checksum", name);
	for (size_t i = 0; i < n && err == NULL; i++)
		err = dgit_buf_addf(&b, "\narchive %s: sha256sum: %s "
		    "(archive) != %s (local .dsc)", f[i].filename,
		    f[i].sha256, sha256);
	dgit_aq_files_free(f, n);
	if (err || (msg = dgit_buf_detach(&b, NULL)) == NULL) {
		dgit_buf_release(&b);
		return err ? err : dgit_error(DGIT_ERR_NOMEM);
	}
	err = dgit_error_fmt(DGIT_ERR_CHECKSUM, "%s\nuse the archive's "
	    "file (dgit fetch puts it beside the tree), or a new upstream "
	    "version", msg);
	free(msg);
	return err;
}

/* archive_has for the .changes: an orig the archive has already. */
static const struct dgit_error *
archive_has(int *have, const char *name, const char *sha256, void *arg)
{
	struct dgit_pushsource *p = arg;
	const struct dgit_error *err;
	int supported;

	*have = 0;
	if ((err = archive_has_anywhere(have, &supported, p, name, sha256)) ||
	    supported)
		return err;
	if (p->asrc == NULL)
		return NULL;
	for (size_t i = 0; i < p->asrc->nfiles; i++) {
		if (strcmp(p->asrc->files[i].name, name) != 0)
			continue;
		if (sha256[0] && strcmp(p->asrc->files[i].sha256, sha256) != 0)
			return dgit_error_fmt(DGIT_ERR_CHECKSUM, "archive "
			    "contains %s with different checksum\n%s %s: "
			    "sha256sum: %s (archive) != %s (local .dsc)\nuse "
			    "the archive's file (dgit fetch puts it beside "
			    "the tree), or a new upstream version", name,
			    p->csuite, p->asrc->dsc_name,
			    p->asrc->files[i].sha256, sha256);
		*have = 1;
	}
	return NULL;
}

/*
 * Write text to path clearsigned, unless path already holds a message of
 * exactly this text signed by the key this run signs with (an earlier
 * run's; kept, so its signature stays the same).  Signed by another key
 * (an earlier run with another -k), it is signed again.
 */
static const struct dgit_error *
sign_file(struct dgit_pushsource *p, const char *path, const char *name,
    const char *text, size_t len)
{
	const struct dgit_error *err;
	char *cur = NULL, *curtext = NULL, *signd = NULL;
	size_t curlen, ctl, sl;
	int was_signed = 0, mine = 0;

	if (dgit_fs_read_file(&cur, &curlen, path, MAX_CONTROL) == NULL &&
	    dgit_push_unsigned_text(&curtext, &ctl, &was_signed, cur, curlen,
	    name) == NULL && was_signed && ctl == len &&
	    memcmp(curtext, text, len) == 0) {
		/* no key for keyid: signing below says so */
		if (dgit_sign_is_signer(&mine, NULL, keyid(p), cur, curlen,
		    NULL, 0) == NULL && mine) {
			free(cur);
			free(curtext);
			dgit_msg(p->o->info, p->o->info_arg, "%s is already "
			    "signed", name);
			return NULL;
		}
		dgit_msg(p->o->info, p->o->info_arg, "%s is signed, but not "
		    "by the key '%s'; signing it again", name, keyid(p));
	}
	free(cur);
	free(curtext);
	if ((err = dgit_sign_clear(&signd, &sl, NULL, keyid(p), text, len)))
		return dgit_error_wrap(err, "cannot sign '%s'", name);
	err = dgit_fs_write_file_atomic_told(path, signd, sl, 0, p->o->told,
	    p->o->told_arg);
	free(signd);
	if (err == NULL)
		dgit_msg(p->o->info, p->o->info_arg, "signed %s", name);
	return err;
}

static const struct dgit_error *
sign_files(struct dgit_pushsource *p)
{
	const struct dgit_error *err;
	char *buf = NULL, *text = NULL, *value = NULL, hex[GIT_OID_HEXSZ + 1];
	size_t len, tl;

	git_oid_tostr(hex, sizeof hex, &p->head);
	if (asprintf(&value, "%s %s %s %s", hex, p->nomdistro, p->tag[0],
	    p->reader_url) < 0)
		return dgit_error(DGIT_ERR_NOMEM);
	if ((err = dgit_fs_read_file(&buf, &len, p->dsc_path, MAX_CONTROL)))
		goto done;
	if ((err = dgit_push_dsc_with_dgit(&text, &tl, buf, len, value,
	    p->dsc_name)))
		goto done;
	if ((err = sign_file(p, p->dsc_path, p->dsc_name, text, tl)))
		goto done;
	free(buf);
	free(text);
	buf = text = NULL;
	if ((err = dgit_fs_read_file(&buf, &len, p->changes_path,
	    MAX_CONTROL)))
		goto done;
	if ((err = dgit_push_changes_files(&text, &tl, buf, len,
	    p->changes_name, p->dsc, p->dsc_name, p->o->bpd, archive_has, p)))
		goto done;
	err = sign_file(p, p->changes_path, p->changes_name, text, tl);
done:
	free(buf);
	free(text);
	free(value);
	return err;
}

/* A signed tag from elsewhere: "object OID\ntype commit\ntag NAME\n". */
static const struct dgit_error *
check_signed_tag(const char *obj, size_t len, const char *want_oid,
    const char *name)
{
	char head[1200];
	int n;

	n = snprintf(head, sizeof head, "object %s\ntype commit\ntag %s\n",
	    want_oid, name);
	if (n < 0 || (size_t)n >= sizeof head || len < (size_t)n ||
	    memcmp(obj, head, (size_t)n) != 0 || memchr(obj, '\0', len))
		return dgit_error_fmt(DGIT_ERR_BAD_SIGNATURE, "the signed tag "
		    "'%s' that came back is not for %s; nothing was pushed",
		    name, want_oid);
	return NULL;
}

/*
 * Sign elsewhere (rpush): hand over the texts, check and keep what comes
 * back as this push's tags and files.
 */
static const struct dgit_error *
sign_elsewhere(struct dgit_pushsource *p)
{
	const struct dgit_error *err;
	struct dgit_pushsource_signing s;
	struct dgit_dsc *dsc = NULL;
	char *buf = NULL, *text = NULL, *sigtext = NULL;
	size_t len, tl, plen;

	memset(&s, 0, sizeof s);
	s.ntags = p->ntags;
	for (int i = 0; i < p->ntags; i++) {
		s.tag[i] = p->tag[i];
		s.tagtext[i] = p->tagtext[i];
	}
	git_oid_tostr(s.head, sizeof s.head, &p->head);
	if (p->split)
		git_oid_tostr(s.maint_head, sizeof s.maint_head,
		    &p->maint_head);
	s.split = p->split;
	s.package = p->ce->package;
	s.version = p->ce->version;
	s.csuite = p->csuite;
	s.isuite = p->o->suite ? p->o->suite : p->ce->distributions[0];
	s.dsc_path = p->dsc_path;
	s.dsc_name = p->dsc_name;
	s.changes_name = p->changes_name;
	s.bpd = p->o->bpd;
	if ((err = dgit_fs_read_file(&buf, &len, p->changes_path,
	    MAX_CONTROL)) ||
	    (err = dgit_push_changes_files(&text, &tl, buf, len,
	    p->changes_name, p->dsc, p->dsc_name, p->o->bpd, archive_has, p)))
		goto done;
	s.changes_text = text;
	s.changes_len = tl;
	if ((err = p->o->sign_elsewhere(p->o->sign_arg, &s)))
		goto done;
	for (int i = 0; i < p->ntags; i++) {
		const char *obj = s.signed_tag[i];
		char hex[GIT_OID_HEXSZ + 1];
		git_oid oid;

		git_oid_tostr(hex, sizeof hex, i == 1 && p->split ?
		    &p->maint_head : &p->head);
		if (obj == NULL) {
			err = dgit_error_fmt(DGIT_ERR_BAD_SIGNATURE, "no "
			    "signed tag '%s' came back", p->tag[i]);
			goto done;
		}
		if ((err = check_signed_tag(obj, s.signed_tag_len[i], hex,
		    p->tag[i])) ||
		    (err = dgit_tag_split_signature(&plen, obj,
		    s.signed_tag_len[i])))
			goto done;
		free(sigtext);
		if ((sigtext = strndup(obj, plen)) == NULL) {
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
		if ((err = dgit_push_tag_write(&oid, p->o->reuse_version ||
		    p->tagreplace[i] || p->tagfound[i], p->repo, p->tag[i],
		    sigtext, obj + plen)))
			goto done;
		dgit_msg(p->o->info, p->o->info_arg, "made signed tag %s",
		    p->tag[i]);
	}
	if (s.signed_dsc == NULL || s.signed_changes == NULL) {
		err = dgit_error_fmt(DGIT_ERR_BAD_SIGNATURE, "no signed '%s' "
		    "and '%s' came back", p->dsc_name, p->changes_name);
		goto done;
	}
	if ((err = dgit_dsc_parse(&dsc, s.signed_dsc, s.signed_dsc_len,
	    p->dsc_name)))
		goto done;
	if (strcmp(dsc->source, p->ce->package) != 0 ||
	    strcmp(dsc->version, p->ce->version) != 0 ||
	    dsc->dgit_field == NULL ||
	    strncmp(dsc->dgit_field, s.head, GIT_OID_HEXSZ) != 0) {
		err = dgit_error_fmt(DGIT_ERR_BAD_SIGNATURE, "the signed '%s' "
		    "that came back is not this version's with a Dgit: field "
		    "naming %s", p->dsc_name, s.head);
		goto done;
	}
	for (int i = 0; i < s.nextra && i < 8; i++) {
		char *path = NULL;

		if (s.extra_name[i] == NULL || s.signed_extra[i] == NULL ||
		    strchr(s.extra_name[i], '/') || s.extra_name[i][0] == '.') {
			err = dgit_error_fmt(DGIT_ERR_BAD_SIGNATURE, "a signed "
			    "file that came back has no proper name");
			goto done;
		}
		if (asprintf(&path, "%s/%s", p->o->bpd, s.extra_name[i]) < 0) {
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
		err = dgit_fs_write_file_atomic_told(path, s.signed_extra[i],
		    s.signed_extra_len[i], 0, p->o->told, p->o->told_arg);
		free(path);
		if (err)
			goto done;
	}
	if ((err = dgit_fs_write_file_atomic_told(p->dsc_path, s.signed_dsc,
	    s.signed_dsc_len, 0, p->o->told, p->o->told_arg)) ||
	    (err = dgit_fs_write_file_atomic_told(p->changes_path,
	    s.signed_changes, s.signed_changes_len, 0, p->o->told,
	    p->o->told_arg)))
		goto done;
	dgit_msg(p->o->info, p->o->info_arg, "signed %s and %s",
	    p->dsc_name, p->changes_name);
done:
	for (int i = 0; i < 2; i++)
		free(s.signed_tag[i]);
	free(s.signed_dsc);
	free(s.signed_changes);
	for (int i = 0; i < s.nextra && i < 8; i++) {
		free(s.extra_name[i]);
		free(s.signed_extra[i]);
	}
	dgit_dsc_free(dsc);
	free(buf);
	free(text);
	free(sigtext);
	return err;
}

/* Run a tool the user would run, its output theirs unless -q. */
static const struct dgit_error *
run_tool(const struct dgit_pushsource *p, const char *const *argv,
    const char *cwd)
{
	struct dgit_run_opts ro;

	memset(&ro, 0, sizeof ro);
	ro.cwd = cwd;
	if (p->o->quiet)
		ro.out = ro.err = DGIT_RUN_OUT_NULL;
	return dgit_run(NULL, argv, &ro);
}

/*
 * A file:// git server repository that does not exist yet is made for a
 * new package: by the server's own receive-pack on the push itself
 * (hooks installed, nothing left if the push is refused) when
 * dgit-distro.DISTRO.git-create is "init-repo:PROGRAM", else as a plain
 * bare repository.
 */
/*
 * dgit's "ssh-cmd" git-check and git-create: a rune run on the git
 * host through dgit-distro.DISTRO.ssh (a command with words is run by
 * sh, as dgit does), in dgit-distro.DISTRO.git-path.  With out, its
 * output is captured.
 */
static const struct dgit_error *
ssh_rune(struct dgit_pushsource *p, const char *what, const char *rest,
    char **out)
{
	const struct dgit_error *err;
	const char *ssh = dgit_config_get_distro(p->cfg, p->distro, "ssh");
	const char *host = dgit_config_get_distro(p->cfg, p->distro,
	    "git-host");
	const char *path = dgit_config_get_distro(p->cfg, p->distro,
	    "git-path");
	const char *user = dgit_config_get_distro(p->cfg, p->distro,
	    "git-user-force");
	char *uh = NULL, *rune = NULL, *shexec = NULL;
	const char *argv[DGIT_GITFETCH_SSH_ARGV];
	struct dgit_run_opts ro;
	size_t len;

	if (user == NULL || *user == '\0')
		user = dgit_config_get_distro(p->cfg, p->distro, "username");
	if (ssh == NULL || *ssh == '\0')
		ssh = "ssh";
	if (host == NULL || path == NULL)
		return dgit_error_fmt(DGIT_ERR_USAGE, "distro '%s' uses "
		    "git-check or git-create 'ssh-cmd' but has no git-host "
		    "and git-path; set dgit-distro.%s.git-host and "
		    "dgit-distro.%s.git-path", p->distro, p->distro, p->distro);
	if (!dgit_tag_package_name_ok(p->ce->package) ||
	    strpbrk(path, "'\\\n") != NULL)
		return dgit_error_fmt(DGIT_ERR_USAGE, "cannot quote '%s' for "
		    "the git host's shell; fix dgit-distro.%s.git-path",
		    path, p->distro);
	if (asprintf(&rune, ": dgit %s %s %s ; set -e; cd '%s'; %s",
	    p->distro, what, p->ce->package, path, rest) < 0) {
		rune = NULL;
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	if ((err = dgit_gitfetch_ssh_argv(argv, &uh, &shexec, ssh, user, host,
	    rune)))
		goto done;
	memset(&ro, 0, sizeof ro);
	if (out)
		err = dgit_run_capture(out, &len, argv, &ro, 1);
	else
		err = run_tool(p, argv, NULL);
done:
	free(uh);
	free(rune);
	free(shexec);
	return err;
}

/* dgit's git-check "ssh-cmd": does the git host have the repository? */
static const struct dgit_error *
ssh_check(int *have, struct dgit_pushsource *p)
{
	const struct dgit_error *err;
	char *out = NULL, rest[512];


	snprintf(rest, sizeof rest, "if test -d %s.git; then echo 1; else "
	    "echo 0; fi", p->ce->package);
	err = ssh_rune(p, "git-check", rest, &out);
	if (err == NULL && out != NULL && (strcmp(out, "0") == 0 ||
	    strcmp(out, "1") == 0))
		*have = out[0] == '1';
	else if (err == NULL)
		err = dgit_error_fmt(DGIT_ERR_PARSE, "the git host's answer "
		    "to git-check of %s is '%.80s', not 0 or 1",
		    p->ce->package, out ? out : "");
	free(out);
	return err;
}

/*
 * dgit's git-check "url": does GIT-CHECK-URL/PACKAGE.SUFFIX (by default
 * GIT-URL/PACKAGE.git) answer?  A 404 or missing file says no.
 */
static const struct dgit_error *
url_check(int *have, struct dgit_pushsource *p)
{
	const struct dgit_error *err;
	const char *base = dgit_config_get_distro(p->cfg, p->distro,
	    "git-check-url");
	const char *suffix = dgit_config_get_distro(p->cfg, p->distro,
	    "git-check-suffix");
	char *url = NULL, *answer = NULL;
	size_t len;

	if (base == NULL)
		base = dgit_config_get_distro(p->cfg, p->distro, "git-url");
	if (suffix == NULL)
		suffix = dgit_config_get_distro(p->cfg, p->distro,
		    "git-suffix");
	if (base == NULL)
		return dgit_error_fmt(DGIT_ERR_USAGE, "distro '%s' uses "
		    "git-check 'url' but has no git-check-url; set "
		    "dgit-distro.%s.git-check-url", p->distro, p->distro);
	if (asprintf(&url, "%s/%s%s", base, p->ce->package,
	    suffix ? suffix : ".git") < 0)
		return dgit_error(DGIT_ERR_NOMEM);
	err = dgit_fetch_to_memory(&answer, &len, &p->ao->fetch, url, NULL,
	    1 << 20);
	*have = err == NULL;
	if (err && err->code == DGIT_ERR_NOT_FOUND)
		err = NULL;
	free(answer);
	free(url);
	return err;
}

static const struct dgit_error *
ensure_server_repo(struct dgit_pushsource *p)
{
	const struct dgit_error *err = NULL;
	const char *path, *how, *base, *check;
	char *want = NULL;

	check = dgit_config_get_distro(p->cfg, p->distro, "git-check");
	how = dgit_config_get_distro(p->cfg, p->distro, "git-create");
	if (check && (strcmp(check, "ssh-cmd") == 0 ||
	    strcmp(check, "url") == 0)) {
		int have = 0;

		if ((err = strcmp(check, "url") == 0 ? url_check(&have, p) :
		    ssh_check(&have, p)) || have)
			return err;
		/* as dgit: a package the archive has may have none yet */
		if (how && strcmp(how, "ssh-cmd") == 0) {
			char rest[512];

			dgit_msg(p->o->info, p->o->info_arg, "creating %s on "
			    "the dgit git server", p->ce->package);
			snprintf(rest, sizeof rest, "cp -a _template %s.git",
			    p->ce->package);
			return ssh_rune(p, "git-create", rest, NULL);
		}
	}
	if (strncmp(p->push_url, "file://", 7) != 0)
		return NULL;
	path = p->push_url + 7;
	if (exists(path))
		return NULL;
	if (p->asrc != NULL && !p->o->new_pkg)
		return dgit_error_fmt(DGIT_ERR_NOT_FOUND, "the dgit git "
		    "server has no repository '%s' for %s; fix "
		    "dgit-distro.%s.git-url and run this again (the "
		    "tags and signed files are kept)", path, p->ce->package,
		    p->distro);
	dgit_msg(p->o->info, p->o->info_arg, "creating %s on the dgit git "
	    "server", path);
	if (how == NULL || strcmp(how, "true") == 0) {
		const char *argv[] = { "git", "init", "-q", "--bare", path,
		    NULL };

		return run_tool(p, argv, NULL);
	}
	if (strncmp(how, "init-repo:", 10) != 0 || how[10] != '/')
		return dgit_error_fmt(DGIT_ERR_USAGE, "dgit-distro.%s.git-create "
		    "is '%s'; it must be 'true' or 'init-repo:PROGRAM' (an "
		    "absolute path to dgit-repos-server)", p->distro, how);
	/* init-repo makes SERVERDIR/PACKAGE.git: the URL must name that */
	base = strrchr(path, '/');
	if (base == NULL || base == path ||
	    asprintf(&want, "/%s.git", p->ce->package) < 0) {
		want = NULL;
		err = dgit_error_fmt(DGIT_ERR_USAGE, "dgit-distro.%s.git-url "
		    "'%s' does not name SERVERDIR/%s.git", p->distro,
		    p->push_url, p->ce->package);
		goto done;
	}
	if (strcmp(base, want) != 0) {
		err = dgit_error_fmt(DGIT_ERR_USAGE, "'%s' is not "
		    "SERVERDIR%s, which init-repo makes; fix "
		    "dgit-distro.%s.git-url", path, want, p->distro);
		goto done;
	}
	/*
	 * The server's own receive-pack makes the repository, and only if
	 * its hook accepts the push: a refused first push leaves none.
	 */
	if (strpbrk(how + 10, " \t\n'\"\\$`;&|<>*?()[]{}~#") != NULL) {
		err = dgit_error_fmt(DGIT_ERR_USAGE, "dgit-distro.%s.git-create "
		    "names '%s', which git cannot run as a receive-pack "
		    "(a space or shell character in it); install "
		    "dgit-repos-server elsewhere", p->distro, how + 10);
		goto done;
	}
	if (asprintf(&p->receive_pack, "--receive-pack=%s receive-pack",
	    how + 10) < 0) {
		p->receive_pack = NULL;
		err = dgit_error(DGIT_ERR_NOMEM);
	}
done:
	free(want);
	return err;
}

static const struct dgit_error *
push_to_server(struct dgit_pushsource *p)
{
	const struct dgit_error *err;
	char hex[GIT_OID_HEXSZ + 1], *spec[3] = { NULL, NULL, NULL };
	const char *argv[12];
	int n = 0;

	git_oid_tostr(hex, sizeof hex, &p->head);
	if (asprintf(&spec[0], "%s%s:refs/dgit/%s", nff(p) ? "+" : "",
	    hex, p->csuite) < 0 ||
	    asprintf(&spec[1], "%srefs/tags/%s", nff(p) ? "+" : "",
	    p->tag[0]) < 0 ||
	    (p->ntags > 1 && asprintf(&spec[2], "%srefs/tags/%s",
	    nff(p) ? "+" : "", p->tag[1]) < 0)) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	argv[n++] = "git";
	argv[n++] = "-c";
	argv[n++] = "push.followTags=false";
	argv[n++] = "push";
	argv[n++] = "--atomic";
	if (p->receive_pack)
		argv[n++] = p->receive_pack;
	argv[n++] = p->push_url;
	argv[n++] = spec[0];
	argv[n++] = spec[1];
	if (spec[2])
		argv[n++] = spec[2];
	argv[n] = NULL;
	dgit_msg(p->o->info, p->o->info_arg, "pushing to %s", p->push_url);
	if ((err = run_tool(p, argv, git_repository_workdir(p->repo))))
		err = dgit_error_wrap(err, "Push failed, while updating the "
		    "remote git repository: git push to '%s' failed; fix the "
		    "problem and run this again: the tags and signed files "
		    "are kept and will be reused", p->push_url);
done:
	for (int i = 0; i < 3; i++)
		free(spec[i]);
	return err;
}

static const struct dgit_error *
update_tracking(struct dgit_pushsource *p)
{
	const struct dgit_error *err;
	char *lrref = NULL;
	git_oid old;
	int had;

	if ((err = dgit_history_tracking_ref(&lrref, p->csuite)))
		return err;
	had = git_reference_name_to_id(&old, p->repo, lrref) == 0;
	if (p->o->hold)
		p->o->hold(p->o->told_arg, 1);
	err = dgit_history_update_ref(p->repo, lrref, had ? &old : NULL,
	    &p->head, "dgit push");
	if (p->o->hold)
		p->o->hold(p->o->told_arg, 0);
	free(lrref);
	return err;
}

#define DPUT_MAX_OPTS 32

static const struct dgit_error *
upload(struct dgit_pushsource *p)
{
	const struct dgit_error *err;
	const char *host = dgit_config_get_distro(p->cfg, p->distro,
	    "upload-host");
	const char *argv[DPUT_MAX_OPTS + 5];
	char *log = NULL;
	int n = 0;

	if ((err = upload_log(&log, p)))
		return err;
	if (log) {
		dgit_msg(p->o->info, p->o->info_arg, "%s was uploaded "
		    "already (%s)", p->changes_name, log);
		free(log);
		return NULL;
	}
	argv[n++] = p->o->dput ? p->o->dput : "dput";
	if (p->o->ndput_opts > DPUT_MAX_OPTS)
		return dgit_error_fmt(DGIT_ERR_USAGE, "%zu --dput: options; "
		    "at most %d can be given", p->o->ndput_opts, DPUT_MAX_OPTS);
	for (size_t i = 0; i < p->o->ndput_opts; i++)
		argv[n++] = p->o->dput_opts[i];
	if (host)
		argv[n++] = host;
	argv[n++] = p->changes_path;
	argv[n] = NULL;
	dgit_msg(p->o->info, p->o->info_arg, "uploading %s with dput%s%s",
	    p->changes_name, host ? " to " : "", host ? host : "");
	if ((err = run_tool(p, argv, NULL)))
		return dgit_error_wrap(err, "upload of '%s' failed; fix the "
		    "problem and run this again (or dput it yourself)",
		    p->changes_path);
	return NULL;
}

void
dgit_pushsource_free(struct dgit_pushsource *p)
{
	if (p == NULL)
		return;
	dgit_archive_source_free(p->asrc);
	dgit_changelog_free(p->cl);
	free(p->arch_v);
	dgit_dsc_free(p->dsc);
	git_signature_free(p->clog_sig);
	free(p->csuite);
	free(p->dsc_name);
	free(p->changes_name);
	free(p->dsc_path);
	free(p->changes_path);
	free(p->reader_url);
	free(p->push_url);
	free(p->receive_pack);
	for (int i = 0; i < 2; i++) {
		free(p->tag[i]);
		free(p->tagtext[i]);
	}
	free(p);
}

const struct dgit_error *
dgit_pushsource_new(struct dgit_pushsource **out, git_repository *repo,
    struct dgit_config *cfg, const char *distro)
{
	struct dgit_pushsource *p;

	*out = NULL;
	if ((p = calloc(1, sizeof *p)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	*out = p;
	p->repo = repo;
	p->cfg = cfg;
	return read_changelog(p, distro);
}

const char *
dgit_pushsource_distro(const struct dgit_pushsource *p)
{
	return p->distro;
}

/*
 * push-built without -C: the one PKG_VER_*.changes in the bpd (a build's
 * _source, _ARCH or _multi), as dgit looks for it.  NULL *out when none.
 */
static const struct dgit_error *
find_changes(char **out, const char *bpd, const char *pkg, const char *nov)
{
	DIR *d;
	struct dirent *e;
	char *prefix = NULL;
	size_t pl, n = 0;
	const struct dgit_error *err = NULL;

	*out = NULL;
	if (asprintf(&prefix, "%s_%s_", pkg, nov) < 0)
		return dgit_error(DGIT_ERR_NOMEM);
	pl = strlen(prefix);
	if ((d = opendir(bpd)) == NULL) {
		free(prefix);
		return NULL;
	}
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);

		if (l <= pl + 8 || strncmp(e->d_name, prefix, pl) != 0 ||
		    strcmp(e->d_name + l - 8, ".changes") != 0 ||
		    strchr(e->d_name + pl, '/'))
			continue;
		if (n++ == 0 && (*out = strdup(e->d_name)) == NULL) {
			err = dgit_error(DGIT_ERR_NOMEM);
			break;
		}
	}
	closedir(d);
	if (err == NULL && n > 1) {
		free(*out);
		*out = NULL;
		err = dgit_error_fmt(DGIT_ERR_USAGE, "failed to find unique "
		    "changes file (looked for %s*.changes in %s); perhaps you "
		    "need to use dgit -C", prefix, bpd);
	}
	free(prefix);
	return err;
}

/* The names and paths of the .dsc and the .changes in the bpd. */
static const struct dgit_error *
file_names(struct dgit_pushsource *p)
{
	const struct dgit_error *err;
	const char *bpd = p->o->bpd, *ch = p->o->changes;
	char *nov = NULL;

	if ((err = dgit_version_noepoch(&nov, p->ce->version)))
		return err;
	if (asprintf(&p->dsc_name, "%s_%s.dsc", p->ce->package, nov) < 0)
		p->dsc_name = NULL;
	if (ch) {
		const char *b = strrchr(ch, '/');

		p->changes_name = strdup(b ? b + 1 : ch);
		if (ch[0] == '/')
			p->changes_path = strdup(ch);
		else if (asprintf(&p->changes_path, "%s/%s", bpd, ch) < 0)
			p->changes_path = NULL;
	} else if (p->o->built && (err = find_changes(&p->changes_name, bpd,
	    p->ce->package, nov))) {
		free(nov);
		return err;
	}
	if (p->changes_name == NULL && !ch &&
	    asprintf(&p->changes_name, "%s_%s_source.changes",
	    p->ce->package, nov) < 0)
		p->changes_name = NULL;
	if (p->changes_path == NULL && p->changes_name && !ch &&
	    asprintf(&p->changes_path, "%s/%s", bpd, p->changes_name) < 0)
		p->changes_path = NULL;
	free(nov);
	if (p->dsc_name == NULL || p->changes_name == NULL ||
	    p->changes_path == NULL ||
	    asprintf(&p->dsc_path, "%s/%s", bpd, p->dsc_name) < 0)
		return dgit_error(DGIT_ERR_NOMEM);
	return NULL;
}

/*
 * push-source -C: the .changes must be source-only, as dgit checks:
 * every file a .dsc, .diff.gz, tarball (with its .asc) or
 * _source.buildinfo.
 */
static int
source_only_name(const char *f)
{
	size_t n = strlen(f);
	const char *t;

#define ENDS(s) (n >= strlen(s) && strcmp(f + n - strlen(s), s) == 0)
	if (ENDS(".dsc") || ENDS(".diff.gz") || ENDS("_source.buildinfo"))
		return 1;
#undef ENDS
	/* .tar, .tar.EXT, either with .asc */
	for (t = f; (t = strstr(t, ".tar")) != NULL; t++) {
		const char *r = t + 4;

		if (*r == '.' && strcmp(r, ".asc") != 0) {
			r++;
			while (*r && (islower((unsigned char)*r) ||
			    isdigit((unsigned char)*r)))
				r++;
		}
		if (*r == '\0' || strcmp(r, ".asc") == 0)
			return 1;
	}
	return 0;
}

static const struct dgit_error *
check_source_only(struct dgit_pushsource *p)
{
	const struct dgit_error *err;
	struct dgit_deb822_para **paras = NULL;
	char *buf = NULL, *text = NULL;
	const char *files, *l, *e;
	size_t len, tl, n = 0;
	int was_signed;

	if (p->o->built || p->o->changes == NULL)
		return NULL;
	if ((err = dgit_fs_read_file(&buf, &len, p->changes_path,
	    MAX_CONTROL)) ||
	    (err = dgit_push_unsigned_text(&text, &tl, &was_signed, buf, len,
	    p->changes_name)) ||
	    (err = dgit_deb822_parse(&paras, &n, text, tl, p->changes_name)))
		goto done;
	files = n ? dgit_deb822_get(paras[0], "Files") : NULL;
	if (files == NULL) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "'%s' has no Files "
		    "field", p->changes_name);
		goto done;
	}
	for (l = files; *l; l = *e ? e + 1 : e) {
		const char *w;
		char name[1024];

		e = strchr(l, '\n');
		if (e == NULL)
			e = l + strlen(l);
		for (w = e; w > l && w[-1] != ' '; w--)
			;
		if (w == e)
			continue;
		snprintf(name, sizeof name, "%.*s", (int)(e - w), w);
		if (!source_only_name(name)) {
			err = dgit_error_fmt(DGIT_ERR_USAGE, "user-specified "
			    "changes file is not source-only: '%s' lists "
			    "'%s'; give a source-only .changes (dgit "
			    "build-source makes one), or use push-built",
			    p->changes_name, name);
			goto done;
		}
	}
done:
	dgit_deb822_paras_free(paras, n);
	free(text);
	free(buf);
	return err;
}

/*
 * An existing build in a build products directory other than "..": the
 * .dsc's files it lacks but ".." has (origs kept beside the tree) are
 * hard-linked into it (else copied), as dgit does.
 */
static const struct dgit_error *
link_from_parent(struct dgit_pushsource *p)
{
	const struct dgit_error *err = NULL;
	char parent[4096], bpd_real[4096], par_real[4096];
	char *src = NULL, *dst = NULL;

	snprintf(parent, sizeof parent, "%s..", git_repository_workdir(p->repo));
	if (realpath(p->o->bpd, bpd_real) == NULL ||
	    realpath(parent, par_real) == NULL ||
	    strcmp(bpd_real, par_real) == 0)
		return NULL;
	if ((err = read_dsc(p, 0)))
		return err;
	for (size_t i = 0; i < p->dsc->nfiles && err == NULL; i++) {
		const char *f = p->dsc->files[i].name;

		if (asprintf(&src, "%s/%s", par_real, f) < 0)
			src = NULL;
		if (asprintf(&dst, "%s/%s", p->o->bpd, f) < 0)
			dst = NULL;
		if (src == NULL || dst == NULL)
			err = dgit_error(DGIT_ERR_NOMEM);
		else if (!exists(dst) && exists(src)) {
			err = dgit_fs_link_or_copy(src, dst);
			if (err == NULL)
				dgit_msg(p->o->info, p->o->info_arg, "linked "
				    "%s from .. into %s", f, p->o->bpd);
		}
		free(src);
		free(dst);
		src = dst = NULL;
	}
	dgit_dsc_free(p->dsc);
	p->dsc = NULL;
	return err;
}

/*
 * Is leaf an orig tarball (or its signature) of pkg at upstream version
 * upv: PKG_UPV.orig[-COMP].tar[.EXT][.asc|.gpg|.pgp], as dgit matches it?
 */
static int
is_orig_of(const char *leaf, const char *pkg, const char *upv)
{
	size_t pl = strlen(pkg), ul = strlen(upv), n;

	if (strncmp(leaf, pkg, pl) != 0 || leaf[pl] != '_' ||
	    strncmp(leaf + pl + 1, upv, ul) != 0 ||
	    strncmp(leaf + pl + 1 + ul, ".orig", 5) != 0)
		return 0;
	leaf += pl + 1 + ul + 5;
	if (*leaf == '-') {
		n = strspn(leaf + 1, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");
		if (n == 0)
			return 0;
		leaf += 1 + n;
	}
	if (strncmp(leaf, ".tar", 4) != 0)
		return 0;
	leaf += 4;
	if (*leaf == '.' && strcmp(leaf, ".asc") != 0 &&
	    strcmp(leaf, ".gpg") != 0 && strcmp(leaf, ".pgp") != 0) {
		n = strspn(leaf + 1, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
		if (n == 0)
			return 0;
		leaf += 1 + n;
	}
	return *leaf == '\0' || strcmp(leaf, ".asc") == 0 ||
	    strcmp(leaf, ".gpg") == 0 || strcmp(leaf, ".pgp") == 0;
}

/*
 * A build into a build products directory other than "..": the origs of
 * this upstream version that ".." has and the directory lacks are
 * hard-linked into it (else copied), as dgit does before it builds.
 */
static const struct dgit_error *
transfer_origs(struct dgit_pushsource *p)
{
	const struct dgit_error *err = NULL;
	char parent[4096], bpd_real[4096], par_real[4096];
	char *upv = NULL, *src = NULL, *dst = NULL;
	struct dirent *de;
	DIR *d = NULL;
	int said = 0;

	snprintf(parent, sizeof parent, "%s..", git_repository_workdir(p->repo));
	if (realpath(p->o->bpd, bpd_real) == NULL ||
	    realpath(parent, par_real) == NULL ||
	    strcmp(bpd_real, par_real) == 0)
		return NULL;
	if ((err = dgit_version_upstream(&upv, p->ce->version)))
		return err;
	if ((d = opendir(par_real)) == NULL) {
		err = dgit_error_fmt(DGIT_ERR_ERRNO, "cannot read '%s': %s",
		    par_real, strerror(errno));
		goto done;
	}
	while (err == NULL && (de = readdir(d)) != NULL) {
		if (!is_orig_of(de->d_name, p->ce->package, upv))
			continue;
		if (asprintf(&src, "%s/%s", par_real, de->d_name) < 0)
			src = NULL;
		if (asprintf(&dst, "%s/%s", bpd_real, de->d_name) < 0)
			dst = NULL;
		if (src == NULL || dst == NULL)
			err = dgit_error(DGIT_ERR_NOMEM);
		else if (!exists(dst)) {
			if (!said++)
				dgit_msg(p->o->info, p->o->info_arg, "found "
				    "orig(s) in .. missing from "
				    "build-products-dir, transferring:");
			err = dgit_fs_link_or_copy(src, dst);
			if (err == NULL)
				dgit_msg(p->o->info, p->o->info_arg,
				    "hardlinked orig from ..: %s",
				    de->d_name);
		}
		free(src);
		free(dst);
		src = dst = NULL;
	}
done:
	if (d)
		closedir(d);
	free(upv);
	return err;
}

/*
 * dgit's files_compare_inputs: each file's size and hash, in each of
 * the Checksums-Sha256, Checksums-Sha1 and Files fields, must be the
 * same in the .dsc and the .changes, and some file must be in both.
 */
#define CMP_MAX_FILES 256
struct cmp_rec {
	char *name;
	char *info[3];             /* "HASH SIZE" per field */
	int in;                    /* bit per input */
};

static const struct dgit_error *
cmp_field(struct cmp_rec *r, size_t *nr, int fi, int input,
    const char *field, const char *fname, const char *in_name,
    const char *inputs)
{
	for (const char *l = field, *e; *l; l = *e ? e + 1 : e) {
		const char *w[5];
		size_t wl[5], nw = 0, i;
		const char *c;
		char *info;

		e = strchr(l, '\n');
		if (e == NULL)
			e = l + strlen(l);
		for (c = l; c < e && nw < 5; ) {
			while (c < e && (*c == ' ' || *c == '\t'))
				c++;
			if (c == e)
				break;
			w[nw] = c;
			while (c < e && *c != ' ' && *c != '\t')
				c++;
			wl[nw] = (size_t)(c - w[nw]);
			nw++;
		}
		if (nw == 0)
			continue;
		if ((nw != 3 && nw != 5) || c != e ||
		    wl[nw - 1] > 255 || wl[0] > 128 || wl[1] > 20)
			return dgit_error_fmt(DGIT_ERR_PARSE, "could not parse "
			    "%s %s line '%.*s'", in_name, fname,
			    (int)(e - l) > 200 ? 200 : (int)(e - l), l);
		for (i = 0; i < *nr; i++)
			if (strlen(r[i].name) == wl[nw - 1] &&
			    memcmp(r[i].name, w[nw - 1], wl[nw - 1]) == 0)
				break;
		if (i == *nr) {
			if (*nr >= CMP_MAX_FILES)
				return dgit_error_fmt(DGIT_ERR_LIMIT, "%s "
				    "lists too many files", in_name);
			if ((r[i].name = strndup(w[nw - 1], wl[nw - 1])) ==
			    NULL)
				return dgit_error(DGIT_ERR_NOMEM);
			(*nr)++;
		}
		if (asprintf(&info, "%.*s %.*s", (int)wl[0], w[0],
		    (int)wl[1], w[1]) < 0)
			return dgit_error(DGIT_ERR_NOMEM);
		r[i].in |= 1 << input;
		if (r[i].info[fi] == NULL) {
			r[i].info[fi] = info;
			continue;
		}
		if (strcmp(r[i].info[fi], info) != 0) {
			const struct dgit_error *err = dgit_error_fmt(
			    DGIT_ERR_CHECKSUM, "hash or size of %s varies in "
			    "%s fields (between: %s); rebuild the source "
			    "package (or --force-dsc-changes-mismatch)",
			    r[i].name, fname, inputs);

			free(info);
			return err;
		}
		free(info);
	}
	return NULL;
}

static const struct dgit_error *
compare_inputs(struct dgit_pushsource *p)
{
	static const char *const fields[3] = { "Checksums-Sha256",
	    "Checksums-Sha1", "Files" };
	const struct dgit_error *err = NULL;
	const char *paths[2] = { p->dsc_path, p->changes_path };
	const char *names[2] = { p->dsc_name, p->changes_name };
	struct cmp_rec *r = NULL;
	size_t nr = 0, both = 0;
	char *inputs = NULL;

	if (p->o->force_dsc_changes_mismatch || !exists(p->dsc_path) ||
	    !exists(p->changes_path))
		return NULL;
	if (asprintf(&inputs, "%s; %s", p->dsc_name, p->changes_name) < 0)
		return dgit_error(DGIT_ERR_NOMEM);
	if ((r = calloc(CMP_MAX_FILES, sizeof *r)) == NULL) {
		free(inputs);
		return dgit_error(DGIT_ERR_NOMEM);
	}
	for (int in = 0; in < 2 && err == NULL; in++) {
		struct dgit_deb822_para **paras = NULL;
		char *buf = NULL, *text = NULL;
		size_t len, tl, n = 0;
		int was_signed, any = 0;

		if ((err = dgit_fs_read_file(&buf, &len, paths[in],
		    MAX_CONTROL)) == NULL &&
		    (err = dgit_push_unsigned_text(&text, &tl, &was_signed,
		    buf, len, names[in])) == NULL &&
		    (err = dgit_deb822_parse(&paras, &n, text, tl,
		    names[in])) == NULL) {
			for (int fi = 0; fi < 3 && err == NULL; fi++) {
				const char *v = n ? dgit_deb822_get(paras[0],
				    fields[fi]) : NULL;

				if (v == NULL)
					continue;
				any = 1;
				err = cmp_field(r, &nr, fi, in, v, fields[fi],
				    names[in], inputs);
			}
			if (err == NULL && !any)
				err = dgit_error_fmt(DGIT_ERR_PARSE, "%s has "
				    "no files list field(s)", names[in]);
		}
		dgit_deb822_paras_free(paras, n);
		free(text);
		free(buf);
	}
	for (size_t i = 0; i < nr; i++)
		if (r[i].in == 3)
			both++;
	if (err == NULL && both == 0)
		err = dgit_error_fmt(DGIT_ERR_USAGE, "no file appears in all "
		    "file lists (looked in: %s); rebuild the source package",
		    inputs);
	for (size_t i = 0; i < nr; i++) {
		free(r[i].name);
		for (int fi = 0; fi < 3; fi++)
			free(r[i].info[fi]);
	}
	free(r);
	free(inputs);
	return err;
}

/*
 * The distro's source-only-uploads policy (dgit-distro.D.source-only-
 * uploads: ok, always, never, not-wholly-new), as dgit checks it: a
 * .changes with .debs or without, against the policy.
 */
static const struct dgit_error *
source_only_policy(struct dgit_pushsource *p)
{
	const struct dgit_error *err;
	const char *pol = dgit_config_get_distro(p->cfg, p->distro,
	    "source-only-uploads");
	struct dgit_deb822_para **paras = NULL;
	char *buf = NULL, *text = NULL;
	const char *files;
	size_t len, tl, n = 0;
	int was_signed, hasdebs = 0, nwn;

	if (pol == NULL)
		pol = "ok";
	if (strcmp(pol, "ok") != 0 && strcmp(pol, "always") != 0 &&
	    strcmp(pol, "never") != 0 && strcmp(pol, "not-wholly-new") != 0)
		return dgit_error_cfmt(DGIT_ECLASS_CONFIG, DGIT_ERR_USAGE,
		    "unknown source-only-uploads policy '%s'; set "
		    "dgit-distro.%s.source-only-uploads to ok, always, never "
		    "or not-wholly-new", pol, p->distro);
	if (strcmp(pol, "ok") == 0 || !exists(p->changes_path))
		return NULL;
	if ((err = dgit_fs_read_file(&buf, &len, p->changes_path,
	    MAX_CONTROL)) ||
	    (err = dgit_push_unsigned_text(&text, &tl, &was_signed, buf, len,
	    p->changes_name)) ||
	    (err = dgit_deb822_parse(&paras, &n, text, tl, p->changes_name)))
		goto done;
	files = n ? dgit_deb822_get(paras[0], "Files") : NULL;
	for (const char *l = files ? files : "", *e; *l; l = *e ? e + 1 : e) {
		e = strchr(l, '\n');
		if (e == NULL)
			e = l + strlen(l);
		if (e - l >= 4 && memcmp(e - 4, ".deb", 4) == 0)
			hasdebs = 1;
	}
	if (strcmp(pol, "always") == 0 && hasdebs && !p->o->force_binaries)
		err = dgit_error_fmt(DGIT_ERR_USAGE, "uploading binaries, "
		    "although distro policy is source only; upload the "
		    "source alone (dgit push-source), or "
		    "--force-uploading-binaries");
	else if (strcmp(pol, "never") == 0 && !hasdebs &&
	    !p->o->force_source_only)
		err = dgit_error_fmt(DGIT_ERR_USAGE, "source-only upload, "
		    "although distro policy requires .debs; build them "
		    "(dgit build) and use push-built, or "
		    "--force-uploading-source-only");
	else if (strcmp(pol, "not-wholly-new") == 0 && !hasdebs &&
	    p->o->new_pkg && !p->o->force_source_only &&
	    (err = dgit_aq_package_not_wholly_new(&nwn, p->ao,
	    dgit_config_get_distro(p->cfg, p->distro, "archive-query"),
	    p->ce->package)) == NULL && nwn == 0)
		err = dgit_error_fmt(DGIT_ERR_USAGE, "source-only upload, "
		    "though package appears entirely NEW\n(this is probably "
		    "contrary to policy in %s); build the binaries (dgit "
		    "build) and use push-built, or "
		    "--force-uploading-source-only", p->nomdistro);
done:
	dgit_deb822_paras_free(paras, n);
	free(text);
	free(buf);
	return err;
}

/*
 * The origs the .dsc names against the archive's, before any tag is
 * made, as dgit checks them (the .changes is redone from the same
 * answers when it is signed).
 */
static const struct dgit_error *
check_origs(struct dgit_pushsource *p)
{
	const struct dgit_error *err;
	int have;

	if (p->dsc == NULL)
		return NULL;
	for (size_t i = 0; i < p->dsc->nfiles; i++) {
		enum dgit_dsc_file_kind k = p->dsc->files[i].kind;

		if (k != DGIT_DSC_ORIG && k != DGIT_DSC_ORIG_COMPONENT &&
		    k != DGIT_DSC_ORIG_SIG)
			continue;
		if ((err = archive_has(&have, p->dsc->files[i].name,
		    p->dsc->files[i].sha256, p)))
			return err;
	}
	return NULL;
}

/* The .dsc to push: the given build, an earlier run's, or a new one. */
static const struct dgit_error *
get_build(struct dgit_pushsource *p)
{
	const struct dgit_error *err;

	if (p->o->built || p->o->changes) {
		struct stat st;

		/* dgit's words, which its users and tests know */
		if (stat(p->dsc_path, &st) != 0)
			return dgit_error_fmt(DGIT_ERR_NOT_FOUND,
			    "looked for .dsc %s, but %s; maybe you forgot to "
			    "build", p->dsc_path, strerror(errno));
		if (!exists(p->changes_path))
			return dgit_error_fmt(DGIT_ERR_NOT_FOUND, "no '%s' "
			    "and '%s' to upload; build them first, or use "
			    "dgit push-source", p->dsc_path, p->changes_path);
		if ((err = check_source_only(p)) ||
		    (err = link_from_parent(p)) ||
		    (err = split_view_of_head(p)))
			return err;
		return read_dsc(p, 1);
	}
	if (p->o->dry_run) {
		dgit_msg(p->o->info, p->o->info_arg, "would build %s and %s "
		    "(quilt fixup, dpkg-source -b, dpkg-genchanges -S, "
		    "checked against HEAD)", p->dsc_name, p->changes_name);
		return NULL;
	}
	if (!p->split && signed_for_head(p)) {
		dgit_msg(p->o->info, p->o->info_arg, "%s is signed already, "
		    "for HEAD; using it", p->dsc_name);
		return read_dsc(p, 1);
	}
	if ((err = transfer_origs(p)) || (err = build_source(p)) ||
	    (p->stitch_later && (err = gdr_stitch(p, &p->arch_tip))))
		return err;
	return read_dsc(p, 0);
}

static void
fill_result(struct dgit_pushsource_result *r,
    const struct dgit_pushsource *p, enum dgit_pushsource_stage stage)
{
	r->stage = stage;
	git_oid_tostr(r->head, sizeof r->head, &p->head);
	r->version = p->ce->version;
	r->tag[0] = p->tag[0];
	r->tag[1] = p->ntags > 1 ? p->tag[1] : NULL;
	r->dsc_name = p->dsc_name;
	r->changes_name = p->changes_name;
	r->csuite = p->csuite;
	r->push_url = p->push_url;
	r->upload_host = dgit_config_get_distro(p->cfg, p->distro,
	    "upload-host");
}

/*
 * dgit's tainted-objects pre-check: unless
 * dgit-distro.DISTRO.policy-query-supported-ssh is "false", ask the git
 * server's policy (through ssh on the git host) which objects it would
 * refuse, and fail, before anything is signed, when HEAD's history has
 * one that no --deliberately given overrides (with --force-push-tainted:
 * a warning, and the server decides).  "unknown" (the default) lets a
 * failing query pass: the server checks again anyway.
 */
static const struct dgit_error *
tainted_precheck(struct dgit_pushsource *p)
{
	const struct dgit_error *err;
	const char *pq = dgit_config_get_distro(p->cfg, p->distro,
	    "policy-query-supported-ssh");
	const char *delib[DGIT_PUSHSOURCE_MAX_DELIBERATELY];
	char bares[DGIT_PUSHSOURCE_MAX_DELIBERATELY][128];
	char *rune = NULL, *json = NULL, *report = NULL;
	size_t nd = 0;
	int status = 0;

	if (pq == NULL)
		pq = "unknown";
	if (strcmp(pq, "false") != 0 && strcmp(pq, "true") != 0 &&
	    strcmp(pq, "unknown") != 0)
		return dgit_error_cfmt(DGIT_ECLASS_CONFIG, DGIT_ERR_USAGE,
		    "policy-query-supported-ssh value '%s' must be "
		    "false/true/unknown", pq);
	if (strcmp(pq, "false") == 0 ||
	    dgit_config_get_distro(p->cfg, p->distro, "git-host") == NULL)
		return NULL;
	if (!dgit_tag_package_name_ok(p->ce->package) ||
	    strpbrk(p->csuite, " \t\n;'\"\\$`") != NULL)
		return NULL;
	if (asprintf(&rune, ": dgit %s policy-client-query %s tainted-objects "
	    "%s ; true", p->distro, p->ce->package, p->csuite) < 0)
		return dgit_error(DGIT_ERR_NOMEM);
	err = dgit_gitfetch_ssh(&json, &status, p->cfg, p->distro, rune);
	if (err == NULL && status != 0)
		err = dgit_error_fmt(DGIT_ERR_CHILD, "the git server's "
		    "policy-client-query exited with status %d", status);
	if (err) {
		if (strcmp(pq, "unknown") == 0)
			err = NULL;
		goto done;
	}
	if (json[0] == '\0')
		goto done;
	nd = deliberatelies(delib, bares, p);
	if ((err = dgit_taint_check(&report, p->repo, &p->head, json,
	    strlen(json), delib, nd, p->o->info, p->o->info_arg)) ||
	    report == NULL)
		goto done;
	if (p->o->force_tainted)
		dgit_msg(p->o->info, p->o->info_arg, "warning: overriding "
		    "problem due to --force:\npushing tainted objects (which "
		    "server would reject)%s", report);
	else {
		/* as dgit: the report, then the error */
		if (p->o->info)
			p->o->info(p->o->info_arg, report);
		err = dgit_error_fmt(DGIT_ERR_USAGE, "pushing tainted objects "
		    "(which server would reject)");
	}
done:
	free(report);
	free(json);
	free(rune);
	return err;
}

/*
 * How many tags: the archive/ tag, and DEP-14's DISTRO/VERSION unless
 * dgit-distro.DISTRO.dep14tag (dgit's "want", "no" or "always") is "no"
 * and there is no maintainer view to tag.
 */
static const struct dgit_error *
dep14_tags(struct dgit_pushsource *p)
{
	const char *v = dgit_config_get_distro(p->cfg, p->distro, "dep14tag");

	p->ntags = 2;
	if (v == NULL || strcmp(v, "want") == 0 || strcmp(v, "always") == 0)
		return NULL;
	if (strcmp(v, "no") != 0)
		return dgit_error_cfmt(DGIT_ECLASS_CONFIG, DGIT_ERR_USAGE,
		    "unknown dep14tag setting `%s'", v);
	if (!p->split)
		p->ntags = 1;
	return NULL;
}

/*
 * dgit's word after a failure before anything reached the server: where
 * the push stopped, and that it can be retried (its users, and scripts,
 * look for "You can retry the push").
 */
static const struct dgit_error *
phase_failed(const struct dgit_error *err, const char *phase)
{
	if (err == NULL || err->code == DGIT_ERR_CANCELLED)
		return err;
	return dgit_error_cfmt(err->cls, err->code, "%s\nPush failed, while "
	    "%s.\nYou can retry the push, after fixing the problem, if you "
	    "like.", err->msg, phase);
}

const struct dgit_error *
dgit_pushsource_run(struct dgit_pushsource_result *res,
    struct dgit_pushsource *p, const struct dgit_pushsource_opts *opts)
{
	const struct dgit_error *err;

	memset(res, 0, sizeof *res);
	p->o = opts;
	p->split = opts->quilt_mode >= DGIT_QUILT_GBP ||
	    opts->split_view == DGIT_SPLIT_VIEW_ALWAYS;
	if ((err = dep14_tags(p)))
		return err;
	if ((err = git_url(&p->reader_url, p, 0)) ||
	    (err = git_url(&p->push_url, p, 1)) ||
	    (err = query_archive(p)))
		return phase_failed(err, "checking state of the archive");
	if ((err = check_history(p)) ||
	    (err = file_names(p)) || (err = make_tag_names(p)) ||
	    (err = check_old_tags(p)) || (err = get_build(p)) ||
	    (err = compare_inputs(p)) || (err = source_only_policy(p)) ||
	    (err = check_origs(p)) ||
	    (err = make_pseudomerge(p)) || (err = tainted_precheck(p)) ||
	    (err = make_tag_texts(p)))
		return phase_failed(err, "preparing your push");
	if (p->o->dry_run) {
		fill_result(res, p, DGIT_PUSHSOURCE_DRY_RUN);
		return NULL;
	}
	if (p->o->sign_elsewhere)
		err = sign_elsewhere(p);
	else if ((err = sign_tags(p)) == NULL)
		err = sign_files(p);
	if (err)
		return phase_failed(err, "signing the tag");
	if (p->o->damp_run) {
		fill_result(res, p, DGIT_PUSHSOURCE_SIGNED);
		return NULL;
	}
	if ((err = ensure_server_repo(p)) || (err = push_to_server(p)) ||
	    (err = update_tracking(p)) || (err = upload(p)))
		return err;
	fill_result(res, p, DGIT_PUSHSOURCE_DONE);
	return NULL;
}
