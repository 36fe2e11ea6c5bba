/*
 * A push of HEAD (dgit push-source, push-built): the checks against the
 * changelog, the archive and the history, the build (push-source), the
 * signed tags and files, git push --atomic to the dgit git server, the
 * upload with dput.  A step an earlier run has done (a tag, a signed
 * file, the push, the upload) is recognised and not done again, so a
 * push that failed after signing can be run again and completes the
 * same upload.  Progress lines go to the info callback; nothing prints.
 */
#ifndef DGIT_PUSHSOURCE_H
#define DGIT_PUSHSOURCE_H

#include <git2.h>

#include "dgit_archive.h"
#include "dgit_config.h"
#include "dgit_error.h"
#include "dgit_fetchsuite.h"

struct dgit_pushsource;

/*
 * What the program provides: the archive's access for the changelog's
 * suite (*out owned by the program, valid until dgit_pushsource_free),
 * and a dgit fetch of package in suite into the tracking ref (res
 * released by the caller with dgit_fetchsuite_result_release).
 */
struct dgit_pushsource_env {
	const struct dgit_error *(*archive)(
	    const struct dgit_archive_opts **out, void *arg, const char *suite,
	    const char *package);
	const struct dgit_error *(*fetch)(struct dgit_fetchsuite_result *res,
	    void *arg, const char *package, const char *suite);
	void *arg;
};

/*
 * Signing elsewhere (dgit rpush: the build host has the build, another
 * host the key).  The push hands over what is to be signed once every
 * check is done and the tag texts are made; the callback fills in the
 * signed results (malloc'd, the push frees them), which the push checks
 * (each tag names its commit and its name; the .dsc is this version's
 * with a Dgit: field naming head) and then uses as its own.
 */
struct dgit_pushsource_signing {
	int ntags;
	const char *tag[2];        /* tag names, without refs/tags/ */
	const char *tagtext[2];    /* this push's unsigned tag texts */
	char head[GIT_OID_HEXSZ + 1];        /* the dgit view pushed */
	char maint_head[GIT_OID_HEXSZ + 1];  /* "" unless split */
	int split;
	const char *package, *version;
	const char *csuite, *isuite;
	const char *dsc_path, *dsc_name;      /* the unsigned .dsc */
	const char *changes_name;
	const char *changes_text;  /* the .changes to sign, unsigned */
	size_t changes_len;
	const char *bpd;           /* where the files are */
	/* filled in by the callback */
	char *signed_tag[2];       /* tag objects: text and signature */
	size_t signed_tag_len[2];
	char *signed_dsc, *signed_changes;
	size_t signed_dsc_len, signed_changes_len;
	/* other files the .changes lists that came back signed (the
	 * .buildinfo files): names (no '/') and contents, all malloc'd */
	int nextra;
	char *extra_name[8], *signed_extra[8];
	size_t signed_extra_len[8];
};

typedef const struct dgit_error *dgit_pushsource_sign_fn(void *arg,
    struct dgit_pushsource_signing *s);

/* The most --deliberately- options a push takes. */
#define DGIT_PUSHSOURCE_MAX_DELIBERATELY 16

struct dgit_pushsource_opts {
	const char *suite;         /* SUITE operand, or NULL */
	const char *changes;       /* -C: the .changes to upload, or NULL */
	int built;                 /* push-built: never build */
	int new_pkg;               /* --new */
	int overwrite;             /* --overwrite[=VERSION] */
	const char *overwrite_version;
	int not_ff;                /* --deliberately-not-fast-forward */
	int fresh_repo;            /* --deliberately-fresh-repo: as not_ff,
	                              and the tags ask the server to start
	                              the repository afresh */
	int questionable;          /* --deliberately-include-questionable-
	                              history: said in the tags, and
	                              overrides the taints it names */
	/*
	 * Every --deliberately-SOMETHING given, in order (borrowed): said
	 * in the tags' [dgit ...] line for the server's policy, and
	 * matched against the taints' overrides (a "TEST-dgit-only-" after
	 * "--deliberately-" is ignored there); those not_ff, fresh_repo and
	 * questionable stand for are added when missing.
	 */
	const char *const *deliberately;
	size_t ndeliberately;      /* at most DGIT_PUSHSOURCE_MAX_DELIBERATELY */
	int force_tainted;         /* --force-push-tainted: the tainted-
	                              objects pre-check only warns */
	int reuse_version;         /* --force-reusing-version: a tag of this
	                              version made before is replaced */
	int old_version;           /* --force-uploading-old-version: a
	                              version not newer than the archive's */
	int quilt_mode;            /* enum dgit_quilt_mode */
	int clean_mode;            /* enum dgit_clean_mode */
	int tracked_clean;         /* dgit_srcbuild_opts' */
	/*
	 * The splitting quilt modes (gbp, unapplied, dpm; or split_view,
	 * enum dgit_split_view, always): the dgit view, made beside HEAD
	 * (which is not changed), is what is pushed as refs/dgit/SUITE and
	 * tagged archive/...; the DEP-14 tag DISTRO/VERSION is on HEAD, the
	 * maintainer view.  A dgit view that does not contain the archive's
	 * gets dgit's "Make fast forward" pseudo-merge when the archive's
	 * version was pushed from a maintainer view HEAD contains (the
	 * previous push's two tags, here or on the git server), else needs
	 * --overwrite ("Declare fast forward"); either is made in the dgit
	 * view.
	 * dgit_view_save: a branch the dgit view is saved in, or NULL.
	 */
	int split_view;
	const char *dgit_view_save;
	/* --quilt=baredebian: the upstream commitish, or NULL (see
	 * dgit_quiltfix_opts) */
	const char *upstream_commitish;
	/* --gbp-pq (dgit_quiltfix_opts); borrowed, may be NULL */
	const char *gbp_pq;
	const char *bpd;           /* the build products directory */
	const char *keyid;         /* -k, or NULL: config, then Maintainer */
	int dry_run, damp_run;     /* -n: check only; -L: sign only */
	int quiet;                 /* tools' output to /dev/null */
	const char *dgit_version;
	const char *dput;          /* --dput=PROGRAM, or NULL: "dput" */
	const char *const *dput_opts;   /* --dput:OPTION, before the host */
	size_t ndput_opts;
	struct dgit_pushsource_env env;
	void (*info)(void *arg, const char *msg);   /* progress lines */
	void (*debug)(void *arg, const char *msg);  /* the build's detail */
	void *info_arg;
	/* For removal when interrupted: the build's (dgit_srcbuild_opts'
	 * tmpfile and told, the latter also told the temporary files the
	 * signed .dsc and .changes are written to); NULL: not told. */
	dgit_pack_tmpfile_fn *tmpfile;
	void *tmpfile_arg;
	void (*told)(void *arg, const char *path, int made);
	void *told_arg;
	/* dgit_srcbuild_opts' hold, also around moving HEAD to a
	 * pseudo-merge; NULL: not called. */
	void (*hold)(void *arg, int on);
	/* dgit's checks of the upload, each with its --force-: the
	 * .dsc's and .changes' hashes of each file agree
	 * (dsc-changes-mismatch); the distro's source-only-uploads policy
	 * (uploading-source-only, uploading-binaries). */
	int force_dsc_changes_mismatch;
	int force_source_only;
	int force_binaries;
	/* NULL: sign here with the user's key; else sign elsewhere
	 * (above), sign_arg its argument. */
	dgit_pushsource_sign_fn *sign_elsewhere;
	void *sign_arg;
};

/* How far a successful run went. */
enum dgit_pushsource_stage {
	DGIT_PUSHSOURCE_DRY_RUN,   /* checked; nothing changed */
	DGIT_PUSHSOURCE_SIGNED,    /* damp run: tags and files signed */
	DGIT_PUSHSOURCE_DONE,      /* pushed and uploaded */
};

/* What was (or would be) done; strings borrowed from the push. */
struct dgit_pushsource_result {
	enum dgit_pushsource_stage stage;
	char head[GIT_OID_HEXSZ + 1];
	const char *version;
	const char *tag[2];        /* archive view tag, maintainer tag */
	const char *dsc_name, *changes_name;
	const char *csuite;
	const char *push_url;
	const char *upload_host;   /* NULL: dput's default */
};

/*
 * Read repo's debian/changelog and check its first entry (one suite, not
 * UNRELEASED, a trailer); distro: -d, or NULL for the suite's.  repo and
 * cfg are borrowed and must outlive *out.  Free with
 * dgit_pushsource_free (also after a failure).
 */
const struct dgit_error *dgit_pushsource_new(struct dgit_pushsource **out,
    git_repository *repo, struct dgit_config *cfg, const char *distro);
/* The distro the push goes to (access name). */
const char *dgit_pushsource_distro(const struct dgit_pushsource *ps);
/* Do the push (once per ps); opts borrowed until dgit_pushsource_free. */
const struct dgit_error *dgit_pushsource_run(
    struct dgit_pushsource_result *res, struct dgit_pushsource *ps,
    const struct dgit_pushsource_opts *opts);
void dgit_pushsource_free(struct dgit_pushsource *ps);

#endif
