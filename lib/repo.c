/* Repository set-up as dgit does it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "dgit_checkout.h"
#include "dgit_commit.h"
#include "dgit_config.h"
#include "dgit_error.h"
#include "dgit_fs.h"
#include "dgit_repo.h"

static const struct dgit_error *
info_path(char *buf, size_t bufsz, git_repository *repo, const char *file)
{
	const char *gd = git_repository_commondir(repo);
	char dir[4096];

	if ((size_t)snprintf(dir, sizeof dir, "%sinfo", gd) >= sizeof dir ||
	    (size_t)snprintf(buf, bufsz, "%s/%s", dir, file) >= bufsz)
		return dgit_error_fmt(DGIT_ERR_LIMIT, "path too long: '%s'", gd);
	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		return dgit_error_from_errno("create '%s'", dir);
	return NULL;
}

#define ATTRS_MAX ((size_t)64 << 20)

/* A "[attr]dgit-defuse-attrs" line (dgit's $gitattrs_ourmacro_re). */
static int
is_macro_line(const char *line, size_t ll)
{
	static const char macro[] = "[attr]dgit-defuse-attrs";
	size_t ml = sizeof macro - 1;

	return ll > ml && memcmp(line, macro, ml) == 0 &&
	    (line[ml] == ' ' || line[ml] == '\t');
}

/* The macro has " -working-tree-encoding" (blank on both sides). */
static int
is_macro_proper(const char *line, size_t ll)
{
	static const char w[] = "-working-tree-encoding";
	size_t wl = sizeof w - 1;

	for (size_t i = 1; i + wl <= ll; i++)
		if ((line[i - 1] == ' ' || line[i - 1] == '\t') &&
		    memcmp(line + i, w, wl) == 0 && (i + wl == ll ||
		    line[i + wl] == ' ' || line[i + wl] == '\t' ||
		    line[i + wl] == '\r'))
			return 1;
	return 0;
}

/*
 * As dgit's setup_gitattrs: the first macro line decides.  Proper: the
 * file is left alone.  Old: every macro line is rewritten, nothing added.
 * None: dgit's three header lines go first.  Other lines are kept.
 */
const struct dgit_error *
dgit_repo_setup_gitattrs(git_repository *repo)
{
	static const char newline[] = "[attr]dgit-defuse-attrs\t"
	    DGIT_DEFUSE_ATTRS "\n";
	/*
	 * Perl dgit writes the "*" line first; git accepts a macro used
	 * before its definition but libgit2 (our checkout) does not, so the
	 * definition comes first.  Both read the result the same way.
	 */
	static const char head[] = "%s*\tdgit-defuse-attrs\n"
	    "# ^ see GITATTRIBUTES in dgit(7) and dgit setup-new-tree in "
	    "dgit(1)\n";
	const struct dgit_error *err;
	char path[4096], *old = NULL, *out = NULL;
	size_t oldlen = 0, outlen = 0, cap;
	const char *p, *end;
	int have_old = 0;

	err = info_path(path, sizeof path, repo, "attributes");
	if (err)
		return err;
	err = dgit_fs_read_file(&old, &oldlen, path, ATTRS_MAX);
	if (err && err->code != DGIT_ERR_NOT_FOUND)
		return err;
	err = NULL;
	for (p = old, end = old + oldlen; p && p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (is_macro_line(p, ll)) {
			if (is_macro_proper(p, ll))
				goto done;
			have_old = 1;
			break;
		}
		p = nl ? nl + 1 : end;
	}
	/* each line at most grows to the macro line, plus the header */
	cap = oldlen + 512 + (oldlen / 2 + 1) * sizeof newline;
	if ((out = malloc(cap)) == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	if (!have_old)
		outlen = (size_t)snprintf(out, cap, head, newline);
	for (p = old, end = old + oldlen; p && p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (is_macro_line(p, ll)) {
			memcpy(out + outlen, newline, sizeof newline - 1);
			outlen += sizeof newline - 1;
		} else {
			memcpy(out + outlen, p, ll);
			outlen += ll;
			out[outlen++] = '\n';
		}
		p = nl ? nl + 1 : end;
	}
	err = dgit_fs_write_file_atomic(path, out, outlen, 0);
done:
	free(old);
	free(out);
	return err;
}

/* 1: a proper macro line comes first; 0: an old one; -1: none. */
static int
macro_state(const char *text, size_t len)
{
	const char *p, *end;

	for (p = text, end = text + len; p && p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (is_macro_line(p, ll))
			return is_macro_proper(p, ll) ? 1 : 0;
		p = nl ? nl + 1 : end;
	}
	return -1;
}

struct attrs_walk {
	git_repository *repo;
	int found;
};

static int
find_attrs_cb(const char *root, const git_tree_entry *e, void *arg)
{
	struct attrs_walk *w = arg;
	git_odb *odb = NULL;
	size_t size = 0;
	git_object_t type;

	(void)root;
	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB ||
	    strcmp(git_tree_entry_name(e), ".gitattributes") != 0)
		return 0;
	/* as dgit's check_gitattrs: an empty one does no harm */
	if (git_repository_odb(&odb, w->repo) == 0 &&
	    git_odb_read_header(&size, &type, odb, git_tree_entry_id(e)) == 0 &&
	    size == 0) {
		git_odb_free(odb);
		return 0;
	}
	git_odb_free(odb);
	w->found = 1;
	return -1;
}

const struct dgit_error *
dgit_repo_gitattrs_unsafe(int *unsafe, git_repository *repo,
    const git_oid *commit)
{
	const struct dgit_error *err;
	struct attrs_walk w = { repo, 0 };
	git_oid tid;
	git_tree *tree = NULL;
	char path[4096], *text = NULL;
	size_t len = 0;

	*unsafe = 0;
	if ((err = info_path(path, sizeof path, repo, "attributes")))
		return err;
	err = dgit_fs_read_file(&text, &len, path, ATTRS_MAX);
	if (err && err->code != DGIT_ERR_NOT_FOUND)
		return err;
	err = NULL;
	if (text && macro_state(text, len) == 1)
		goto done;
	if ((err = dgit_commit_tree_id(&tid, repo, commit)))
		goto done;
	if (git_tree_lookup(&tree, repo, &tid) != 0) {
		err = dgit_error_git("cannot read the tree of the commit");
		goto done;
	}
	if (git_tree_walk(tree, GIT_TREEWALK_PRE, find_attrs_cb, &w) < 0 &&
	    !w.found)
		err = dgit_error_git("cannot walk the tree of the commit");
	*unsafe = w.found;
done:
	git_tree_free(tree);
	free(text);
	return err;
}

const struct dgit_error *
dgit_repo_setup_mergechangelogs(git_repository *repo)
{
	static const char line_add[] = "debian/changelog merge=dpkg-mergechangelogs\n";
	const struct dgit_error *err;
	git_config *cfg = NULL;
	char path[4096], *old = NULL, *out = NULL, *line, *save = NULL;
	size_t oldlen = 0, outlen = 0;

	err = info_path(path, sizeof path, repo, "attributes");
	if (err)
		return err;
	err = dgit_fs_read_file(&old, &oldlen, path, 0);
	if (err && err->code != DGIT_ERR_NOT_FOUND)
		return err;
	err = NULL;
	out = malloc(oldlen + sizeof line_add + 1);
	if (out == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	if (old) {
		for (line = strtok_r(old, "\n", &save); line;
		    line = strtok_r(NULL, "\n", &save)) {
			size_t ll = strlen(line);

			if (strncmp(line, "debian/changelog", 16) == 0 &&
			    (line[16] == ' ' || line[16] == '\t'))
				continue;
			memcpy(out + outlen, line, ll);
			outlen += ll;
			out[outlen++] = '\n';
		}
	}
	memcpy(out + outlen, line_add, sizeof line_add - 1);
	outlen += sizeof line_add - 1;

	if (git_repository_config(&cfg, repo) != 0 ||
	    git_config_set_string(cfg, "merge.dpkg-mergechangelogs.name",
	    "debian/changelog merge driver") != 0 ||
	    git_config_set_string(cfg, "merge.dpkg-mergechangelogs.driver",
	    "dpkg-mergechangelogs -m %O %A %B %A") != 0) {
		err = dgit_error_git("set up the debian/changelog merge driver");
		goto done;
	}
	err = dgit_fs_write_file_atomic(path, out, outlen, 0);
done:
	git_config_free(cfg);
	free(old);
	free(out);
	return err;
}

const struct dgit_error *
dgit_repo_setup_useremail(git_repository *repo, const char *name,
    const char *email)
{
	git_config *cfg = NULL;
	const struct dgit_error *err = NULL;

	if (git_repository_config(&cfg, repo) != 0)
		return dgit_error_git("read the repository's config");
	if (email && git_config_set_string(cfg, "user.email", email) != 0)
		err = dgit_error_git("set user.email");
	else if (name && git_config_set_string(cfg, "user.name", name) != 0)
		err = dgit_error_git("set user.name");
	git_config_free(cfg);
	return err;
}

/*
 * 1 when .git/info/attributes is exactly what dgit_repo_setup_tree
 * writes: dgit's proper macro, "*\tdgit-defuse-attrs", comments and the
 * changelog merge driver.  That file takes precedence over every
 * .gitattributes, so no file's content is transformed and checkout need
 * not look up attributes (libgit2 resolves each file's real path and
 * reads the attribute files of its directories).  Anything else, even a
 * harmless line, keeps the filters on.
 */
static int
attrs_all_defused(git_repository *repo)
{
	static const char star[] = "*\tdgit-defuse-attrs";
	static const char merge[] = "debian/changelog merge=dpkg-mergechangelogs";
	char path[4096], *text = NULL;
	const char *p, *end;
	size_t len = 0;
	int macro = 0, all = 0, ok = 1;

	if (info_path(path, sizeof path, repo, "attributes") != NULL ||
	    dgit_fs_read_file(&text, &len, path, ATTRS_MAX) != NULL)
		return 0;
	for (p = text, end = text + len; ok && p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (is_macro_line(p, ll) && !macro && !all)
			ok = macro = is_macro_proper(p, ll);
		else if (ll == sizeof star - 1 && memcmp(p, star, ll) == 0 &&
		    macro)
			all = 1;
		else if (!(ll == 0 || p[0] == '#' || (ll == sizeof merge - 1 &&
		    memcmp(p, merge, ll) == 0)))
			ok = 0;
		p = nl ? nl + 1 : end;
	}
	free(text);
	return ok && macro && all;
}

const struct dgit_error *
dgit_repo_checkout_new_branch(git_repository *repo, const char *branch,
    const git_oid *commit)
{
	const struct dgit_error *err = NULL;
	git_checkout_options co = GIT_CHECKOUT_OPTIONS_INIT;
	git_commit *c = NULL;
	git_tree *tree = NULL;
	git_reference *ref = NULL;
	char refname[1024];
	int fresh = 0;

	if ((size_t)snprintf(refname, sizeof refname, "refs/heads/%s", branch) >=
	    sizeof refname)
		return dgit_error_fmt(DGIT_ERR_LIMIT, "branch name too long");
	if (git_commit_lookup(&c, repo, commit) != 0) {
		err = dgit_error_git("look up commit");
		goto done;
	}
	if (git_reference_create(&ref, repo, refname, commit, 1,
	    "dgit: new branch") != 0) {
		err = dgit_error_git("create '%s'", refname);
		goto done;
	}
	if (git_repository_set_head(repo, refname) != 0) {
		err = dgit_error_git("set HEAD to '%s'", refname);
		goto done;
	}
	co.checkout_strategy = GIT_CHECKOUT_FORCE;
	co.disable_filters = attrs_all_defused(repo);
	if (co.disable_filters) {
		if (git_commit_tree(&tree, c) != 0) {
			err = dgit_error_git("cannot read the tree of '%s'",
			    branch);
			goto done;
		}
		if ((err = dgit_checkout_fresh(&fresh, repo, tree)) || fresh)
			goto done;
	}
	if (git_checkout_head(repo, &co) != 0)
		err = dgit_error_git("check out '%s'", branch);
done:
	git_tree_free(tree);
	git_reference_free(ref);
	git_commit_free(c);
	return err;
}

const struct dgit_error *
dgit_repo_setup_useremail_config(git_repository *repo,
    const struct dgit_config *cfg, const char *distro)
{
	const char *email = dgit_config_get_distro(cfg, distro, "user-email");
	const char *name = dgit_config_get_distro(cfg, distro, "user-name");

	if (email == NULL)
		email = getenv("DEBEMAIL");
	if (name == NULL)
		name = getenv("DEBFULLNAME");
	return dgit_repo_setup_useremail(repo, name, email);
}

const struct dgit_error *
dgit_repo_setup_new_tree(git_repository *repo,
    const struct dgit_config *cfg, const char *distro)
{
	const struct dgit_error *err;
	git_config *gc = NULL;

	if ((err = dgit_repo_setup_tree(repo, cfg, distro)))
		return err;
	if (git_repository_config(&gc, repo) != 0 ||
	    git_config_set_bool(gc, "remote.dgit.skipdefaultupdate", 1) != 0)
		err = dgit_error_git("cannot write the repository's config");
	git_config_free(gc);
	return err;
}

const struct dgit_error *
dgit_repo_setup_tree(git_repository *repo, const struct dgit_config *cfg,
    const char *distro)
{
	const struct dgit_error *err;
	int on;

	if ((err = dgit_config_get_distro_bool(&on, cfg, distro,
	    "setup-gitattributes", 1)))
		return err;
	if (on && (err = dgit_repo_setup_gitattrs(repo)))
		return err;
	if ((err = dgit_config_get_distro_bool(&on, cfg, distro,
	    "setup-mergechangelogs", 1)))
		return err;
	if (on && (err = dgit_repo_setup_mergechangelogs(repo)))
		return err;
	if ((err = dgit_config_get_distro_bool(&on, cfg, distro,
	    "setup-useremail", 1)))
		return err;
	if (on)
		err = dgit_repo_setup_useremail_config(repo, cfg, distro);
	return err;
}
