#!/bin/sh
test_description='import-dsc: a .dsc with a Dgit: field

As with Debian'"'"'s dgit: the commit the field names is the result when
the repository has it (or, unless --no-chase-dsc-distro, can fetch it
from the field'"'"'s distro'"'"'s git server); without it import-dsc fails,
saying so.  --force-import-dsc-with-dgit-field always imports.  Perl
dgit (/usr/bin/dgit), where installed, is run on the same .dsc.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-import.sh"

# with_dgit_field COMMIT: foo_1.0-1.dsc gains "Dgit: COMMIT ..."
with_dgit_field () {
	sed "/^Checksums-Sha1:/i\\
Dgit: $1 debian archive/debian/1.0-1 https://git.example.org/foo" \
		pkg/foo_1.0-1.dsc.orig >pkg/foo_1.0-1.dsc
}

test_expect_success 'setup' '
	mkdir -p pkg/foo-1.0 && echo a >pkg/foo-1.0/a &&
	(cd pkg && tarball_top . foo-1.0 foo_1.0.orig.tar.gz) &&
	debian_dir pkg/d foo 1.0-1 "3.0 (quilt)" &&
	(cd pkg && tarball d foo_1.0-1.debian.tar.xz &&
	 make_dsc "3.0 (quilt)" foo 1.0-1 foo_1.0.orig.tar.gz \
		foo_1.0-1.debian.tar.xz) &&
	mv pkg/foo_1.0-1.dsc pkg/foo_1.0-1.dsc.orig &&
	cp pkg/foo_1.0-1.dsc.orig pkg/foo_1.0-1.dsc &&
	git init -q repo &&
	(cd repo && "$DGIT" import-dsc ../pkg/foo_1.0-1.dsc plain) &&
	tree=$(git -C repo rev-parse "plain^{tree}") &&
	git -C repo commit-tree -m "the uploader" $tree >uploader &&
	git -C repo commit-tree -m "wrong tree" \
		$(git -C repo rev-parse "plain~1^{tree}") >wrong
'

test_expect_success 'the named commit is used when present with the same tree' '
	with_dgit_field $(cat uploader) &&
	(cd repo && "$DGIT" --no-chase-dsc-distro import-dsc \
		../pkg/foo_1.0-1.dsc a) 2>err &&
	test_grep "not chasing .dsc distro debian" err &&
	test "$(git -C repo rev-parse a)" = "$(cat uploader)"
'

test_expect_success '--force-import-dsc-with-dgit-field imports anyway' '
	(cd repo && "$DGIT" import-dsc --force-import-dsc-with-dgit-field \
		../pkg/foo_1.0-1.dsc b) &&
	test "$(git -C repo rev-parse b)" = "$(git -C repo rev-parse plain)"
'

# Perl dgit on the same repository and .dsc, when installed: the ref it
# makes, or "FAIL" and its messages in perl.err.
perl_import () {
	test -x /usr/bin/dgit || { echo "SKIP"; return 0; }
	(cd repo && /usr/bin/dgit --no-chase-dsc-distro import-dsc \
		../pkg/foo_1.0-1.dsc "$1" 2>../perl.err >/dev/null) &&
	git -C repo rev-parse "$1" || echo FAIL
}

test_expect_success 'a commit with another tree: it is the result, as dgit makes it' '
	with_dgit_field $(cat wrong) &&
	(cd repo && "$DGIT" --no-chase-dsc-distro import-dsc \
		../pkg/foo_1.0-1.dsc c) 2>err &&
	test "$(git -C repo rev-parse c)" = "$(cat wrong)" &&
	perl=$(perl_import pc) &&
	{ test "$perl" = SKIP || test "$perl" = "$(cat wrong)"; }
'

test_expect_success 'a commit not in the repository: refused, nothing changed' '
	with_dgit_field 0123456789abcdef0123456789abcdef01234567 &&
	(cd repo && test_must_fail "$DGIT" --no-chase-dsc-distro import-dsc \
		../pkg/foo_1.0-1.dsc d) 2>err &&
	test_grep "Your git tree does not have that object" err &&
	test_must_fail git -C repo rev-parse --verify -q d &&
	perl=$(perl_import pd) &&
	{ test "$perl" = SKIP || { test "$perl" = FAIL &&
	  test_grep "Your git tree does not have that object" perl.err; }; }
'

test_done
