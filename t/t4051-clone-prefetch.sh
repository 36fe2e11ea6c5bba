#!/bin/sh
test_description='a cold clone fetches the Sources indexes while the Release is verified

The indexes named by the Release, before its signature is checked, are
downloaded during the check.  What they hold is used only when the
verified Release names the same indexes with the same hashes: a Sources
index that does not match the signed Release, or an InRelease altered to
name a forged index (its signature then bad, or made by an unknown key),
makes the clone fail and leaves no directory, no temporary file, no
lookup cache entry and no Release date recorded.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

TMPDIR=$TRASH_DIRECTORY/tmp
export TMPDIR
SRC=dists/sid/main/source

test_expect_success 'set up the archive and the server' '
	mkdir tmp &&
	archive_standard archive &&
	cp -a archive pristine &&
	httpd_start archive &&
	test -f archive/$SRC/Sources.gz
'
MIRROR=$(httpd_url 2>/dev/null)

# Back to the pristine archive, an empty cache and request log.
restore () {
	rm -rf archive.old && mv archive archive.old &&
	cp -a pristine archive && rm -rf archive.old &&
	rm -rf "$XDG_CACHE_HOME/dgit" c &&
	: >"$(httpd_log)"
}

# The clone fails and leaves nothing: no directory, nothing in $TMPDIR,
# no lookup cache entry.
refused () {
	mkdir c &&
	test_must_fail env -C c "$DGIT" -D \
	    -c "dgit-distro.debian.mirror=$MIRROR" \
	    -c "dgit-distro.debian.archive-keyring=$ARCHIVE_KEYRING" \
	    -c "dgit-distro.debian.keyring=$UPLOADER_KEYRING" \
	    -c "dgit-distro.debian.git-check=false" clone hello sid 2>err &&
	test -z "$(ls -A c)" &&
	test -z "$(ls -A tmp)" &&
	test_path_is_missing "$XDG_CACHE_HOME/dgit/lookup" &&
	! grep "fetched while the Release" err
}

# forge_sources: main/source/Sources.gz (and its by-hash copy) replaced by
# one whose hello is another version; prints its SHA-256 and size.
forge_sources () {
	gzip -dc archive/$SRC/Sources.gz |
	    sed "s/^Version: 1.0-2$/Version: 1.0-9/" | gzip -9n >forged.gz &&
	! cmp -s forged.gz archive/$SRC/Sources.gz &&
	sha=$(sha256sum forged.gz | cut -d" " -f1) &&
	mkdir -p archive/$SRC/by-hash/SHA256 &&
	cp forged.gz archive/$SRC/by-hash/SHA256/$sha &&
	cp forged.gz archive/$SRC/Sources.gz &&
	echo "$sha $(wc -c <forged.gz)"
}

test_expect_success 'a cold clone fetches Sources during the verification, once' '
	restore &&
	mkdir c &&
	(cd c && d -D clone hello sid) 2>err &&
	test_grep "Sources indexes fetched while the Release.s signature was checked" err &&
	test "$(git -C c/hello rev-parse "HEAD^{tree}")" = \
	    "$(dsc_reference_tree "$(fixture_built hello-2)")" &&
	test "$(grep -c "^GET /$SRC/.* 200 " "$(httpd_log)")" = 1 &&
	test -z "$(ls -A tmp)"
'

test_expect_success 'a warm clone reads the lookup cache and fetches no Sources' '
	rm -rf c && : >"$(httpd_log)" &&
	mkdir c &&
	(cd c && d -D clone hello sid) 2>err &&
	! grep "fetched while the Release" err &&
	! grep "^GET /$SRC/" "$(httpd_log)"
'

test_expect_success 'Sources arriving slowly, broken and started again from zero' '
	restore &&
	size=$(wc -c <archive/$SRC/Sources.gz) &&
	httpd_fault "rate /$SRC/* 2000" &&
	httpd_fault "truncate-once /$SRC/* $((size / 2))" &&
	httpd_fault "no-range /$SRC/*" &&
	mkdir c &&
	(cd c && d -D clone hello sid) 2>err &&
	httpd_faults_clear &&
	test_grep "Sources indexes fetched while the Release.s signature was checked" err &&
	test "$(git -C c/hello rev-parse "HEAD^{tree}")" = \
	    "$(dsc_reference_tree "$(fixture_built hello-2)")" &&
	test -z "$(ls -A tmp)"
'

# A .gz index is inflated whole once it is all here, when it is one gzip
# member; gzip allows several one after another, which the streaming
# search reads.
test_expect_success 'a Sources.gz of two gzip members, hello in the second' '
	restore &&
	gzip -dc archive/$SRC/Sources.gz >plain &&
	n=$(grep -n "^Package: hello\$" plain | cut -d: -f1) &&
	test "$n" -gt 1 &&
	head -n $((n - 1)) plain | gzip -9n >two.gz &&
	tail -n +$n plain | gzip -9n >>two.gz &&
	gzip -dc two.gz | cmp - plain &&
	cp two.gz archive/$SRC/Sources.gz &&
	archive_sign archive sid &&
	mkdir c &&
	(cd c && d -D clone hello sid) 2>err &&
	test "$(git -C c/hello rev-parse "HEAD^{tree}")" = \
	    "$(dsc_reference_tree "$(fixture_built hello-2)")"
'

test_expect_success 'a Sources index that does not match the signed Release' '
	restore &&
	old=$(sha256sum archive/$SRC/Sources.gz | cut -d" " -f1) &&
	forge_sources >/dev/null &&
	cp forged.gz archive/$SRC/by-hash/SHA256/$old &&
	refused &&
	test_grep "SHA-256\|checksum\|hash" err
'

test_expect_success 'an InRelease altered to name a forged Sources: bad signature' '
	restore &&
	old=$(sha256sum archive/$SRC/Sources.gz | cut -d" " -f1) &&
	oldsize=$(wc -c <archive/$SRC/Sources.gz) &&
	set -- $(forge_sources) &&
	sed "s/^ $old \{1,\}$oldsize main\/source\/Sources.gz$/ $1 $2 main\/source\/Sources.gz/" \
	    archive/dists/sid/InRelease >InRelease.new &&
	grep -q " $1 $2 main/source/Sources.gz" InRelease.new &&
	cp InRelease.new archive/dists/sid/InRelease &&
	refused &&
	test_path_is_missing "$XDG_CACHE_HOME/dgit/state/release-date" &&
	test_grep "cannot trust suite .sid." err &&
	grep -q "^GET /$SRC/by-hash/SHA256/$1 200 " "$(httpd_log)"
'

test_expect_success 'a newer InRelease naming a forged Sources, signed by an unknown key' '
	restore &&
	set -- $(forge_sources) &&
	ARCHIVE_KEY=wrong ARCHIVE_DATE=$((SOURCE_DATE_EPOCH + 86400)) \
	    archive_sign archive sid &&
	refused &&
	test_path_is_missing "$XDG_CACHE_HOME/dgit/state/release-date" &&
	test_grep "cannot trust suite .sid." err
'

test_expect_success 'after those, the pristine archive clones' '
	restore &&
	mkdir c &&
	(cd c && d clone hello sid) 2>err &&
	test "$(git -C c/hello rev-parse "HEAD^{tree}")" = \
	    "$(dsc_reference_tree "$(fixture_built hello-2)")"
'

test_done
