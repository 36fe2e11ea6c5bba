/*
 * Digests: the example vectors of FIPS 180-4 (SHA-256, SHA-1) and
 * RFC 1321 (MD5), split feeding, files, hex checks.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "unit.h"
#include "dgit_hash.h"

static const struct {
	enum dgit_hash_algo algo;
	const char *in;
	size_t repeat;
	const char *want;
} vectors[] = {
	/* FIPS 180-4 examples (and NIST's one million 'a') */
	{ DGIT_HASH_SHA256, "", 1,
	  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ DGIT_HASH_SHA256, "abc", 1,
	  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ DGIT_HASH_SHA256,
	  "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ DGIT_HASH_SHA256,
	  "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
	  "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", 1,
	  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	{ DGIT_HASH_SHA256, "a", 1000000,
	  "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
	{ DGIT_HASH_SHA1, "", 1, "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
	{ DGIT_HASH_SHA1, "abc", 1, "a9993e364706816aba3e25717850c26c9cd0d89d" },
	{ DGIT_HASH_SHA1,
	  "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
	  "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
	{ DGIT_HASH_SHA1, "a", 1000000,
	  "34aa973cd4c4daa4f61eeb2bdbad27316534016f" },
	/* RFC 1321, appendix A.5 */
	{ DGIT_HASH_MD5, "", 1, "d41d8cd98f00b204e9800998ecf8427e" },
	{ DGIT_HASH_MD5, "a", 1, "0cc175b9c0f1b6a831c399e269772661" },
	{ DGIT_HASH_MD5, "abc", 1, "900150983cd24fb0d6963f7d28e17f72" },
	{ DGIT_HASH_MD5, "message digest", 1,
	  "f96b697d7cb7938d525a2f31aaf161d0" },
	{ DGIT_HASH_MD5, "abcdefghijklmnopqrstuvwxyz", 1,
	  "c3fcd3d76192e4007dfb496cca67e13b" },
	{ DGIT_HASH_MD5, "1234567890", 8, "57edf4a22be3c955ac49da2e2107b67a" },
};

static const char *const names[] = { "sha256", "sha1", "md5" };

struct hex_case {
	const char *s;
	enum dgit_hash_algo algo;
	int valid;
};

static const struct hex_case hexes[] = {
	{ "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	  DGIT_HASH_SHA256, 1 },
	{ "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
	  DGIT_HASH_SHA256, 1 },
	{ "abc", DGIT_HASH_SHA256, 0 },
	{ "", DGIT_HASH_SHA256, 0 },
	{ "g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	  DGIT_HASH_SHA256, 0 },
	{ "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8550",
	  DGIT_HASH_SHA256, 0 },
	{ "da39a3ee5e6b4b0d3255bfef95601890afd80709", DGIT_HASH_SHA1, 1 },
	{ "da39a3ee5e6b4b0d3255bfef95601890afd80709", DGIT_HASH_SHA256, 0 },
	{ "d41d8cd98f00b204e9800998ecf8427e", DGIT_HASH_MD5, 1 },
	{ "d41d8cd98f00b204e9800998ecf8427", DGIT_HASH_MD5, 0 },
};

int
main(void)
{
	char hex[DGIT_HASH_MAXHEXLEN + 1], whole[DGIT_HASH_MAXHEXLEN + 1];
	char path[] = "/tmp/dgit-test-hash.XXXXXX";
	unsigned char data[200];
	struct dgit_hash c;
	const char *got;
	uint64_t size;
	FILE *fp;
	int fd;

	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		got = hex;
		hex[0] = '\0';
		if (dgit_hash_init(&c, vectors[i].algo) == NULL) {
			for (size_t r = 0; r < vectors[i].repeat; r++)
				dgit_hash_update(&c, vectors[i].in,
				    strlen(vectors[i].in));
			unit_ok(c.len == vectors[i].repeat *
			    strlen(vectors[i].in), "vector %zu: length counted",
			    i);
			dgit_hash_final_hex(&c, hex);
		}
		UNIT_STREQ(got, vectors[i].want, "%s vector %zu",
		    names[vectors[i].algo], i);
	}

	/* every split point of a 200-byte input gives the same hash */
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)(i * 7 + 3);
	for (int algo = 0; algo < 3; algo++) {
		int same = 1;

		dgit_hash_buf_hex(whole, (enum dgit_hash_algo)algo, data,
		    sizeof data);
		for (size_t a = 0; a <= sizeof data; a++) {
			size_t b = (a * 13) % (sizeof data - a + 1) + a;

			dgit_hash_init(&c, (enum dgit_hash_algo)algo);
			dgit_hash_update(&c, data, a);
			dgit_hash_update(&c, data + a, b - a);
			dgit_hash_update(&c, data + b, sizeof data - b);
			dgit_hash_final_hex(&c, hex);
			if (strcmp(hex, whole) != 0)
				same = 0;
		}
		unit_ok(same, "%s: split feeding gives the same hash",
		    names[algo]);
	}

	/* reset: live and finished contexts start again */
	dgit_hash_init(&c, DGIT_HASH_SHA1);
	dgit_hash_update(&c, "junk", 4);
	unit_ok(dgit_hash_reset(&c) == NULL && c.len == 0, "reset a live context");
	dgit_hash_update(&c, "abc", 3);
	dgit_hash_final_hex(&c, hex);
	got = hex;
	UNIT_STREQ(got, "a9993e364706816aba3e25717850c26c9cd0d89d",
	    "reset forgets what came before");
	unit_ok(dgit_hash_reset(&c) == NULL, "reset a finished context");
	dgit_hash_final_hex(&c, hex);
	got = hex;
	UNIT_STREQ(got, "da39a3ee5e6b4b0d3255bfef95601890afd80709",
	    "reset keeps the algorithm");
	dgit_hash_release(&c);
	dgit_hash_release(&c);

	/* files: the million 'a' again, and a missing file */
	fd = mkstemp(path);
	fp = fdopen(fd, "wb");
	for (int i = 0; i < 1000000; i++)
		fputc('a', fp);
	fclose(fp);
	unit_ok(dgit_hash_file(hex, &size, DGIT_HASH_SHA256, path) == NULL &&
	    size == 1000000 && strcmp(hex, vectors[4].want) == 0,
	    "sha256 of a file");
	unit_ok(dgit_hash_file(hex, NULL, DGIT_HASH_MD5, path) == NULL &&
	    strcmp(hex, "7707d6ae4e027c70eea2a935c2296f21") == 0,
	    "md5 of a file (md5sum's answer)");
	{
		/* all three in one read: each as dgit_hash_file gives it */
		enum dgit_hash_algo al[3] = { DGIT_HASH_MD5, DGIT_HASH_SHA256,
		    DGIT_HASH_SHA1 };
		char multi[3][DGIT_HASH_MAXHEXLEN + 1];
		const struct dgit_error *err;

		fd = open(path, O_RDONLY);
		err = dgit_hash_fd_multi(multi, &size, al, 3, fd, path);
		unit_ok(err == NULL && size == 1000000 &&
		    strcmp(multi[0], "7707d6ae4e027c70eea2a935c2296f21") == 0 &&
		    strcmp(multi[1], vectors[4].want) == 0 &&
		    strcmp(multi[2], vectors[8].want) == 0,
		    "md5, sha256 and sha1 of a file in one pass");
		unit_ok(lseek(fd, 0, SEEK_CUR) == 1000000,
		    "read once, to the end");
		close(fd);
		fd = open(path, O_RDONLY);
		err = dgit_hash_fd_multi(multi, &size, al, 4, fd, path);
		unit_ok(err != NULL && multi[0][0] == '\0',
		    "more digests than it holds is refused");
		close(fd);
	}
	unlink(path);
	{
		const struct dgit_error *err = dgit_hash_file(hex, &size,
		    DGIT_HASH_SHA256, path);

		unit_ok(err && err->code == DGIT_ERR_ERRNO &&
		    strstr(err->msg, path) && size == 0,
		    "a missing file is an error naming it");
	}

	for (size_t i = 0; i < sizeof hexes / sizeof hexes[0]; i++)
		unit_ok(dgit_hash_hex_valid(hexes[i].s, hexes[i].algo) ==
		    hexes[i].valid, "hex '%s' as %s: %s", hexes[i].s,
		    names[hexes[i].algo], hexes[i].valid ? "valid" : "invalid");
	unit_ok(dgit_hash_size(DGIT_HASH_SHA256) == 32 &&
	    dgit_hash_size(DGIT_HASH_SHA1) == 20 &&
	    dgit_hash_size(DGIT_HASH_MD5) == 16, "digest sizes");
	return unit_done();
}
