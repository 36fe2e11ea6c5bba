#!/bin/sh
test_description='download-source refuses every tampering, leaving nothing behind'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-dl-archive.sh"

TMPDIR=$PWD/tmp
export TMPDIR

test_expect_success 'set up the archive' '
	mkdir tmp out &&
	dl_keys &&
	dl_pkg hello 1.0-1 &&
	dl_publish &&
	cp -a archive pristine
'

restore() {
	rm -rf "$DL_ARCHIVE" && cp -a "$DL_TOP/pristine" "$DL_ARCHIVE" &&
	rm -rf "$XDG_CACHE_HOME/dgit"
}

# The command must fail, and neither --dir nor $TMPDIR keeps anything.
refused() {
	test_must_fail dl_dgit download-source --dir out hello 2>err &&
	dl_dir_has_only out &&
	dl_dir_has_only tmp
}

test_expect_success 'the untouched archive downloads' '
	dl_dgit download-source --dir out hello &&
	dl_dir_has_only out hello_1.0-1.debian.tar.xz hello_1.0-1.dsc \
	    hello_1.0.orig.tar.xz &&
	dl_dir_has_only tmp &&
	rm out/*
'

test_expect_success 'InRelease signed by an unknown key' '
	restore &&
	dl_sign stranger archive/dists/sid/Release archive/dists/sid/InRelease &&
	refused &&
	test_grep "cannot trust suite .sid.: .*InRelease. is signed by key .*, which is not in the keyring" err
'

test_expect_success 'InRelease with a changed byte' '
	restore &&
	sed -i "s/^Label: Test/Label: Tesu/" archive/dists/sid/InRelease &&
	refused &&
	test_grep "cannot trust suite .sid.: bad signature on .*InRelease" err
'

test_expect_success 'unsigned InRelease' '
	restore &&
	cp archive/dists/sid/Release archive/dists/sid/InRelease &&
	refused &&
	test_grep "cannot trust suite .sid.: .*InRelease" err
'

test_expect_success 'expired Valid-Until, and its override' '
	restore &&
	dl_publish --date $(( $(date +%s) - 86400 * 10 )) \
	    --valid-until $(( $(date +%s) - 86400 )) &&
	refused &&
	test_grep "InRelease. expired at .* (Valid-Until).*--force-release-expired" err &&
	dl_dgit download-source --force-release-expired --dir out hello &&
	rm out/*
'

test_expect_success 'Date in the future, and its override' '
	restore &&
	dl_publish --date $(( $(date +%s) + 86400 )) &&
	refused &&
	test_grep "InRelease. is dated .*, in the future.*--force-release-future-date" err &&
	dl_dgit download-source --force-release-future-date --dir out hello &&
	rm out/*
'

test_expect_success 'rollback to an older Release, and its override' '
	restore &&
	dl_publish --date $(( $(date +%s) - 3600 )) &&
	dl_dgit download-source --dir out hello && rm out/* &&
	dl_publish --date $(( $(date +%s) - 86400 * 30 )) &&
	refused &&
	test_grep "InRelease. is dated .*, older than the Release already seen for suite .sid. .*--force-release-rollback" err &&
	dl_dgit download-source --force-release-rollback --dir out hello &&
	rm out/* &&
	refused
'

test_expect_success 'a Release naming another suite' '
	restore &&
	cp -a archive/dists/sid archive/dists/bookworm &&
	test_must_fail dl_dgit download-source --dir out hello bookworm 2>err &&
	test_grep "is the Release of suite .unstable. (codename .sid.), not of .bookworm." err &&
	dl_dir_has_only out && dl_dir_has_only tmp
'

test_expect_success 'a Sources index that does not match the Release' '
	restore &&
	for f in archive/dists/sid/main/source/Sources.xz \
	    archive/dists/sid/main/source/by-hash/SHA256/*; do
		printf "\n" >>"$f" || return 1
	done &&
	refused &&
	test_grep "larger than the [0-9]* bytes expected" err
'

test_expect_success 'a Sources index with the same size but other bytes' '
	restore &&
	(cd archive/dists/sid/main/source &&
	 xz -dc Sources.xz | sed "s/^Maintainer: A/Maintainer: B/" | xz >x &&
	 truncate -s $(wc -c <Sources.xz) x && 
	 for f in Sources.xz by-hash/SHA256/$(sha256sum <Sources.xz | cut -d" " -f1); do
		cp x "$f" || exit 1
	 done) &&
	refused &&
	test_grep "checksum mismatch for .*Sources" err
'

test_expect_success 'without by-hash, the plain index path is used and checked' '
	restore &&
	dl_publish --no-by-hash &&
	dl_dgit download-source --dir out hello && rm out/* &&
	printf "\n" >>archive/dists/sid/main/source/Sources.xz &&
	rm -rf "$XDG_CACHE_HOME/dgit" &&
	refused
'

test_expect_success 'a tarball that does not match' '
	restore &&
	f=archive/pool/main/h/hello/hello_1.0.orig.tar.xz &&
	size=$(wc -c <$f) &&
	head -c $((size - 1)) $f >x && printf X >>x && mv x $f &&
	refused &&
	test_grep "checksum mismatch for .*hello_1.0.orig.tar.xz. (expected sha256 [0-9a-f]*, got [0-9a-f]*)" err
'

test_expect_success 'a .dsc that does not match the Sources entry' '
	restore &&
	sed -i "s/^Maintainer: A/Maintainer: B/" archive/pool/main/h/hello/hello_1.0-1.dsc &&
	refused &&
	test_grep "checksum mismatch for .*hello_1.0-1.dsc" err
'

test_expect_success 'a .dsc whose own file list disagrees with Sources' '
	restore &&
	d=archive/pool/main/h/hello/hello_1.0-1.dsc &&
	GNUPGHOME=$PWD/keys/uploader.home gpg -q --batch --decrypt $d 2>/dev/null |
	    awk "/^Checksums-Sha256:/ { s = 1; print; next }
		 s && /^ / && !done { \$1 = \" 0000000000000000000000000000000000000000000000000000000000000000\"; done = 1 }
		 /^[^ ]/ && !/^Checksums-Sha256:/ { s = 0 } { print }" >plain &&
	grep " 0000000000" plain &&
	old=$(sha256sum <$d | cut -d" " -f1) oldsize=$(wc -c <$d) &&
	dl_sign uploader plain $d &&
	new=$(sha256sum <$d | cut -d" " -f1) newsize=$(wc -c <$d) &&
	sed -i "s/^ $old $oldsize / $new $newsize /" \
	    archive/dists/sid/main/source/Sources &&
	grep -q "$new" archive/dists/sid/main/source/Sources &&
	dl_publish --keep-sources &&
	refused &&
	test_grep "hello_1.0-1.dsc. lists .* but the signed Sources index says" err
'

test_expect_success 'a truncated file' '
	restore &&
	f=archive/pool/main/h/hello/hello_1.0.orig.tar.xz &&
	head -c 100 $f >x && mv x $f &&
	refused &&
	test_grep "cannot download .*hello_1.0.orig.tar.xz.: truncated: got 100 of [0-9]* bytes (after 4 attempts)" err
'

test_expect_success 'an oversized file' '
	restore &&
	f=archive/pool/main/h/hello/hello_1.0.orig.tar.xz &&
	head -c 100000 /dev/zero >>$f &&
	refused &&
	test_grep "hello_1.0.orig.tar.xz. is larger than the [0-9]* bytes expected" err
'

test_expect_success 'Release + Release.gpg when there is no InRelease' '
	restore &&
	rm archive/dists/sid/InRelease &&
	GNUPGHOME=$PWD/keys/archive.home gpg -q --batch --detach-sign \
	    -o archive/dists/sid/Release.gpg archive/dists/sid/Release &&
	dl_dgit download-source --dir out hello && rm out/* &&
	sed -i "s/^Label: Test/Label: Tesu/" archive/dists/sid/Release &&
	refused &&
	test_grep "bad signature on .*dists/sid/Release" err
'

test_done
