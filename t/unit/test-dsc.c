/*
 * The source package model.  The real fixtures were made by dpkg-source -b
 * (and dpkg-scansources for the Sources entries); expected values are read
 * off those files and the file roles dpkg-source -x gives them.  The layout
 * rules in the tables are dpkg-source's (Dpkg::Source::Package::V1, V2,
 * V3::Native): what it refuses to unpack must be refused here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dgit_deb822.h"
#include "dgit_dsc.h"
#include "dgit_error.h"
#include "unit.h"

static const char QUILT_DSC[] =
"Format: 3.0 (quilt)\n"
"Source: quiltpkg\n"
"Binary: quiltpkg\n"
"Architecture: all\n"
"Version: 1.2-1\n"
"Maintainer: Test User <test@example.org>\n"
"Standards-Version: 4.6.2\n"
"Package-List:\n"
" quiltpkg deb misc optional arch=all\n"
"Checksums-Sha1:\n"
" 241f2d3779c0e5b249daf1b81e4477ebba8b525d 139 quiltpkg_1.2.orig-extra.tar.gz\n"
" 5d72a3b43001eefefc2978fbafbe09f4b6680dda 196 quiltpkg_1.2.orig.tar.xz\n"
" ddba84bc202cd9600e2f5744ef375364cb14d571 468 quiltpkg_1.2-1.debian.tar.xz\n"
"Checksums-Sha256:\n"
" d95349d56673489d1217984573d76778e0362243de4a942a6935097d62e1fff7 139 quiltpkg_1.2.orig-extra.tar.gz\n"
" 5a8dcf8946281fbca86b0edf2dec09dba33ff8a7e3400aa8fb522dda33930d15 196 quiltpkg_1.2.orig.tar.xz\n"
" a422b4a139f2d4d648e726184cc5ed0d1d82466155ea4091951d019fdc9b65c1 468 quiltpkg_1.2-1.debian.tar.xz\n"
"Files:\n"
" 24de82c79025f3d483b7be681bab75dd 139 quiltpkg_1.2.orig-extra.tar.gz\n"
" 919a7c57fa56e9dc8d6c8bdb4cb5203a 196 quiltpkg_1.2.orig.tar.xz\n"
" 1eec6f72601629d2f7db25e737b0a5b9 468 quiltpkg_1.2-1.debian.tar.xz\n";

static const char OLD_DSC[] =
"Format: 1.0\n"
"Source: oldpkg\n"
"Binary: oldpkg\n"
"Architecture: all\n"
"Version: 0.5-2\n"
"Maintainer: Test User <test@example.org>\n"
"Standards-Version: 4.6.2\n"
"Package-List:\n"
" oldpkg deb misc optional arch=all\n"
"Checksums-Sha1:\n"
" d053a6f6c18ec11fe9d954c71935701b100fa31f 303 oldpkg_0.5.orig.tar.gz\n"
" 03e93ba27f3c3e8cc9a117f42a6eeefddd7225d9 336 oldpkg_0.5-2.diff.gz\n"
"Checksums-Sha256:\n"
" 5480a7c680abf72d016b96a54cc8a70468b37efb8b448f0f87e0c7fd1ae73497 303 oldpkg_0.5.orig.tar.gz\n"
" 879bf9a703f5bc6c0b24602208b46d9d81208edd65ec0675481608c135edf43c 336 oldpkg_0.5-2.diff.gz\n"
"Files:\n"
" 710d8667772385d274fff2e662965fbd 303 oldpkg_0.5.orig.tar.gz\n"
" 598dc8afeb78663cb7de13b3ad10fe04 336 oldpkg_0.5-2.diff.gz\n";

/* nativepkg_2.0.dsc clearsigned with a throwaway key (gpg --clearsign) */
static const char NATIVE_DSC_SIGNED[] =
"-----BEGIN PGP SIGNED MESSAGE-----\n"
"Hash: SHA256\n"
"\n"
"Format: 3.0 (native)\n"
"Source: nativepkg\n"
"Binary: nativepkg\n"
"Architecture: all\n"
"Version: 2.0\n"
"Maintainer: Test User <test@example.org>\n"
"Standards-Version: 4.6.2\n"
"Package-List:\n"
" nativepkg deb misc optional arch=all\n"
"Checksums-Sha1:\n"
" 654dc44a055a1df5ece1f83c12ae0bfb58baa292 508 nativepkg_2.0.tar.xz\n"
"Checksums-Sha256:\n"
" 3d38ca6b257b97fb5aa2d2b68fa04707d4cbc25e40ee409276c98b5b0042d8f2 508 nativepkg_2.0.tar.xz\n"
"Files:\n"
" 04f4446ceee8ffe04610af265e16d4e2 508 nativepkg_2.0.tar.xz\n"
"-----BEGIN PGP SIGNATURE-----\n"
"\n"
"iHUEARYIAB0WIQQ7e/OVyImYUCNR95cJ+UJGglTzoQUCawP99wAKCRAJ+UJGglTz\n"
"oYEFAP4tyZSPBuJNh5aOvomMtRYyaC07pOF+YpVtF3nHGTkG9QEAiXSThm0TUUJ3\n"
"E6uzUibzHudMbjrK5Mutdxum5FsPTQw=\n"
"=XaOt\n"
"-----END PGP SIGNATURE-----\n";

/* dpkg-scansources output for the three packages */
static const char SOURCES[] =
"Format: 3.0 (native)\n"
"Package: nativepkg\n"
"Binary: nativepkg\n"
"Architecture: all\n"
"Version: 2.0\n"
"Maintainer: Test User <test@example.org>\n"
"Standards-Version: 4.6.2\n"
"Package-List:\n"
" nativepkg deb misc optional arch=all\n"
"Directory: .\n"
"Checksums-Sha1:\n"
" 780af14f1bfefa9f6ff1ac4a3add9a839e0821b1 464 nativepkg_2.0.dsc\n"
" 654dc44a055a1df5ece1f83c12ae0bfb58baa292 508 nativepkg_2.0.tar.xz\n"
"Checksums-Sha256:\n"
" 66bb57775447df1b291c6717ac6f8694f86fa6983ac999f5fde4c227d77e6bc3 464 nativepkg_2.0.dsc\n"
" 3d38ca6b257b97fb5aa2d2b68fa04707d4cbc25e40ee409276c98b5b0042d8f2 508 nativepkg_2.0.tar.xz\n"
"Files:\n"
" 7c9e85a9c4c4662dcb276322122806eb 464 nativepkg_2.0.dsc\n"
" 04f4446ceee8ffe04610af265e16d4e2 508 nativepkg_2.0.tar.xz\n"
"\n"
"Format: 1.0\n"
"Package: oldpkg\n"
"Binary: oldpkg\n"
"Architecture: all\n"
"Version: 0.5-2\n"
"Maintainer: Test User <test@example.org>\n"
"Standards-Version: 4.6.2\n"
"Package-List:\n"
" oldpkg deb misc optional arch=all\n"
"Directory: pool/main/o/oldpkg\n"                 /* edited from "." */
"Checksums-Sha1:\n"
" 40c6b1436055674941c3a2a6d18bd21ab63ec14e 671 oldpkg_0.5-2.dsc\n"
" d053a6f6c18ec11fe9d954c71935701b100fa31f 303 oldpkg_0.5.orig.tar.gz\n"
" 03e93ba27f3c3e8cc9a117f42a6eeefddd7225d9 336 oldpkg_0.5-2.diff.gz\n"
"Checksums-Sha256:\n"
" 11ce2d612501214afbcc6989e360f4eb9d6ef5edb1f1c68bbdb83ac83267d568 671 oldpkg_0.5-2.dsc\n"
" 5480a7c680abf72d016b96a54cc8a70468b37efb8b448f0f87e0c7fd1ae73497 303 oldpkg_0.5.orig.tar.gz\n"
" 879bf9a703f5bc6c0b24602208b46d9d81208edd65ec0675481608c135edf43c 336 oldpkg_0.5-2.diff.gz\n"
"Files:\n"
" 64471f1d8556f84830247b092717e1d5 671 oldpkg_0.5-2.dsc\n"
" 710d8667772385d274fff2e662965fbd 303 oldpkg_0.5.orig.tar.gz\n"
" 598dc8afeb78663cb7de13b3ad10fe04 336 oldpkg_0.5-2.diff.gz\n";

static void
test_real(void)
{
	const struct dgit_error *err;
	struct dgit_dsc *d;
	struct dgit_deb822_para **p;
	size_t n;

	err = dgit_dsc_parse(&d, QUILT_DSC, strlen(QUILT_DSC), "q.dsc");
	if (unit_ok(err == NULL, "quilt .dsc parses")) {
		UNIT_STREQ(d->source, "quiltpkg", "quilt source");
		UNIT_STREQ(d->version, "1.2-1", "quilt version");
		UNIT_STREQ(d->format_str, "3.0 (quilt)", "quilt format_str");
		unit_ok(d->format == DGIT_FORMAT_3_0_QUILT && !d->native,
		    "quilt format");
		unit_ok(d->nfiles == 3, "quilt nfiles");
		UNIT_STREQ(d->files[0].name, "quiltpkg_1.2.orig-extra.tar.gz",
		    "file 0 name");
		unit_ok(d->files[0].kind == DGIT_DSC_ORIG_COMPONENT &&
		    d->files[0].size == 139, "file 0 is component, 139 bytes");
		UNIT_STREQ(d->files[0].component, "extra", "component name");
		UNIT_STREQ(d->files[0].sha256, "d95349d56673489d1217984573d76778"
		    "e0362243de4a942a6935097d62e1fff7", "file 0 sha256");
		UNIT_STREQ(d->files[0].md5, "24de82c79025f3d483b7be681bab75dd",
		    "file 0 md5");
		unit_ok(d->files[1].kind == DGIT_DSC_ORIG &&
		    d->files[1].size == 196 && d->files[1].component == NULL,
		    "file 1 is the orig");
		unit_ok(d->files[2].kind == DGIT_DSC_DEBIAN_TAR &&
		    d->files[2].size == 468, "file 2 is the debian tarball");
		unit_ok(d->dgit_field == NULL && d->vcs_git == NULL &&
		    d->directory == NULL, "absent optional fields are NULL");
		dgit_dsc_free(d);
	} else
		unit_diag("  %s", err->msg);

	err = dgit_dsc_parse(&d, OLD_DSC, strlen(OLD_DSC), "o.dsc");
	if (unit_ok(err == NULL, "1.0 .dsc parses")) {
		unit_ok(d->format == DGIT_FORMAT_1_0 && !d->native,
		    "1.0 with diff is not native");
		unit_ok(d->nfiles == 2 && d->files[0].kind == DGIT_DSC_ORIG &&
		    d->files[1].kind == DGIT_DSC_DIFF, "1.0 kinds");
		dgit_dsc_free(d);
	} else
		unit_diag("  %s", err->msg);

	err = dgit_dsc_parse(&d, NATIVE_DSC_SIGNED,
	    strlen(NATIVE_DSC_SIGNED), "n.dsc");
	if (unit_ok(err == NULL, "signed native .dsc parses")) {
		unit_ok(d->format == DGIT_FORMAT_3_0_NATIVE && d->native,
		    "native format");
		UNIT_STREQ(d->version, "2.0", "native version");
		unit_ok(d->nfiles == 1 &&
		    d->files[0].kind == DGIT_DSC_NATIVE_TAR &&
		    d->files[0].size == 508, "native tarball");
		dgit_dsc_free(d);
	} else
		unit_diag("  %s", err->msg);

	err = dgit_deb822_parse(&p, &n, SOURCES, strlen(SOURCES), "Sources");
	if (!unit_ok(err == NULL && n == 2, "Sources parses"))
		return;
	err = dgit_dsc_from_para(&d, p[0], "Sources");
	if (unit_ok(err == NULL, "Sources entry 1")) {
		UNIT_STREQ(d->source, "nativepkg", "Package stands for Source");
		UNIT_STREQ(d->directory, ".", "Directory");
		unit_ok(d->nfiles == 2 && d->files[0].kind == DGIT_DSC_DSC &&
		    d->files[0].size == 464 &&
		    d->files[1].kind == DGIT_DSC_NATIVE_TAR, "Sources kinds");
		dgit_dsc_free(d);
	}
	err = dgit_dsc_from_para(&d, p[1], "Sources");
	if (unit_ok(err == NULL, "Sources entry 2")) {
		UNIT_STREQ(d->directory, "pool/main/o/oldpkg", "Directory 2");
		unit_ok(d->nfiles == 3 && d->files[0].kind == DGIT_DSC_DSC &&
		    d->files[2].kind == DGIT_DSC_DIFF && !d->native,
		    "Sources 1.0 kinds");
		dgit_dsc_free(d);
	}
	dgit_deb822_paras_free(p, n);
}

/*
 * Layout table: a .dsc with Source "pkg", the given Format and Version and
 * the given files (space separated; sizes 1, 2, ...; hashes made up), with
 * a matching Checksums-Sha256.  want: the kinds in order (O orig, C:NAME
 * component, S signature, D debian tarball, N native tarball, F diff,
 * native flag as "+native"), or "!" and a substring of the error.
 */
static const struct {
	const char *fmt, *ver, *files, *want;
} layout[] = {
	{ "3.0 (quilt)", "1.0-1", "pkg_1.0.orig.tar.gz pkg_1.0-1.debian.tar.xz",
	  "O D" },
	{ "3.0 (quilt)", "2:1.0-1", "pkg_1.0.orig.tar.bz2 pkg_1.0-1.debian.tar.gz",
	  "O D" },                                  /* epoch not in names */
	{ "3.0 (quilt)", "1.0-1", "pkg_1.0.orig.tar.lzma pkg_1.0-1.debian.tar.zst",
	  "O D" },
	{ "3.0 (quilt)", "1.0-1", "pkg_1.0.orig.tar.gz pkg_1.0.orig.tar.gz.asc "
	  "pkg_1.0.orig-a-B9.tar.xz pkg_1.0.orig-a-B9.tar.xz.asc "
	  "pkg_1.0.orig-doc.tar.gz pkg_1.0-1.debian.tar.xz",
	  "O S C:a-B9 S C:doc D" },
	{ "3.0 (quilt)", "1.0-2-3", "pkg_1.0-2.orig.tar.gz pkg_1.0-2-3.debian.tar.xz",
	  "O D" },                                  /* last '-' splits */
	{ "3.0 (quilt)", "1.0~rc1+dfsg-1.1", "pkg_1.0~rc1+dfsg.orig.tar.xz "
	  "pkg_1.0~rc1+dfsg-1.1.debian.tar.xz", "O D" },
	{ "3.0 (native)", "1.0", "pkg_1.0.tar.xz", "N +native" },
	{ "3.0 (native)", "1:1.0+nmu1", "pkg_1.0+nmu1.tar.gz", "N +native" },
	{ "1.0", "1.0", "pkg_1.0.tar.gz", "N +native" },
	{ "1.0", "1.0-1", "pkg_1.0.orig.tar.gz pkg_1.0-1.diff.gz", "O F" },
	{ "1.0", "1.0-1", "pkg_1.0.orig.tar.gz pkg_1.0.orig.tar.gz.asc "
	  "pkg_1.0-1.diff.gz", "O S F" },
	{ "1.0", "1.0-1", "pkg_1.0.orig.tar.gz", "O" },  /* dpkg: not native */

	{ "3.0 (quilt)", "1.0-1", "pkg_1.0-1.debian.tar.xz",
	  "!needs exactly one orig tarball and one debian tarball" },
	{ "3.0 (quilt)", "1.0-1", "pkg_1.0.orig.tar.gz",
	  "!needs exactly one orig tarball" },
	{ "3.0 (quilt)", "1.0-1", "pkg_1.0.orig.tar.gz pkg_1.0.orig.tar.xz "
	  "pkg_1.0-1.debian.tar.xz", "!two copies of one orig tarball" },
	{ "3.0 (quilt)", "1.0-1", "pkg_1.0.orig.tar.gz pkg_1.0-1.debian.tar.xz "
	  "pkg_1.0-1.debian.tar.gz", "!two copies of one debian tarball" },
	{ "3.0 (quilt)", "1.0-1", "pkg_1.0.orig.tar.gz pkg_1.0.orig-x.tar.gz "
	  "pkg_1.0.orig-x.tar.xz pkg_1.0-1.debian.tar.xz",
	  "!two copies of one orig component" },
	{ "3.0 (quilt)", "1.0-1", "pkg_1.0.orig.tar.gz pkg_1.0-1.debian.tar.xz "
	  "pkg_1.0-1.diff.gz", "!and no other tarball or diff" },
	{ "3.0 (quilt)", "1.0-1", "pkg_1.0.orig.tar.gz pkg_1.0-1.debian.tar.xz "
	  "pkg_1.0.orig.tar.xz.asc", "!has no matching tarball" },
	{ "3.0 (quilt)", "1.0-1", "pkg_1.0.orig.tar.gz pkg_1.0-1.debian.tar.xz "
	  "pkg_1.0.orig-c.tar.gz.asc", "!has no matching tarball" },
	{ "3.0 (quilt)", "1.0-1", "pkg_1.0.orig.tar.gz pkg_1.0-1.debian.tar.xz "
	  "pkg_1.0.orig-a_b.tar.gz", "!'pkg_1.0.orig-a_b.tar.gz' does not belong" },
	{ "3.0 (quilt)", "1.0-1", "pkg_1.0.orig.tar.gz pkg_1.0-1.debian.tar.xz "
	  "pkg_1.0.orig-.tar.gz", "!does not belong" },
	{ "3.0 (quilt)", "1.0-1", "pkg_1.0.orig.tar.gz pkg_1.0-1.debian.tar.Z",
	  "!'pkg_1.0-1.debian.tar.Z' does not belong" },
	{ "3.0 (quilt)", "1.0-1", "other_1.0.orig.tar.gz pkg_1.0-1.debian.tar.xz",
	  "!'other_1.0.orig.tar.gz' does not belong" },
	{ "3.0 (quilt)", "1.0-1", "pkg_1.1.orig.tar.gz pkg_1.0-1.debian.tar.xz",
	  "!does not belong" },
	{ "3.0 (quilt)", "1.0-1", "pkg_1.0.orig.tar.gz pkg_1.0-1.debian.tar.xz "
	  "pkg_1.0-1.dsc", "!a .dsc must not list a .dsc" },
	{ "3.0 (native)", "1.0", "pkg_1.0.tar.xz pkg_1.0.tar.gz",
	  "!two copies of one tarball" },
	{ "3.0 (native)", "1.0", "pkg_1.0.orig.tar.xz",
	  "!needs exactly one pkg_1.0.tar.*" },
	{ "3.0 (native)", "1.0-1", "pkg_1.0.orig.tar.gz pkg_1.0-1.debian.tar.xz",
	  "!needs exactly one pkg_1.0-1.tar.* and nothing else" },
	{ "1.0", "1.0", "pkg_1.0.tar.xz", "!does not belong" },  /* gzip only */
	{ "1.0", "1.0-1", "pkg_1.0.orig.tar.bz2 pkg_1.0-1.diff.gz",
	  "!does not belong" },
	{ "1.0", "1.0-1", "pkg_1.0-1.diff.gz",
	  "!needs exactly one .tar.gz, found 0" },
	{ "1.0", "1.0-1", "pkg_1.0.orig.tar.gz pkg_1.0-1.tar.gz "
	  "pkg_1.0-1.diff.gz", "!needs exactly one .tar.gz, found 2" },
	{ "1.0", "1.0-1", "pkg_1.0.orig.tar.gz pkg_1.0-1.debian.tar.gz",
	  "!cannot have a debian tarball" },
	{ "1.0", "1.0-1", "pkg_1.0.orig.tar.gz pkg_1.0.orig-x.tar.gz "
	  "pkg_1.0-1.diff.gz", "!does not belong" },
	{ "1.0", "1.0-1", "pkg_1.0.orig.tar.gz pkg_1.0-1.diff.gz README",
	  "!'README' does not belong" },
	{ "3.0 (git)", "1.0", "pkg_1.0.git", "!unsupported source format "
	  "'3.0 (git)'" },
	{ "2.0", "1.0", "pkg_1.0.tar.gz", "!unsupported source format '2.0'" },
	{ "3.0 (quilt)", "a1.0-1", "pkg_a1.0.orig.tar.gz "
	  "pkg_a1.0-1.debian.tar.xz", "!bad version 'a1.0-1'" },
	{ "3.0 (quilt)", "1.0-", "x", "!bad version" },
	{ "3.0 (quilt)", "x:1.0-1", "x", "!bad version" },
	{ "3.0 (quilt)", "1.0/1-1", "x", "!bad version" },
	{ "3.0 (quilt)", "1.0-1", "pkg_1.0.orig.tar.gz a/../pkg_1.0-1.debian.tar.xz",
	  "!contains '/'" },
	{ "3.0 (quilt)", "1.0-1", "pkg_1.0.orig.tar.gz .pkg_1.0-1.debian.tar.xz",
	  "!starts with '.'" },
	{ "3.0 (quilt)", "1.0-1", "pkg_1.0.orig.tar.gz pkg_1.0.orig.tar.gz "
	  "pkg_1.0-1.debian.tar.xz", "!'pkg_1.0.orig.tar.gz' is listed twice" },
};

/* A made-up hex string of n digits. */
static void
fake_hash(char *dst, size_t n, unsigned seed)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] = hex[(seed * 7 + i * 3) % 16];
	dst[n] = '\0';
}

static char *
make_dsc(const char *src, const char *fmt, const char *ver, const char *files,
    const char *extra)
{
	size_t cap = 4096 + 4 * strlen(files), len;
	char *buf = malloc(cap), *list, *tok, *save = NULL;
	char md5[33], sha[65];
	unsigned i;
	int pass;

	if (buf == NULL)
		abort();
	len = (size_t)snprintf(buf, cap, "Format: %s\nSource: %s\n"
	    "Version: %s\n%s", fmt, src, ver, extra);
	for (pass = 0; pass < 2; pass++) {
		len += (size_t)snprintf(buf + len, cap - len, "%s:\n",
		    pass ? "Checksums-Sha256" : "Files");
		list = strdup(files);
		for (i = 1, tok = strtok_r(list, " ", &save); tok;
		    tok = strtok_r(NULL, " ", &save), i++) {
			fake_hash(md5, 32, i);
			fake_hash(sha, 64, i);
			len += (size_t)snprintf(buf + len, cap - len,
			    " %s %u %s\n", pass ? sha : md5, i, tok);
		}
		free(list);
	}
	return buf;
}

static void
describe(char *out, size_t cap, const struct dgit_dsc *d)
{
	size_t i, len = 0;

	out[0] = '\0';
	for (i = 0; i < d->nfiles && len < cap; i++) {
		const char *k = "?";
		switch (d->files[i].kind) {
		case DGIT_DSC_ORIG: k = "O"; break;
		case DGIT_DSC_ORIG_COMPONENT: k = "C:"; break;
		case DGIT_DSC_ORIG_SIG: k = "S"; break;
		case DGIT_DSC_DEBIAN_TAR: k = "D"; break;
		case DGIT_DSC_NATIVE_TAR: k = "N"; break;
		case DGIT_DSC_DIFF: k = "F"; break;
		case DGIT_DSC_DSC: k = "X"; break;
		case DGIT_DSC_OTHER: k = "?"; break;
		}
		len += (size_t)snprintf(out + len, cap - len, "%s%s%s",
		    i ? " " : "", k, d->files[i].component ?
		    d->files[i].component : "");
	}
	if (d->native && len < cap)
		snprintf(out + len, cap - len, " +native");
}

static void
test_layout(void)
{
	size_t i;

	for (i = 0; i < sizeof layout / sizeof layout[0]; i++) {
		char *txt = make_dsc("pkg", layout[i].fmt, layout[i].ver,
		    layout[i].files, "");
		const struct dgit_error *err;
		struct dgit_dsc *d = (void *)1;
		char got[512];

		err = dgit_dsc_parse(&d, txt, strlen(txt), "t.dsc");
		if (layout[i].want[0] == '!') {
			if (!unit_ok(err != NULL && d == NULL &&
			    strstr(err->msg, layout[i].want + 1) != NULL,
			    "layout[%zu] fails: %s", i, layout[i].want + 1)) {
				unit_diag("  got %s", err ? err->msg : "success");
				if (!err)
					dgit_dsc_free(d);
			}
		} else if (!unit_ok(err == NULL, "layout[%zu] parses", i)) {
			unit_diag("  %s", err->msg);
		} else {
			const char *g = got;
			describe(got, sizeof got, d);
			UNIT_STREQ(g, layout[i].want, "layout[%zu] kinds", i);
			dgit_dsc_free(d);
		}
		free(txt);
	}
}

#define F_OK "3.0 (quilt)\nSource: pkg\nVersion: 1.0-1\n"
#define MD5A "0123456789abcdef0123456789abcdef"
#define SHAA MD5A MD5A
#define ORIG "pkg_1.0.orig.tar.gz"
#define DEB "pkg_1.0-1.debian.tar.xz"
#define FILES_OK "Files:\n " MD5A " 10 " ORIG "\n " MD5A " 20 " DEB "\n"
#define SHA_OK "Checksums-Sha256:\n " SHAA " 10 " ORIG "\n " SHAA " 20 " DEB "\n"
#define SHA1A "0123456789abcdef0123456789abcdef01234567"
#define SHA1_OK "Checksums-Sha1:\n " SHA1A " 10 " ORIG "\n " SHA1A " 20 " \
	DEB "\n"

/* Whole .dsc texts: field-level checks. */
static const struct {
	const char *in, *want;                 /* want NULL: must parse */
	enum dgit_error_code code;
} fields[] = {
	{ "Format: " F_OK FILES_OK SHA_OK, NULL, 0 },
	{ "Format: " F_OK FILES_OK, NULL, 0 },    /* old .dsc: no SHA256 */
	{ "Format: " F_OK "Dgit: 0123abc distro=debian\nVcs-Git: "
	  "https://example.org/x.git\n" FILES_OK SHA_OK, NULL, 0 },
	{ "Format: " F_OK "Files:\n " MD5A "  10\t" ORIG "\n "
	  "0123456789ABCDEF0123456789ABCDEF 20 " DEB "\n", NULL, 0 },
	{ "Format: " F_OK "Files: " MD5A " 10 " ORIG "\n " MD5A " 20 " DEB
	  "\n", NULL, 0 },                        /* first line used too */

	{ "Source: pkg\nVersion: 1.0-1\n" FILES_OK, "missing 'Format'",
	  DGIT_ERR_PARSE },
	{ "Format: 1.0\nVersion: 1.0-1\n" FILES_OK, "missing 'Source'",
	  DGIT_ERR_PARSE },
	{ "Format: 1.0\nSource: pkg\n" FILES_OK, "missing 'Version'",
	  DGIT_ERR_PARSE },
	{ "Format: " F_OK SHA_OK, "missing 'Files'", DGIT_ERR_PARSE },
	{ "Format: " F_OK "Files:\n", "lists no files", DGIT_ERR_PARSE },
	{ "Format: " F_OK "Files:\n " MD5A " 10\n", "is not 'HASH SIZE NAME'",
	  DGIT_ERR_PARSE },
	{ "Format: " F_OK "Files:\n " MD5A " 10 a b\n",
	  "is not 'HASH SIZE NAME'", DGIT_ERR_PARSE },
	{ "Format: " F_OK "Files:\n 0123 10 " ORIG "\n", "bad hash '0123'",
	  DGIT_ERR_PARSE },
	{ "Format: " F_OK "Files:\n " "0123456789abcdef0123456789abcdeg"
	  " 10 " ORIG "\n", "bad hash", DGIT_ERR_PARSE },
	{ "Format: " F_OK "Files:\n " MD5A " -1 " ORIG "\n " MD5A " 20 " DEB
	  "\n", "bad size '-1'", DGIT_ERR_PARSE },
	{ "Format: " F_OK "Files:\n " MD5A " 1x " ORIG "\n", "bad size",
	  DGIT_ERR_PARSE },
	{ "Format: " F_OK "Files:\n " MD5A " 99999999999999999999 " ORIG "\n",
	  "bad size", DGIT_ERR_PARSE },
	{ "Format: " F_OK "Files:\n " MD5A " 2000000000000 " ORIG "\n",
	  "bad size", DGIT_ERR_PARSE },          /* 2 TB: absurd */
	{ "Format: " F_OK FILES_OK "Checksums-Sha256:\n " SHAA " 10 " ORIG
	  "\n", "lists 2 files but 'Checksums-Sha256' 1", DGIT_ERR_PARSE },
	{ "Format: " F_OK FILES_OK "Checksums-Sha256:\n " SHAA " 10 " ORIG
	  "\n " SHAA " 21 " DEB "\n", "has size 20 in 'Files' but 21",
	  DGIT_ERR_PARSE },
	{ "Format: " F_OK FILES_OK "Checksums-Sha256:\n " SHAA " 10 " ORIG
	  "\n " SHAA " 20 pkg_1.0-1.debian.tar.gz\n", "'" DEB "' is in 'Files' "
	  "but not in 'Checksums-Sha256'", DGIT_ERR_PARSE },
	{ "Format: " F_OK FILES_OK "Checksums-Sha256:\n " MD5A " 10 " ORIG
	  "\n " SHAA " 20 " DEB "\n", "bad hash", DGIT_ERR_PARSE },
	/* Checksums-Sha1 is held to the same rules (dpkg-source checks it) */
	{ "Format: " F_OK FILES_OK SHA_OK "Checksums-Sha1:\n " SHA1A " 10 "
	  ORIG "\n", "lists 2 files but 'Checksums-Sha1' 1", DGIT_ERR_PARSE },
	{ "Format: " F_OK FILES_OK SHA_OK "Checksums-Sha1:\n " SHA1A " 10 "
	  ORIG "\n " SHA1A " 21 " DEB "\n", "has size 20 in 'Files' but 21 in "
	  "'Checksums-Sha1'", DGIT_ERR_PARSE },
	{ "Format: " F_OK FILES_OK "Checksums-Sha1:\n " SHA1A " 10 " ORIG
	  "\n " SHA1A " 20 x.tar.gz\n", "'" DEB "' is in 'Files' but not in "
	  "'Checksums-Sha1'", DGIT_ERR_PARSE },
	{ "Format: " F_OK FILES_OK "Checksums-Sha1:\n " SHAA " 10 " ORIG
	  "\n " SHA1A " 20 " DEB "\n", "bad hash", DGIT_ERR_PARSE },
	{ "Format: " F_OK "Files:\n " MD5A " 10 " ORIG "\n " MD5A " 20 sub/"
	  DEB "\n", "contains '/'", DGIT_ERR_UNSAFE_PATH },
	{ "Format: " F_OK "Files:\n " MD5A " 10 " ORIG "\n " MD5A " 20 ..\n",
	  "starts with '.'", DGIT_ERR_UNSAFE_PATH },
	{ "Format: " F_OK "Files:\n " MD5A " 10 " ORIG "\n " MD5A
	  " 20 caf\xc3\xa9\n", "non-ASCII", DGIT_ERR_PARSE },
	{ "Format: 3.0 (quilt)\nSource: Pkg\nVersion: 1.0-1\n" FILES_OK,
	  "bad source package name 'Pkg'", DGIT_ERR_PARSE },
	{ "Format: 3.0 (quilt)\nSource: p\nVersion: 1.0-1\n" FILES_OK,
	  "bad source package name", DGIT_ERR_PARSE },
	{ "Format: 3.0 (quilt)\nSource: -pkg\nVersion: 1.0-1\n" FILES_OK,
	  "bad source package name", DGIT_ERR_PARSE },
	{ "Format: 3.0 (quilt)\nSource: pkg\nPackage: pkg\nVersion: 1.0-1\n"
	  FILES_OK "Directory: ../x\n", "unsafe 'Directory'",
	  DGIT_ERR_UNSAFE_PATH },
	{ "Format: 3.0 (quilt)\nPackage: pkg\nVersion: 1.0-1\n"
	  FILES_OK "Directory: /pool\n", "unsafe 'Directory'",
	  DGIT_ERR_UNSAFE_PATH },
	{ "Format: 3.0 (quilt)\nPackage: pkg\nVersion: 1.0-1\n"
	  FILES_OK "Directory: pool//x\n", "unsafe", DGIT_ERR_UNSAFE_PATH },
	{ "Format: 3.0 (quilt)\nPackage: pkg\nVersion: 1.0-1\n"
	  FILES_OK "Directory: pool/x\n", "does not list exactly one "
	  "'pkg_1.0-1.dsc'", DGIT_ERR_PARSE },
	{ "Format: " F_OK FILES_OK "\nFormat: " F_OK FILES_OK,
	  "expected one paragraph, found 2", DGIT_ERR_PARSE },
	{ "", "expected one paragraph, found 0", DGIT_ERR_PARSE },
	{ "Format: " F_OK FILES_OK "Files:\n", "line 7: duplicate field",
	  DGIT_ERR_PARSE },
	{ "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nFormat: " F_OK
	  FILES_OK, "no '-----BEGIN PGP SIGNATURE-----' line",
	  DGIT_ERR_PARSE },
};

static void
test_fields(void)
{
	size_t i;

	for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		struct dgit_dsc *d = (void *)1;
		const struct dgit_error *err;

		err = dgit_dsc_parse(&d, fields[i].in, strlen(fields[i].in),
		    "f.dsc");
		if (fields[i].want == NULL) {
			if (!unit_ok(err == NULL && d->nfiles == 2 &&
			    d->files[0].size == 10 && d->files[1].size == 20 &&
			    strcmp(d->files[1].md5, MD5A) == 0,
			    "fields[%zu] parses", i))
				unit_diag("  %s", err ? err->msg : "");
			if (err == NULL)
				dgit_dsc_free(d);
			continue;
		}
		if (!unit_ok(err != NULL && d == NULL &&
		    err->code == fields[i].code &&
		    strstr(err->msg, fields[i].want) != NULL &&
		    strncmp(err->msg, "'f.dsc'", 7) == 0,
		    "fields[%zu] fails: %s", i, fields[i].want)) {
			unit_diag("  got %s", err ? err->msg : "success");
			if (!err)
				dgit_dsc_free(d);
		}
	}
	/* field values kept */
	{
		const char *in = fields[2].in;
		struct dgit_dsc *d;
		if (unit_ok(dgit_dsc_parse(&d, in, strlen(in), "f") == NULL,
		    "Dgit/Vcs-Git .dsc")) {
			UNIT_STREQ(d->dgit_field, "0123abc distro=debian",
			    "Dgit field");
			UNIT_STREQ(d->vcs_git, "https://example.org/x.git",
			    "Vcs-Git field");
			UNIT_STREQ(d->files[0].sha256, SHAA, "sha256 kept");
			dgit_dsc_free(d);
		}
	}
	/* every digest kept, "" for a field the .dsc lacks */
	{
		static const char in[] = "Format: " F_OK FILES_OK SHA_OK
		    SHA1_OK;
		struct dgit_dsc *d;

		if (unit_ok(dgit_dsc_parse(&d, in, strlen(in), "f") == NULL,
		    "a .dsc with all three digests")) {
			UNIT_STREQ(d->files[1].sha1, SHA1A, "sha1 kept");
			UNIT_STREQ(d->files[1].sha256, SHAA, "sha256 kept");
			UNIT_STREQ(d->files[1].md5, MD5A, "md5 kept");
			dgit_dsc_free(d);
		}
		if (unit_ok(dgit_dsc_parse(&d, fields[1].in,
		    strlen(fields[1].in), "f") == NULL, "an old .dsc")) {
			UNIT_STREQ(d->files[0].sha1, "", "no sha1");
			UNIT_STREQ(d->files[0].sha256, "", "no sha256");
			dgit_dsc_free(d);
		}
	}
}

/* The Dgit: field, against the forms dgit(7) and dgit's parser accept. */
static void
test_dgit_field(void)
{
	static const struct {
		const char *in, *commit, *distro, *tag, *url;
	} good[] = {
		{ "0123456789abcdef0123456789abcdef01234567 debian "
		  "archive/debian/1.0-1 https://git.example.org/dgit/foo",
		  "0123456789abcdef0123456789abcdef01234567", "debian",
		  "archive/debian/1.0-1", "https://git.example.org/dgit/foo" },
		/* the older one-word form */
		{ "0123456789abcdef0123456789abcdef01234567",
		  "0123456789abcdef0123456789abcdef01234567", NULL, NULL, NULL },
		{ "0123456789ABCDEF0123456789abcdef01234567  ",
		  "0123456789abcdef0123456789abcdef01234567", NULL, NULL, NULL },
		/* mangled versions, extra words ignored */
		{ "89abcdef0123456789abcdef0123456789abcdef Ubuntu "
		  "archive/ubuntu/1%2.0_rc1-3 file:///srv/x extra",
		  "89abcdef0123456789abcdef0123456789abcdef", "Ubuntu",
		  "archive/ubuntu/1%2.0_rc1-3", "file:///srv/x" },
	};
	static const char *const bad[] = {
		"",
		"0123abc distro=debian",
		"0123456789abcdef0123456789abcdef0123456",       /* 39 */
		"0123456789abcdef0123456789abcdef012345678",     /* 41 */
		"0123456789abcdef0123456789abcdef0123456g",
		"0123456789abcdef0123456789abcdef01234567 debian",
		"0123456789abcdef0123456789abcdef01234567 debian tag",
		"0123456789abcdef0123456789abcdef01234567 -debian t u",
		"0123456789abcdef0123456789abcdef01234567 deb_ian t u",
		"0123456789abcdef0123456789abcdef01234567 debian a:b u",
		"0123456789abcdef0123456789abcdef01234567 debian a~b u",
	};

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		struct dgit_dsc_dgit d;
		const struct dgit_error *err = dgit_dsc_dgit_parse(&d,
		    good[i].in, "f.dsc");

		if (!unit_ok(err == NULL, "Dgit good[%zu] parses", i)) {
			unit_diag("  %s", err->msg);
			continue;
		}
		UNIT_STREQ(d.commit, good[i].commit, "good[%zu] commit", i);
		if (good[i].distro) {
			UNIT_STREQ(d.distro, good[i].distro, "good[%zu] distro",
			    i);
			UNIT_STREQ(d.tag, good[i].tag, "good[%zu] tag", i);
			UNIT_STREQ(d.url, good[i].url, "good[%zu] url", i);
		} else
			unit_ok(!d.distro && !d.tag && !d.url,
			    "good[%zu] has only the commit", i);
		dgit_dsc_dgit_release(&d);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct dgit_dsc_dgit d;
		const struct dgit_error *err = dgit_dsc_dgit_parse(&d, bad[i],
		    "f.dsc");

		unit_ok(err != NULL && err->code == DGIT_ERR_PARSE &&
		    strstr(err->msg, "'f.dsc': malformed Dgit: field") &&
		    d.distro == NULL && d.commit[0] == '\0',
		    "Dgit bad[%zu] '%s' fails", i, bad[i]);
		dgit_dsc_dgit_release(&d);
	}
}

/* Expectations from Perl dgit's own substitutions, run by perl:
 * s/\s+-b\s+\S+//g; s/\s+\[[^][]*\]//g (trailing blanks dropped too). */
static void
test_vcs_git(void)
{
	static const struct { const char *in, *want; } t[] = {
		{ "https://h/x/y.git -b debian/latest", "https://h/x/y.git" },
		{ "https://h/x.git [sub/dir]", "https://h/x.git" },
		{ "https://h/x.git  -b  main  [p]", "https://h/x.git" },
		{ "https://h/x.git -b", "https://h/x.git -b" },
		{ "https://h/x.git [a[b]", "https://h/x.git [a[b]" },
		{ "https://h/x.git\t-b\tbr", "https://h/x.git" },
		{ "https://h/x.git ", "https://h/x.git" },
		{ "", NULL },
		{ NULL, NULL },
	};

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char *got = dgit_dsc_vcs_git_url(t[i].in);

		if (t[i].want == NULL)
			unit_ok(got == NULL, "vcs_git[%zu] is none", i);
		else
			UNIT_STREQ(got, t[i].want, "vcs_git[%zu]", i);
		free(got);
	}
}

int
main(void)
{
	test_vcs_git();
	test_real();
	test_layout();
	test_fields();
	test_dgit_field();
	return unit_done();
}
