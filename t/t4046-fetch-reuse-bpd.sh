#!/bin/sh
test_description='a fetch uses the package'"'"'s files already in the build products directory

As dgit does: a file the .dsc lists that is already in the directory the
files are put in (.., or NAME,fetch there) with the signed Sources'"'"'
size and SHA-256 is used instead of downloading it.  An upload may leave
out an orig tarball (dpkg-genchanges does, by its own rules), so the
mirror lacks it while the uploader has it: the fetch must still work.
A file of that name with other contents is not used, and is left alone.
(Debian'"'"'s dgit test gdr-import-dgit fetches such an upload.)'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test_expect_success 'setup: the archive, its hello orig taken off the mirror' '
	archive_standard archive &&
	orig=$(find archive/pool -name "hello_*.orig.tar.*" ! -name "*.asc" |
	    sort | tail -1) &&
	test -n "$orig" &&
	mkdir saved && mv "$orig" saved/ &&
	basename "$orig" >orig.name
'
MIRROR="file://$TRASH_DIRECTORY/archive"

test_expect_success 'clone with no orig at hand: the mirror lacks it' '
	mkdir c1 && (cd c1 && test_must_fail d clone hello sid) 2>err &&
	test_grep "not found" err &&
	test_path_is_missing c1/hello
'

test_expect_success 'clone with the orig in ..: used, not downloaded; the tree is dpkg-source -x'"'"'s' '
	mkdir c2 && cp "saved/$(cat orig.name)" c2/ &&
	(cd c2 && d clone hello sid) >out 2>err &&
	ref=$(dsc_reference_tree "$(fixture_built hello-2)") &&
	test "$(git -C c2/hello rev-parse "HEAD^{tree}")" = "$ref" &&
	cmp "saved/$(cat orig.name)" "c2/$(cat orig.name)"
'

test_expect_success 'the orig as NAME,fetch in ..: used too' '
	mkdir c3 && cp "saved/$(cat orig.name)" "c3/$(cat orig.name),fetch" &&
	(cd c3 && d clone hello sid) >out 2>err &&
	test "$(git -C c3/hello rev-parse "HEAD^{tree}")" = \
	    "$(git -C c2/hello rev-parse "HEAD^{tree}")"
'

test_expect_success 'another file of that name in ..: not used, left as it was' '
	mkdir c4 && echo "not the orig" >"c4/$(cat orig.name)" &&
	cp "c4/$(cat orig.name)" other.expect &&
	(cd c4 && test_must_fail d clone hello sid) 2>err &&
	test_grep "not found" err &&
	test_cmp other.expect "c4/$(cat orig.name)" &&
	test_path_is_missing c4/hello
'

test_done
