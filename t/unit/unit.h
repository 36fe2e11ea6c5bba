/*
 * A minimal TAP harness for table-driven unit tests.
 * Each test file has main() calling UNIT_CHECK(...) and ending with
 * return unit_done();
 */
#ifndef DGIT_UNIT_H
#define DGIT_UNIT_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int unit_n __attribute__((unused)), unit_failed;

__attribute__((format(printf, 2, 3)))
__attribute__((unused)) static int
unit_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	unit_n++;
	if (!cond)
		unit_failed++;
	printf("%sok %d - ", cond ? "" : "not ", unit_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return cond;
}

/* Print a diagnostic line (shown by the runner for failed tests). */
__attribute__((format(printf, 1, 2)))
__attribute__((unused)) static void
unit_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

#define UNIT_STREQ(got, want, ...) \
	(unit_ok((got) != NULL && strcmp((got), (want)) == 0, __VA_ARGS__) || \
	 (unit_diag("  got '%s', want '%s'", (got) ? (got) : "(null)", (want)), 0))

__attribute__((unused)) static int
unit_done(void)
{
	printf("1..%d\n", unit_n);
	return unit_failed ? 1 : 0;
}

#endif
