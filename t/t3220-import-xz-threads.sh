#!/bin/sh
test_description='import-dsc: xz through the threaded decoder, incompressible data stored

Multi-block xz (as xz -T makes it) is decoded on several threads, and
concatenated streams read as xz -d reads them; the trees are checked
against dpkg-source -x.  Corrupt, truncated and mislabelled xz is
refused and changes nothing (xz -t agrees that it is bad).  Members that
do not deflate are stored: the packs are checked with git fsck and git
verify-pack, the blob ids with git hash-object, and the pack is the same
byte for byte whatever the number of threads.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-import.sh"

# src_tree DIR: text in many files and directories, some random data
src_tree () {
	for d in a b c d e f; do
		mkdir -p "$1/$d" &&
		for i in 1 2 3 4 5 6 7 8; do
			seq "$i" 3 40000 | sed "s/^/$d line /" >"$1/$d/f$i.txt" || return 1
		done || return 1
	done &&
	head -c 300000 /dev/urandom >"$1/a/random.bin"
}

# quilt_pkg NAME ORIG-MAKER: 3.0 (quilt) NAME 1-1 around the orig from
# src/; ORIG-MAKER TAR OUT compresses the orig's tar into OUT
quilt_pkg () {
	rm -rf "pkg-$1" && mkdir "pkg-$1" &&
	tar -C src --sort=name --owner=0 --group=0 --numeric-owner \
		--mtime=@1500000000 -cf "pkg-$1/orig.tar" . &&
	$2 "pkg-$1/orig.tar" "pkg-$1/$1_1.orig.tar.xz" &&
	rm -f "pkg-$1/orig.tar" &&
	debian_dir "pkg-$1/d" "$1" 1-1 "3.0 (quilt)" &&
	tarball "pkg-$1/d" "pkg-$1/$1_1-1.debian.tar.xz" &&
	(cd "pkg-$1" && make_dsc "3.0 (quilt)" "$1" 1-1 "$1_1.orig.tar.xz" \
		"$1_1-1.debian.tar.xz")
}

gzip_to () { gzip -n -c "$1" >"$2"; }
xz_blocks () { xz -T2 --block-size=65536 -c "$1" >"$2"; }
xz_two_streams () {
	size=$(wc -c <"$1") &&
	head -c $((size / 2)) "$1" | xz -c >"$2" &&
	tail -c +$((size / 2 + 1)) "$1" | xz -c >>"$2"
}

# refuses NAME PATTERN: importing pkg-NAME fails naming PATTERN, and the
# repository is as it was
refuses () {
	refs_snapshot repo >before &&
	(cd repo && test_must_fail "$DGIT" import-dsc "../pkg-$1/$1_1-1.dsc" new) 2>err &&
	cat err >&2 &&
	test_grep -e "$2" err &&
	refs_snapshot repo >after &&
	test_cmp before after
}

# redsc NAME: the .dsc again, after its orig was changed
redsc () {
	(cd "pkg-$1" && make_dsc "3.0 (quilt)" "$1" 1-1 "$1_1.orig.tar.xz" \
		"$1_1-1.debian.tar.xz")
}

test_expect_success 'setup' '
	src_tree src &&
	git init -q repo &&
	git -C repo commit -q --allow-empty -m base
'

test_expect_success 'a multi-block xz orig imports to dpkg-source -x tree' '
	quilt_pkg blocks xz_blocks &&
	xz -l pkg-blocks/blocks_1.orig.tar.xz | awk "NR == 2 { print \$2 }" >nblocks &&
	test $(cat nblocks) -gt 20 &&
	import_matches pkg-blocks/blocks_1-1.dsc
'

test_expect_success 'concatenated xz streams are one tarball, as xz -d reads them' '
	quilt_pkg streams xz_two_streams &&
	xz -l pkg-streams/streams_1.orig.tar.xz | awk "NR == 2 { print \$1 }" >nstreams &&
	test $(cat nstreams) = 2 &&
	import_matches pkg-streams/streams_1-1.dsc
'

test_expect_success 'a corrupt block in the middle of a multi-block xz is refused' '
	quilt_pkg badblock xz_blocks &&
	f=pkg-badblock/badblock_1.orig.tar.xz &&
	size=$(wc -c <$f) &&
	printf "garbage-garbage-garbage" |
		dd of=$f bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null &&
	test_must_fail xz -t $f &&
	redsc badblock &&
	refuses badblock "badblock_1.orig.tar.xz.* is corrupt"
'

test_expect_success 'a truncated multi-block xz is refused' '
	quilt_pkg short xz_blocks &&
	f=pkg-short/short_1.orig.tar.xz &&
	head -c $(( $(wc -c <$f) - 100 )) $f >t && mv t $f &&
	test_must_fail xz -t $f &&
	redsc short &&
	refuses short "short_1.orig.tar.xz.* is corrupt"
'

test_expect_success 'garbage after the xz stream is refused, as xz -d refuses it' '
	quilt_pkg trail xz_blocks &&
	f=pkg-trail/trail_1.orig.tar.xz &&
	printf "trailing-garbage" >>$f &&
	test_must_fail xz -t $f &&
	redsc trail &&
	refuses trail "trail_1.orig.tar.xz.* is corrupt"
'

test_expect_success 'gzip data named .tar.xz is refused' '
	quilt_pkg mislabel "gzip_to" &&
	test_must_fail xz -t pkg-mislabel/mislabel_1.orig.tar.xz &&
	refuses mislabel "mislabel_1.orig.tar.xz.* is not compressed as its name says"
'

test_expect_success 'incompressible members are stored in a valid pack, the same for every thread count' '
	mkdir -p inc &&
	head -c 3000000 /dev/urandom >inc/random-whole &&
	head -c 9000000 /dev/urandom >inc/random-streamed &&
	{ head -c 100000 /dev/urandom && seq 1 400000; } >inc/random-then-text &&
	{ seq 1 400000 && head -c 1000000 /dev/urandom; } >inc/text-then-random &&
	seq 1 3000000 >inc/text-streamed &&
	debian_dir inc inc 1 "3.0 (native)" &&
	tarball inc inc_1.tar.gz &&
	make_dsc "3.0 (native)" inc 1 inc_1.tar.gz &&
	for th in none 1 2; do
		rm -rf imp-$th &&
		git init -q imp-$th &&
		(cd imp-$th && "$DGIT" -c dgit.import.threads=$th \
			import-dsc ../inc_1.dsc +imported) &&
		for f in random-whole random-streamed random-then-text \
		    text-then-random text-streamed; do
			git hash-object inc/$f >expect &&
			git -C imp-$th rev-parse imported:$f >actual &&
			test_cmp expect actual || return 1
		done &&
		git -C imp-$th fsck --strict --no-dangling &&
		git verify-pack -v imp-$th/.git/objects/pack/*.idx >/dev/null || return 1
		(cd imp-$th/.git/objects/pack && ls *.pack) >pack-$th || return 1
	done &&
	test_cmp pack-none pack-1 &&
	test_cmp pack-none pack-2 &&
	# the text still deflates: the pack is well under the sum of the files
	total=$(cat inc/* | wc -c) &&
	packed=$(cat imp-2/.git/objects/pack/*.pack | wc -c) &&
	test $packed -lt $((total * 2 / 3)) &&
	import_matches inc_1.dsc
'

test_done
