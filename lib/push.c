/*
 * Tags, the Dgit: field and the .changes file list for an upload; see
 * dgit_push.h.  Text is built in a dgit_buf; everything comes from
 * our own repository, changelog and build, and each input is capped by
 * the caller's reads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dgit_buf.h"
#include "dgit_deb822.h"
#include "dgit_hash.h"
#include "dgit_push.h"
#include "dgit_tag.h"

const struct dgit_error *
dgit_push_tag_text(char **out, const struct dgit_push_tag *t)
{
	const struct dgit_error *err;
	struct dgit_buf b = DGIT_BUF_INIT;
	char hex[GIT_OID_HEXSZ + 1], *msg = NULL;
	int tz = t->tz < 0 ? -t->tz : t->tz;

	*out = NULL;
	if ((err = dgit_tag_format_message(&msg, t->info)))
		return err;
	git_oid_tostr(hex, sizeof hex, &t->target);
	if ((err = dgit_buf_addf(&b, "object %s\ntype commit\ntag %s\n"
	    "tagger %s %lld %c%02d%02d\n\n%s", hex, t->name, t->tagger,
	    (long long)t->time, t->tz < 0 ? '-' : '+', tz / 60, tz % 60,
	    msg)) == NULL && (*out = dgit_buf_detach(&b, NULL)) == NULL)
		err = dgit_error(DGIT_ERR_NOMEM);
	dgit_buf_release(&b);
	free(msg);
	return err;
}

const struct dgit_error *
dgit_push_tag_find(int *found, git_oid *oid, git_repository *repo,
    const char *name, const char *text)
{
	const struct dgit_error *err = NULL;
	git_reference *ref = NULL;
	git_odb *odb = NULL;
	git_odb_object *obj = NULL;
	char refname[1024];
	const char *data;
	size_t len, plen = 0, tl = strlen(text);

	*found = 0;
	snprintf(refname, sizeof refname, "refs/tags/%s", name);
	if (git_reference_lookup(&ref, repo, refname) != 0)
		return NULL;
	if (git_reference_type(ref) != GIT_REFERENCE_DIRECT ||
	    git_repository_odb(&odb, repo) != 0 ||
	    git_odb_read(&obj, odb, git_reference_target(ref)) != 0) {
		err = dgit_error_git("cannot read tag '%s'", name);
		goto done;
	}
	data = git_odb_object_data(obj);
	len = git_odb_object_size(obj);
	if (git_odb_object_type(obj) != GIT_OBJECT_TAG ||
	    dgit_tag_split_signature(&plen, data, len) != NULL ||
	    plen != tl || memcmp(data, text, tl) != 0) {
		err = dgit_error_fmt(DGIT_ERR_EXISTS, "tag '%s' already "
		    "exists and is not the one this push makes; if that was "
		    "a failed upload of yours, add a new changelog entry "
		    "with a new version and try again", name);
		goto done;
	}
	git_oid_cpy(oid, git_reference_target(ref));
	*found = 1;
done:
	git_odb_object_free(obj);
	git_odb_free(odb);
	git_reference_free(ref);
	return err;
}

const struct dgit_error *
dgit_push_tag_write(git_oid *oid, int force, git_repository *repo,
    const char *name, const char *text, const char *sig)
{
	size_t tl = strlen(text), sl = strlen(sig);
	char *buf = malloc(tl + sl + 1);
	int rc;

	if (buf == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	memcpy(buf, text, tl);
	memcpy(buf + tl, sig, sl + 1);
	rc = git_tag_create_from_buffer(oid, repo, buf, force);
	free(buf);
	if (rc != 0)
		return dgit_error_git("cannot make tag '%s'", name);
	return NULL;
}

const struct dgit_error *
dgit_push_unsigned_text(char **out, size_t *outlen, int *was_signed,
    const char *buf, size_t len, const char *what)
{
	const struct dgit_error *err;
	struct dgit_clearsigned *cs = NULL;

	*out = NULL;
	*was_signed = 0;
	err = dgit_clearsigned_split(&cs, buf, len, what);
	if (err && err->code == DGIT_ERR_BAD_SIGNATURE && cs == NULL &&
	    strncmp(buf, "-----BEGIN", 10) != 0) {
		if ((*out = malloc(len + 1)) == NULL)
			return dgit_error(DGIT_ERR_NOMEM);
		memcpy(*out, buf, len);
		(*out)[len] = '\0';
		*outlen = len;
		return NULL;
	}
	if (err)
		return err;
	*was_signed = 1;
	/* the text lacks its final line ending (RFC 4880 7.1) */
	if ((*out = malloc(cs->text_len + 2)) == NULL) {
		dgit_clearsigned_free(cs);
		return dgit_error(DGIT_ERR_NOMEM);
	}
	memcpy(*out, cs->text, cs->text_len);
	(*out)[cs->text_len] = '\n';
	(*out)[cs->text_len + 1] = '\0';
	*outlen = cs->text_len + 1;
	dgit_clearsigned_free(cs);
	return NULL;
}

/* A deb822 line starts field name (case-insensitive) when "Name:". */
static int
starts_field(const char *line, size_t n, const char *name)
{
	size_t nl = strlen(name);

	return n > nl && line[nl] == ':' && strncasecmp(line, name, nl) == 0;
}

/*
 * Append text to b leaving out the fields in drop (and their continuation
 * lines) and the paragraph's trailing blank lines.
 */
static const struct dgit_error *
copy_without(struct dgit_buf *b, const char *text, size_t len,
    const char *const *drop, size_t ndrop)
{
	const struct dgit_error *err = NULL;
	const char *p = text, *end = text + len, *nl;
	size_t n, pending_blank = 0;
	int skipping = 0;

	while (p < end && err == NULL) {
		nl = memchr(p, '\n', end - p);
		n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n > 0 && (p[0] == ' ' || p[0] == '\t')) {
			if (!skipping && (err = dgit_buf_add(b, p, n)) == NULL)
				err = dgit_buf_addch(b, '\n');
		} else if (n == 0) {
			pending_blank++;
		} else {
			skipping = 0;
			for (size_t i = 0; i < ndrop; i++)
				if (starts_field(p, n, drop[i]))
					skipping = 1;
			for (; !skipping && !err && pending_blank;
			    pending_blank--)
				err = dgit_buf_addch(b, '\n');
			if (!skipping && !err &&
			    (err = dgit_buf_add(b, p, n)) == NULL)
				err = dgit_buf_addch(b, '\n');
		}
		p += n + (nl ? 1 : 0);
	}
	return err;
}

/* Hand b's contents to *out (and *outlen), or fail for lack of memory. */
static const struct dgit_error *
buf_take(char **out, size_t *outlen, struct dgit_buf *b)
{
	if ((*out = dgit_buf_detach(b, outlen)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	return NULL;
}

const struct dgit_error *
dgit_push_dsc_with_dgit(char **out, size_t *outlen, const char *dsc,
    size_t len, const char *value, const char *what)
{
	static const char *const drop[] = { "Dgit" };
	const struct dgit_error *err;
	struct dgit_buf b = DGIT_BUF_INIT;
	char *text = NULL;
	size_t tl;
	int was_signed;

	*out = NULL;
	if (strchr(value, '\n'))
		return dgit_error_fmt(DGIT_ERR_USAGE, "Dgit: field value has "
		    "a line break");
	if ((err = dgit_push_unsigned_text(&text, &tl, &was_signed, dsc, len,
	    what)))
		return err;
	if ((err = copy_without(&b, text, tl, drop, 1)) == NULL &&
	    (err = dgit_buf_addf(&b, "Dgit: %s\n", value)) == NULL)
		err = buf_take(out, outlen, &b);
	dgit_buf_release(&b);
	free(text);
	return err;
}

/* md5, sha1 and sha256 of a file, in lowercase hex. */
struct digests {
	char md5[DGIT_MD5_HEXLEN + 1], sha1[DGIT_SHA1_HEXLEN + 1];
	char sha256[DGIT_SHA256_HEXLEN + 1];
	uint64_t size;
};

static const struct dgit_error *
file_digests(struct digests *dg, const char *dir, const char *name)
{
	const struct dgit_error *err;
	char *path = NULL;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return dgit_error(DGIT_ERR_NOMEM);
	if ((err = dgit_hash_file(dg->md5, NULL, DGIT_HASH_MD5, path)) ||
	    (err = dgit_hash_file(dg->sha1, NULL, DGIT_HASH_SHA1, path)) ||
	    (err = dgit_hash_file(dg->sha256, &dg->size, DGIT_HASH_SHA256,
	    path)))
		err = dgit_error_wrap(err, "'%s' is needed for the upload",
		    name);
	free(path);
	return err;
}

static int
is_orig(enum dgit_dsc_file_kind k)
{
	return k == DGIT_DSC_ORIG || k == DGIT_DSC_ORIG_COMPONENT ||
	    k == DGIT_DSC_ORIG_SIG;
}

/* One file of the new lists. */
struct cfile {
	char *name;
	char *section, *priority;
	struct digests dg;
};

/* Split "MD5 SIZE SECTION PRIORITY NAME" (the Files field's lines). */
static int
files_line(const char *line, size_t n, char **section, char **priority,
    char **name)
{
	char *copy = strndup(line, n), *w[5], *save = NULL, *t;
	int i = 0;

	if (copy == NULL)
		return -1;
	for (t = strtok_r(copy, " \t", &save); t && i < 5;
	    t = strtok_r(NULL, " \t", &save))
		w[i++] = t;
	if (i != 5 || t != NULL) {
		free(copy);
		return 0;
	}
	*section = strdup(w[2]);
	*priority = strdup(w[3]);
	*name = strdup(w[4]);
	free(copy);
	return *section && *priority && *name ? 1 : -1;
}

static void
cfiles_free(struct cfile *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].name);
		free(f[i].section);
		free(f[i].priority);
	}
	free(f);
}

static const struct dgit_dsc_file *
dsc_file(const struct dgit_dsc *dsc, const char *name)
{
	for (size_t i = 0; i < dsc->nfiles; i++)
		if (strcmp(dsc->files[i].name, name) == 0)
			return &dsc->files[i];
	return NULL;
}

const struct dgit_error *
dgit_push_changes_files(char **out, size_t *outlen, const char *changes,
    size_t len, const char *what, const struct dgit_dsc *dsc,
    const char *dsc_name, const char *dir, dgit_push_have_cb have,
    void *arg)
{
	static const char *const drop[] = { "Files", "Checksums-Sha1",
	    "Checksums-Sha256" };
	const struct dgit_error *err = NULL;
	struct dgit_deb822_para **paras = NULL;
	struct cfile *files = NULL;
	struct dgit_buf b = DGIT_BUF_INIT;
	size_t nparas = 0, nfiles = 0, tl, i;
	const char *v, *p, *nl, *sec = "unknown", *pri = "optional";
	char *text = NULL;
	int was_signed, h, r;

	*out = NULL;
	if ((err = dgit_push_unsigned_text(&text, &tl, &was_signed, changes,
	    len, what)))
		return err;
	if ((err = dgit_deb822_parse(&paras, &nparas, text, tl, what)))
		goto done;
	if (nparas != 1) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "'%s' has %zu "
		    "paragraphs, not one", what, nparas);
		goto done;
	}
	if ((v = dgit_deb822_get(paras[0], "Source")) == NULL ||
	    strcmp(v, dsc->source) != 0 ||
	    (v = dgit_deb822_get(paras[0], "Version")) == NULL ||
	    strcmp(v, dsc->version) != 0) {
		err = dgit_error_fmt(DGIT_ERR_USAGE, "'%s' is not for %s %s, "
		    "as '%s' is; rebuild the source package", what,
		    dsc->source, dsc->version, dsc_name);
		goto done;
	}
	if ((v = dgit_deb822_get(paras[0], "Files")) == NULL) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "'%s' has no Files "
		    "field", what);
		goto done;
	}
	files = calloc(dsc->nfiles + 1 + 64, sizeof *files);
	if (files == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	/* the lines there now: keep all but the origs the archive has */
	for (p = v; *p; p = nl ? nl + 1 : p + strlen(p)) {
		const struct dgit_dsc_file *df;
		struct cfile f = { 0 };

		nl = strchr(p, '\n');
		if (nl == p)
			continue;
		r = files_line(p, nl ? (size_t)(nl - p) : strlen(p),
		    &f.section, &f.priority, &f.name);
		if (r <= 0) {
			free(f.section);
			free(f.priority);
			free(f.name);
			err = r < 0 ? dgit_error(DGIT_ERR_NOMEM) :
			    dgit_error_fmt(DGIT_ERR_PARSE, "'%s': malformed "
			    "Files line", what);
			goto done;
		}
		if (nfiles >= dsc->nfiles + 1 + 64) {
			free(f.section);
			free(f.priority);
			free(f.name);
			err = dgit_error_fmt(DGIT_ERR_LIMIT, "'%s' lists too "
			    "many files", what);
			goto done;
		}
		files[nfiles++] = f;
		if (strcmp(f.name, dsc_name) == 0) {
			sec = files[nfiles - 1].section;
			pri = files[nfiles - 1].priority;
		}
		if ((df = dsc_file(dsc, f.name)) && is_orig(df->kind)) {
			if ((err = have(&h, df->name, df->sha256, arg)))
				goto done;
			if (h) {
				nfiles--;
				free(f.section);
				free(f.priority);
				free(f.name);
			}
		}
	}
	/* the origs the archive lacks and the .changes does not list */
	for (i = 0; i < dsc->nfiles; i++) {
		const struct dgit_dsc_file *df = &dsc->files[i];
		size_t j;

		for (j = 0; j < nfiles; j++)
			if (strcmp(files[j].name, df->name) == 0)
				break;
		if (j < nfiles)
			continue;
		if (is_orig(df->kind)) {
			if ((err = have(&h, df->name, df->sha256, arg)))
				goto done;
			if (h)
				continue;
		}
		if (nfiles >= dsc->nfiles + 1 + 64) {
			err = dgit_error_fmt(DGIT_ERR_LIMIT, "'%s' lists too "
			    "many files", what);
			goto done;
		}
		files[nfiles].name = strdup(df->name);
		files[nfiles].section = strdup(sec);
		files[nfiles].priority = strdup(pri);
		if (!files[nfiles].name || !files[nfiles].section ||
		    !files[nfiles].priority) {
			nfiles++;
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
		nfiles++;
	}
	for (i = 0; i < nfiles; i++)
		if ((err = file_digests(&files[i].dg, dir, files[i].name)))
			goto done;
	err = copy_without(&b, text, tl, drop, 3);
	if (!err)
		err = dgit_buf_adds(&b, "Checksums-Sha1:\n");
	for (i = 0; !err && i < nfiles; i++)
		err = dgit_buf_addf(&b, " %s %llu %s\n", files[i].dg.sha1,
		    (unsigned long long)files[i].dg.size, files[i].name);
	if (!err)
		err = dgit_buf_adds(&b, "Checksums-Sha256:\n");
	for (i = 0; !err && i < nfiles; i++)
		err = dgit_buf_addf(&b, " %s %llu %s\n", files[i].dg.sha256,
		    (unsigned long long)files[i].dg.size, files[i].name);
	if (!err)
		err = dgit_buf_adds(&b, "Files:\n");
	for (i = 0; !err && i < nfiles; i++)
		err = dgit_buf_addf(&b, " %s %llu %s %s %s\n",
		    files[i].dg.md5, (unsigned long long)files[i].dg.size,
		    files[i].section, files[i].priority, files[i].name);
	if (!err)
		err = buf_take(out, outlen, &b);
done:
	dgit_buf_release(&b);
	cfiles_free(files, nfiles);
	dgit_deb822_paras_free(paras, nparas);
	free(text);
	return err;
}
