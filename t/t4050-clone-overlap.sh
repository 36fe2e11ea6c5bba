#!/bin/sh
test_description='clone and fetch import the files as they download

A 3.0 (quilt) package whose orig (2 MB, pseudo-random, so it compresses
to about that) is served at a limited rate, so that the import reads it
while it downloads.  The result is the tree dpkg-source -x makes, with
the same commit ids whether the import streams the orig, waits for each
file or for all of them.  An orig whose bytes turn out not to be the
verified file (a byte flipped mid-way, or another tarball of the same
size whose import succeeds) leaves no ref, no pack, no object and no
temporary file; so does SIGINT or SIGTERM during the overlap.  A
transfer that breaks and starts again from zero (the server ignoring
Range) is followed by the stream.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-import.sh"

test_need_cmd dpkg-source

# make_big UPSTREAM SEED: big_UPSTREAM.orig.tar.gz, big_UPSTREAM-1.debian.tar.xz
# and big_UPSTREAM-1.dsc in pkg/; data.bin is 2 MB from perl's rand(SEED)
# (FLIP: the byte at that offset of data.bin inverted).
make_big () {
	mb_up=$1 mb_seed=$2 mb_flip=${3:--1}
	rm -rf "pkg/big-$mb_up" pkg/d &&
	mkdir -p "pkg/big-$mb_up/src" &&
	perl -e 'srand($ARGV[0]); my $s = "";
		$s .= pack("N", int(rand(4294967296))) for 1 .. 524288;
		substr($s, $ARGV[1], 1) = chr(255 - ord(substr($s, $ARGV[1], 1)))
			if $ARGV[1] >= 0;
		print $s' "$mb_seed" "$mb_flip" >"pkg/big-$mb_up/data.bin" &&
	printf "int main(void) { return 0; }\n" >"pkg/big-$mb_up/src/main.c" &&
	printf "big upstream %s\n" "$mb_up" >"pkg/big-$mb_up/README" &&
	(cd pkg && tarball_top . "big-$mb_up" "big_$mb_up.orig.tar.gz") &&
	debian_dir pkg/d big "$mb_up-1" "3.0 (quilt)" &&
	mkdir -p pkg/d/debian/patches &&
	cat >pkg/d/debian/patches/readme.patch <<-EOF &&
	Description: say it is patched
	Author: Jane Doe <jane@example.org>

	--- a/README
	+++ b/README
	@@ -1 +1,2 @@
	 big upstream $mb_up
	+patched
	EOF
	echo readme.patch >pkg/d/debian/patches/series &&
	(cd pkg && tarball d "big_$mb_up-1.debian.tar.xz" &&
	 make_dsc "3.0 (quilt)" big "$mb_up-1" "big_$mb_up.orig.tar.gz" \
		"big_$mb_up-1.debian.tar.xz")
}

# make_native VERSION SEED [FLIP]: bignat_VERSION.tar.gz and its .dsc in
# pkg/, 3.0 (native), data.bin as make_big makes it.
make_native () {
	mn_v=$1
	rm -rf "pkg/bignat-$mn_v" &&
	mkdir -p "pkg/bignat-$mn_v" &&
	perl -e 'srand($ARGV[0]); my $s = "";
		$s .= pack("N", int(rand(4294967296))) for 1 .. 524288;
		substr($s, $ARGV[1], 1) = chr(255 - ord(substr($s, $ARGV[1], 1)))
			if $ARGV[1] >= 0;
		print $s' "$2" "${3:--1}" >"pkg/bignat-$mn_v/data.bin" &&
	debian_dir "pkg/bignat-$mn_v" bignat "$mn_v" "3.0 (native)" &&
	(cd pkg && tarball_top . "bignat-$mn_v" "bignat_$mn_v.tar.gz" &&
	 make_dsc "3.0 (native)" bignat "$mn_v" "bignat_$mn_v.tar.gz")
}

POOL=pool/main/b/big
NPOOL=pool/main/b/bignat
RATE=1000000

test_expect_success 'setup: big 1.0-1 in sid, served at 1 MB/s' '
	make_big 1.0 1 &&
	archive_init archive &&
	archive_add_suite archive sid unstable &&
	archive_add_dsc archive sid pkg/big_1.0-1.dsc &&
	make_native 1 1 &&
	archive_add_dsc archive sid pkg/bignat_1.dsc &&
	archive_update archive sid &&
	httpd_start archive &&
	archive_configure_dgit "$(httpd_url)" &&
	git config --global dgit-distro.debian.git-check false &&
	httpd_fault "rate /$POOL/* $RATE" &&
	httpd_fault "rate /$NPOOL/* $RATE" &&
	reference_tree "$PWD/pkg/big_1.0-1.dsc" >ref1 &&
	test -n "$(cat ref1)"
'

test_expect_success 'clone streams the orig into the import: the tree dpkg-source -x makes' '
	mkdir s && (cd s && "$DGIT" clone --no-cache big sid) 2>err &&
	test_grep "importing big_1.0.orig.tar.gz as it downloads" err &&
	test "$(git -C s/big rev-parse "HEAD^{tree}")" = "$(cat ref1)" &&
	git -C s/big fsck --no-progress &&
	cmp pkg/big_1.0.orig.tar.gz s/big_1.0.orig.tar.gz
'

test_expect_success 'the same commits whether the import streams, waits for each file or for all' '
	mkdir f n &&
	(cd f && "$DGIT" -c dgit.import.overlap=files clone --no-cache \
		big sid) 2>errf &&
	(cd n && "$DGIT" -c dgit.import.overlap=none clone --no-cache \
		big sid) 2>errn &&
	! grep "as it downloads" errf && ! grep "as it downloads" errn &&
	for r in HEAD remotes/dgit/dgit/sid; do
		s=$(git -C s/big rev-parse "$r") &&
		test "$s" = "$(git -C f/big rev-parse "$r")" &&
		test "$s" = "$(git -C n/big rev-parse "$r")" || return 1
	done &&
	git -C s/big log --format="%H %T %s" remotes/dgit/dgit/sid >logs &&
	git -C n/big log --format="%H %T %s" remotes/dgit/dgit/sid >logn &&
	test_cmp logn logs
'

# nothing_new: the clone s/big has the refs, packs and objects it had,
# nothing in its dgit/ directory and no temporary pack; nothing placed
# beside it.
nothing_new () {
	refs_snapshot s/big >after &&
	test_cmp before after &&
	left=$(find s/big/.git/dgit s/big/.git/objects/pack -mindepth 1 \
		-maxdepth 1 \( -name "fetch*" -o -name "tmp_*" \) 2>/dev/null) &&
	test -z "$left" &&
	! ls s/big_2.0* 2>/dev/null
}

test_expect_success 'setup: big 2.0-1 in sid, its orig replaced by another of the same size' '
	refs_snapshot s/big >before &&
	make_big 2.0 2 &&
	cp pkg/big_2.0.orig.tar.gz good-orig &&
	archive_add_dsc archive sid pkg/big_2.0-1.dsc &&
	archive_update archive sid &&
	make_big 2.0 2 1500000 &&
	test "$(wc -c <pkg/big_2.0.orig.tar.gz)" = "$(wc -c <good-orig)" &&
	! cmp -s pkg/big_2.0.orig.tar.gz good-orig &&
	cp pkg/big_2.0.orig.tar.gz "archive/$POOL/big_2.0.orig.tar.gz"
'

test_expect_success 'an orig that imports but is not the verified file: no ref, no pack, nothing left' '
	(cd s/big && test_must_fail "$DGIT" fetch --no-cache) 2>err &&
	test_grep "importing big_2.0.orig.tar.gz as it downloads" err &&
	test_grep "mismatch" err &&
	test_grep "big_2.0.orig.tar.gz" err &&
	nothing_new
'

test_expect_success 'setup: bignat 2 in sid, its tarball replaced by another of the same size' '
	(cd s && "$DGIT" clone --no-cache bignat sid) 2>err &&
	refs_snapshot s/bignat >nbefore &&
	make_native 2 2 &&
	cp pkg/bignat_2.tar.gz good-native &&
	archive_add_dsc archive sid pkg/bignat_2.dsc &&
	archive_update archive sid &&
	make_native 2 2 1500000 &&
	test "$(wc -c <pkg/bignat_2.tar.gz)" = "$(wc -c <good-native)" &&
	! cmp -s pkg/bignat_2.tar.gz good-native &&
	cp pkg/bignat_2.tar.gz "archive/$NPOOL/bignat_2.tar.gz"
'

test_expect_success 'the only tarball imports but is not the verified file: no pack is made visible' '
	(cd s/bignat && test_must_fail "$DGIT" fetch --no-cache) 2>err &&
	test_grep "importing bignat_2.tar.gz as it downloads" err &&
	test_grep "mismatch" err &&
	refs_snapshot s/bignat >nafter &&
	test_cmp nbefore nafter &&
	left=$(find s/bignat/.git/dgit s/bignat/.git/objects/pack -mindepth 1 \
		-maxdepth 1 \( -name "fetch*" -o -name "tmp_*" \) 2>/dev/null) &&
	test -z "$left"
'

test_expect_success 'a byte flipped mid-way in the transfer: no ref, no pack, nothing left' '
	cp good-orig "archive/$POOL/big_2.0.orig.tar.gz" &&
	httpd_fault "corrupt /$POOL/big_2.0.orig.tar.gz 1200000" &&
	(cd s/big && test_must_fail "$DGIT" fetch --no-cache) 2>err &&
	test_grep "importing big_2.0.orig.tar.gz as it downloads" err &&
	test_grep "checksum mismatch" err &&
	nothing_new
'

# bg_fetch: dgit fetch in s/big in the background with the usual signal
# dispositions; its pid in file pid.
bg_fetch () {
	(cd s/big && exec perl -e \
	    '$SIG{$_} = "DEFAULT" for qw(INT TERM HUP); exec @ARGV or die' \
	    "$DGIT" fetch --no-cache >"$TRASH_DIRECTORY/out" \
	    2>"$TRASH_DIRECTORY/err") &
	echo $! >"$TRASH_DIRECTORY/pid"
}

test_expect_success 'SIGINT or SIGTERM while the orig streams: nothing left' '
	httpd_faults_clear &&
	httpd_fault "rate /$POOL/* $RATE" &&
	for p in "INT 400" "TERM 900" "INT 1400" "TERM 1900"; do
		set -- $p &&
		bg_fetch &&
		sleep "$(printf "%d.%03d" $(($2 / 1000)) $(($2 % 1000)))" &&
		kill -$1 "$(cat pid)" &&
		{ wait "$(cat pid)"; rc=$?; } &&
		test $rc -ne 0 &&
		nothing_new || { echo "left after $1 at $2 ms (rc $rc)"; cat err; return 1; }
	done
'

test_expect_success 'then the fetch succeeds: the tree dpkg-source -x makes' '
	make_big 2.0 2 &&
	cmp pkg/big_2.0.orig.tar.gz good-orig &&
	reference_tree "$PWD/pkg/big_2.0-1.dsc" >ref2 &&
	(cd s/big && "$DGIT" fetch --no-cache) 2>err &&
	test_grep "as it downloads" err &&
	test "$(git -C s/big rev-parse "remotes/dgit/dgit/sid^{tree}")" = \
	    "$(cat ref2)" &&
	git -C s/big fsck --no-progress
'

test_expect_success 'a transfer broken mid-way and started again from zero: the stream follows it' '
	httpd_faults_clear &&
	httpd_fault "rate /$POOL/* $RATE" &&
	httpd_fault "truncate-once /$POOL/big_2.0.orig.tar.gz 1200000" &&
	httpd_fault "no-range /$POOL/big_2.0.orig.tar.gz" &&
	mkdir r && (cd r && "$DGIT" clone --no-cache big sid) 2>err &&
	test_grep "importing big_2.0.orig.tar.gz as it downloads" err &&
	grep "^GET /$POOL/big_2.0.orig.tar.gz 200 [0-9]* bytes=1200000-" \
		"$(httpd_log)" &&
	test "$(git -C r/big rev-parse "HEAD^{tree}")" = "$(cat ref2)" &&
	git -C r/big fsck --no-progress
'

test_done
