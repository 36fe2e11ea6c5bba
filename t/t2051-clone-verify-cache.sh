#!/bin/sh
test_description='clone with the verification cache: a warm clone verifies nothing anew, and trusts nothing changed'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test_expect_success 'set up the archive and the server' '
	archive_standard archive &&
	cp -a archive pristine &&
	httpd_start archive
'
MIRROR=$(httpd_url 2>/dev/null)
VC=$XDG_CACHE_HOME/dgit/verify

# entries: each cache entry's name and inode (a miss with a good verdict
# writes a new file over the old one).
entries() { (cd "$VC" && stat -c "%n %i" * | sort); }

clone_into() {
	rm -rf "$1" && mkdir "$1" &&
	(cd "$1" && d clone hello sid >../out 2>../err)
}

test_expect_success 'a cold clone stores the InRelease and .dsc verdicts' '
	clone_into c1 &&
	test "$(grep -L "^not-before 0$" "$VC"/* | wc -l)" -eq 2 &&
	test "$(grep -l "^not-before 0$" "$VC"/* | wc -l)" -eq 2 &&
	test "$(stat -c %a "$VC")" = 700 &&
	entries >entries.cold &&
	grep -l "^fpr $(cat "$KEYS_DIR/archive.fpr")$" $(grep -L "^not-before 0$" "$VC"/*) >archive.entry &&
	test "$(wc -l <archive.entry)" -eq 1 &&
	grep -l "^fpr $(cat "$KEYS_DIR/uploader.fpr")$" $(grep -L "^not-before 0$" "$VC"/*) >uploader.entry &&
	test "$(wc -l <uploader.entry)" -eq 1
'

test_expect_success 'a warm clone: the same commit, every verdict from the cache' '
	clone_into c2 &&
	test "$(git -C c2/hello rev-parse HEAD)" = \
	    "$(git -C c1/hello rev-parse HEAD)" &&
	entries >entries.warm &&
	test_cmp entries.cold entries.warm
'

test_expect_success 'warm cache, InRelease with a changed byte: refused' '
	sed -i "s/^Label: Debian/Label: Debiam/" archive/dists/sid/InRelease &&
	test_must_fail clone_into c3 &&
	test_grep "cannot trust suite .sid.: bad signature on .*/dists/sid/InRelease" err &&
	test_path_is_missing c3/hello
'

test_expect_success 'warm cache, InRelease signed by a key not in the keyring: refused' '
	rm -rf archive && cp -a pristine archive &&
	ARCHIVE_KEY=wrong archive_sign archive sid &&
	test_must_fail clone_into c4 &&
	test_grep "cannot trust suite .sid.: .*is signed by key $(key_fpr wrong), which is not in the keyring" err
'

test_expect_success 'warm cache, the same keyring path with another key in it: refused' '
	rm -rf archive && cp -a pristine archive &&
	cp "$KEYS_DIR/archive-keyring.gpg" ring.gpg &&
	rm -rf c5 && mkdir c5 &&
	(cd c5 && d -c "dgit-distro.debian.archive-keyring=$PWD/../ring.gpg" \
	    clone hello sid) &&
	cp "$KEYS_DIR/wrong-keyring.gpg" ring.gpg &&
	rm -rf c6 && mkdir c6 &&
	(cd c6 && test_must_fail d -c \
	    "dgit-distro.debian.archive-keyring=$PWD/../ring.gpg" \
	    clone hello sid 2>../err) &&
	test_grep "cannot trust suite .sid.: .*which is not in the keyring" err
'

test_expect_success 'a tampered entry: a miss, and the clone still right' '
	rm -rf archive && cp -a pristine archive &&
	e=$(cat archive.entry) &&
	sed -i "s/^fpr .*/fpr $(cat "$KEYS_DIR/wrong.fpr")/" "$e" &&
	clone_into c10 &&
	test "$(git -C c10/hello rev-parse HEAD)" = \
	    "$(git -C c1/hello rev-parse HEAD)" &&
	grep "^fpr $(cat "$KEYS_DIR/archive.fpr")$" "$e"
'

test_expect_success 'a good verdict in the cache, a Valid-Until long past: refused' '
	# last: its newer Date makes the pristine InRelease a rollback
	rm -rf archive && cp -a pristine archive &&
	ARCHIVE_DATE=$((SOURCE_DATE_EPOCH + 10)) \
	    ARCHIVE_VALID_UNTIL=$((SOURCE_DATE_EPOCH + 20)) \
	    archive_sign archive sid &&
	"$BUILD/t/helper/verify" --cache "$XDG_CACHE_HOME/dgit" \
	    "$ARCHIVE_KEYRING" archive/dists/sid/InRelease >/dev/null 2>err &&
	test_grep "^cache miss" err &&
	entries >entries.before &&
	test_must_fail clone_into c9 &&
	test_grep "InRelease. expired at .* (Valid-Until)" err &&
	entries >entries.after &&
	test_cmp entries.before entries.after &&
	test_path_is_missing c9/hello
'

test_done
