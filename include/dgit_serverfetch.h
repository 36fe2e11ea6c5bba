/*
 * What dgit fetch takes from the distro's dgit git server, and how it
 * combines that with the archive (dgit(7): the suite branch
 * refs/dgit/SUITE records the last dgit push; the archive/DISTRO/... and
 * DISTRO/... tags mark the versions pushed).
 *
 * dgit_serverfetch lists the server's refs/dgit/SUITE and its
 * archive/DISTRO/... and DISTRO/... tags, downloads their objects (no ref is
 * written), and says which tags to create here: a tag absent here is
 * created, one here with the same value is left, one here with another
 * value is left too, with dgit's "Not updating REF from OLD to NEW."
 *
 * dgit_serverfetch_choose is dgit's rule for the new tracking tip from the
 * Dgit: field's commit (or the import of a .dsc without one), the server's
 * suite branch and the previous tracking tip.
 */
#ifndef DGIT_SERVERFETCH_H
#define DGIT_SERVERFETCH_H

#include <stddef.h>

#include <git2.h>

#include "dgit_config.h"
#include "dgit_dsc.h"
#include "dgit_error.h"
#include "dgit_history.h"

/* Caps on what a server may offer (each ref name, and how many). */
#define DGIT_SERVERFETCH_MAX_REFS 100000
#define DGIT_SERVERFETCH_MAX_NAME 1024

struct dgit_serverfetch {
	int have_lastpush;
	git_oid lastpush;          /* the server's refs/dgit/SUITE */
	int have_map;
	git_oid map;               /* its refs/dgit-rewrite/map */
	/* Tags to create here (absent here, offered by the server):
	 * tag_names[i] ("refs/tags/...") with value tag_ids[i]; owned by the
	 * struct (dgit_serverfetch_release). */
	char **tag_names;
	git_oid *tag_ids;
	size_t ntags;
	/* Why nothing was fetched (no repository there, or the URL is not
	 * one this dgit can fetch from), or NULL; for a debug line. */
	char *skipped;
};

/*
 * Fetch from url (the package's repository on the git server) the
 * objects of refs/dgit/SUITE, refs/dgit-rewrite/map and of the tags
 * archive/DISTRO/... and
 * DISTRO/....  A server that cannot be reached or has no such repository
 * is not an error (out->skipped says why); a listing that succeeds
 * followed by a failing download is.  "Not updating ..." lines go to
 * info.  No ref is changed here: the caller writes the tags together
 * with its own ref (dgit_history_update_refs).
 */
const struct dgit_error *dgit_serverfetch(struct dgit_serverfetch *out,
    git_repository *repo, const char *url, const char *distro,
    const char *suite, void (*info)(void *arg, const char *msg),
    void *info_arg);
void dgit_serverfetch_release(struct dgit_serverfetch *sf);

/*
 * The new tracking tip, as dgit fetch chooses it:
 * - with dsc_commit (the Dgit: field's commit, usable): that commit,
 *   unless lastpush descends from it (then lastpush: the archive is
 *   behind), or neither descends from the other (then a pseudomerge of
 *   both, the archive's tree);
 * - else with import (the .dsc imported, version import_version): the
 *   import; with lastpush of an older version, a pseudomerge "Record PKG
 *   (VER) in archive suite SUITE" of lastpush and the import, the
 *   import's tree; with lastpush of the same or a newer version, lastpush;
 *   and lastfetch instead when it has the same version as that choice;
 * - else lastpush (in git, not yet in the archive);
 * then, when lastfetch is not an ancestor of what was chosen, a
 * pseudomerge recording that the result descends from it too.
 * Any of the commits may be NULL.  Messages for the user go to info.
 * DGIT_ERR_NOT_FOUND when there is nothing to choose.
 */
struct dgit_serverfetch_choice {
	const git_oid *dsc_commit;
	const git_oid *import;
	const char *import_version;
	const git_oid *lastpush;
	const git_oid *lastfetch;
	const char *package;
	const char *suite;         /* canonical, for the messages */
	void (*info)(void *arg, const char *msg);
	void *info_arg;
};
const struct dgit_error *dgit_serverfetch_choose(git_oid *out,
    git_repository *repo, const struct dgit_serverfetch_choice *c);

/*
 * The commit a .dsc's Dgit: field stands for, found as dgit does it
 * (dgit(1), --chase-dsc-distro): the field names a distro (the one-word
 * form: dgit.default.old-dsc-distro); from that distro's git server (its
 * configured git URL, else the field's hint URL when
 * dgit.dsc-url-proto-ok.PROTO, else dgit.default.dsc-url-proto-ok, allows
 * its protocol) the rewrite map refs/dgit-rewrite/map is fetched (unless
 * dgit-distro.DISTRO.rewrite-map-enable is false, or the caller has it
 * already from that distro), and an entry "OLD NEW" for the commit
 * replaces it by NEW; when the commit is not here, the field's tag is
 * fetched.  With no_chase nothing is fetched.  *commit is the commit;
 * *have says whether this repository has it now.  Errors: a distro
 * without a URL and no usable hint (DGIT_ERR_NOT_FOUND, class
 * DGIT_ECLASS_CONFIG), a failed fetch, a
 * commit the server does not have either (DGIT_ERR_NOT_FOUND).
 */
struct dgit_serverfetch_dgit_opts {
	const struct dgit_config *cfg;
	const char *package;
	int no_chase;
	/* The distro whose git server the caller has asked for the map
	 * already (then it is not fetched again), or NULL; map_commit: what
	 * it had at refs/dgit-rewrite/map, NULL for nothing. */
	const char *map_distro;
	const git_oid *map_commit;
	void (*info)(void *arg, const char *msg);
	void *info_arg;
};
const struct dgit_error *dgit_serverfetch_dgit(git_oid *commit, int *have,
    git_repository *repo, const struct dgit_dsc_dgit *field,
    const struct dgit_serverfetch_dgit_opts *o);

#endif
