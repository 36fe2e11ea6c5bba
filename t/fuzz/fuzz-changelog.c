/*
 * debian/changelog.  Laws: when both the whole parse and the first-entry
 * parse succeed they agree on the first entry; every entry has a line
 * number inside the input; the date parser never fails silently.
 */
#include "fuzz.h"

#include "dgit_changelog.h"

static int
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct dgit_changelog *all = NULL, *first = NULL;
	const struct dgit_error *ea, *ef;
	size_t nlines = 1;
	char *s;

	for (size_t i = 0; i < size; i++)
		nlines += data[i] == '\n';
	ea = dgit_changelog_parse(&all, buf, size, "fuzz");
	ef = dgit_changelog_parse_first(&first, buf, size, "fuzz");
	if (ea == NULL) {
		size_t n = dgit_changelog_nentries(all);

		if (n == 0)
			fuzz_fail("a changelog with no entry parsed");
		for (size_t i = 0; i < n; i++) {
			const struct dgit_changelog_entry *e =
			    dgit_changelog_entry(all, i);

			if (e->line == 0 || e->line > nlines ||
			    e->trailer_line > nlines)
				fuzz_fail("entry %zu at line %zu of %zu", i,
				    e->line, nlines);
		}
		for (size_t i = 0; i < dgit_changelog_nwarnings(all); i++)
			(void)strlen(dgit_changelog_warning(all, i));
		if (dgit_changelog_entry(all, n) != NULL)
			fuzz_fail("an entry past the end");
	}
	if (ea == NULL && ef == NULL) {
		const struct dgit_changelog_entry *a =
		    dgit_changelog_entry(all, 0);
		const struct dgit_changelog_entry *f =
		    dgit_changelog_entry(first, 0);

		if (dgit_changelog_nentries(first) != 1)
			fuzz_fail("parse_first gave %zu entries",
			    dgit_changelog_nentries(first));
		if (!same(a->package, f->package) ||
		    !same(a->version, f->version) ||
		    !same(a->changes, f->changes) ||
		    !same(a->maintainer, f->maintainer) ||
		    !same(a->date, f->date) || a->timestamp != f->timestamp ||
		    a->line != f->line)
			fuzz_fail("parse and parse_first differ on the first "
			    "entry");
	}
	if (ea == NULL && ef != NULL)
		fuzz_fail("whole parse ok, first-entry parse failed: %s",
		    ef->msg);
	dgit_changelog_free(all);
	dgit_changelog_free(first);

	s = fuzz_strndup(data, size < 256 ? size : 256);
	{
		int64_t ts = 0;
		int tz = 0;

		if (dgit_changelog_parse_date(&ts, &tz, s, "fuzz") == NULL &&
		    (tz < -24 * 60 || tz > 24 * 60))
			fuzz_fail("zone offset %d minutes", tz);
	}
	free(s);
	return 0;
}
