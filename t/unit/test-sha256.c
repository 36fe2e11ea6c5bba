/* SHA-256: FIPS 180-4 example vectors, and split feeding. */
#include <stdlib.h>

#include "unit.h"
#include "dgit_sha256.h"

static const struct {
	const char *in;
	size_t repeat;
	const char *want;
} vectors[] = {
	{ "", 1,
	  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", 1,
	  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
	  "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", 1,
	  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	{ "a", 1000000,
	  "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
};

int
main(void)
{
	char hex[DGIT_SHA256_HEXLEN + 1];

	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		struct dgit_sha256 c;

		dgit_sha256_init(&c);
		for (size_t r = 0; r < vectors[i].repeat; r++)
			dgit_sha256_update(&c, vectors[i].in,
			    strlen(vectors[i].in));
		dgit_sha256_final_hex(&c, hex);
		const char *got = hex;
		UNIT_STREQ(got, vectors[i].want, "vector %zu", i);
	}

	/* every split point of a 200-byte input gives the same hash */
	unsigned char data[200];
	char whole[DGIT_SHA256_HEXLEN + 1];
	int same = 1;
	struct dgit_sha256 c;

	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)(i * 7 + 3);
	dgit_sha256_init(&c);
	dgit_sha256_update(&c, data, sizeof data);
	dgit_sha256_final_hex(&c, whole);
	for (size_t a = 0; a <= sizeof data; a++) {
		size_t b = (a * 13) % (sizeof data - a + 1) + a;

		dgit_sha256_init(&c);
		dgit_sha256_update(&c, data, a);
		dgit_sha256_update(&c, data + a, b - a);
		dgit_sha256_update(&c, data + b, sizeof data - b);
		dgit_sha256_final_hex(&c, hex);
		if (strcmp(hex, whole) != 0)
			same = 0;
	}
	unit_ok(same, "split feeding gives the same hash");

	unit_ok(dgit_sha256_hex_valid(vectors[0].want), "hex valid");
	unit_ok(!dgit_sha256_hex_valid("abc"), "short hex invalid");
	unit_ok(!dgit_sha256_hex_valid("g3b0c44298fc1c149afbf4c8996fb92427ae41e4"
	    "649b934ca495991b7852b855"), "non-hex invalid");
	return unit_done();
}
