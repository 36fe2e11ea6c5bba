/* Repository set-up as dgit does it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

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

const struct dgit_error *
dgit_repo_setup_gitattrs(git_repository *repo)
{
	static const char macro[] = "[attr]dgit-defuse-attrs";
	const struct dgit_error *err;
	char path[4096], *old = NULL, *out = NULL, *line, *save = NULL;
	size_t oldlen = 0, outlen = 0, cap;

	err = info_path(path, sizeof path, repo, "attributes");
	if (err)
		return err;
	err = dgit_fs_read_file(&old, &oldlen, path, 0);
	if (err && err->code != DGIT_ERR_NOT_FOUND)
		return err;
	err = NULL;

	cap = oldlen + 512;
	out = malloc(cap);
	if (out == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	if (old) {
		/* A proper macro already there: leave the file alone. */
		for (line = old; line && *line; ) {
			char *nl = strchr(line, '\n');
			size_t ll = nl ? (size_t)(nl - line) : strlen(line);

			if (ll > sizeof macro && strncmp(line, macro, sizeof macro - 1) == 0 &&
			    (line[sizeof macro - 1] == ' ' || line[sizeof macro - 1] == '\t')) {
				if (memmem(line, ll, " -working-tree-encoding", 23) ||
				    memmem(line, ll, "\t-working-tree-encoding", 23))
					goto done;
				break;
			}
			line = nl ? nl + 1 : NULL;
		}
	}
	outlen = (size_t)snprintf(out, cap, "*\tdgit-defuse-attrs\n%s\t%s\n"
	    "# ^ see GITATTRIBUTES in dgit(7) and dgit setup-new-tree in dgit(1)\n",
	    macro, DGIT_DEFUSE_ATTRS);
	if (old) {
		for (line = strtok_r(old, "\n", &save); line;
		    line = strtok_r(NULL, "\n", &save)) {
			size_t ll = strlen(line);

			if (strncmp(line, macro, sizeof macro - 1) == 0)
				continue;   /* an old, insufficient macro: replaced */
			if (strcmp(line, "*\tdgit-defuse-attrs") == 0)
				continue;
			memcpy(out + outlen, line, ll);
			outlen += ll;
			out[outlen++] = '\n';
		}
	}
	err = dgit_fs_write_file_atomic(path, out, outlen, 0);
done:
	free(old);
	free(out);
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

const struct dgit_error *
dgit_repo_checkout_new_branch(git_repository *repo, const char *branch,
    const git_oid *commit)
{
	const struct dgit_error *err = NULL;
	git_checkout_options co = GIT_CHECKOUT_OPTIONS_INIT;
	git_commit *c = NULL;
	git_reference *ref = NULL;
	char refname[1024];

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
	if (git_checkout_head(repo, &co) != 0)
		err = dgit_error_git("check out '%s'", branch);
done:
	git_reference_free(ref);
	git_commit_free(c);
	return err;
}
