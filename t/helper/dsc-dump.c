/*
 * dsc-dump FILE: parse a .dsc (signed or not) with dgit_dsc_parse and
 * print "source SOURCE", "version VERSION", "format FORMAT", "native N",
 * then one "KIND SIZE SHA256 NAME" line per file.  With -s, FILE is a
 * Sources index and every entry is printed the same way, separated by
 * blank lines.  Exit 1 with the error on stdout if parsing fails.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dgit_deb822.h"
#include "dgit_dsc.h"
#include "dgit_error.h"

static const char *
kind(enum dgit_dsc_file_kind k)
{
	switch (k) {
	case DGIT_DSC_ORIG: return "orig";
	case DGIT_DSC_ORIG_COMPONENT: return "orig-component";
	case DGIT_DSC_ORIG_SIG: return "orig-sig";
	case DGIT_DSC_DEBIAN_TAR: return "debian-tar";
	case DGIT_DSC_NATIVE_TAR: return "native-tar";
	case DGIT_DSC_DIFF: return "diff";
	case DGIT_DSC_DSC: return "dsc";
	case DGIT_DSC_OTHER: break;
	}
	return "other";
}

static void
dump(const struct dgit_dsc *d)
{
	size_t i;

	printf("source %s\nversion %s\nformat %s\nnative %d\n", d->source,
	    d->version, d->format_str, d->native);
	if (d->directory)
		printf("directory %s\n", d->directory);
	for (i = 0; i < d->nfiles; i++)
		printf("%s%s%s %" PRIu64 " %s %s\n", kind(d->files[i].kind),
		    d->files[i].component ? ":" : "",
		    d->files[i].component ? d->files[i].component : "",
		    d->files[i].size, d->files[i].sha256, d->files[i].name);
}

int
main(int argc, char **argv)
{
	const struct dgit_error *err;
	int sources = argc > 2 && strcmp(argv[1], "-s") == 0;
	const char *path = argv[sources ? 2 : 1];
	char *buf = NULL;
	size_t len = 0, cap = 0, r, i;
	FILE *f;

	if (argc < 2) {
		fprintf(stderr, "usage: dsc-dump [-s] FILE\n");
		return 2;
	}
	if ((f = fopen(path, "rb")) == NULL) {
		perror(path);
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
	if (sources) {
		struct dgit_deb822_para **p;
		size_t n;

		err = dgit_deb822_parse(&p, &n, buf, len, path);
		for (i = 0; err == NULL && i < n; i++) {
			struct dgit_dsc *d;
			if ((err = dgit_dsc_from_para(&d, p[i], path)) != NULL)
				break;
			if (i)
				printf("\n");
			dump(d);
			dgit_dsc_free(d);
		}
		if (err == NULL)
			dgit_deb822_paras_free(p, n);
		else if (p != NULL)
			dgit_deb822_paras_free(p, n);
	} else {
		struct dgit_dsc *d;
		if ((err = dgit_dsc_parse(&d, buf, len, path)) == NULL) {
			dump(d);
			dgit_dsc_free(d);
		}
	}
	free(buf);
	if (err) {
		printf("error: %s\n", err->msg);
		return 1;
	}
	return 0;
}
