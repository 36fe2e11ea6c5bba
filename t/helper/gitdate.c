/*
 * Test driver: dates read as git reads GIT_AUTHOR_DATE.
 *
 * usage: gitdate
 * Reads one date a line on stdin; prints "EPOCH +ZZZZ" for each (as git
 * var GIT_AUTHOR_IDENT ends), or "invalid" where the date is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dgit_date.h"

int
main(void)
{
	char line[4096];

	while (fgets(line, sizeof line, stdin)) {
		const struct dgit_error *err;
		int64_t t;
		int tz;

		line[strcspn(line, "\n")] = '\0';
		if ((err = dgit_date_parse_git(&t, &tz, line, "date"))) {
			puts("invalid");
			continue;
		}
		printf("%lld %c%02d%02d\n", (long long)t, tz < 0 ? '-' : '+',
		    abs(tz) / 60, abs(tz) % 60);
	}
	return 0;
}
