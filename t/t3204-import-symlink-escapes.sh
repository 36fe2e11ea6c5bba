#!/bin/sh
test_description='import-dsc: symlinks leading out of the source root, patches on symlinks, empty member names

Each package is given to dpkg-source -x (1.21) as well: what it refuses
we refuse, naming the path, with nothing in the repository changed; what
it accepts we import to the tree it makes.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-import.sh"

test_need_cmd python3

test_expect_success 'setup: a repository, an orig tarball with a symlink' '
	git init -q repo &&
	git -C repo commit -q --allow-empty -m base &&
	mkdir -p o &&
	echo a >o/a &&
	ln -s /etc/passwd o/toplink &&
	tarball o sy_1.orig.tar.gz
'

# pkg: sy 1-1 from o and the debian tarball made from d/
pkg () {
	tarball d sy_1-1.debian.tar.xz &&
	make_dsc "3.0 (quilt)" sy 1-1 sy_1.orig.tar.gz sy_1-1.debian.tar.xz
}

# new_debian: d/ holds a fresh debian/
new_debian () {
	rm -rf d && debian_dir d sy 1-1 "3.0 (quilt)"
}

# both_refuse DPKG-PATTERN PATTERN: dpkg-source -x and import-dsc both
# refuse sy_1-1.dsc, each saying what it matches, and repo is unchanged
both_refuse () {
	rm -rf dpkg-x &&
	test_must_fail dpkg-source -x sy_1-1.dsc dpkg-x >dpkg-out 2>&1 &&
	cat dpkg-out >&2 &&
	test_grep -e "$1" dpkg-out &&
	refs_snapshot repo >before &&
	(cd repo && test_must_fail "$DGIT" import-dsc ../sy_1-1.dsc +new) 2>err &&
	cat err >&2 &&
	test_grep -e "$2" err &&
	refs_snapshot repo >after &&
	test_cmp before after
}

test_expect_success 'an absolute symlink in debian/ is refused' '
	new_debian && ln -s /etc d/debian/evil && pkg &&
	both_refuse "dpkg-x/debian/evil. points outside source root" \
		"debian/evil. points outside the source root (to ./etc.)"
'

test_expect_success 'a relative symlink in debian/ climbing out of the root is refused' '
	new_debian && ln -s ../../outside d/debian/rel && pkg &&
	both_refuse "dpkg-x/debian/rel. points outside source root" \
		"debian/rel. points outside the source root"
'

test_expect_success 'a symlink in debian/ to one in the orig that leads out is refused' '
	new_debian && ln -s ../toplink d/debian/viatop && pkg &&
	both_refuse "dpkg-x/debian/viatop. points outside source root" \
		"debian/viatop. points outside the source root (to ./etc/passwd.)"
'

test_expect_success 'a symlink from debian/ to the top reaches the orig symlink that leads out' '
	new_debian && ln -s .. d/debian/up && pkg &&
	both_refuse "points outside source root (to ./etc/passwd.)" \
		"toplink. points outside the source root (to ./etc/passwd.)"
'

test_expect_success 'a symlink loop in debian/ is refused' '
	new_debian && ln -s loop d/debian/loop && pkg &&
	both_refuse "dpkg-x/debian/loop. cannot be canonicalized" \
		"debian/loop. cannot be resolved (too many levels"
'

test_expect_success 'symlinks inside the root, to /dev/null, or dangling are imported' '
	new_debian &&
	ln -s ../a d/debian/ok &&
	ln -s /dev/null d/debian/null &&
	ln -s ../nodir/x d/debian/dangling &&
	ln -s ../missing d/debian/missing &&
	pkg &&
	import_matches sy_1-1.dsc &&
	git -C imp-sy_1-1 ls-tree imported debian/ >tree &&
	test_grep "^120000 .*	debian/null\$" tree
'

test_expect_success 'a later member written through a symlink is refused' '
	new_debian &&
	mkdir -p victim tt/debian tt2/debian/evil &&
	ln -s "$PWD/victim" tt/debian/evil &&
	echo pwned >tt2/debian/evil/f &&
	tar -C d -cf deb.tar ./debian &&
	tar -C tt -rf deb.tar ./debian/evil &&
	tar -C tt2 -rf deb.tar ./debian/evil/f &&
	xz -c deb.tar >sy_1-1.debian.tar.xz &&
	make_dsc "3.0 (quilt)" sy 1-1 sy_1.orig.tar.gz sy_1-1.debian.tar.xz &&
	both_refuse "Cannot open: Not a directory" \
		"refusing to write .debian/evil/f. through the symlink .debian/evil." &&
	test -z "$(ls -A victim)"
'

test_expect_success 'a patch written through a symlink is refused' '
	new_debian &&
	ln -s "$PWD/victim" d/debian/evil &&
	mkdir -p d/debian/patches &&
	printf -- "--- /dev/null\n+++ b/debian/evil/g\n@@ -0,0 +1 @@\n+pwned\n" \
		>d/debian/patches/p.patch &&
	echo p.patch >d/debian/patches/series &&
	pkg &&
	both_refuse "modifies file dpkg-x/debian/evil/g through a symlink" \
		"refusing to write .debian/evil/g. through the symlink .debian/evil." &&
	test -z "$(ls -A victim)"
'

# retarget HEADER...: a patch retargeting the orig symlink toplink, with
# the git extended header lines given
retarget () {
	new_debian && mkdir -p d/debian/patches &&
	{
		echo "diff --git a/toplink b/toplink" &&
		for h; do echo "$h"; done &&
		printf -- "--- a/toplink\n+++ b/toplink\n@@ -1 +1 @@\n" &&
		printf -- "-/etc/passwd\n\\\\ No newline at end of file\n" &&
		printf -- "+/etc/shadow\n\\\\ No newline at end of file\n"
	} >d/debian/patches/p.patch &&
	echo p.patch >d/debian/patches/series &&
	pkg
}

test_expect_success 'a git patch retargeting a symlink is refused (index line)' '
	retarget "index 1111111..2222222 120000" &&
	both_refuse "modifies file dpkg-x/toplink through a symlink" \
		"refusing to patch .toplink., which is a symlink"
'

test_expect_success 'a git patch retargeting a symlink is refused (old and new mode)' '
	retarget "old mode 120000" "new mode 120000" &&
	both_refuse "modifies file dpkg-x/toplink through a symlink" \
		"refusing to patch .toplink., which is a symlink"
'

# empty_name N: the debian tarball with its member N (from 0) nameless
empty_name () {
	new_debian && echo data >d/debian/extra && mkdir d/debian/dir &&
	tar -C d --format=ustar -cf deb.tar ./debian/changelog ./debian/extra \
		./debian/dir ./debian/control ./debian/rules &&
	python3 - deb.tar "$1" <<-\EOF &&
	import sys
	path, want = sys.argv[1], int(sys.argv[2])
	data = bytearray(open(path, "rb").read())
	off = i = 0
	while any(data[off:off + 512]):
	    size = int(data[off + 124:off + 136].strip(b"\0 ") or b"0", 8)
	    if i == want:
	        data[off:off + 100] = bytes(100)
	        data[off + 345:off + 500] = bytes(155)
	        data[off + 148:off + 156] = b" " * 8
	        data[off + 148:off + 156] = b"%06o\0 " % sum(data[off:off + 512])
	        break
	    off += 512 + (size + 511) // 512 * 512
	    i += 1
	open(path, "wb").write(data)
	EOF
	tar tvf deb.tar >&2 &&
	xz -c deb.tar >sy_1-1.debian.tar.xz &&
	make_dsc "3.0 (quilt)" sy 1-1 sy_1.orig.tar.gz sy_1-1.debian.tar.xz
}

test_expect_success 'a file member with an empty name is refused, as tar refuses it' '
	empty_name 1 &&
	both_refuse "Cannot open: File exists" \
		"has a member named .. that is not a directory"
'

test_expect_success 'a directory member with an empty name is the top, as for tar' '
	empty_name 2 &&
	import_matches sy_1-1.dsc
'

test_done
