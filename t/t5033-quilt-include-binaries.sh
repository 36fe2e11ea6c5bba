#!/bin/sh
test_description='build-source --quilt=nofix: binaries listed in debian/source/include-binaries need no patch'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test_need_cmd dpkg-source
test_need_cmd dpkg-genchanges

new_repo() {
	hello_repo "$1"
}

add_bin() {
	(cd "$1/hello" && mkdir -p bins &&
	 printf "\000\001\002binary\377\n" >bins/file &&
	 git add bins/file && git commit -q -m "add a binary")
}

test_expect_success 'a listed binary: no fixup, and dpkg-source -x of the build has it' '
	new_repo l &&
	(cd l/hello && echo bins/file >debian/source/include-binaries &&
	 git add debian/source/include-binaries &&
	 git commit -q -m "list the binary") &&
	add_bin l &&
	(cd l/hello && "$DGIT" --quilt=nofix build-source --no-check-archive \
	    >../out 2>&1) &&
	dpkg-source --no-check -x l/hello_1.0-1.dsc l/x >/dev/null 2>&1 &&
	test_cmp l/hello/bins/file l/x/bins/file &&
	git -C l/hello diff --quiet HEAD~2 HEAD -- debian/patches
'

test_expect_success 'an unlisted binary still needs a fixup that nofix refuses' '
	new_repo u &&
	add_bin u &&
	(cd u/hello && test_must_fail "$DGIT" --quilt=nofix build-source \
	    --no-check-archive >../out 2>&1) &&
	test_grep "only in HEAD: bins/file" u/out
'

test_expect_success 'bad entries are ignored with dgit'"'"'s warnings' '
	test_need_cmd /usr/bin/dgit &&
	new_repo w &&
	(cd w/hello &&
	 printf "%s\n" "# comment" ../outside ".git/index" "a//b" \
	     debian/binfile bins/file >debian/source/include-binaries &&
	 git add debian/source/include-binaries &&
	 git commit -q -m "list binaries" && echo more >>README &&
	 git commit -q -a -m README) &&
	cp -r w wperl &&
	(cd w/hello && "$DGIT" -D --quilt=smash quilt-fixup >../out 2>&1) &&
	(cd wperl/hello && /usr/bin/dgit --quilt=smash quilt-fixup \
	    >../out 2>&1) &&
	for m in "ignoring bad include-binaries file ../outside: forbidden path component '"'"'..'"'"'" \
	    "ignoring bad include-binaries file .git/index: path starts with '"'"'.git'"'"'" \
	    "package uses dpkg-source include-binaries feature"; do
		test_grep "$m" wperl/out &&
		test_grep "$m" w/out || return 1
	done &&
	! grep -q "debian/binfile" w/out &&
	! grep -q "a//b" wperl/out &&
	! grep -q "a//b" w/out
'

test_done
