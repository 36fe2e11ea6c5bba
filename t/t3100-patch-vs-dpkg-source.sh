#!/bin/sh
test_description='patch engine against dpkg-source -x on crafted packages

Each case builds a tiny 3.0 (quilt) (or 1.0) source package, unpacks it
with the real dpkg-source, and applies the same series with the patch
engine (t/helper/apply-patch).  The trees must be identical, file for
file and mode for mode, or both must refuse the package.'
. "$(dirname "$0")/test-lib.sh"

. "$TEST_DIR/lib-reftree.sh"
APPLY="$BUILD/t/helper/apply-patch"

test_need_cmd dpkg-source

# newcase NAME: NAME/orig is the upstream tree, NAME/deb the debian/ dir
# with an empty series; a patch "p" is listed.
newcase() {
	mkdir -p "$1/orig" "$1/deb/debian/patches" "$1/deb/debian/source" &&
	echo '3.0 (quilt)' >"$1/deb/debian/source/format" &&
	echo 'Source: pkg' >"$1/deb/debian/control" &&
	echo p >"$1/deb/debian/patches/series" &&
	cd "$1"
}

# Write the patch debian/patches/NAME from printf FORMAT ARGS.
mkpatch() {
	name=$1
	shift
	printf -- "$@" >"deb/debian/patches/$name"
}

dsc_files() {
	echo "Checksums-Sha256:"
	for f; do
		echo " $(sha256sum "$f" | cut -d' ' -f1) $(stat -c %s "$f") $f"
	done
	echo "Files:"
	for f; do
		echo " $(md5sum "$f" | cut -d' ' -f1) $(stat -c %s "$f") $f"
	done
}

# Build pkg_1.0-1.dsc from orig/ and deb/ in the current case.
build_dsc() {
	rm -rf stage && mkdir -p stage/pkg-1.0 &&
	cp -a orig/. stage/pkg-1.0/ &&
	tar -C stage -czf pkg_1.0.orig.tar.gz pkg-1.0 &&
	tar -C deb -cJf pkg_1.0-1.debian.tar.xz debian &&
	{
		echo "Format: 3.0 (quilt)"
		echo "Source: pkg"
		echo "Version: 1.0-1"
		dsc_files pkg_1.0.orig.tar.gz pkg_1.0-1.debian.tar.xz
	} >pkg_1.0-1.dsc
}

# A listing of a tree: path, type, permission bits, symlink target.
listing() {
	(cd "$1" && find . -path ./.pc -prune -o -printf '%p %y %m %l\n' |
	    sort)
}

# The engine's result in "ours", applied over orig/ + debian/.
run_ours() {
	rm -rf ours && mkdir ours && cp -a orig/. ours/ &&
	cp -a deb/debian ours/ &&
	"$APPLY" --series ours 2>ours.err
}

# dpkg-source and the engine must give the same tree.
check_same() {
	build_dsc &&
	dpkg-source --no-check -x pkg_1.0-1.dsc ref >dpkg.out 2>&1 &&
	rm -rf ref/.pc &&
	run_ours &&
	diff -r ref ours &&
	listing ref >ref.list &&
	listing ours >ours.list &&
	test_cmp ref.list ours.list
}

# Both must refuse; $1 is a pattern for dpkg-source's (or patch's)
# message, $2 one for ours.
check_both_fail() {
	build_dsc &&
	test_must_fail dpkg-source --no-check -x pkg_1.0-1.dsc ref \
	    >dpkg.out 2>&1 &&
	test_grep -e "$1" dpkg.out &&
	test_must_fail run_ours &&
	test_grep -e "$2" ours.err
}

test_expect_success 'plain modification' '
	newcase plain &&
	seq 1 10 >orig/f &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -4,3 +4,3 @@\n 4\n-5\n+FIVE\n 6\n" &&
	check_same
'

test_expect_success 'hunks found at an offset, both directions' '
	newcase offset &&
	seq 1 30 >orig/f &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -3,3 +3,3 @@\n 8\n-9\n+NINE\n 10\n@@ -25,3 +25,3 @@\n 19\n-20\n+X\n 21\n" &&
	check_same
'

test_expect_success 'offset search prefers the later of two equal matches' '
	newcase offset-tie &&
	printf "x\nx\nm\nx\nm\nx\n" >orig/f &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -4,1 +4,1 @@\n-m\n+M\n" &&
	check_same &&
	test_grep -x M ref/f
'

test_expect_success 'the offset of one hunk carries to the next' '
	newcase offset-carry &&
	{ seq 1 3; seq 1 40; } >orig/f &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -2,3 +2,3 @@\n 2\n-3\n+T\n 4\n@@ -10,3 +10,3 @@\n 10\n-11\n+E\n 12\n" &&
	check_same
'

test_expect_success 'context that does not match is refused (fuzz 0)' '
	newcase fuzz &&
	seq 1 20 >orig/f &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -8,3 +8,3 @@\n 8\n-9\n+NINE\n 11\n" &&
	check_both_fail "Hunk #1 FAILED at 8" "hunk #1 failed at line 8"
'

test_expect_success 'a later hunk failing is named' '
	newcase fail2 &&
	seq 1 20 >orig/f &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n 1\n-2\n+TWO\n 3\n@@ -8,3 +8,3 @@\n 8\n-nine\n+NINE\n 10\n" &&
	check_both_fail "Hunk #2 FAILED at 8" "hunk #2 failed at line 8"
'

test_expect_success 'hunk with less leading context is anchored at line 1' '
	newcase anchor-start &&
	printf "z\na\nb\nc\nd\ne\n" >orig/f &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -1,4 +1,4 @@\n-a\n+A\n b\n c\n d\n" &&
	check_both_fail "Hunk #1 FAILED at 1" "hunk #1 failed"
'

test_expect_success 'hunk with less trailing context is anchored at the end' '
	newcase anchor-end &&
	printf "q\nq\na\nb\nc\nd\nx\ny\n" >orig/f &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -2,4 +2,4 @@\n a\n b\n c\n-d\n+D\n" &&
	check_both_fail "Hunk #1 FAILED at 2" "hunk #1 failed"
'

test_expect_success 'end-anchored hunk may move to the end of file' '
	newcase anchor-end-offset &&
	printf "a\nb\nc\nd\n" >orig/f &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -2,4 +2,4 @@\n a\n b\n c\n-d\n+D\n" &&
	check_same
'

test_expect_success 'asymmetric context not at line 1 searches freely' '
	newcase asym-mid &&
	printf "q\nq\nq\na\nb\nc\nd\n" >orig/f &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -3,4 +3,4 @@\n-a\n+A\n b\n c\n d\n" &&
	check_same
'

test_expect_success 'zero-context hunks at start and end of file' '
	newcase zeroctx &&
	seq 1 5 >orig/f &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-1\n+ONE\n@@ -5 +5,2 @@\n-5\n+FIVE\n+SIX\n" &&
	check_same
'

test_expect_success 'pure insertions: at the top and after a line' '
	newcase insert &&
	printf "a\nb\n" >orig/f &&
	printf "a\nb\n" >orig/g &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -0,0 +1,1 @@\n+X\n--- a/g\n+++ b/g\n@@ -1,0 +2,1 @@\n+X\n" &&
	check_same
'

test_expect_success 'zero-context hunk moved by an offset' '
	newcase zeroctx-shift &&
	seq 0 5 >orig/f &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -3 +3 @@\n-3\n+THREE\n" &&
	check_same
'

test_expect_success 'creating a new file, in a new directory' '
	newcase create &&
	echo x >orig/f &&
	mkpatch p "--- /dev/null\n+++ b/sub/dir/new\n@@ -0,0 +1,2 @@\n+one\n+two\n" &&
	check_same
'

test_expect_success 'creating a file that exists is refused' '
	newcase create-exists &&
	seq 1 3 >orig/f &&
	mkpatch p "--- /dev/null\n+++ b/f\n@@ -0,0 +1,1 @@\n+new\n" &&
	check_both_fail "would create the file f" "would create .f., which already exists"
'

test_expect_success 'creating over an existing empty file is allowed' '
	newcase create-empty &&
	: >orig/f &&
	mkpatch p "--- /dev/null\n+++ b/f\n@@ -0,0 +1,1 @@\n+new\n" &&
	check_same
'

test_expect_success '-0,0 hunk without /dev/null creates a missing file' '
	newcase create-nodevnull &&
	echo x >orig/g &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -0,0 +1,1 @@\n+new\n" &&
	check_same
'

test_expect_success 'deleting a file via /dev/null' '
	newcase delete &&
	seq 1 3 >orig/f && echo keep >orig/g &&
	mkpatch p "--- a/f\n+++ /dev/null\n@@ -1,3 +0,0 @@\n-1\n-2\n-3\n" &&
	check_same &&
	test_path_is_missing ref/f
'

test_expect_success 'deleting a file whose content differs is refused' '
	newcase delete-mismatch &&
	seq 1 3 >orig/f &&
	mkpatch p "--- a/f\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-1\n-2\n" &&
	check_both_fail "Not deleting file f" "content differs"
'

test_expect_success 'a file that becomes empty is removed (patch -E)' '
	newcase empty &&
	seq 1 3 >orig/f && echo keep >orig/g &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -1,3 +0,0 @@\n-1\n-2\n-3\n" &&
	check_same &&
	test_path_is_missing ref/f
'

test_expect_success 'a git diff emptying a file also removes it' '
	newcase empty-git &&
	seq 1 3 >orig/f && echo keep >orig/g &&
	mkpatch p "diff --git a/f b/f\nindex 1..2 100644\n--- a/f\n+++ b/f\n@@ -1,3 +0,0 @@\n-1\n-2\n-3\n" &&
	check_same &&
	test_path_is_missing ref/f
'

test_expect_success 'patch with CRLF line ends on an LF file' '
	newcase crlf &&
	seq 1 3 >orig/f &&
	mkpatch p "--- a/f\r\n+++ b/f\r\n@@ -1,3 +1,3 @@\r\n 1\r\n-2\r\n+TWO\r\n 3\r\n" &&
	check_same
'

test_expect_success 'CRLF patch on a CRLF file does not apply' '
	newcase crlf-crlf &&
	printf "1\r\n2\r\n3\r\n" >orig/f &&
	mkpatch p "--- a/f\r\n+++ b/f\r\n@@ -1,3 +1,3 @@\r\n 1\r\n-2\r\n+TWO\r\n 3\r\n" &&
	check_both_fail "FAILED" "hunk #1 failed"
'

test_expect_success 'LF headers with CRLF hunk lines patch a CRLF file' '
	newcase crlf-body &&
	printf "1\r\n2\r\n3\r\n" >orig/f &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n 1\r\n-2\r\n+TWO\r\n 3\r\n" &&
	check_same
'

test_expect_success 'adding the final newline' '
	newcase nonl-add &&
	printf "1\n2\n3" >orig/f &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n 1\n 2\n-3\n\\\\ No newline at end of file\n+3\n" &&
	check_same
'

test_expect_success 'removing the final newline' '
	newcase nonl-remove &&
	printf "1\n2\n3\n" >orig/f &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n 1\n 2\n-3\n+3\n\\\\ No newline at end of file\n" &&
	check_same
'

test_expect_success 'context without final newline on both sides' '
	newcase nonl-ctx &&
	printf "1\n2\n3" >orig/f &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n-1\n+ONE\n 2\n 3\n\\\\ No newline at end of file\n" &&
	check_same
'

test_expect_success 'newline mismatch at end of file is refused' '
	newcase nonl-mismatch &&
	printf "1\n2\n3\n" >orig/f &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n-1\n+ONE\n 2\n 3\n\\\\ No newline at end of file\n" &&
	check_both_fail "FAILED" "hunk #1 failed"
'

test_expect_success 'a patch ending in the middle of a line' '
	newcase patch-eof &&
	printf "1\n2\n3\n" >orig/f &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n-1\n+ONE\n 2\n 3" &&
	check_both_fail "FAILED" "hunk #1 failed"
'

test_expect_success 'git pure rename' '
	newcase git-rename &&
	seq 1 3 >orig/f &&
	mkpatch p "diff --git a/f b/g\nsimilarity index 100%%\nrename from f\nrename to g\n" &&
	check_same &&
	test_path_is_missing ref/f
'

test_expect_success 'git rename with changes' '
	newcase git-rename-mod &&
	seq 1 3 >orig/f &&
	mkpatch p "diff --git a/f b/d/g\nsimilarity index 80%%\nrename from f\nrename to d/g\nindex 1..2 100644\n--- a/f\n+++ b/d/g\n@@ -1,3 +1,3 @@\n 1\n-2\n+TWO\n 3\n" &&
	check_same
'

test_expect_success 'git copy' '
	newcase git-copy &&
	seq 1 3 >orig/f &&
	mkpatch p "diff --git a/f b/g\nsimilarity index 100%%\ncopy from f\ncopy to g\n" &&
	check_same
'

test_expect_success 'git mode change' '
	newcase git-mode &&
	seq 1 3 >orig/f &&
	mkpatch p "diff --git a/f b/f\nold mode 100644\nnew mode 100755\n" &&
	check_same &&
	test -x ref/f
'

test_expect_success 'the mode on a git index line is not applied' '
	newcase git-index-mode &&
	seq 1 3 >orig/f && chmod 755 orig/f &&
	mkpatch p "diff --git a/f b/f\nindex 1..2 100644\n--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n 1\n-2\n+TWO\n 3\n" &&
	check_same &&
	test -x ref/f
'

test_expect_success 'git new executable file and new symlink' '
	newcase git-new &&
	seq 1 3 >orig/f &&
	mkpatch p "diff --git a/g b/g\nnew file mode 100755\nindex 0..2\n--- /dev/null\n+++ b/g\n@@ -0,0 +1 @@\n+x\ndiff --git a/l b/l\nnew file mode 120000\nindex 0..2\n--- /dev/null\n+++ b/l\n@@ -0,0 +1 @@\n+f\n\\\\ No newline at end of file\n" &&
	check_same &&
	test -L ref/l
'

test_expect_success 'git binary patches are refused' '
	newcase binary &&
	seq 1 3 >orig/f &&
	mkpatch p "diff --git a/b.bin b/b.bin\nnew file mode 100644\nindex 0000000..1234567\nGIT binary patch\nliteral 3\nKcmZQzWMT\n\nliteral 0\nHcmV?d00001\n\n" &&
	check_both_fail "binary diffs are not supported" "binary diff"
'

test_expect_success 'series -p0 option is ignored: patch applies with -p1' '
	newcase p0 &&
	seq 1 3 >orig/f &&
	echo "p -p0" >deb/debian/patches/series &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n 1\n-2\n+TWO\n 3\n" &&
	check_same
'

test_expect_success 'series -p0 option with -p0 names fails in both' '
	newcase p0-names &&
	seq 1 3 >orig/f &&
	echo "p -p0" >deb/debian/patches/series &&
	mkpatch p "--- f\n+++ f\n@@ -1,3 +1,3 @@\n 1\n-2\n+TWO\n 3\n" &&
	check_both_fail "none of the filenames" "none of the file names"
'

test_expect_success 'a path with .. is refused' '
	newcase dotdot &&
	seq 1 3 >orig/f &&
	mkpatch p "--- a/../f\n+++ b/../f\n@@ -1,3 +1,3 @@\n 1\n-2\n+TWO\n 3\n" &&
	check_both_fail "contains an insecure path: a/../f" "contains .\.\.."
'

test_expect_success 'a series entry with .. is refused' '
	newcase dotdot-series &&
	seq 1 3 >orig/f &&
	echo "../p" >deb/debian/patches/series &&
	printf -- "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-1\n+2\n" >deb/debian/p &&
	check_both_fail "series contains an insecure path: ../p" "leaves debian/patches"
'

test_expect_success 'an absolute name loses its / with -p1' '
	newcase abs &&
	mkdir orig/tmp && seq 1 3 >orig/tmp/f &&
	mkpatch p "--- /tmp/f\n+++ /tmp/f\n@@ -1,3 +1,3 @@\n 1\n-2\n+TWO\n 3\n" &&
	check_same &&
	test_grep -x TWO ref/tmp/f
'

for c in "f.orig b/f" "a/f f" "/usr/f b/f" "a/f /usr/f"; do
	n=$((n + 1))
	test_expect_success "--- $c: the invalid name is ignored" '
		newcase "half-$n" &&
		seq 1 3 >orig/f &&
		mkpatch p "--- ${c% *}\n+++ ${c#* }\n@@ -1,3 +1,3 @@\n 1\n-2\n+TWO\n 3\n" &&
		check_same &&
		test_grep -x TWO ref/f
	'
done

test_expect_success '.. in one name refuses the patch' '
	newcase half-dotdot &&
	seq 1 3 >orig/f &&
	mkpatch p "--- a/../f\n+++ b/f\n@@ -1,3 +1,3 @@\n 1\n-2\n+TWO\n 3\n" &&
	check_both_fail "insecure path: a/../f" "contains .\.\.."
'

test_expect_success 'two diffs of the same file in one patch' '
	newcase multi &&
	seq 1 10 >orig/f &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n 1\n-2\n+TWO\n 3\nsome text between\n--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n 1\n-TWO\n+2bis\n 3\n" &&
	check_same &&
	test_grep -x 2bis ref/f
'

test_expect_success 'already applied patch is refused, not reversed (-N)' '
	newcase reversed &&
	printf "1\nTWO\n3\n" >orig/f &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n 1\n-2\n+TWO\n 3\n" &&
	check_both_fail "Reversed (or previously applied) patch detected" "reversed (or previously applied)"
'

test_expect_success 'DEP-3 header and git format-patch text are skipped' '
	newcase header &&
	seq 1 10 >orig/f &&
	mkpatch p "From 1234 Mon Sep 17 00:00:00 2001\nFrom: A <a@example.org>\nSubject: [PATCH] x\n\nbody\n---\n f | 2 +-\n\ndiff --git a/f b/f\nindex 1..2 100644\n--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n 1\n-2\n+TWO\n 3\n-- \n2.39.0\n\n" &&
	check_same
'

test_expect_success 'a series of several patches with comments and options' '
	newcase series &&
	seq 1 10 >orig/f &&
	printf "# comment\n\n  one.patch   # trailing comment\nsub/two.patch -p1\n#three.patch\n" >deb/debian/patches/series &&
	mkdir deb/debian/patches/sub &&
	mkpatch one.patch "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n 1\n-2\n+TWO\n 3\n" &&
	mkpatch sub/two.patch "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n 1\n-TWO\n+2bis\n 3\n" &&
	mkpatch three.patch "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-1\n+never\n" &&
	check_same &&
	test_grep -x 2bis ref/f
'

test_expect_success 'series: form feed line, tab, other options ignored' '
	newcase series-odd &&
	seq 1 10 >orig/f &&
	printf "\f\n\tone.patch --reverse\ntwo.patch -p1 -R # c\n" >deb/debian/patches/series &&
	mkpatch one.patch "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n 1\n-2\n+TWO\n 3\n" &&
	mkpatch two.patch "--- a/f\n+++ b/f\n@@ -4,3 +4,3 @@\n 4\n-5\n+FIVE\n 6\n" &&
	check_same &&
	test_grep -x FIVE ref/f
'

# Which file a diff with different old and new names patches.
for c in "f.orig f:f" "f g:f" "f g:f g" "d/f g:d/f g" "g d/f:d/f g" \
    "f g:g" "ff g:ff g" "dd/f e/f:dd/f e/f" "e/f dd/f:dd/f e/f"; do
	names=${c%%:*} files=${c#*:} n=$((${n:-0} + 1))
	test_expect_success "--- a/${names% *} +++ b/${names#* } with $files present" '
		newcase "name-$n" &&
		for f in $files; do
			mkdir -p "orig/$(dirname "$f")" && seq 1 3 >"orig/$f" || return 1
		done &&
		mkpatch p "--- a/${names% *}\n+++ b/${names#* }\n@@ -1,3 +1,3 @@\n 1\n-2\n+TWO\n 3\n" &&
		check_same
	'
done

test_expect_success 'debian.series is used before series' '
	newcase vendor &&
	seq 1 3 >orig/f &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n 1\n-2\n+TWO\n 3\n" &&
	mkpatch v "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n 1\n-2\n+VENDOR\n 3\n" &&
	echo v >deb/debian/patches/debian.series &&
	check_same &&
	test_grep -x VENDOR ref/f
'

test_expect_success 'a missing series becomes a symlink to debian.series' '
	newcase vendor-link &&
	seq 1 3 >orig/f &&
	mkpatch v "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n 1\n-2\n+VENDOR\n 3\n" &&
	rm deb/debian/patches/series &&
	echo v >deb/debian/patches/debian.series &&
	check_same &&
	test -L ref/debian/patches/series
'

test_expect_success 'a name with a space needs a TAB after it' '
	newcase space-tab &&
	seq 1 3 >"orig/my file" &&
	mkpatch p "--- a/my file\t2020-01-01\n+++ b/my file\t2020-01-01\n@@ -1,3 +1,3 @@\n 1\n-2\n+TWO\n 3\n" &&
	check_same &&
	test_grep -x TWO "ref/my file"
'

test_expect_success 'without a TAB the name ends at the space' '
	newcase space-notab &&
	seq 1 3 >"orig/my file" &&
	mkpatch p "--- a/my file\n+++ b/my file\n@@ -1,3 +1,3 @@\n 1\n-2\n+TWO\n 3\n" &&
	check_both_fail "can.t find file to patch" "hunk #1 failed"
'

test_expect_success 'C-style quoted names are refused' '
	newcase quoted &&
	seq 1 3 >orig/f &&
	mkpatch p "--- \"a/f\"\n+++ \"b/f\"\n@@ -1,3 +1,3 @@\n 1\n-2\n+TWO\n 3\n" &&
	check_both_fail "C-style encoded filename" "quoted file name"
'

test_expect_success 'patching a symlink is refused' '
	newcase symlink-file &&
	seq 1 3 >orig/f && ln -s f orig/l &&
	mkpatch p "--- a/l\n+++ b/l\n@@ -1,3 +1,3 @@\n 1\n-2\n+TWO\n 3\n" &&
	check_both_fail "modifies file .*/l through a symlink" "through a symlink (.l.)"
'

test_expect_success 'patching through a symlinked directory is refused' '
	newcase symlink-dir &&
	mkdir orig/d && seq 1 3 >orig/d/f && ln -s d orig/e &&
	mkpatch p "--- a/e/f\n+++ b/e/f\n@@ -1,3 +1,3 @@\n 1\n-2\n+TWO\n 3\n" &&
	check_both_fail "through a symlink: .*/e\$" "through a symlink (.e.)"
'

test_expect_success 'a git diff of a symlink is refused too' '
	newcase symlink-git &&
	seq 1 3 >orig/f && ln -s f orig/l &&
	mkpatch p "diff --git a/l b/l\nindex 1..2 120000\n--- a/l\n+++ b/l\n@@ -1 +1 @@\n-f\n\\\\ No newline at end of file\n+g\n\\\\ No newline at end of file\n" &&
	check_both_fail "through a symlink" "through a symlink"
'

test_expect_success 'git new empty file is not created (-E)' '
	newcase git-empty-new &&
	seq 1 3 >orig/f &&
	mkpatch p "diff --git a/e b/e\nnew file mode 100644\nindex 0000000..e69de29\n" &&
	check_same &&
	test_path_is_missing ref/e
'

test_expect_success 'git deletion of an empty file' '
	newcase git-empty-del &&
	seq 1 3 >orig/f && : >orig/e &&
	mkpatch p "diff --git a/e b/e\ndeleted file mode 100644\nindex e69de29..0000000\n" &&
	check_same &&
	test_path_is_missing ref/e
'

test_expect_success 'names with a space-separated timestamp' '
	newcase stamp &&
	seq 1 3 >orig/f &&
	mkpatch p "--- a/f 2020-01-01 00:00:00.000000000 +0000\n+++ b/f 2020-01-02 00:00:00.000000000 +0000\n@@ -1,3 +1,3 @@\n 1\n-2\n+TWO\n 3\n" &&
	check_same
'

test_expect_success 'names with a tab-separated timestamp' '
	newcase tabstamp &&
	seq 1 3 >orig/f &&
	mkpatch p "--- a/f\t2020-01-01 00:00:00\n+++ b/f\t2020-01-02 00:00:00\n@@ -1,3 +1,3 @@\n 1\n-2\n+TWO\n 3\n" &&
	check_same
'

test_expect_success 'an empty line in a hunk is a blank context line' '
	newcase blankctx &&
	printf "1\n\n3\n" >orig/f &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n-1\n+ONE\n\n 3\n" &&
	check_same
'

test_expect_success 'an indented diff is applied as patch(1) does' '
	newcase indented &&
	seq 1 5 >orig/f &&
	mkpatch p "hello\n  --- a/f\n  +++ b/f\n  @@ -1,2 +1,2 @@\n  -1\n  +X\n   2\n" &&
	check_same &&
	test_grep -x X ref/f
'

test_expect_success 'an empty patch file is fine' '
	newcase zero-patch &&
	seq 1 5 >orig/f &&
	: >deb/debian/patches/p &&
	check_same
'

test_expect_success 'a patch of only text is refused' '
	newcase only-text &&
	seq 1 5 >orig/f &&
	mkpatch p "Description: nothing\n\n" &&
	check_both_fail "Only garbage" "contains no diff"
'

test_expect_success 'a --- line not followed by +++ is refused' '
	newcase minus-only &&
	seq 1 5 >orig/f &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-1\n+X\n--- a/f\nmore text\n" &&
	check_both_fail "line after --- isn.t as expected" "after --- is not +++"
'

test_expect_success 'a patch ending after a --- line is refused' '
	newcase minus-eof &&
	seq 1 5 >orig/f &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-1\n+X\n--- end\n" &&
	check_both_fail "finishes in middle of ---/+++" "middle of a ---/+++ header"
'

test_expect_success 'a hunk with fewer lines than its header is refused' '
	newcase short-hunk &&
	seq 1 5 >orig/f &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n 1\n-2\n+TWO\nrandom\n" &&
	check_both_fail "expected \[ +-\] at start of line 7" "at line 7: hunk at line 3 has fewer lines"
'

test_expect_success 'a hunk cut short by the end of the patch: missing context read as blank, so it fails here' '
	newcase short-hunk-eof &&
	seq 1 5 >orig/f &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n 1\n-2\n+TWO\n" &&
	check_both_fail "unexpected end of diff" "does not apply"
'

test_expect_success 'a hunk cut short by more than context is malformed' '
	newcase short-hunk-eof-minus &&
	seq 1 5 >orig/f &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n 1\n-2\n-3\n" &&
	check_both_fail "error: unexpected end of diff" "hunk at line 3 ends early"
'

test_expect_success '--- and +++ without hunks are refused' '
	newcase nohunks &&
	seq 1 5 >orig/f &&
	mkpatch p "--- a/f\n+++ b/f\ntext\n" &&
	check_both_fail "expected ^@@ at line 3" "has no hunks"
'

# 1.0: the .diff.gz is applied without -E, so emptied files stay.
build_dsc_10() {
	rm -rf stage && mkdir -p stage/pkg-1.0 &&
	cp -a orig/. stage/pkg-1.0/ &&
	tar -C stage -czf pkg_1.0.orig.tar.gz pkg-1.0 &&
	gzip -n <diff >pkg_1.0-1.diff.gz &&
	{
		echo "Format: 1.0"
		echo "Source: pkg"
		echo "Version: 1.0-1"
		dsc_files pkg_1.0.orig.tar.gz pkg_1.0-1.diff.gz
	} >pkg_1.0-1.dsc
}

test_expect_success '1.0 .diff.gz: emptied files are kept' '
	mkdir v10 && cd v10 && mkdir orig &&
	seq 1 3 >orig/f && seq 1 2 >orig/e &&
	printf -- "--- pkg-1.0.orig/f\n+++ pkg-1.0/f\n@@ -1,3 +1,3 @@\n 1\n-2\n+TWO\n 3\n--- pkg-1.0.orig/e\n+++ pkg-1.0/e\n@@ -1,2 +0,0 @@\n-1\n-2\n--- pkg-1.0.orig/debian/control\n+++ pkg-1.0/debian/control\n@@ -0,0 +1 @@\n+Source: pkg\n" >diff &&
	build_dsc_10 &&
	dpkg-source --no-check -x pkg_1.0-1.dsc ref >dpkg.out 2>&1 &&
	rm -rf ours && cp -a orig ours &&
	"$APPLY" --keep-empty ours diff &&
	diff -r ref ours &&
	listing ref >ref.list && listing ours >ours.list &&
	test_cmp ref.list ours.list &&
	test -f ref/e && ! test -s ref/e
'

# GNU patch reads context lines missing at the very end of the patch as
# empty ones; dpkg-source warns and unpacks.
test_expect_success 'last hunk short of trailing blank context at end of patch' '
	newcase short-tail &&
	printf "1\n2\n3\n4\n\n\n7\n" >orig/f &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -2,5 +2,5 @@\n 2\n-3\n+X\n 4\n \n" &&
	printf "pkg (1.0-1) unstable; urgency=low\n\n  * x\n\n -- A <a@b.c>  Mon, 01 Jan 2018 00:00:00 +0000\n" \
	    >deb/debian/changelog &&
	check_same &&
	test_grep X ours/f &&
	test_grep "warning: unexpected end of diff" dpkg.out &&
	git init -q repo &&
	(cd repo && "$DGIT" import-dsc ../pkg_1.0-1.dsc +b) 2>import.err &&
	test_grep "unexpected end of diff" import.err &&
	test "$(git -C repo rev-parse "b^{tree}")" = "$(reference_tree "$PWD/pkg_1.0-1.dsc")"
'

test_expect_success 'last hunk two blank context lines short' '
	newcase short-tail2 &&
	printf "1\n2\n3\n4\n\n\n\n8\n" >orig/f &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -2,6 +2,6 @@\n 2\n-3\n+X\n 4\n \n" &&
	check_same
'

test_expect_success 'last hunk short where the file has no blank line: both refuse' '
	newcase short-tail-bad &&
	printf "1\n2\n3\n4\n\n6\n7\n" >orig/f &&
	mkpatch p "--- a/f\n+++ b/f\n@@ -2,5 +2,5 @@\n 2\n-3\n+X\n 4\n \n" &&
	check_both_fail "FAILED" "does not apply"
'

# A hunkless git rename of a symlink: patch does it when a mode line says
# the file is a symlink, the new mode alone being enough, and refuses it
# ("not a regular file") when none does.  The import is compared with
# dpkg-source -x (the helper does not model symlink rules).
test_expect_success 'git rename of a symlink with only "new mode 120000", as dpkg-source' '
	newcase symlink-rename-newmode &&
	printf "pkg (1.0-1) unstable; urgency=low\n\n  * x\n\n -- A <a@b.c>  Mon, 01 Jan 2018 00:00:00 +0000\n" \
	    >deb/debian/changelog &&
	echo hi >orig/f &&
	ln -s f orig/l &&
	mkpatch p "diff --git a/l b/m\nsimilarity index 100%%\nrename from l\nrename to m\nnew mode 120000\n" &&
	build_dsc &&
	dpkg-source --no-check -x pkg_1.0-1.dsc ref >dpkg.out 2>&1 &&
	test -h ref/m && ! test -e ref/l &&
	git init -q repo &&
	(cd repo && "$DGIT" import-dsc ../pkg_1.0-1.dsc +b) &&
	git -C repo ls-tree b m >tree &&
	test_grep "^120000 " tree &&
	test "$(git -C repo rev-parse "b^{tree}")" = "$(reference_tree "$PWD/pkg_1.0-1.dsc")"
'

test_expect_success 'git rename of a symlink without a mode line: both refuse' '
	newcase symlink-rename-nomode &&
	printf "pkg (1.0-1) unstable; urgency=low\n\n  * x\n\n -- A <a@b.c>  Mon, 01 Jan 2018 00:00:00 +0000\n" \
	    >deb/debian/changelog &&
	echo hi >orig/f &&
	ln -s f orig/l &&
	mkpatch p "diff --git a/l b/m\nsimilarity index 100%%\nrename from l\nrename to m\n" &&
	build_dsc &&
	test_must_fail dpkg-source --no-check -x pkg_1.0-1.dsc ref \
	    >dpkg.out 2>&1 &&
	test_grep "not a regular file" dpkg.out &&
	git init -q repo &&
	(cd repo && test_must_fail "$DGIT" import-dsc ../pkg_1.0-1.dsc +b) \
	    2>import.err &&
	test_grep "refusing to patch .l., which is a symlink" import.err &&
	test_must_fail git -C repo rev-parse --verify -q b
'

test_expect_success 'a diff --git line wrapped onto two lines: names from ---/+++' '
	newcase wrapped-git &&
	mkdir -p orig/some/long/directory &&
	seq 1 5 >orig/some/long/directory/file.c &&
	mkpatch p "diff --git a/some/long/directory/file.c\n b/some/long/directory/file.c\nindex 1111111..2222222 100644\n--- a/some/long/directory/file.c\n+++ b/some/long/directory/file.c\n@@ -2,3 +2,3 @@\n 2\n-3\n+THREE\n 4\n" &&
	check_same &&
	test_grep THREE ours/some/long/directory/file.c
'

test_done
