#!/bin/sh
test_description='an orig tarball holding .pc, and one orig in two forms

The commit dgit makes of a 3.0 (quilt) orig tarball has all of the
tarball (.pc too; only .git is left out), checked against Perl dgit'"'"'s
import of the same .dsc; the tree patches apply to has no .pc, as
dpkg-source -x gives.  build-source refuses an orig present both as
.tar.gz and .tar.xz ("Duplicate/inconsistent orig tarballs"), as dgit.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-import.sh"

test_need_cmd dpkg-source

test_expect_success 'setup: an orig with .pc/SPONG' '
	mkdir -p pkg/foo-1.0/.pc && echo a >pkg/foo-1.0/a &&
	echo SPONG >pkg/foo-1.0/.pc/SPONG &&
	(cd pkg && tarball_top . foo-1.0 foo_1.0.orig.tar.gz) &&
	debian_dir pkg/d foo 1.0-1 "3.0 (quilt)" &&
	(cd pkg && tarball d foo_1.0-1.debian.tar.xz &&
	 make_dsc "3.0 (quilt)" foo 1.0-1 foo_1.0.orig.tar.gz \
		foo_1.0-1.debian.tar.xz) &&
	git init -q o &&
	(cd o && "$DGIT" import-dsc ../pkg/foo_1.0-1.dsc imported) 2>err
'

orig_tree () {
	git -C "$1" log --format=%T --grep "^Import foo_1\.0\.orig\.tar\.gz\$" \
	    imported
}

test_expect_success 'the orig commit keeps .pc; the result has none' '
	t=$(orig_tree o) && test -n "$t" &&
	git -C o ls-tree -r --name-only "$t" >files &&
	test_grep "^\.pc/SPONG\$" files &&
	git -C o ls-tree -r --name-only imported >result &&
	! grep "^\.pc" result &&
	dpkg-source -x pkg/foo_1.0-1.dsc x >/dev/null 2>&1 &&
	test ! -e x/.pc/SPONG
'

test_expect_success 'the orig commit is the tree Perl dgit makes' '
	test -x /usr/bin/dgit || { echo "skipped: no Perl dgit"; return 0; }
	git init -q p &&
	(cd p && /usr/bin/dgit import-dsc ../pkg/foo_1.0-1.dsc imported) \
	    >pout 2>perr &&
	test "$(orig_tree o)" = "$(orig_tree p)" &&
	test "$(git -C o rev-parse "imported^{tree}")" = \
	    "$(git -C p rev-parse "imported^{tree}")"
'

test_expect_success 'build-source refuses the orig in two forms, naming it' '
	(cd o && git checkout -q imported) &&
	gzip -dc pkg/foo_1.0.orig.tar.gz | xz -1 >foo_1.0.orig.tar.xz &&
	(cd o && test_must_fail "$DGIT" build-source --no-check-archive) >out 2>err &&
	test_grep "Duplicate/inconsistent orig tarballs" err &&
	test_grep "foo_1.0.orig.tar" err &&
	! ls foo_1.0-1.dsc 2>/dev/null
'

test_expect_success 'with one form it builds' '
	rm foo_1.0.orig.tar.xz &&
	(cd o && "$DGIT" build-source --no-check-archive) >out 2>err &&
	test -f foo_1.0-1.dsc
'

test_done
