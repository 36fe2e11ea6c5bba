#!/bin/sh
test_description='push: the .dsc and .changes must agree, the distro'"'"'s source-only-uploads policy, a fetch beside a build of the same version; checked against Perl dgit'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-localarchive.sh"

test_need_cmd dpkg-source
test_need_cmd dpkg-genchanges

PERL_DGIT=/usr/bin/dgit

# put_version FIXTURE DIR: DIR/hello is what dpkg-source -x makes of the
# fixture's .dsc (less .pc), committed; the source package beside it
put_version() {
	dsc=$(fixture_built "$1") && mkdir -p "$2" &&
	for f in $(dsc_files_ "$dsc") "$(basename "$dsc")"; do
		cp "$(dirname "$dsc")/$f" "$2"/ || return 1
	done &&
	rm -rf x && dpkg-source -x "$2/$(basename "$dsc")" x >/dev/null 2>&1 &&
	rm -rf x/.pc &&
	mkdir -p "$2/hello" && (cd "$2/hello" && git init -q 2>/dev/null &&
	    cp -a ../../x/. . && git add -A -f && git commit -q -m "$1")
}

# flip_hashes FILE: the first hex digit of every file line's hash xor 1,
# as Debian dgit's own mismatches-dscchanges test does
flip_hashes() {
	perl -i~ -pe 's/^ ([0-9a-f])/ sprintf " %x", (hex $1)^1 /e' "$1"
}

test_expect_success 'set up a local archive and a build of hello 1.0-1' '
	la_init >/dev/null &&
	put_version hello-1 w &&
	(cd w/hello && dpkg-genchanges -S -sa \
	    -O../hello_1.0-1_source.changes >/dev/null 2>&1) &&
	cp -a w pw
'

test_expect_success 'a .changes whose hashes are not the .dsc'"'"'s is refused, in Perl dgit'"'"'s words' '
	flip_hashes w/hello_1.0-1_source.changes &&
	(cd w/hello && test_must_fail "$DGIT" -d local push-built --new \
	    2>../err) &&
	test_grep "hash or size of hello_1.0.orig.tar.gz varies in Checksums-Sha256 fields (between: hello_1.0-1.dsc; hello_1.0-1_source.changes)" w/err &&
	test_path_is_missing "$LA/public/pool/main/h/hello/hello_1.0-1.dsc" &&
	git -C w/hello tag -l >tags &&
	! test -s tags &&
	grep -F "hash or size of %s varies in %s fields (between: %s)" \
	    "$PERL_DGIT" >/dev/null &&
	grep -F "return join \"; \"" "$PERL_DGIT" >/dev/null
'

test_expect_success '--force-dsc-changes-mismatch lets it through (a dry run here)' '
	(cd w/hello && test_must_fail "$DGIT" -d local push-built --new -n \
	    2>../err) &&
	test_grep "varies in" w/err &&
	(cd w/hello && "$DGIT" -d local push-built --new -n \
	    --force-dsc-changes-mismatch) >out 2>err &&
	test_grep "dry run" out
'

test_expect_success 'a .dsc whose hashes are not its files'"'"' is refused as dpkg-source -x refuses it, nothing signed or pushed' '
	rm -rf wd && cp -a w wd &&
	cp wd/hello_1.0-1_source.changes~ wd/hello_1.0-1_source.changes &&
	flip_hashes wd/hello_1.0-1.dsc &&
	cp wd/hello_1.0-1.dsc wd/bad.dsc &&
	(cd wd/hello && test_must_fail "$DGIT" -d local push-built --new \
	    2>../err) &&
	test_grep "dpkg-source.*error.*checksum" wd/err &&
	test_grep "does not match the files it names" wd/err &&
	test_grep "checksum mismatch for .hello_1.0.orig.tar.gz." wd/err &&
	test_cmp wd/bad.dsc wd/hello_1.0-1.dsc &&
	test_path_is_missing "$LA/public/pool/main/h/hello/hello_1.0-1.dsc" &&
	git -C wd/hello tag -l >tags &&
	! test -s tags &&
	test_must_fail dpkg-source -x wd/hello_1.0-1.dsc wd/x >dpkg.out 2>&1 &&
	test_grep "dpkg-source: error: .*checksum" dpkg.out &&
	test_path_is_missing wd/x
'

test_expect_success 'source-only-uploads=always: a .changes with a .deb is refused' '
	cp w/hello_1.0-1_source.changes~ w/hello_1.0-1_source.changes &&
	cp w/hello_1.0-1_source.changes w/good.changes &&
	printf " 0123456789abcdef0123456789abcdef 1 misc optional hello_1.0-1_amd64.deb\n" \
	    >>w/hello_1.0-1_source.changes &&
	(cd w/hello && test_must_fail "$DGIT" -d local \
	    -cdgit-distro.local.source-only-uploads=always \
	    push-built --new 2>../err) &&
	test_grep "uploading binaries, although distro policy is source only" w/err &&
	grep -F "uploading binaries, although distro policy is source only" \
	    "$PERL_DGIT" >/dev/null &&
	test_path_is_missing "$LA/public/pool/main/h/hello/hello_1.0-1.dsc"
'

test_expect_success 'an unknown policy is refused, naming it' '
	cp w/good.changes w/hello_1.0-1_source.changes &&
	(cd w/hello && test_must_fail "$DGIT" -d local \
	    -cdgit-distro.local.source-only-uploads=sometimes \
	    push-built --new 2>../err) &&
	test_grep "unknown source-only-uploads policy .sometimes." w/err
'

test_expect_success 'source-only-uploads=never: a source-only upload is refused, --force-uploading-source-only pushes it' '
	(cd w/hello && test_must_fail "$DGIT" -d local \
	    -cdgit-distro.local.source-only-uploads=never \
	    push-built --new 2>../err) &&
	test_grep "source-only upload, although distro policy requires .debs" w/err &&
	test_path_is_missing "$LA/public/pool/main/h/hello/hello_1.0-1.dsc" &&
	(cd w/hello && "$DGIT" -d local \
	    -cdgit-distro.local.source-only-uploads=never \
	    push-built --new --force-uploading-source-only) >out 2>err &&
	test -f "$LA/public/pool/main/h/hello/hello_1.0-1.dsc"
'

test_expect_success 'not-wholly-new: an archive query that cannot say whether the package is new does not refuse (as dgit)' '
	put_version hello-2 w2 &&
	(cd w2/hello && dpkg-genchanges -S -sd \
	    -O../hello_1.0-2_source.changes >/dev/null 2>&1 &&
	 "$DGIT" -d local -cdgit-distro.local.source-only-uploads=not-wholly-new \
	    push-built --new --overwrite) >out 2>err &&
	test -f "$LA/public/pool/main/h/hello/hello_1.0-2.dsc"
'

test_expect_success 'fetch beside a build of the same version: the build is kept, the archive'"'"'s file saved as NAME,fetch (Perl dgit keeps it too)' '
	rm -rf f pf &&
	mkdir f && (cd f && "$DGIT" -d local clone hello >/dev/null 2>&1) &&
	deb=hello_1.0-2.debian.tar.xz &&
	test -f "f/$deb" &&
	echo "not the archive'"'"'s" >"f/$deb" &&
	git -C f/hello update-ref -d refs/remotes/dgit/dgit/sid &&
	cp -a f pf &&
	(cd f/hello && "$DGIT" -d local fetch) >out 2>err &&
	echo "not the archive'"'"'s" >expect &&
	test_cmp expect "f/$deb" &&
	cmp "$LA/public/pool/main/h/hello/$deb" "f/$deb,fetch" &&
	if test -x "$PERL_DGIT"; then
		(cd pf/hello && la_perl_dgit fetch) >perl.out 2>perl.err &&
		test_cmp expect "pf/$deb"
	fi
'

test_expect_success 'an orig of the name the archive has, other contents: refused in Perl dgit'"'"'s words, nothing uploaded' '
	(cd w2/hello && dch -v 1.0-3 -D unstable --force-distribution "Again." &&
	 git commit -q -a -m 1.0-3) &&
	o=w2/hello_1.0.orig.tar.gz &&
	zcat $o >w2/orig.tar && rm -f $o w2/$(basename $o).asc &&
	gzip -1 -n -c w2/orig.tar >$o &&
	! cmp -s $o "$LA/public/pool/main/h/hello/hello_1.0.orig.tar.gz" &&
	(cd w2/hello && "$DGIT" -d local build-source) >out 2>err &&
	(cd w2/hello && test_must_fail "$DGIT" -d local push-built 2>../err) &&
	test_grep "archive contains hello_1.0.orig.tar.gz with different checksum" w2/err &&
	grep -F "archive contains %s with different checksum" "$PERL_DGIT" \
	    >/dev/null &&
	test_path_is_missing "$LA/public/pool/main/h/hello/hello_1.0-3.dsc" &&
	! git -C w2/hello rev-parse -q --verify refs/tags/archive/local/1.0-3
'

test_done
