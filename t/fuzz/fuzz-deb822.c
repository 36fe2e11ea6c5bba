/*
 * The deb822 parsers and the clearsigned-message splitter.  Laws: the
 * whole-buffer parser and the stream parser, fed the same bytes in pieces
 * of any size, agree on success, paragraphs and fields; every field a
 * paragraph lists can be looked up by its name.
 */
#include "fuzz.h"

#include "dgit_deb822.h"

struct collect {
	size_t n;
	size_t nfields;
	uint64_t sum;              /* over the names' and values' lengths */
};

static uint64_t
para_sum(const struct dgit_deb822_para *p)
{
	uint64_t s = 0;

	for (size_t i = 0; i < dgit_deb822_nfields(p); i++)
		s += strlen(dgit_deb822_field_name(p, i)) * 31 +
		    strlen(dgit_deb822_field_value(p, i));
	return s;
}

static const struct dgit_error *
collect_cb(const struct dgit_deb822_para *p, void *arg)
{
	struct collect *c = arg;

	c->n++;
	c->nfields += dgit_deb822_nfields(p);
	c->sum += para_sum(p);
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dgit_deb822_para **paras = NULL;
	struct dgit_deb822_stream *st = NULL;
	struct dgit_clearsigned *cs = NULL;
	struct collect whole = { 0 }, streamed = { 0 };
	const struct dgit_error *err, *serr;
	const char *buf = (const char *)data;
	size_t n = 0, step;

	err = dgit_deb822_parse(&paras, &n, buf, size, "fuzz");
	if (err == NULL) {
		for (size_t i = 0; i < n; i++) {
			const struct dgit_deb822_para *p = paras[i];

			whole.n++;
			whole.nfields += dgit_deb822_nfields(p);
			whole.sum += para_sum(p);
			(void)dgit_deb822_line(p);
			for (size_t j = 0; j < dgit_deb822_nfields(p); j++) {
				const char *name = dgit_deb822_field_name(p, j);

				if (dgit_deb822_get(p, name) !=
				    dgit_deb822_field_value(p, j))
					fuzz_fail("field '%s' not found by name",
					    name);
			}
		}
		dgit_deb822_paras_free(paras, n);
	}

	/* the piece size comes from the input, so splits vary */
	step = size ? (size_t)data[0] % 17 + 1 : 1;
	serr = dgit_deb822_stream_new(&st, "fuzz", collect_cb, &streamed);
	if (serr)
		abort();
	for (size_t off = 0; off < size && serr == NULL; off += step) {
		size_t len = size - off < step ? size - off : step;

		serr = dgit_deb822_stream_feed(st, buf + off, len);
	}
	if (serr == NULL)
		serr = dgit_deb822_stream_finish(st);
	dgit_deb822_stream_free(st);
	if ((err == NULL) != (serr == NULL))
		fuzz_fail("whole parse %s, stream parse %s",
		    err ? err->msg : "ok", serr ? serr->msg : "ok");
	if (err == NULL && (whole.n != streamed.n ||
	    whole.nfields != streamed.nfields || whole.sum != streamed.sum))
		fuzz_fail("whole parse: %zu paragraphs, %zu fields; stream: "
		    "%zu, %zu", whole.n, whole.nfields, streamed.n,
		    streamed.nfields);

	err = dgit_clearsigned_split(&cs, buf, size, "fuzz");
	if (err == NULL) {
		if (cs == NULL || cs->text == NULL || cs->signature == NULL)
			fuzz_fail("clearsigned split succeeded without parts");
		if (cs->text_len > size || cs->signature_len > size)
			fuzz_fail("clearsigned parts longer than the input");
	}
	dgit_clearsigned_free(cs);
	return 0;
}
