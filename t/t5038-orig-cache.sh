#!/bin/sh
test_description='the orig cache: an orig tarball unpacked once, its tree found again by its SHA-256, size and the dgit version'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test_need_cmd dpkg-source
test_need_cmd sha256sum

ref=refs/dgit-intern/orig-cache
orig=hello_1.0.orig.tar.gz

# new_repo NAME: a patches-applied git tree of hello 1.0-1 in NAME/hello,
# the orig in NAME/.
new_repo() {
	dsc=$(fixture_built hello-1) &&
	mkdir "$1" &&
	cp "$(dirname "$dsc")/$orig" "$1/" &&
	dpkg-source --no-check -x "$dsc" "$1/hello" >/dev/null 2>&1 &&
	rm -rf "$1/hello/.pc" &&
	(cd "$1/hello" && git init -q && git config user.name "A Tester" &&
	 git config user.email tester@example.org &&
	 git add -A && git commit -q -m import)
}

# tar_tree TARBALL: the git tree of TARBALL unpacked by tar, its top
# directory stripped (tar and git, not dgit).
tar_tree() (
	d=$(mktemp -d "$TRASH_DIRECTORY/tt.XXXXXX") &&
	tar -xzf "$1" -C "$d" --strip-components=1 &&
	cd "$d" && git init -q && git add -A && git write-tree
)

# key TARBALL: the end of its cache key, "SHA256 SIZE".
key() {
	echo "$(sha256sum <"$1" | cut -d" " -f1) $(wc -c <"$1" | tr -d " ")"
}

# reorig NAME: NAME/$orig replaced by one whose README differs (and, with
# a second argument, which has an empty directory too).
reorig() {
	rm -rf "$1/re" && mkdir "$1/re" &&
	tar -xzf "$1/$orig" -C "$1/re" &&
	echo "a changed upstream README" >"$1/re/hello-1.0/README" &&
	{ [ $# -lt 2 ] || mkdir "$1/re/hello-1.0/empty"; } &&
	tar -czf "$1/$orig" -C "$1/re" hello-1.0
}

test_expect_success 'quilt-fixup records the orig: its SHA-256 and size in the key, the tree tar makes of it' '
	new_repo a &&
	(cd a/hello && "$DGIT" quilt-fixup >../out 2>&1) &&
	test_grep "not needed" a/out &&
	git -C a/hello reflog show --format="%gs" $ref >a/keys &&
	test "$(wc -l <a/keys)" -eq 1 &&
	test_grep "^dgit-orig-cache [^ ]* $(key a/$orig)\$" a/keys &&
	tar_tree a/$orig >a/expect &&
	git -C a/hello rev-parse "$ref^{tree}" >a/actual &&
	test_cmp a/expect a/actual
'

test_expect_success 'a second run finds it; an orig of the same name but other bytes is unpacked again' '
	(cd a/hello && "$DGIT" --quilt=nofix quilt-fixup >../out 2>&1) &&
	test_grep "not needed" a/out &&
	git -C a/hello reflog show --format="%gs" $ref >a/keys &&
	test "$(wc -l <a/keys)" -eq 1 &&
	reorig a &&
	(cd a/hello && test_must_fail "$DGIT" --quilt=nofix quilt-fixup 2>../err) &&
	test_grep "README" a/err &&
	git -C a/hello reflog show --format="%gs" $ref >a/keys &&
	test "$(wc -l <a/keys)" -eq 2 &&
	head -n 1 a/keys >a/newest &&
	test_grep " $(key a/$orig)\$" a/newest &&
	tar_tree a/$orig >a/expect &&
	git -C a/hello rev-parse "$ref^{tree}" >a/actual &&
	test_cmp a/expect a/actual
'

test_expect_success 'an entry is used only under its own key: the dgit version counts' '
	new_repo b &&
	(cd b/hello && "$DGIT" quilt-fixup >/dev/null 2>&1) &&
	k=$(git -C b/hello reflog show --format="%gs" -n 1 $ref) &&
	version=$(echo "$k" | cut -d" " -f2) &&
	# a commit of a tree that is not the orig (its README differs),
	# forged under the key of another version: not used
	t=$(cd b/hello && GIT_INDEX_FILE=../forged.index &&
	    export GIT_INDEX_FILE && git read-tree "$ref^{tree}" &&
	    blob=$(echo forged | git hash-object -w --stdin) &&
	    git update-index --cacheinfo "100644,$blob,README" &&
	    git write-tree) &&
	c=$(echo forged | git -C b/hello commit-tree "$t") &&
	c2=$(echo forged again | git -C b/hello commit-tree "$t") &&
	git -C b/hello update-ref -m "dgit-orig-cache other-$version $(key b/$orig)" $ref "$c" &&
	(cd b/hello && "$DGIT" --quilt=nofix quilt-fixup >../out 2>&1) &&
	test_grep "not needed" b/out &&
	# under its own version: used, and the fixup sees the README it
	# has (the key is what counts: the repository is trusted)
	git -C b/hello update-ref -m "dgit-orig-cache $version $(key b/$orig)" $ref "$c2" &&
	(cd b/hello && test_must_fail "$DGIT" --quilt=nofix quilt-fixup 2>../err) &&
	test_grep "README" b/err
'

test_expect_success 'deleting the ref loses nothing: the next run unpacks and records again' '
	git -C b/hello update-ref -d $ref &&
	(cd b/hello && "$DGIT" --quilt=nofix quilt-fixup >../out 2>&1) &&
	test_grep "not needed" b/out &&
	git -C b/hello reflog show --format="%gs" $ref >b/keys &&
	test "$(wc -l <b/keys)" -eq 1 &&
	tar_tree b/$orig >b/expect &&
	git -C b/hello rev-parse "$ref^{tree}" >b/actual &&
	test_cmp b/expect b/actual
'

test_expect_success 'an orig with an empty directory, which a git tree cannot hold, is not recorded' '
	new_repo e &&
	reorig e empty &&
	(cd e/hello && echo "a changed upstream README" >README &&
	 git commit -q -a -m "README as the new orig has it" &&
	 "$DGIT" --quilt=nofix quilt-fixup >../out 2>&1) &&
	test_grep "not needed" e/out &&
	test_must_fail git -C e/hello rev-parse -q --verify $ref
'

test_expect_success 'build-source after import-dsc: the origs recorded by the import, the package checked' '
	dsc=$(fixture_built hello-1) &&
	mkdir i && cp "$(dirname "$dsc")/$orig" i/ &&
	git init -q i/hello &&
	(cd i/hello && git config user.name "A Tester" &&
	 git config user.email tester@example.org &&
	 "$DGIT" import-dsc "$dsc" +import >/dev/null 2>&1 &&
	 git checkout -q import) &&
	git -C i/hello reflog show --format="%gs" $ref >i/keys &&
	test "$(wc -l <i/keys)" -eq 1 &&
	test_grep " $(key i/$orig)\$" i/keys &&
	(cd i/hello && "$DGIT" build-source --no-check-archive >../out 2>&1) &&
	test_grep "checked against git" i/out &&
	git -C i/hello reflog show --format="%gs" $ref >i/keys &&
	test "$(wc -l <i/keys)" -eq 1
'

# The cache is looked up by the SHA-256 the .dsc gives, which the import
# checks while it runs: an orig with other bytes under a cached orig's
# name, size and .dsc gets no cached tree into any ref.
test_expect_success 'import-dsc of a file that is not the .dsc'"'"'s, under a cached key: refused, nothing added' '
	dsc=$(fixture_built hello-1) &&
	mkdir t && cp "$(dirname "$dsc")"/hello_1.0* "$dsc" t/ &&
	size=$(wc -c <t/$orig) &&
	printf X | dd of=t/$orig bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null &&
	test $(wc -c <t/$orig) = $size &&
	! cmp -s t/$orig i/$orig &&
	(cd i/hello && git for-each-ref && find .git/objects -type f | sort) >t/before &&
	(cd i/hello && test_must_fail "$DGIT" import-dsc ../../t/$(basename "$dsc") +other 2>../../t/err) &&
	test_grep "checksum mismatch for .$orig" t/err &&
	(cd i/hello && git for-each-ref && find .git/objects -type f | sort) >t/after &&
	test_cmp t/before t/after
'

test_done
