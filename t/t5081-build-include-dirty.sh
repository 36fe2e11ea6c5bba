#!/bin/sh
test_description='build-source --include-dirty: dpkg-source -b reads the working tree itself, as with Perl dgit'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test_need_cmd dpkg-source

# new_repo DIR: hello 1.0-1 patches-applied as dpkg-source -x makes it,
# origs beside it
new_repo() {
	dsc=$(fixture_built hello-1) &&
	mkdir "$1" &&
	cp "$(dirname "$dsc")"/hello_1.0.orig.tar.gz* "$1/" &&
	dpkg-source --no-check -x "$dsc" "$1/hello" >/dev/null 2>&1 &&
	rm -rf "$1/hello/.pc" &&
	(cd "$1/hello" && git init -q -b master &&
	 git config user.name "A Tester" &&
	 git config user.email tester@example.org &&
	 git add -A && git commit -q -m import)
}

test_expect_success 'a named pipe in the working tree: dpkg-source refuses it, as for Perl dgit' '
	test_need_cmd /usr/bin/dgit &&
	new_repo f &&
	mkfifo f/hello/pipe &&
	rm -rf f.perl && cp -a f f.perl &&
	(cd f/hello && test_must_fail "$DGIT" -wdn --include-dirty \
	    build-source --no-check-archive >../out 2>&1) &&
	(cd f.perl/hello && test_must_fail /usr/bin/dgit -wdn --include-dirty \
	    build-source >../out 2>&1) &&
	test_grep "dpkg-source: error: .*new version is named pipe" f.perl/out &&
	test_grep "dpkg-source: error: .*new version is named pipe" f/out &&
	! test -e f/hello_1.0-1.dsc
'

test_expect_success 'an untracked file in debian/ goes into the package' '
	new_repo u &&
	echo extra >u/hello/debian/untracked &&
	(cd u/hello && "$DGIT" -wdn --include-dirty build-source \
	    --no-check-archive >../out 2>&1) &&
	dpkg-source --no-check -x u/hello_1.0-1.dsc x >/dev/null 2>&1 &&
	echo extra >want &&
	test_cmp want x/debian/untracked
'

test_done
