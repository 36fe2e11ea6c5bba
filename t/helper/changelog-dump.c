/*
 * changelog-dump [--strict] FILE [first|all]: print changelog entries the
 * way `dpkg-parsechangelog -l FILE` does (Source, Version, Distribution,
 * Urgency, Maintainer, Timestamp, Date, Changes without its header
 * line), for comparing the two.  "first" reads only the first entry.
 * The parse is DGIT_CHANGELOG_LENIENT (the first entry as dpkg reads
 * it) unless --strict (as dgit's own commands read it).
 * Warnings go to stderr.  Exit 1 with the error on stdout if parsing fails.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dgit_changelog.h"
#include "dgit_error.h"

static void
put_changes(const char *c)
{
	const char *p = c;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (n == 0)
			printf(" .\n");
		else
			printf(" %.*s\n", (int)n, p);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

int
main(int argc, char **argv)
{
	const struct dgit_error *err;
	struct dgit_changelog *cl;
	char *buf = NULL;
	size_t len = 0, cap = 0, r, i, j, n;
	int first, all, strict = 0;
	FILE *f;

	if (argc > 1 && strcmp(argv[1], "--strict") == 0) {
		strict = 1;
		argv++;
		argc--;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: changelog-dump [--strict] FILE "
		    "[first|all]\n");
		return 2;
	}
	first = argc > 2 && strcmp(argv[2], "first") == 0;
	all = argc > 2 && strcmp(argv[2], "all") == 0;
	if ((f = fopen(argv[1], "rb")) == NULL) {
		perror(argv[1]);
		return 2;
	}
	do {
		if (len + 65536 > cap) {
			cap = cap * 2 + 65536;
			if ((buf = realloc(buf, cap)) == NULL)
				return 2;
		}
		r = fread(buf + len, 1, 65536, f);
		len += r;
	} while (r > 0);
	fclose(f);
	err = dgit_changelog_parse_flags(&cl, buf, len, argv[1],
	    (first ? DGIT_CHANGELOG_FIRST : 0) |
	    (strict ? 0 : DGIT_CHANGELOG_LENIENT));
	free(buf);
	if (err) {
		printf("error: %s\n", err->msg);
		return 1;
	}
	n = all ? dgit_changelog_nentries(cl) : 1;
	for (i = 0; i < n; i++) {
		const struct dgit_changelog_entry *e =
		    dgit_changelog_entry(cl, i);

		if (i)
			printf("\n");
		printf("Source: %s\nVersion: %s\n", e->package, e->version);
		/* none in an entry dpkg makes for a missing header */
		if (e->ndistributions)
			printf("Distribution:");
		for (j = 0; j < e->ndistributions; j++)
			printf(" %s", e->distributions[j]);
		if (e->ndistributions)
			printf("\n");
		if (e->urgency)
			printf("Urgency: %s\n", e->urgency);
		if (e->has_trailer) {
			printf("Maintainer: %s\n", e->maintainer);
			if (e->has_timestamp)
				printf("Timestamp: %" PRId64 "\n",
				    e->timestamp);
			printf("Date: %s\n", e->date);
		}
		printf("Changes:\n");
		put_changes(e->changes);
	}
	for (i = 0; i < dgit_changelog_nwarnings(cl); i++)
		fprintf(stderr, "warning: %s\n", dgit_changelog_warning(cl, i));
	dgit_changelog_free(cl);
	return 0;
}
