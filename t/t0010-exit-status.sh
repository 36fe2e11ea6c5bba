#!/bin/sh
test_description='exit status: Perl dgit'"'"'s codes (4 package not in suite, 8 usage, 12 configuration, 255 failure), each checked against Perl dgit where it can run here; a failure (255) is reported "dgit: error: ...", the others without "error:", as Perl dgit does'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

PERL_DGIT=/usr/bin/dgit
have_perl() { test -x "$PERL_DGIT"; }

test_expect_success 'set up the archive' '
	archive_standard archive
'
MIRROR="file://$TRASH_DIRECTORY/archive"

# Perl dgit learns what the archive has through apt-get, trusting the
# archive key by the sources line's signed-by
p() {
	"$PERL_DGIT" -cdgit-distro.debian.archive-query=aptget: \
	    "-cdgit-distro.debian.mirror=[signed-by=$ARCHIVE_KEYRING] $MIRROR" \
	    -cdgit-distro.debian.git-check=false "$@"
}

# same_code EXPECTED CMD...: ours exits EXPECTED, and so does Perl dgit
same_code() {
	want=$1 && shift &&
	test_expect_code "$want" "$DGIT" "$@" 2>err &&
	if have_perl; then
		test_expect_code "$want" "$PERL_DGIT" "$@" 2>perl-err
	fi
}

test_expect_success '4: clone of a package not in the suite, nothing left' '
	mkdir nopkg &&
	(cd nopkg && test_expect_code 4 d clone no-such-package sid 2>../err) &&
	test_grep "no-such-package" err &&
	! test_grep "error:" err &&
	test "$(ls -A nopkg)" = ""
'

test_expect_success '4: Perl dgit agrees (apt-get finds no such package)' '
	have_perl && command -v apt-get >/dev/null || {
		say "Perl dgit or apt-get missing; ours checked alone"; return 0; }
	mkdir pnopkg &&
	(cd pnopkg && test_expect_code 4 p clone no-such-package sid \
	    2>../perl-err) &&
	test_grep "does not exist in suite" perl-err &&
	test "$(ls -A pnopkg)" = ""
'

test_expect_success '4: fetch and download-source of a package not in the suite' '
	git init -q empty &&
	(cd empty && test_expect_code 4 d -p no-such-package fetch sid) &&
	mkdir dl && test_expect_code 4 d download-source --dir dl \
	    no-such-package sid &&
	test "$(ls -A dl)" = ""
'

test_expect_success '8: unknown command, unknown option, too many arguments' '
	same_code 8 frobnicate &&
	same_code 8 --frobnicate-option clone hello &&
	test_expect_code 8 "$DGIT" print-dpkg-source-ignores extra &&
	if have_perl; then
		test_expect_code 8 "$PERL_DGIT" print-dpkg-source-ignores extra
	fi
'

test_expect_success '8: no command at all' '
	same_code 8
'

test_expect_success '12: a configuration value dgit cannot use' '
	git init -q cfg && cd cfg &&
	same_code 12 -cdgit-distro.debian.setup-useremail=perhaps \
	    setup-new-tree &&
	test_grep "perhaps" err &&
	! test_grep "^dgit: error:" err
'

test_expect_success '12: an archive query method with no URL' '
	mkdir noaq && (cd noaq &&
	test_expect_code 12 d -c dgit-distro.debian.archive-query=ftpmasterapi: \
	    clone hello sid 2>../err) &&
	test_grep "archive-query-url" err &&
	test "$(ls -A noaq)" = ""
'

test_expect_success '255: clone into an existing directory' '
	mkdir exists exists/hello &&
	(cd exists && test_expect_code 255 d clone hello sid 2>../err) &&
	test_grep "^dgit: error: .*already exists" err &&
	if have_perl && command -v apt-get >/dev/null; then
		(cd exists && test_expect_code 255 p clone hello sid \
		    2>../perl-err) &&
		test_grep "^dgit: error: " perl-err
	fi &&
	test "$(ls -A exists/hello)" = ""
'

# (outside the trash directory, which may be inside a git tree)
test_expect_success '255: fetch outside a git repository' '
	nogit=$(mktemp -d) &&
	cd "$nogit" && ! git rev-parse --git-dir >/dev/null 2>&1 &&
	test_expect_code 255 d fetch sid 2>err &&
	test_grep "^dgit: error: .*not in a git repository" err &&
	if have_perl; then
		test_expect_code 255 "$PERL_DGIT" fetch sid 2>perl-err &&
		test_grep "^dgit: error: " perl-err
	fi &&
	cd / && rm -rf "$nogit"
'

test_done
