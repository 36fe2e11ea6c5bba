#!/bin/sh
test_description='import-dsc: object ids and the pack whatever the thread count

With up to two compression threads the pack takes each object id from
sha1dc on the caller'"'"'s path, with more from plain SHA-1 checked by
sha1dc in the threads, and a file'"'"'s buffer is handed to the threads
rather than copied.  Whatever the count (none to four), every blob id is
git hash-object'"'"'s, every tree dpkg-source -x'"'"'s, the pack passes git
fsck and git verify-pack and is the same byte for byte; duplicate files
are stored once, and a second import into the same repository stores
nothing again.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-import.sh"

# many small files of every size class, duplicates, an empty file, a
# symlink, a member large enough to be streamed
src_tree () {
	mkdir -p "$1/small" "$1/mid" "$1/dup/a" "$1/dup/b" &&
	: >"$1/empty" &&
	printf x >"$1/one-byte" &&
	for i in $(seq 1 300); do
		seq 1 "$i" >"$1/small/f$i" || return 1
	done &&
	for i in 1 2 3 4 5 6 7 8; do
		seq "$i" 7 $((i * 20000)) | sed "s/^/mid $i /" >"$1/mid/m$i" ||
			return 1
	done &&
	seq 1 5000 >"$1/dup/a/same" &&
	seq 1 5000 >"$1/dup/b/same" &&
	cp "$1/mid/m3" "$1/dup/m3-again" &&
	ln -s ../mid/m1 "$1/dup/link" &&
	seq 1 1200000 >"$1/large-streamed"
}

test_expect_success 'setup' '
	src_tree src &&
	debian_dir src hashing 1 "3.0 (native)" &&
	tar -C src --sort=name --owner=0 --group=0 --numeric-owner \
		--mtime=@1500000000 -cf hashing_1.tar . &&
	xz -T2 --block-size=65536 -c hashing_1.tar >hashing_1.tar.xz &&
	rm hashing_1.tar &&
	make_dsc "3.0 (native)" hashing 1 hashing_1.tar.xz &&
	(cd src && find . -type f | sed "s|^\./||" | sort) >files
'

test_expect_success 'the tree is dpkg-source -x'"'"'s' '
	import_matches hashing_1.dsc
'

for th in none 1 2 3 4; do
	test_expect_success "ids are git hash-object's with threads=$th" '
		rm -rf imp-$th &&
		git init -q imp-$th &&
		(cd imp-$th && "$DGIT" -c dgit.import.threads='$th' \
			import-dsc ../hashing_1.dsc +imported) &&
		sed "s|^|$PWD/src/|" files | git hash-object --stdin-paths >ids &&
		paste -d" " ids files | LC_ALL=C sort -k2 >expect &&
		git -C imp-'$th' ls-tree -r imported >tree &&
		awk "\$1 != \"120000\" { sub(/\t/, \" \"); print \$3, \$4 }" tree |
			LC_ALL=C sort -k2 >actual &&
		test $(wc -l <files) -gt 300 &&
		test_cmp expect actual &&
		printf %s ../mid/m1 | git hash-object --stdin >expect &&
		git -C imp-'$th' rev-parse imported:dup/link >actual &&
		test_cmp expect actual &&
		git -C imp-'$th' fsck --strict --no-dangling &&
		git verify-pack -v imp-'$th'/.git/objects/pack/*.idx >vp-'$th' &&
		(cd imp-'$th'/.git/objects/pack && ls *.pack) >pack-'$th'
	'
done

test_expect_success 'the pack is the same for every thread count' '
	for th in 1 2 3 4; do
		test_cmp pack-none pack-$th || return 1
	done
'

test_expect_success 'duplicate files are stored once' '
	git -C imp-2 rev-parse imported:dup/a/same >a &&
	git -C imp-2 rev-parse imported:dup/b/same >b &&
	test_cmp a b &&
	# verify-pack lists each object once: no id twice
	awk "\$2 == \"blob\" { print \$1 }" vp-2 | sort >blobs &&
	sort -u blobs >blobs-u &&
	test_cmp blobs-u blobs &&
	git -C imp-2 ls-tree -r imported | awk "{ print \$3 }" | sort -u >want &&
	test_cmp want blobs
'

test_expect_success 'a second import into the same repository stores nothing again' '
	git -C imp-2 cat-file --batch-all-objects --batch-check >before &&
	(cd imp-2 && "$DGIT" -c dgit.import.threads=2 \
		import-dsc ../hashing_1.dsc +again) &&
	git -C imp-2 cat-file --batch-all-objects --batch-check >after &&
	test_cmp before after &&
	git -C imp-2 rev-parse imported >a &&
	git -C imp-2 rev-parse again >b &&
	test_cmp a b &&
	git -C imp-2 fsck --strict --no-dangling
'

test_done
