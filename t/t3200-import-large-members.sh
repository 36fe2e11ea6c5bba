#!/bin/sh
test_description='import-dsc: large and sparse members are stored whole, in bounded memory

Members over the streaming threshold go into the pack in pieces.  The
blob ids are checked against git hash-object of the same bytes, the
trees against dpkg-source -x, and the packs with git fsck.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-import.sh"

# native_pkg DIR NAME: 3.0 (native) package NAME 1 from DIR's contents
# (DIR must hold debian/), tarred with --sparse.
native_pkg () {
	debian_dir "$1" "$2" 1 "3.0 (native)" &&
	tarball "$1" "$2_1.tar.gz" --sparse &&
	make_dsc "3.0 (native)" "$2" 1 "$2_1.tar.gz"
}

test_expect_success 'members over the threshold, duplicated, with every thread count' '
	mkdir -p med &&
	head -c 9000000 /dev/urandom >med/random &&
	cp med/random med/random-again &&
	yes "some text" | head -c 12345678 >med/text &&
	echo small >med/small &&
	native_pkg med med &&
	for th in none 1 2; do
		rm -rf imp-med_1 &&
		git init -q imp-med_1 &&
		(cd imp-med_1 && "$DGIT" -c dgit.import.threads=$th \
			import-dsc ../med_1.dsc +imported) &&
		for f in random random-again text small; do
			git hash-object med/$f >expect &&
			git -C imp-med_1 rev-parse imported:$f >actual &&
			test_cmp expect actual || return 1
		done &&
		git -C imp-med_1 fsck --strict --no-dangling || return 1
	done &&
	import_matches med_1.dsc
'

test_expect_success 'a sparse member that is all hole is its size of zeros, as dpkg-source -x' '
	mkdir -p hole &&
	truncate -s 3000000 hole/small-hole &&
	truncate -s 9000000 hole/large-hole &&
	echo data >hole/data &&
	native_pkg hole hole &&
	import_matches hole_1.dsc &&
	git -C imp-hole_1 cat-file -s imported:large-hole >actual &&
	echo 9000000 >expect &&
	test_cmp expect actual
'

# A member of 4 GiB + 1 MiB, nearly all hole: its length does not fit in
# 32 bits.  The import runs under an address-space limit far below the
# member's size, so holding the member (or a copy) in memory fails it;
# that check is left out in the ASan pass only (the run-tests.sh
# flavour "asan"), where the sanitizer reserves terabytes of address
# space and ulimit -v cannot work.
test_expect_success 'a sparse member over 4 GiB is stored whole, in bounded memory' '
	mkdir -p huge &&
	size=$(( (4 << 30) + (1 << 20) )) &&
	truncate -s $size huge/huge &&
	printf start | dd of=huge/huge conv=notrunc 2>/dev/null &&
	printf end | dd of=huge/huge bs=1 seek=$((size - 3)) conv=notrunc \
		2>/dev/null &&
	native_pkg huge huge &&
	test $(wc -c <huge_1.tar.gz) -lt 1000 &&
	git init -q imp &&
	if [ "${DGIT_TEST_FLAVOUR:-}" = asan ]; then
		(cd imp && "$DGIT" import-dsc ../huge_1.dsc +imported)
	else
		(ulimit -v 600000 && cd imp &&
			"$DGIT" import-dsc ../huge_1.dsc +imported)
	fi &&
	echo $size >expect &&
	git -C imp cat-file -s imported:huge >actual &&
	test_cmp expect actual &&
	git hash-object huge/huge >expect &&
	git -C imp rev-parse imported:huge >actual &&
	test_cmp expect actual &&
	git -C imp fsck --strict --no-dangling
'

# A file of 1 GiB + 1 MiB, nearly all hole, patched: "start" on its first
# line, a line of 1 GiB of NULs, then three short lines just before its
# end.  The patch changes the first line and the middle one of the
# three; GNU patch (run by dpkg-source -x) is the judge of the result.
# The import runs under the same address-space limit as above, below the
# file's size, so reading it whole (or writing the result whole) fails.
# The size is not the 4 GiB + 1 MiB of the test above because
# dpkg-source -x writes the patched file out in full and hashing and
# fsck of it take minutes; DGIT_TEST_BIG_PATCH_MIB sets it (4097 was
# run, and passes).
big_patched_file () {
	size=$(( ${DGIT_TEST_BIG_PATCH_MIB:-1025} << 20 )) &&
	truncate -s $size "$1" &&
	printf "start\n" | dd of="$1" conv=notrunc 2>/dev/null &&
	printf "\nalpha\nbeta\ngamma\n" | dd of="$1" bs=1 \
		seek=$((size - 4096)) conv=notrunc 2>/dev/null &&
	printf end | dd of="$1" bs=1 seek=$((size - 3)) conv=notrunc \
		2>/dev/null
}

big_hunks () {
	printf "@@ -1 +1 @@\n-start\n+START\n"
	printf "@@ -3,3 +3,3 @@\n alpha\n-beta\n+BETA, longer\n gamma\n"
}

# import_big DSC: import under the limit, then compare the blob "huge"
# with what dpkg-source -x makes of DSC (size and git hash-object).
import_big () {
	rm -rf imp-big ref-big &&
	git init -q imp-big &&
	if [ "${DGIT_TEST_FLAVOUR:-}" = asan ]; then
		(cd imp-big && "$DGIT" import-dsc "../$1" +imported)
	else
		(ulimit -v 600000 && cd imp-big &&
			"$DGIT" import-dsc "../$1" +imported)
	fi &&
	dpkg-source --no-check -x "$1" ref-big >/dev/null &&
	stat -c %s ref-big/huge >expect &&
	git -C imp-big cat-file -s imported:huge >actual &&
	test_cmp expect actual &&
	git hash-object ref-big/huge >expect &&
	git -C imp-big rev-parse imported:huge >actual &&
	test_cmp expect actual &&
	rm -rf ref-big &&
	git -C imp-big fsck --strict --no-dangling
}

test_expect_success 'a 3.0 (quilt) patch to a file over 1 GiB applies in bounded memory, as dpkg-source -x' '
	mkdir -p bigq/big-1 &&
	big_patched_file bigq/big-1/huge &&
	tarball_top bigq big-1 big_1.orig.tar.gz --sparse &&
	rm -rf bigq/big-1 &&
	debian_dir bigq big 1-1 "3.0 (quilt)" &&
	mkdir -p bigq/debian/patches &&
	echo big.patch >bigq/debian/patches/series &&
	{ printf "Description: change a big file\n\n--- a/huge\n+++ b/huge\n" &&
	  big_hunks; } >bigq/debian/patches/big.patch &&
	tar -C bigq -czf big_1-1.debian.tar.gz debian &&
	make_dsc "3.0 (quilt)" big 1-1 big_1.orig.tar.gz big_1-1.debian.tar.gz &&
	test $(wc -c <big_1.orig.tar.gz) -lt 1000 &&
	import_big big_1-1.dsc
'

test_expect_success 'a 1.0 .diff.gz patching a file over 1 GiB applies in bounded memory, as dpkg-source -x' '
	mkdir -p big10/big-2 big10/empty &&
	big_patched_file big10/big-2/huge &&
	tarball_top big10 big-2 big_2.orig.tar.gz --sparse &&
	rm -rf big10/big-2 &&
	mkdir -p big10/big-2 &&
	debian_dir big10/big-2 big 2 &&
	mkdir -p big10/big-2.orig &&
	{ (cd big10 && diff -Nru big-2.orig big-2); test $? = 1; } >big.diff &&
	{ printf -- "--- big-2.orig/huge\n+++ big-2/huge\n" && big_hunks; } \
		>>big.diff &&
	gzip -n <big.diff >big_2.diff.gz &&
	make_dsc 1.0 big 2 big_2.orig.tar.gz big_2.diff.gz &&
	import_big big_2.dsc
'

# The file to patch is already in the repository, loose (so the import
# does not store it again and reads it from there, streamed by libgit2).
test_expect_success 'a big file the repository has loose is patched in bounded memory' '
	rm -rf loose && git init -q loose &&
	big_patched_file loose-huge &&
	git -C loose -c core.bigFileThreshold=4g hash-object -w ../loose-huge \
		>oid &&
	rm -f loose-huge &&
	test -f "loose/.git/objects/$(cut -c1-2 oid)/$(cut -c3- oid)" &&
	if [ "${DGIT_TEST_FLAVOUR:-}" = asan ]; then
		(cd loose && "$DGIT" import-dsc ../big_2.dsc +imported)
	else
		(ulimit -v 600000 && cd loose &&
			"$DGIT" import-dsc ../big_2.dsc +imported)
	fi &&
	git -C imp-big rev-parse imported:huge >expect &&
	git -C loose rev-parse imported:huge >actual &&
	test_cmp expect actual &&
	git -C loose fsck --strict --no-dangling
'

# The file to patch is already in the repository, in a pack an earlier
# import wrote (as when dgit fetch imports a new revision on the same
# orig): libgit2 1.5 cannot stream a packed object, so it comes from
# git cat-file, streamed.  Version 1-2's patch is another one than
# 1-1's; dpkg-source -x of 1-2 is the judge.
test_expect_success 'a big file an earlier import packed is patched in bounded memory, as dpkg-source -x' '
	rm -rf bigq2 && mkdir -p bigq2 &&
	debian_dir bigq2 big 1-2 "3.0 (quilt)" &&
	mkdir -p bigq2/debian/patches &&
	echo other.patch >bigq2/debian/patches/series &&
	{ printf "Description: change it otherwise\n\n--- a/huge\n+++ b/huge\n" &&
	  printf "@@ -1 +1 @@\n-start\n+Start, 1-2\n" &&
	  printf "@@ -3,3 +3,3 @@\n alpha\n-beta\n+beta, 1-2\n gamma\n"; } \
		>bigq2/debian/patches/other.patch &&
	tar -C bigq2 -czf big_1-2.debian.tar.gz debian &&
	make_dsc "3.0 (quilt)" big 1-2 big_1.orig.tar.gz big_1-2.debian.tar.gz &&
	rm -rf packed && git init -q packed &&
	(cd packed && "$DGIT" import-dsc ../big_1-1.dsc +imported) &&
	git -C packed rev-parse imported:huge >patched-1 &&
	ls packed/.git/objects/pack/*.pack >packs &&
	test $(wc -l <packs) = 1 &&
	find packed/.git/objects/?? -type f | sed "s|.*objects/||; s|/||" \
		>loose-objects &&
	while read -r o; do
		test "$(git -C packed cat-file -t $o)" != blob || return 1
	done <loose-objects &&
	if [ "${DGIT_TEST_FLAVOUR:-}" = asan ]; then
		(cd packed && "$DGIT" import-dsc ../big_1-2.dsc +imported2)
	else
		(ulimit -v 600000 && cd packed &&
			"$DGIT" import-dsc ../big_1-2.dsc +imported2)
	fi &&
	dpkg-source --no-check -x big_1-2.dsc ref-big2 >/dev/null &&
	stat -c %s ref-big2/huge >expect &&
	git -C packed cat-file -s imported2:huge >actual &&
	test_cmp expect actual &&
	git hash-object ref-big2/huge >expect &&
	rm -rf ref-big2 &&
	git -C packed rev-parse imported2:huge >actual &&
	test_cmp expect actual &&
	! test_cmp patched-1 actual &&
	git -C packed fsck --strict --no-dangling
'

# A packed blob over the read-whole threshold: without git the import
# fails saying so; when it is corrupt, git cat-file gives bytes whose id
# is another, the reader says so and the import fails; neither makes a
# branch.  (24 MiB, so that corrupting it is quick.)
test_expect_success 'a packed big file: no git, or corrupt, is refused clearly' '
	rm -rf corrupt midq && git init -q corrupt &&
	mkdir -p midq/mid-1 &&
	DGIT_TEST_BIG_PATCH_MIB=24 big_patched_file midq/mid-1/huge &&
	tarball_top midq mid-1 mid_1.orig.tar.gz --sparse &&
	git -C corrupt hash-object -w ../midq/mid-1/huge >oid &&
	rm -rf midq/mid-1 &&
	debian_dir midq mid 1-1 "3.0 (quilt)" &&
	mkdir -p midq/debian/patches &&
	echo big.patch >midq/debian/patches/series &&
	{ printf "Description: change a big file\n\n--- a/huge\n+++ b/huge\n" &&
	  big_hunks; } >midq/debian/patches/big.patch &&
	tar -C midq -czf mid_1-1.debian.tar.gz debian &&
	make_dsc "3.0 (quilt)" mid 1-1 mid_1.orig.tar.gz mid_1-1.debian.tar.gz &&
	obj="corrupt/.git/objects/$(cut -c1-2 oid)/$(cut -c3- oid)" &&
	cp "$obj" good-obj &&
	git -C corrupt pack-objects -q .git/objects/pack/pack <oid >/dev/null &&
	git -C corrupt prune-packed &&
	test_path_is_missing "$obj" &&
	(PATH=/nonexistent && export PATH && cd corrupt &&
		test_must_fail "$DGIT" import-dsc ../mid_1-1.dsc +imported) \
		2>err &&
	test_grep "too large to read whole): cannot run .git.: not found; install it" err &&
	test_must_fail git -C corrupt rev-parse --verify -q imported &&
	rm -f corrupt/.git/objects/pack/pack-* &&
	mkdir -p "${obj%/*}" &&
	cp good-obj "$obj" &&
	chmod u+w "$obj" &&
	python3 -c "
import sys, zlib
p = sys.argv[1]
d = zlib.decompress(open(p, \"rb\").read())
i = d.index(b\"beta\")
d = d[:i] + b\"BETA\" + d[i + 4:]
open(p, \"wb\").write(zlib.compress(d, 1))
" "$obj" &&
	git -C corrupt pack-objects -q .git/objects/pack/pack <oid >/dev/null &&
	git -C corrupt prune-packed &&
	test_path_is_missing "$obj" &&
	(cd corrupt && test_must_fail "$DGIT" import-dsc ../mid_1-1.dsc \
		+imported) 2>err &&
	test_grep "$(cat oid) is corrupt" err &&
	test_must_fail git -C corrupt rev-parse --verify -q imported
'

test_expect_success 'a member over dgit.import.max-bytes is refused, leaving no pack' '
	git init -q capped &&
	(cd capped && test_must_fail "$DGIT" -c dgit.import.max-bytes=5000000 \
		import-dsc ../med_1.dsc +imported) 2>err &&
	test_grep "over the limit of 5000000 bytes" err &&
	test_must_fail git -C capped rev-parse --verify -q imported &&
	ls capped/.git/objects/pack >left &&
	test ! -s left
'

test_done
