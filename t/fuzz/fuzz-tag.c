/*
 * dgit's tag messages.  Laws: a message that parses, formatted again and
 * parsed again, gives the same information; the signature split stays
 * inside the input.
 */
#include "fuzz.h"

#include "dgit_tag.h"

static int
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void
compare(const struct dgit_tag_info *a, const struct dgit_tag_info *b)
{
	if (!same(a->package, b->package) || !same(a->version, b->version) ||
	    !same(a->clogsuite, b->clogsuite) || !same(a->csuite, b->csuite) ||
	    !same(a->distro, b->distro) || a->split != b->split ||
	    !same(a->quilt, b->quilt) ||
	    a->ndeliberately != b->ndeliberately ||
	    a->npreviously != b->npreviously)
		fuzz_fail("tag message changed on formatting and parsing");
	for (size_t i = 0; i < a->ndeliberately; i++)
		if (!same(a->deliberately[i], b->deliberately[i]))
			fuzz_fail("deliberately %zu changed", i);
	for (size_t i = 0; i < a->npreviously; i++)
		if (!same(a->previously[i].ref, b->previously[i].ref) ||
		    !same(a->previously[i].objid, b->previously[i].objid))
			fuzz_fail("previously %zu changed", i);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct dgit_tag_info info, again;
	char *text = NULL;
	size_t plen = 0;

	memset(&info, 0, sizeof info);
	memset(&again, 0, sizeof again);
	if (dgit_tag_parse_message(&info, buf, size) == NULL &&
	    info.distro != NULL) {
		if (dgit_tag_format_message(&text, &info) != NULL)
			fuzz_fail("a parsed tag message cannot be formatted");
		if (dgit_tag_parse_message(&again, text, strlen(text)) != NULL)
			fuzz_fail("a formatted tag message does not parse:\n%s",
			    text);
		compare(&info, &again);
		free(text);
	}
	dgit_tag_info_release(&info);
	dgit_tag_info_release(&again);
	if (dgit_tag_split_signature(&plen, buf, size) == NULL && plen > size)
		fuzz_fail("signature split past the end");
	{
		char *s = fuzz_strndup(data, size < 512 ? size : 512);

		(void)dgit_tag_package_name_ok(s);
		free(s);
	}
	return 0;
}
