/*
 * Shared by the libFuzzer targets in t/fuzz/: each target is a
 * LLVMFuzzerTestOneInput that calls the library on the input and frees
 * what it got.  A broken invariant (a law the code must keep whatever the
 * input) is reported with fuzz_fail, which aborts so that libFuzzer keeps
 * the input as a crash.
 */
#ifndef DGIT_FUZZ_H
#define DGIT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define fuzz_fail(...) do { \
	fprintf(stderr, "fuzz invariant broken: " __VA_ARGS__); \
	fputc('\n', stderr); \
	abort(); \
} while (0)

/* A NUL-terminated copy of the input (it may hold NULs itself). */
static inline char *
fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
