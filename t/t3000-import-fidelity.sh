#!/bin/sh
test_description='import-dsc: the imported tree equals dpkg-source -x

Every fixture is built here by hand (tarballs, diffs, .dsc) and imported;
its tree is compared with the reference computed in the same test from
dpkg-source --no-check -x (t/lib-reftree.sh, DESIGN.md).'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-import.sh"

# --- 3.0 (quilt): patches of every kind --------------------------------
test_expect_success '3.0 (quilt) with create, delete, rename, mode and offset patches' '
	mkdir -p q/foo-1.0/src q/foo-1.0/doc/empty &&
	cd q &&
	seq 1 40 >foo-1.0/src/numbers &&
	echo "to be removed" >foo-1.0/doc/old.txt &&
	echo "to be renamed" >foo-1.0/doc/renamed.txt &&
	printf "#!/bin/sh\necho hi\n" >foo-1.0/run &&
	chmod 755 foo-1.0/run &&
	echo script >foo-1.0/script.sh &&
	ln -s src/numbers foo-1.0/link &&
	tarball_top . foo-1.0 foo_1.0.orig.tar.gz &&
	echo "not really a signature" >foo_1.0.orig.tar.gz.asc &&
	debian_dir d foo 1.0-1 "3.0 (quilt)" &&
	mkdir -p d/debian/patches/topic &&
	cat >d/debian/patches/offset.patch <<-\EOF &&
	Description: Change a line, at the wrong line number
	 The hunk says line 5, the line is at 10: an offset.
	Author: Upstream Person <up@example.com>

	--- a/src/numbers
	+++ b/src/numbers
	@@ -4,3 +4,3 @@
	 9
	-10
	+ten
	 11
	EOF
	cat >d/debian/patches/create-delete.patch <<-\EOF &&
	From: Git Person <git@example.com>
	Subject: [PATCH] create one file, delete another

	---
	--- /dev/null
	+++ b/new/file.txt
	@@ -0,0 +1,2 @@
	+brand
	+new
	--- a/doc/old.txt
	+++ /dev/null
	@@ -1 +0,0 @@
	-to be removed
	EOF
	cat >d/debian/patches/topic/git-style.patch <<-\EOF &&
	Subject: git-style rename and mode change

	diff --git a/doc/renamed.txt b/doc/moved.txt
	similarity index 100%
	rename from doc/renamed.txt
	rename to doc/moved.txt
	diff --git a/script.sh b/script.sh
	old mode 100644
	new mode 100755
	diff --git a/run b/run
	old mode 100755
	new mode 100644
	--- a/run
	+++ b/run
	@@ -1,2 +1,2 @@
	 #!/bin/sh
	-echo hi
	+echo hello
	EOF
	cat >d/debian/patches/series <<-\EOF &&
	# a comment
	offset.patch -p1

	create-delete.patch
	topic/git-style.patch # trailing comment
	EOF
	tarball d foo_1.0-1.debian.tar.xz &&
	make_dsc "3.0 (quilt)" foo 1.0-1 foo_1.0.orig.tar.gz \
		foo_1.0.orig.tar.gz.asc foo_1.0-1.debian.tar.xz &&
	import_matches foo_1.0-1.dsc &&
	git -C imp-foo_1.0-1 log --format=%s imported >subjects &&
	# a mail-style subject is kept as written, as gbp pq (git mailinfo
	# -k) and so Debian'"'"'s dgit keep it
	cat >expect <<-\EOF &&
	git-style rename and mode change
	[PATCH] create one file, delete another
	Change a line, at the wrong line number
	foo (1.0-1) unstable; urgency=medium
	Import foo_1.0.orig.tar.gz
	Import foo_1.0-1.debian.tar.xz
	EOF
	test_cmp expect subjects
'

# --- components, no top directory, debian/ in the orig ------------------
test_expect_success '3.0 (quilt) with orig components, a flat orig and debian/ in it' '
	mkdir -p c/flat/debian c/flat/sub c/comp1/bar-1 c/comp2 &&
	cd c &&
	echo a >flat/a &&
	echo b >flat/sub/b &&
	echo "upstream debian dir" >flat/debian/upstream-only &&
	echo one >comp1/bar-1/one &&
	echo two >comp2/two &&
	mkdir comp2/three && echo 3 >comp2/three/file &&
	tarball flat baz_2.0.orig.tar.bz2 &&
	tarball_top comp1 bar-1 baz_2.0.orig-bar.tar.lzma &&
	tarball comp2 baz_2.0.orig-other.tar.gz &&
	debian_dir d baz 2.0-3 "3.0 (quilt)" &&
	tarball d baz_2.0-3.debian.tar.bz2 &&
	make_dsc "3.0 (quilt)" baz 2.0-3 baz_2.0.orig.tar.bz2 \
		baz_2.0.orig-bar.tar.lzma baz_2.0.orig-other.tar.gz \
		baz_2.0-3.debian.tar.bz2 &&
	import_matches baz_2.0-3.dsc &&
	git -C imp-baz_2.0-3 rev-list --parents -n 1 "imported" >parents &&
	test $(wc -w <parents) = 5
'

# --- odd tarballs: modes, links, empty dirs, .git, single symlink top ----
test_expect_success '3.0 (native) with symlinks, hard links, odd modes and .git' '
	mkdir -p n/nat-5/empty/deeper n/nat-5/.git n/nat-5/sub/.git n/nat-5/x &&
	cd n &&
	echo "[core]" >nat-5/.git/config &&
	echo "gitdir: elsewhere" >nat-5/sub/.git/HEAD &&
	echo file >nat-5/x/file &&
	ln nat-5/x/file nat-5/x/hardlink &&
	ln -s ../x/file nat-5/x/symlink &&
	ln -s nowhere nat-5/dangling &&
	echo g >nat-5/group-exec && chmod 654 nat-5/group-exec &&
	echo o >nat-5/owner-exec && chmod 744 nat-5/owner-exec &&
	echo "* text eol=crlf" >nat-5/.gitattributes &&
	printf "a\r\nb\r\n" >nat-5/crlf.txt &&
	debian_dir nat-5 nat 5 "3.0 (native)" &&
	chmod 644 nat-5/debian/rules &&
	tarball_top . nat-5 nat_5.tar.xz &&
	make_dsc "3.0 (native)" nat 5 nat_5.tar.xz &&
	import_matches nat_5.dsc 2>err &&
	test_grep "nat-5/.git\\|\\.git" err
'

test_expect_success '1.0 native, with a .pc directory in it' '
	mkdir -p one/old-1/.pc/x &&
	cd one &&
	echo data >old-1/data &&
	echo pc >old-1/.pc/x/y &&
	debian_dir old-1 old 1 &&
	tarball_top . old-1 old_1.tar.gz &&
	make_dsc "1.0" old 1 old_1.tar.gz &&
	import_matches old_1.dsc
'

test_expect_success '1.0 with a .diff.gz: rules made executable, series unapplied' '
	mkdir -p d1/dd-2.orig d1/dd-2 &&
	cd d1 &&
	seq 1 10 >dd-2.orig/file &&
	echo x >dd-2.orig/keep &&
	cp -a dd-2.orig/. dd-2/ &&
	seq 1 11 >dd-2/file &&
	debian_dir dd-2 dd 2-1 &&
	chmod 644 dd-2/debian/rules &&
	mkdir dd-2/debian/patches &&
	printf -- "--- a/keep\n+++ b/keep\n@@ -1 +1 @@\n-x\n+y\n" \
		>dd-2/debian/patches/p.patch &&
	echo p.patch >dd-2/debian/patches/series &&
	tarball_top . dd-2.orig dd_2.orig.tar.gz &&
	{ diff -ruN dd-2.orig dd-2; test $? = 1; } >diff &&
	gzip -n -c diff >dd_2-1.diff.gz &&
	make_dsc "1.0" dd 2-1 dd_2.orig.tar.gz dd_2-1.diff.gz &&
	import_matches dd_2-1.dsc &&
	git -C imp-dd_2-1 cat-file -p imported:keep >keep &&
	echo x >expect && test_cmp expect keep
'

test_expect_success 'single top-level entries that are not stripped' '
	mkdir -p s/real-1/dir s/two/top s/two/empty &&
	cd s &&
	echo f >real-1/dir/f &&
	ln -s real-1 link-top &&
	tar -cf tmp.tar link-top real-1 &&
	gzip -n -c tmp.tar >st_1.orig.tar.gz && rm tmp.tar &&
	echo t >two/top/t &&
	tarball two st_1.orig-two.tar.xz &&
	debian_dir d st 1-1 "3.0 (quilt)" &&
	tarball d st_1-1.debian.tar.xz &&
	make_dsc "3.0 (quilt)" st 1-1 st_1.orig.tar.gz st_1.orig-two.tar.xz \
		st_1-1.debian.tar.xz &&
	import_matches st_1-1.dsc
'

# A patch that adds a file of 1.5 MB: its header is read from a patch
# bigger than any cap on a header's own size.
test_expect_success '3.0 (quilt) with a patch over 1 MiB' '
	mkdir -p b/big-1 &&
	cd b &&
	echo small >big-1/small &&
	tarball_top . big-1 big_1.orig.tar.gz &&
	debian_dir d big 1-1 "3.0 (quilt)" &&
	mkdir -p d/debian/patches &&
	{ printf "Description: add a big file\nAuthor: A <a@example.org>\n\n--- /dev/null\n+++ b/big\n@@ -0,0 +1,24000 @@\n" &&
	  seq 1 24000 | sed "s/.*/+line & of a big file, long enough to be 64 bytes wide/"
	} >d/debian/patches/big.patch &&
	echo big.patch >d/debian/patches/series &&
	tarball d big_1-1.debian.tar.xz &&
	make_dsc "3.0 (quilt)" big 1-1 big_1.orig.tar.gz big_1-1.debian.tar.xz &&
	import_matches big_1-1.dsc &&
	git -C imp-big_1-1 log -1 --format=%s imported >subject &&
	echo "add a big file" >expect &&
	test_cmp expect subject
'

test_expect_success 'every compression dpkg-source accepts' '
	mkdir -p z/zz-1 &&
	cd z &&
	echo z >zz-1/z &&
	for c in gz bz2 xz lzma; do
		debian_dir d$c zz 1-$c "3.0 (quilt)" &&
		tarball_top . zz-1 zz_1.orig.tar.$c &&
		tarball d$c zz_1-$c.debian.tar.$c &&
		make_dsc "3.0 (quilt)" zz 1-$c zz_1.orig.tar.$c \
			zz_1-$c.debian.tar.$c &&
		import_matches zz_1-$c.dsc || return 1
		rm zz_1.orig.tar.$c
	done
'

test_done
