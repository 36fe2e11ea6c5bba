#!/bin/sh
test_description='download-source refuses every tampering, leaving nothing behind'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-download.sh"

TMPDIR=$TRASH_DIRECTORY/tmp
export TMPDIR
NOW=$(date +%s)

test_expect_success 'set up the archive and the server' '
	mkdir tmp out &&
	archive_standard archive &&
	cp -a archive pristine &&
	httpd_start archive
'
DL_MIRROR=$(httpd_url 2>/dev/null)

# Back to the pristine archive, no faults, an empty cache.
restore() {
	rm -rf archive.old && mv archive archive.old &&
	cp -a pristine archive && rm -rf archive.old &&
	httpd_faults_clear &&
	rm -rf "$XDG_CACHE_HOME/dgit"
}

# The command fails; neither --dir nor $TMPDIR keeps anything.
refused() {
	test_must_fail dl_dgit download-source --dir out "$@" hello 2>err &&
	dl_dir_has_only out &&
	dl_dir_has_only tmp
}

test_expect_success 'the untouched archive downloads' '
	dl_dgit download-source --dir out hello &&
	dl_expect_files "$(fixture_built hello-2)" out &&
	dl_dir_has_only tmp &&
	rm out/*
'

test_expect_success 'InRelease signed by an unknown key' '
	restore &&
	ARCHIVE_KEY=wrong archive_sign archive sid &&
	refused &&
	test_grep "cannot trust suite .sid.: .*/dists/sid/InRelease. is signed by key $(key_fpr wrong), which is not in the keyring" err
'

test_expect_success 'InRelease with a changed byte' '
	restore &&
	sed -i "s/^Label: Debian/Label: Debiam/" archive/dists/sid/InRelease &&
	! cmp archive/dists/sid/InRelease pristine/dists/sid/InRelease &&
	refused &&
	test_grep "cannot trust suite .sid.: bad signature on .*/dists/sid/InRelease." err
'

test_expect_success 'InRelease changed in transit (a flipped byte)' '
	restore &&
	httpd_fault corrupt /dists/sid/InRelease 200 &&
	refused &&
	test_grep "cannot trust suite .sid.: bad signature on .*/dists/sid/InRelease." err
'

test_expect_success 'an unsigned InRelease' '
	restore &&
	cp archive/dists/sid/Release archive/dists/sid/InRelease &&
	refused &&
	test_grep "cannot trust suite .sid.: .*not signed\|no valid OpenPGP signature" err
'

test_expect_success 'expired Valid-Until, and --force-release-expired' '
	restore &&
	ARCHIVE_VALID_UNTIL=1500086400 archive_sign archive sid &&
	refused &&
	test_grep "dists/sid/InRelease. expired at 2017-07-15 02:40:00 UTC (Valid-Until).*--force-release-expired" err &&
	dl_dgit download-source --force-release-expired --dir out hello &&
	dl_expect_files "$(fixture_built hello-2)" out && rm out/*
'

test_expect_success 'a Date in the future, and --force-release-future-date' '
	restore &&
	ARCHIVE_DATE=$((NOW + 86400 * 2)) ARCHIVE_SIGN_TIME=$NOW \
	    archive_sign archive sid &&
	refused &&
	test_grep "dists/sid/InRelease. is dated .*, in the future.*--force-release-future-date" err &&
	dl_dgit download-source --force-release-future-date --dir out hello &&
	rm out/*
'

test_expect_success 'rollback to an older Release, and --force-release-rollback' '
	restore &&
	ARCHIVE_DATE=1600000000 archive_sign archive sid &&
	dl_dgit download-source --dir out hello && rm out/* &&
	ARCHIVE_DATE=1550000000 archive_sign archive sid &&
	refused &&
	test_grep "dists/sid/InRelease. is dated 2019-02-12 19:33:20 UTC, older than the Release already seen for suite .sid. (dated 2020-09-13 12:26:40 UTC).*--force-release-rollback" err &&
	dl_dgit download-source --force-release-rollback --dir out hello &&
	rm out/* &&
	refused &&
	test_grep "older than the Release already seen" err
'

test_expect_success 'a signed Release of another suite served in its place' '
	restore &&
	rm -r archive/dists/bookworm &&
	cp -a archive/dists/sid archive/dists/bookworm &&
	test_must_fail dl_dgit download-source --dir out hello bookworm 2>err &&
	test_grep "is the Release of suite .unstable. (codename .sid.), not of .bookworm." err &&
	dl_dir_has_only out && dl_dir_has_only tmp
'

test_expect_success 'a Sources index that does not match the Release' '
	restore &&
	httpd_fault corrupt "/dists/sid/main/source/by-hash/*" 10 &&
	refused &&
	test_grep "checksum mismatch for .main/source/Sources.gz. from .*by-hash/SHA256/" err
'

test_expect_success 'without by-hash, the plain index is checked too' '
	restore &&
	ARCHIVE_BY_HASH=no archive_sign archive sid &&
	dl_dgit download-source --dir out hello && rm out/* &&
	rm -rf "$XDG_CACHE_HOME/dgit" &&
	: >"$(httpd_log)" &&
	httpd_fault corrupt /dists/sid/main/source/Sources.gz 10 &&
	refused &&
	test_grep "checksum mismatch for .main/source/Sources.gz. from .*/dists/sid/main/source/Sources.gz." err &&
	test_must_fail grep by-hash "$(httpd_log)"
'

test_expect_success 'by-hash missing on the mirror: falls back to the plain path' '
	restore &&
	: >"$(httpd_log)" &&
	httpd_fault status "/dists/sid/main/source/by-hash/*" 404 &&
	dl_dgit download-source --dir out hello &&
	rm out/* &&
	grep "GET /dists/sid/main/source/by-hash/SHA256/.* 404" "$(httpd_log)" &&
	grep "GET /dists/sid/main/source/Sources.gz 200" "$(httpd_log)"
'

test_expect_success 'a tarball that does not match' '
	restore &&
	httpd_fault corrupt /pool/main/h/hello/hello_1.0.orig.tar.gz 100 &&
	refused &&
	test_grep "checksum mismatch for .*/pool/main/h/hello/hello_1.0.orig.tar.gz. (expected sha256 [0-9a-f]\{64\}, got [0-9a-f]\{64\})" err
'

test_expect_success 'a .dsc that does not match the Sources entry' '
	restore &&
	httpd_fault corrupt /pool/main/h/hello/hello_1.0-2.dsc 30 &&
	refused &&
	test_grep "checksum mismatch for .*hello_1.0-2.dsc." err
'

test_expect_success 'a .dsc whose own file list disagrees with the Sources entry' '
	restore &&
	d=archive/pool/main/h/hello/hello_1.0-2.dsc &&
	gpg_archive --decrypt $d >plain &&
	awk "/^Checksums-Sha256:/ { s = 1; print; next }
	     s && /^ / && !done { \$1 = \" 0000000000000000000000000000000000000000000000000000000000000000\"; done = 1 }
	     /^[^ ]/ && !/^Checksums-Sha256:/ { s = 0 } { print }" plain >plain.bad &&
	grep "^ 0000000000" plain.bad &&
	oldsum=$(sha256sum <$d | cut -c1-64) oldsize=$(wc -c <$d) &&
	oldmd5=$(md5sum <$d | cut -c1-32) &&
	gpg_archive -u "$(key_fpr uploader)" --clearsign -o $d plain.bad &&
	newsum=$(sha256sum <$d | cut -c1-64) newsize=$(wc -c <$d) &&
	newmd5=$(md5sum <$d | cut -c1-32) &&
	dl_sources_edit archive sid main \
	    "s/^ $oldsum $oldsize / $newsum $newsize /; s/^ $oldmd5 $oldsize / $newmd5 $newsize /" &&
	xz -dc archive/dists/sid/main/source/Sources.xz | grep -q "$newsum" &&
	refused &&
	test_grep "hello_1.0-2.dsc. lists .hello_1.0.orig.tar.gz. with [0-9]* bytes, sha256 0000000000000000000000000000000000000000000000000000000000000000, but the signed Sources index says" err
'

test_expect_success 'a truncated response: resumed with Range until complete' '
	restore &&
	: >"$(httpd_log)" &&
	httpd_fault truncate /pool/main/h/hello/hello_1.0-2.debian.tar.xz 1000 &&
	dl_dgit download-source --dir out hello &&
	dl_expect_files "$(fixture_built hello-2)" out && rm out/* &&
	grep "GET /pool/main/h/hello/hello_1.0-2.debian.tar.xz 206 .* bytes=1000-" "$(httpd_log)"
'

test_expect_success 'a truncated response that never completes' '
	restore &&
	httpd_fault truncate /pool/main/h/hello/hello_1.0-2.debian.tar.xz 10 &&
	refused &&
	test_grep "cannot download .*hello_1.0-2.debian.tar.xz.: truncated: got 40 of [0-9]* bytes (after 4 attempts)\|cannot download .*hello_1.0-2.debian.tar.xz.: .*(after 4 attempts)" err
'

test_expect_success 'a server that ignores Range starts again from zero' '
	restore &&
	httpd_fault truncate /pool/main/h/hello/hello_1.0-2.debian.tar.xz 1000 &&
	httpd_fault no-range /pool/main/h/hello/hello_1.0-2.debian.tar.xz &&
	refused &&
	test_grep "(after 4 attempts)" err
'

test_expect_success 'an oversized response' '
	restore &&
	httpd_fault oversize /pool/main/h/hello/hello_1.0.orig.tar.gz 5000 &&
	refused &&
	test_grep "hello_1.0.orig.tar.gz. is larger than the [0-9]* bytes expected" err
'

test_expect_success 'a server that fails once, then succeeds: the retry works' '
	restore &&
	: >"$(httpd_log)" &&
	httpd_fault fail-once /pool/main/h/hello/hello_1.0.orig.tar.gz 503 &&
	httpd_fault fail-once /dists/sid/InRelease 500 &&
	dl_dgit download-source --dir out hello &&
	dl_expect_files "$(fixture_built hello-2)" out && rm out/* &&
	grep "GET /pool/main/h/hello/hello_1.0.orig.tar.gz 503" "$(httpd_log)" &&
	grep "GET /pool/main/h/hello/hello_1.0.orig.tar.gz 200" "$(httpd_log)" &&
	grep "GET /dists/sid/InRelease 500" "$(httpd_log)"
'

test_expect_success 'a server that keeps failing: the error names URL and status' '
	restore &&
	httpd_fault status /pool/main/h/hello/hello_1.0.orig.tar.gz 503 &&
	refused &&
	test_grep "cannot download .*/pool/main/h/hello/hello_1.0.orig.tar.gz.: .*503.*(after 4 attempts)" err
'

test_expect_success 'a connection dropped once is retried' '
	restore &&
	httpd_fault drop /pool/main/h/hello/hello_1.0-2.dsc &&
	refused &&
	test_grep "hello_1.0-2.dsc" err
'

test_expect_success 'a missing pool file' '
	restore &&
	rm archive/pool/main/h/hello/hello_1.0.orig.tar.gz &&
	refused &&
	test_grep "hello_1.0.orig.tar.gz. not found" err
'

test_expect_success 'no InRelease: Release + Release.gpg, verified' '
	restore &&
	rm archive/dists/sid/InRelease &&
	dl_dgit download-source --dir out hello && rm out/* &&
	sed -i "s/^Label: Debian/Label: Debiam/" archive/dists/sid/Release &&
	refused &&
	test_grep "bad signature on .*/dists/sid/Release." err
'

test_expect_success 'a redirect within the mirror is followed' '
	restore &&
	mkdir -p archive/moved &&
	cp archive/pool/main/h/hello/hello_1.0-2.dsc archive/moved/ &&
	httpd_fault redirect /pool/main/h/hello/hello_1.0-2.dsc "$DL_MIRROR/moved/hello_1.0-2.dsc" &&
	dl_dgit download-source --dir out hello &&
	dl_expect_files "$(fixture_built hello-2)" out && rm out/*
'

test_expect_success 'a redirect to file:// is refused' '
	restore &&
	httpd_fault redirect /pool/main/h/hello/hello_1.0-2.dsc "file://$PWD/pristine/pool/main/h/hello/hello_1.0-2.dsc" &&
	refused &&
	test_grep "hello_1.0-2.dsc" err
'

test_done
