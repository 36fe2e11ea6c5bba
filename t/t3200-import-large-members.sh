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
