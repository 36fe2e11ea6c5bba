#!/bin/sh
test_description='import-dsc: bad input is refused and changes nothing

Each case must fail with a message naming the problem, and leave every
ref, and the object directory, exactly as they were.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-import.sh"

test_expect_success 'setup: a repository with a branch' '
	git init -q repo &&
	git -C repo commit -q --allow-empty -m base &&
	git -C repo branch keep
'

# pkg_with_orig DIR: 3.0 (quilt) package "bad" 1-1 around the orig
# tarball made from DIR (as "./..."), written as bad_1.orig.tar.gz
pkg_with_orig () {
	rm -rf pkg && mkdir pkg &&
	tarball "$1" pkg/bad_1.orig.tar.gz &&
	debian_dir pkg/d bad 1-1 "3.0 (quilt)" &&
	if [ -n "$2" ]; then
		mkdir -p pkg/d/debian/patches &&
		cp "$2" pkg/d/debian/patches/p.patch &&
		echo p.patch >pkg/d/debian/patches/series
	fi &&
	tarball pkg/d pkg/bad_1-1.debian.tar.xz &&
	(cd pkg && make_dsc "3.0 (quilt)" bad 1-1 bad_1.orig.tar.gz \
		bad_1-1.debian.tar.xz)
}

# must_refuse PATTERN [import-dsc args]: the import fails, its message
# matches PATTERN, and nothing in repo changed.
must_refuse () {
	mr_pat=$1
	shift
	refs_snapshot repo >before &&
	(cd repo/.git && find objects -type f | sort) >>before &&
	(cd repo && test_must_fail "$DGIT" import-dsc "$@" ../pkg/bad_1-1.dsc new) 2>err &&
	cat err >&2 &&
	test_grep -e "$mr_pat" err &&
	refs_snapshot repo >after &&
	(cd repo/.git && find objects -type f | sort) >>after &&
	test_cmp before after
}

test_expect_success 'corrupt tarball' '
	mkdir -p o && seq 1 20000 >o/numbers &&
	pkg_with_orig o &&
	size=$(wc -c <pkg/bad_1.orig.tar.gz) &&
	printf "garbage-garbage-garbage" |
		dd of=pkg/bad_1.orig.tar.gz bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null &&
	(cd pkg && make_dsc "3.0 (quilt)" bad 1-1 bad_1.orig.tar.gz \
		bad_1-1.debian.tar.xz) &&
	must_refuse "bad_1.orig.tar.gz"
'

test_expect_success 'truncated tarball' '
	pkg_with_orig o &&
	head -c 3000 pkg/bad_1.orig.tar.gz >t && mv t pkg/bad_1.orig.tar.gz &&
	(cd pkg && make_dsc "3.0 (quilt)" bad 1-1 bad_1.orig.tar.gz \
		bad_1-1.debian.tar.xz) &&
	must_refuse "bad_1.orig.tar.gz"
'

test_expect_success 'a path escaping the tree with ..' '
	rm -rf e && mkdir -p e/top/x && echo evil >e/top/x/f &&
	(cd e/top && tar -P -cf ../../esc.tar x/../../evil x/f 2>/dev/null ||
		tar -P -cf ../../esc.tar x/f x/../x/f) &&
	tar -tf esc.tar | grep -q "\.\." &&
	rm -rf pkg && mkdir pkg && gzip -n -c esc.tar >pkg/bad_1.orig.tar.gz &&
	debian_dir pkg/d bad 1-1 "3.0 (quilt)" &&
	tarball pkg/d pkg/bad_1-1.debian.tar.xz &&
	(cd pkg && make_dsc "3.0 (quilt)" bad 1-1 bad_1.orig.tar.gz \
		bad_1-1.debian.tar.xz) &&
	must_refuse "\.\."
'

test_expect_success 'an absolute path' '
	rm -rf pkg && mkdir pkg &&
	tar -P -cf abs.tar "$PWD/o/numbers" &&
	gzip -n -c abs.tar >pkg/bad_1.orig.tar.gz &&
	debian_dir pkg/d bad 1-1 "3.0 (quilt)" &&
	tarball pkg/d pkg/bad_1-1.debian.tar.xz &&
	(cd pkg && make_dsc "3.0 (quilt)" bad 1-1 bad_1.orig.tar.gz \
		bad_1-1.debian.tar.xz) &&
	must_refuse "absolute path"
'

test_expect_success 'an entry written through a symlink' '
	rm -rf s1 s2 && mkdir -p s1/top s2/top/link &&
	ln -s /tmp s1/top/link &&
	echo evil >s2/top/link/file &&
	tar -C s1 -cf sym.tar top &&
	tar -C s2 -rf sym.tar top/link/file &&
	rm -rf pkg && mkdir pkg && gzip -n -c sym.tar >pkg/bad_1.orig.tar.gz &&
	debian_dir pkg/d bad 1-1 "3.0 (quilt)" &&
	tarball pkg/d pkg/bad_1-1.debian.tar.xz &&
	(cd pkg && make_dsc "3.0 (quilt)" bad 1-1 bad_1.orig.tar.gz \
		bad_1-1.debian.tar.xz) &&
	must_refuse "symlink"
'

test_expect_success 'a fifo (git cannot hold it)' '
	rm -rf f && mkdir -p f/top && mkfifo f/top/pipe && echo x >f/top/x &&
	pkg_with_orig f &&
	must_refuse "top/pipe.*fifo"
'

test_expect_success 'a .GIT directory (git refuses to check it out)' '
	rm -rf g && mkdir -p g/top/.GIT && echo x >g/top/.GIT/config &&
	pkg_with_orig g &&
	must_refuse "\.GIT"
'

test_expect_success 'a patch that does not apply names the patch and hunk' '
	rm -rf p && mkdir -p p/top && seq 1 10 >p/top/numbers &&
	printf -- "--- a/numbers\n+++ b/numbers\n@@ -3,3 +3,3 @@\n 3\n-four\n+FOUR\n 5\n" >nope.patch &&
	pkg_with_orig p nope.patch &&
	must_refuse "p.patch.*hunk\|hunk.*p.patch"
'

test_expect_success 'a patch writing through a symlink' '
	rm -rf l && mkdir -p l/top/realdir && echo x >l/top/realdir/file &&
	ln -s realdir l/top/lnk &&
	printf -- "--- a/lnk/file\n+++ b/lnk/file\n@@ -1 +1 @@\n-x\n+y\n" >sym.patch &&
	pkg_with_orig l sym.patch &&
	must_refuse "symlink"
'

test_expect_success 'a patch writing into a dropped .git' '
	rm -rf dg && mkdir -p dg/top/.git && echo x >dg/top/.git/config &&
	echo y >dg/top/y &&
	printf -- "--- /dev/null\n+++ b/.git/hooks/post-checkout\n@@ -0,0 +1 @@\n+evil\n" >git.patch &&
	pkg_with_orig dg git.patch &&
	must_refuse "\.git"
'

test_expect_success 'a malformed .dsc' '
	pkg_with_orig o &&
	printf "this is not\na dsc file\n" >pkg/bad_1-1.dsc &&
	must_refuse "bad_1-1.dsc"
'

test_expect_success 'a file whose size differs from the .dsc' '
	pkg_with_orig o &&
	echo extra >>pkg/bad_1.orig.tar.gz &&
	must_refuse "bad_1.orig.tar.gz"
'

test_expect_success 'a file whose sha256 differs from the .dsc' '
	pkg_with_orig o &&
	size=$(wc -c <pkg/bad_1-1.debian.tar.xz) &&
	printf X | dd of=pkg/bad_1-1.debian.tar.xz bs=1 seek=$((size - 1)) conv=notrunc 2>/dev/null &&
	test $(wc -c <pkg/bad_1-1.debian.tar.xz) = $size &&
	must_refuse "checksum mismatch for .bad_1-1.debian.tar.xz"
'

test_expect_success 'a missing file' '
	pkg_with_orig o &&
	rm pkg/bad_1.orig.tar.gz &&
	must_refuse "bad_1.orig.tar.gz"
'

test_expect_success 'caps on entries and bytes' '
	rm -rf m && mkdir -p m/top && for i in 1 2 3 4 5 6; do echo $i >m/top/$i; done &&
	pkg_with_orig m &&
	must_refuse "more than 4 entries" -c dgit.import.max-entries=4 &&
	must_refuse "limit" -c dgit.import.max-bytes=5
'

test_expect_success 'an existing branch without + or ..' '
	pkg_with_orig o &&
	refs_snapshot repo >before &&
	(cd repo && test_must_fail "$DGIT" import-dsc ../pkg/bad_1-1.dsc keep) 2>err &&
	test_grep "already exists" err &&
	refs_snapshot repo >after &&
	test_cmp before after
'

test_done
