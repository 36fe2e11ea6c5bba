/* Distro-specific series files: see dgit_vendorseries.h. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dgit_fs.h"
#include "dgit_pack.h"
#include "dgit_tree.h"
#include "dgit_vendorseries.h"

#define ORIGIN_MAX ((size_t)64 << 10)
#define SERIES_MAX ((size_t)16 << 20)
#define NAME_MAX_ 200

void
dgit_vendorseries_checks(struct dgit_vendorseries_check *out, size_t *n,
    const char *deb_vendor, const char *current, const char *distro)
{
	*n = 0;
	out[(*n)++] = (struct dgit_vendorseries_check){ deb_vendor,
	    "DEB_VENDOR" };
	out[(*n)++] = (struct dgit_vendorseries_check){ current,
	    "Dpkg::Vendor `current vendor'" };
	out[(*n)++] = (struct dgit_vendorseries_check){ distro,
	    "(base) distro being accessed" };
	out[(*n)++] = (struct dgit_vendorseries_check){ distro,
	    "(nominal) distro being accessed" };
}

/* The Vendor field of an origins file; *out NULL when it has none. */
static const struct dgit_error *
vendor_of(char **out, const char *path)
{
	const struct dgit_error *err;
	char *text = NULL;
	size_t len;
	const char *p;

	*out = NULL;
	if ((err = dgit_fs_read_file(&text, &len, path, ORIGIN_MAX)))
		return err;
	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		size_t n;

		if (strncasecmp(p, "Vendor:", 7) != 0)
			continue;
		p += 7;
		while (*p == ' ' || *p == '\t')
			p++;
		n = strcspn(p, "\n");
		while (n && isspace((unsigned char)p[n - 1]))
			n--;
		if (n && (*out = strndup(p, n)) == NULL)
			err = dgit_error(DGIT_ERR_NOMEM);
		break;
	}
	free(text);
	return err;
}

/* 1 when name is fit for a file name in the origins directory */
static int
plain_name(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n <= NAME_MAX_ && strchr(name, '/') == NULL &&
	    name[0] != '.';
}

const struct dgit_error *
dgit_vendorseries_current(char **out, const char *origins,
    const char *deb_vendor)
{
	const struct dgit_error *err = NULL;
	char *path = NULL, *lc = NULL;

	*out = NULL;
	if (origins == NULL)
		origins = "/etc/dpkg/origins";
	if (deb_vendor && plain_name(deb_vendor)) {
		if ((lc = strdup(deb_vendor)) == NULL)
			return dgit_error(DGIT_ERR_NOMEM);
		for (char *p = lc; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		for (int i = 0; i < 2 && *out == NULL; i++) {
			free(path);
			if (asprintf(&path, "%s/%s", origins,
			    i ? lc : deb_vendor) < 0) {
				path = NULL;
				err = dgit_error(DGIT_ERR_NOMEM);
				goto done;
			}
			err = vendor_of(out, path);
			if (err && err->code == DGIT_ERR_NOT_FOUND)
				err = NULL;
			if (err)
				goto done;
		}
		if (*out)
			goto done;
	}
	free(path);
	if (asprintf(&path, "%s/default", origins) < 0) {
		path = NULL;
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	err = vendor_of(out, path);
	if (err && err->code == DGIT_ERR_NOT_FOUND)
		err = NULL;
done:
	free(path);
	free(lc);
	return err;
}

/* 1 when the series text has a line that is not blank or a comment */
static int
active(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		while (i < len && s[i] != '\n' && isspace((unsigned char)s[i]))
			i++;
		if (i < len && s[i] != '\n' && s[i] != '#')
			return 1;
		while (i < len && s[i] != '\n')
			i++;
		i++;
	}
	return 0;
}

/*
 * A file of the tree checked: *kind 0 absent, 1 file (*data, *len:
 * malloc'd), 2 symlink, 3 something else.
 */
typedef const struct dgit_error *get_fn(void *arg, const char *path,
    int *kind, char **data, size_t *len);

static const struct dgit_error *
check_with(get_fn *get, void *arg,
    const struct dgit_vendorseries_check *checks, size_t n)
{
	const struct dgit_error *err;
	char *data = NULL;
	size_t len = 0;
	int kind, quilt;

	if ((err = get(arg, "debian/source/format", &kind, &data, &len)))
		return err;
	quilt = 0;
	if (kind == 1) {
		while (len && isspace((unsigned char)data[len - 1]))
			len--;
		quilt = len == 11 && memcmp(data, "3.0 (quilt)", 11) == 0;
	}
	free(data);
	data = NULL;
	if (!quilt)
		return NULL;
	for (size_t i = 0; i < n && err == NULL; i++) {
		char path[NAME_MAX_ + 40];
		int on;

		if (checks[i].vendor == NULL || !*checks[i].vendor ||
		    strlen(checks[i].vendor) > NAME_MAX_ ||
		    strchr(checks[i].vendor, '/'))
			continue;
		snprintf(path, sizeof path, "debian/patches/%s.series",
		    checks[i].vendor);
		for (char *p = path + 15; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		if ((err = get(arg, path, &kind, &data, &len)))
			break;
		on = kind == 2 || (kind == 1 && active(data, len));
		free(data);
		data = NULL;
		if (on)
			err = dgit_error_fmt(DGIT_ERR_UNREPRESENTABLE, "Found "
			    "active distro-specific series file for %s (%s): "
			    "%s, cannot continue\nThis source package uses a "
			    "feature of dpkg-source where the same source "
			    "package unpacks to different source code on "
			    "different distros; dgit cannot safely operate on "
			    "such packages on affected distros, because the "
			    "meaning of source packages is not stable.  Ask "
			    "the distro/maintainer to remove the "
			    "distro-specific series files and use a different "
			    "technique (if necessary, uploading actually "
			    "different packages, if different distros are "
			    "supposed to have different code).",
			    checks[i].vendor, checks[i].what, path);
	}
	return err;
}

struct git_get {
	git_repository *repo;
	git_tree *tree;
};

static const struct dgit_error *
git_get(void *arg, const char *path, int *kind, char **data, size_t *len)
{
	struct git_get *g = arg;
	git_tree_entry *e = NULL;
	git_blob *b = NULL;
	const struct dgit_error *err = NULL;

	*kind = 0;
	*data = NULL;
	*len = 0;
	if (git_tree_entry_bypath(&e, g->tree, path) != 0)
		return NULL;
	if (git_tree_entry_filemode(e) == GIT_FILEMODE_LINK)
		*kind = 2;
	else if (git_tree_entry_type(e) != GIT_OBJECT_BLOB)
		*kind = 3;
	else if (git_blob_lookup(&b, g->repo, git_tree_entry_id(e)) != 0)
		err = dgit_error_git("cannot read '%s'", path);
	else if ((size_t)git_blob_rawsize(b) > SERIES_MAX)
		err = dgit_error_fmt(DGIT_ERR_LIMIT, "'%s' is too big", path);
	else if ((*data = malloc((size_t)git_blob_rawsize(b) + 1)) == NULL)
		err = dgit_error(DGIT_ERR_NOMEM);
	else {
		*len = (size_t)git_blob_rawsize(b);
		memcpy(*data, git_blob_rawcontent(b), *len);
		*kind = 1;
	}
	git_blob_free(b);
	git_tree_entry_free(e);
	return err;
}

const struct dgit_error *
dgit_vendorseries_check_tree(git_repository *repo, const git_oid *tree,
    const struct dgit_vendorseries_check *checks, size_t n)
{
	const struct dgit_error *err;
	struct git_get g = { repo, NULL };

	if (git_tree_lookup(&g.tree, repo, tree) != 0)
		return dgit_error_git("cannot read the tree to check");
	err = check_with(git_get, &g, checks, n);
	git_tree_free(g.tree);
	return err;
}

struct model_get {
	const struct dgit_tree *t;
	struct dgit_pack *pack;
};

static const struct dgit_error *
model_get(void *arg, const char *path, int *kind, char **data, size_t *len)
{
	struct model_get *m = arg;
	const struct dgit_error *err;
	unsigned mode;
	git_oid oid;
	git_object_t type;
	void *d = NULL;

	*kind = 0;
	*data = NULL;
	*len = 0;
	if ((err = dgit_tree_get(m->t, path, &mode, &oid)))
		return err->code == DGIT_ERR_UNSAFE_PATH ? NULL : err;
	if (mode == 0)
		return NULL;
	if (mode == DGIT_TREE_LINK) {
		*kind = 2;
		return NULL;
	}
	if (mode != DGIT_TREE_BLOB && mode != DGIT_TREE_EXEC) {
		*kind = 3;
		return NULL;
	}
	if ((err = dgit_pack_read(m->pack, &d, len, &type, &oid)))
		return err;
	if (*len > SERIES_MAX) {
		free(d);
		*len = 0;
		return dgit_error_fmt(DGIT_ERR_LIMIT, "'%s' is too big", path);
	}
	*data = d;
	*kind = 1;
	return NULL;
}

const struct dgit_error *
dgit_vendorseries_check_model(const struct dgit_tree *t,
    struct dgit_pack *pack, const struct dgit_vendorseries_check *checks,
    size_t n)
{
	struct model_get m = { t, pack };

	return check_with(model_get, &m, checks, n);
}
