/*
 * The .dsc model: a .dsc (clearsigned or not) or a Sources paragraph,
 * and its Dgit: field.  Laws: a model that parses has a source, a
 * version and files with safe plain names.
 */
#include "fuzz.h"

#include "dgit_deb822.h"
#include "dgit_dsc.h"

static void
check(const struct dgit_dsc *d)
{
	if (d->source == NULL || d->version == NULL)
		fuzz_fail("a .dsc without Source or Version parsed");
	for (size_t i = 0; i < d->nfiles; i++) {
		const char *name = d->files[i].name;

		if (name == NULL || *name == '\0' || strchr(name, '/') ||
		    name[0] == '.')
			fuzz_fail("unsafe file name '%s' accepted",
			    name ? name : "(null)");
	}
	if (d->dgit_field) {
		struct dgit_dsc_dgit dg;

		memset(&dg, 0, sizeof dg);
		if (dgit_dsc_dgit_parse(&dg, d->dgit_field, "fuzz") == NULL &&
		    strlen(dg.commit) != 40)
			fuzz_fail("Dgit: field commit '%s' is not 40 digits",
			    dg.commit);
		dgit_dsc_dgit_release(&dg);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct dgit_dsc *d = NULL;
	struct dgit_deb822_para **paras = NULL;
	size_t n = 0;
	char *s;

	if (dgit_dsc_parse(&d, buf, size, "fuzz") == NULL)
		check(d);
	dgit_dsc_free(d);

	/* each paragraph as a Sources entry, as the archive code reads them */
	if (dgit_deb822_parse(&paras, &n, buf, size, "fuzz") == NULL) {
		for (size_t i = 0; i < n; i++) {
			d = NULL;
			if (dgit_dsc_from_para(&d, paras[i], "fuzz") == NULL)
				check(d);
			dgit_dsc_free(d);
		}
		dgit_deb822_paras_free(paras, n);
	}

	/* the whole input as a Dgit: field */
	s = fuzz_strndup(data, size);
	{
		struct dgit_dsc_dgit dg;

		memset(&dg, 0, sizeof dg);
		(void)dgit_dsc_dgit_parse(&dg, s, "fuzz");
		dgit_dsc_dgit_release(&dg);
	}
	free(s);
	return 0;
}
