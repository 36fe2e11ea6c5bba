/*
 * Debian versions: the checker, the splitter and its helpers, and the
 * comparator against itself.  The input is up to three versions separated
 * by newlines.  Laws: compare(a, a) == 0; compare is antisymmetric and
 * transitive; a valid version's parts put back together give it again;
 * the epoch-less and upstream forms compare as the parts they are.
 */
#include "fuzz.h"

#include "dgit_version.h"

static int
sign(int x)
{
	return (x > 0) - (x < 0);
}

static void
one(const char *v)
{
	struct dgit_version p;
	const struct dgit_error *err;
	char *s = NULL, joined[3200];

	memset(&p, 0, sizeof p);
	err = dgit_version_parse(&p, v);
	if ((err == NULL) != (dgit_version_check(v) == NULL))
		fuzz_fail("parse and check disagree on '%s'", v);
	if (err == NULL) {
		snprintf(joined, sizeof joined, "%s%s%s%s%s",
		    p.epoch ? p.epoch : "", p.epoch ? ":" : "", p.upstream,
		    p.revision ? "-" : "", p.revision ? p.revision : "");
		if (strcmp(joined, v) != 0)
			fuzz_fail("'%s' split and joined is '%s'", v, joined);
		if (dgit_version_upstream(&s, v) != NULL ||
		    strcmp(s, p.upstream) != 0)
			fuzz_fail("upstream of '%s'", v);
		free(s);
		s = NULL;
		if (dgit_version_noepoch(&s, v) != NULL)
			fuzz_fail("noepoch of '%s'", v);
		if (p.epoch == NULL && strcmp(s, v) != 0)
			fuzz_fail("'%s' has no epoch but noepoch gives '%s'",
			    v, s);
		free(s);
		s = NULL;
		if (dgit_version_mangle(&s, v) != NULL || s == NULL ||
		    strpbrk(s, ":~") != NULL)
			fuzz_fail("mangle of '%s'", v);
		free(s);
		s = NULL;
	}
	dgit_version_release(&p);
	if (dgit_version_compare(v, v) != 0)
		fuzz_fail("'%s' is not equal to itself", v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size < 3000 ? size : 3000);
	char *v[3] = { s, NULL, NULL };
	int n = 1, ab, ba, bc, ac;

	for (char *p = s; *p && n < 3; p++) {
		if (*p == '\n') {
			*p = '\0';
			v[n++] = p + 1;
		}
	}
	if (n < 3) {
		for (char *p = v[n - 1]; *p; p++)
			if (*p == '\n')
				*p = '\0';
	}
	for (int i = 0; i < n; i++)
		one(v[i]);
	if (n >= 2) {
		ab = sign(dgit_version_compare(v[0], v[1]));
		ba = sign(dgit_version_compare(v[1], v[0]));
		if (ab != -ba)
			fuzz_fail("'%s' vs '%s': %d, reversed %d", v[0], v[1],
			    ab, ba);
		{
			int r = 0;

			if (dgit_version_compare_checked(&r, v[0], v[1]) ==
			    NULL && sign(r) != ab)
				fuzz_fail("checked compare differs");
		}
	}
	if (n == 3) {
		ab = sign(dgit_version_compare(v[0], v[1]));
		bc = sign(dgit_version_compare(v[1], v[2]));
		ac = sign(dgit_version_compare(v[0], v[2]));
		if (ab <= 0 && bc <= 0 && ac > 0)
			fuzz_fail("'%s' <= '%s' <= '%s' but the first is "
			    "greater than the last", v[0], v[1], v[2]);
		if (ab == 0 && bc == 0 && ac != 0)
			fuzz_fail("equality of '%s', '%s', '%s' not transitive",
			    v[0], v[1], v[2]);
	}
	free(s);
	return 0;
}
