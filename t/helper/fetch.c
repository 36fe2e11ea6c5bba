/*
 * Test helper for lib/fetch.c:
 *   fetch [--cache DIR] [--retries N] [--parallel N] [--progress]
 *         URL DEST SIZE|- SHA256|- [URL DEST SIZE SHA256 ...]
 *   fetch --clear-cache DIR
 * Prints "DEST SIZE SHA256 cache|net" per item; errors to stderr, exit 1.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dgit_fetch.h"

static int
progress(const struct dgit_fetch_progress *p, void *arg)
{
	(void)arg;
	fprintf(stderr, "progress %zu/%zu %" PRIu64 "/%" PRIu64 "%s\n",
	    p->files_done, p->files_total, p->bytes_done, p->bytes_total,
	    p->final ? " final" : "");
	return 0;
}

int
main(int argc, char **argv)
{
	struct dgit_fetch_opts o;
	struct dgit_fetch_item *items;
	const struct dgit_error *err;
	size_t n = 0;
	int i = 1;

	memset(&o, 0, sizeof o);
	o.backoff_ms = 50;
	if (argc == 3 && strcmp(argv[1], "--clear-cache") == 0) {
		err = dgit_fetch_cache_clear(argv[2]);
		if (err) {
			fprintf(stderr, "fetch: %s\n", err->msg);
			return 1;
		}
		return 0;
	}
	for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
		if (strcmp(argv[i], "--cache") == 0 && i + 1 < argc)
			o.cache_dir = argv[++i];
		else if (strcmp(argv[i], "--retries") == 0 && i + 1 < argc) {
			o.retries = (unsigned)strtoul(argv[++i], NULL, 10);
			if (o.retries == 0)
				o.retries = DGIT_FETCH_NO_RETRY;
		} else if (strcmp(argv[i], "--parallel") == 0 && i + 1 < argc)
			o.parallel = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--progress") == 0)
			o.progress = progress;
		else {
			fprintf(stderr, "fetch: bad option %s\n", argv[i]);
			return 2;
		}
	}
	if ((argc - i) % 4 != 0 || argc == i) {
		fprintf(stderr, "usage: fetch [opts] URL DEST SIZE SHA256...\n");
		return 2;
	}
	items = calloc((size_t)(argc - i) / 4, sizeof *items);
	if (items == NULL)
		return 1;
	for (; i < argc; i += 4, n++) {
		items[n].url = argv[i];
		items[n].dest = argv[i + 1];
		if (strcmp(argv[i + 2], "-") != 0) {
			items[n].has_size = 1;
			items[n].size = strtoull(argv[i + 2], NULL, 10);
		}
		if (strcmp(argv[i + 3], "-") != 0)
			items[n].sha256 = argv[i + 3];
	}
	err = dgit_fetch_files(&o, items, n);
	if (err) {
		fprintf(stderr, "fetch: %s\n", err->msg);
		free(items);
		return 1;
	}
	for (size_t j = 0; j < n; j++)
		printf("%s %" PRIu64 " %s %s\n", items[j].dest,
		    items[j].got_size, items[j].got_sha256,
		    items[j].from_cache ? "cache" : "net");
	free(items);
	return 0;
}
