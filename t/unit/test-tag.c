/*
 * dgit tag messages: must-parse and must-fail tables.  The good messages
 * are laid out as Perl dgit's push_mktags writes them (headline, blank
 * line, "[dgit distro=...]", sorted "[dgit previously:...]" lines); the
 * formatter must give back exactly those bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "dgit_tag.h"
#include "unit.h"

static const char *const good[] = {
	"hello release 1.0-1 for unstable (sid) [dgit]\n\n"
	"[dgit distro=debian no-split --quilt=linear]\n",

	"hello release 1:2.0~rc1-3 for experimental (experimental) [dgit]\n\n"
	"[dgit distro=debian split --quilt=gbp "
	"--deliberately-not-fast-forward]\n"
	"[dgit previously:heads/master=0123456789abcdef0123456789abcdef01234567]\n"
	"[dgit previously:tags/archive/debian/1.0-1=89abcdef0123456789abcdef0123456789abcdef]\n",

	"libfoo2.0+x release 3 for bookworm (bookworm) [dgit]\n\n"
	"[dgit distro=test no-split]\n",
};

/* message, what the error must mention */
static const struct { const char *msg, *why; } bad[] = {
	{ "", "empty" },
	{ "hello release 1.0-1 for unstable (sid)\n", "headline" },
	{ "hello release 1.0-1 for unstable (sid) [dgit] \n", "headline" },
	{ "hello  release 1.0-1 for unstable (sid) [dgit]\n", "headline" },
	{ "hello release 1.0-1 for unstable sid [dgit]\n", "headline" },
	{ "hello release 1.0-1 for (sid) [dgit]\n", "headline" },
	{ "Hello release 1.0-1 for unstable (sid) [dgit]\n", "package" },
	{ "hello release 1.0- for unstable (sid) [dgit]\n", "version" },
	{ "hello release a1.0 for unstable (sid) [dgit]\n", "version" },
	{ "hello release 1.0 for unstable (sid) [dgit]\n\n"
	  "[dgit distro=debian distro=debian]\n", "twice" },
	{ "hello release 1.0 for unstable (sid) [dgit]\n\n"
	  "[dgit distro=]\n", "empty" },
	{ "hello release 1.0 for unstable (sid) [dgit]\n\n"
	  "[dgit previously:tags/x=zz]\n", "previously" },
	{ "hello release 1.0 for unstable (sid) [dgit]\n\n"
	  "[dgit previously:tags/x=0123456789abcdef0123456789abcdef01234567]\n"
	  "[dgit previously:tags/x=0123456789abcdef0123456789abcdef01234567]\n",
	  "twice" },
	{ "hello release 1.0 for unstable (sid) [dgit]\n\n"
	  "[dgit distro=debian Upper]\n", "unknown" },
	{ "hello release 1.0 for unstable (sid) [dgit]\n\n"
	  "[dgit distro=debian  split]\n", "empty item" },
	{ "hello release 1.0 for unstable (sid) [dgit]\n\n"
	  "[dgit --deliberately-A]\n", "deliberately" },
};

int
main(void)
{
	struct dgit_tag_info info;
	const struct dgit_error *err;
	char *out;
	size_t i, pl;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		err = dgit_tag_parse_message(&info, good[i], strlen(good[i]));
		unit_ok(err == NULL, "parses: good[%zu]%s%s", i,
		    err ? ": " : "", err ? err->msg : "");
		out = NULL;
		if (err == NULL)
			err = dgit_tag_format_message(&out, &info);
		UNIT_STREQ(out, good[i], "formats back: good[%zu]", i);
		free(out);
		dgit_tag_info_release(&info);
	}

	err = dgit_tag_parse_message(&info, good[1], strlen(good[1]));
	unit_ok(err == NULL && strcmp(info.package, "hello") == 0 &&
	    strcmp(info.version, "1:2.0~rc1-3") == 0 &&
	    strcmp(info.clogsuite, "experimental") == 0 &&
	    strcmp(info.distro, "debian") == 0 && info.split == 1 &&
	    strcmp(info.quilt, "gbp") == 0 && info.npreviously == 2 &&
	    strcmp(info.previously[1].ref, "tags/archive/debian/1.0-1") == 0 &&
	    dgit_tag_has_deliberately(&info, "not-fast-forward") &&
	    !dgit_tag_has_deliberately(&info, "not"), "fields of good[1]");
	dgit_tag_info_release(&info);

	/* Unknown lower-case items and [dgit "..."] lines are ignored. */
	{
		const char *m = "p0 release 1 for s (s) [dgit]\n\n"
		    "[dgit distro=d future-item +x]\n[dgit \"whatever\" !]\n"
		    "free text\n-----BEGIN PGP SIGNATURE-----\n[dgit Bad]\n";

		err = dgit_tag_parse_message(&info, m, strlen(m));
		unit_ok(err == NULL && info.split == -1, "room for new items");
		dgit_tag_info_release(&info);
	}

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err = dgit_tag_parse_message(&info, bad[i].msg,
		    strlen(bad[i].msg));
		unit_ok(err != NULL && strstr(err->msg, bad[i].why) != NULL,
		    "refused: bad[%zu] (%s)", i, err ? err->msg : "accepted");
		dgit_tag_info_release(&info);
	}

	{
		const char *t = "object x\n\nmsg\n-----BEGIN PGP SIGNATURE-----\n"
		    "a\n-----END PGP SIGNATURE-----\n";
		const char *u = "object x\n\nmsg -----BEGIN PGP SIGNATURE-----\n";

		err = dgit_tag_split_signature(&pl, t, strlen(t));
		unit_ok(err == NULL && pl == 14, "signature split at its line");
		err = dgit_tag_split_signature(&pl, u, strlen(u));
		unit_ok(err != NULL, "no signature line: refused");
	}
	unit_ok(dgit_tag_package_name_ok("g++") && !dgit_tag_package_name_ok("a")
	    && !dgit_tag_package_name_ok("-a") && !dgit_tag_package_name_ok("a_b"),
	    "package names");
	return unit_done();
}
