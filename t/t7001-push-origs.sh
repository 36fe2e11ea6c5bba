#!/bin/sh
test_description='push-built of 3.0 (quilt) uploads: the .changes lists exactly the origs the archive lacks'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-localarchive.sh"



# files_of CHANGES: the file names its Files field lists, sorted
files_of() {
	sed -n '/^Files:/,/^[^ ]/{/^ /{s/.* //;p}}' "$1" | sort
}

# put_version FIXTURE: make the git tree what dpkg-source -x makes of the
# fixture's .dsc (less .pc) and commit it; the source package's files go
# beside the tree
put_version() {
	dsc=$(fixture_built "$1") && mkdir -p w &&
	for f in $(dsc_files_ "$dsc") "$(basename "$dsc")"; do
		cp "$(dirname "$dsc")/$f" w/ || return 1
	done &&
	rm -rf x && dpkg-source -x "w/$(basename "$dsc")" x >/dev/null 2>&1 &&
	rm -rf x/.pc &&
	mkdir -p w/hello && (cd w/hello && git init -q 2>/dev/null &&
	    git rm -q -r --ignore-unmatch . && cp -a ../../x/. . &&
	    git add -A -f && git commit -q -m "$1")
}

test_expect_success 'set up a local archive' '
	la_init >/dev/null
'

test_expect_success 'a new package: the orig the .changes left out is added' '
	put_version hello-1 &&
	(cd w/hello && dpkg-genchanges -S -sa -O../all.changes >/dev/null 2>&1 &&
	 dpkg-genchanges -S -sd -O../hello_1.0-1_source.changes >/dev/null 2>&1) &&
	files_of w/all.changes >expect &&
	files_of w/hello_1.0-1_source.changes >without &&
	! test_cmp expect without >/dev/null &&
	(cd w/hello && "$DGIT" -d local push-built --new) >out 2>err &&
	files_of w/hello_1.0-1_source.changes >actual &&
	test_cmp expect actual &&
	gpgv --keyring "$UPLOADER_KEYRING" w/hello_1.0-1_source.changes &&
	test -f "$LA/public/pool/main/h/hello/hello_1.0.orig.tar.gz"
'

test_expect_success 'the tag records the quilt mode as dgit does' '
	git -C w/hello cat-file tag archive/local/1.0-1 >tag &&
	test_grep "^\[dgit distro=local no-split --quilt=linear\]\$" tag &&
	test_grep "^hello release 1.0-1 for unstable (sid) \[dgit\]\$" tag
'

test_expect_success 'the next revision: the orig the archive has is left out' '
	put_version hello-2 &&
	(cd w/hello && dpkg-genchanges -S -sd -O../expect.changes >/dev/null 2>&1 &&
	 dpkg-genchanges -S -sa -O../hello_1.0-2_source.changes >/dev/null 2>&1) &&
	files_of w/expect.changes >expect &&
	(cd w/hello && "$DGIT" -d local push-built) >out 2>err &&
	files_of w/hello_1.0-2_source.changes >actual &&
	test_cmp expect actual &&
	gpgv --keyring "$UPLOADER_KEYRING" w/hello_1.0-2_source.changes &&
	sed -n "/^Package: hello\$/,/^\$/s/^Version: //p" \
	    "$LA/public/dists/sid/main/source/Sources" >v &&
	echo 1.0-2 >expect.v && test_cmp expect.v v
'

test_expect_success 'clone gives back the pushed commit' '
	mkdir c && (cd c && "$DGIT" -d local clone hello sid) &&
	test "$(git -C c/hello rev-parse HEAD)" = "$(git -C w/hello rev-parse HEAD)"
'

test_done
