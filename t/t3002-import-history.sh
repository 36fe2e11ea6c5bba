#!/bin/sh
test_description='import-dsc: the shape and metadata of the history

The commits must have dgit'"'"'s shape and be reproducible; where Debian'"'"'s
own dgit is installed, its import-dsc of the same .dsc is the oracle for
the commit ids.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-import.sh"

test_expect_success 'setup: 3.0 (quilt), 1.0 and native packages' '
	mkdir -p q/foo-1.0 &&
	echo hello >q/foo-1.0/a.txt &&
	printf "#!/bin/sh\n" >q/foo-1.0/run.sh && chmod 755 q/foo-1.0/run.sh &&
	(cd q && tarball_top . foo-1.0 foo_1.0.orig.tar.gz) &&
	debian_dir q/d foo 1.0-1 "3.0 (quilt)" &&
	mkdir -p q/d/debian/patches &&
	cat >q/d/debian/patches/fix.patch <<-\EOF &&
	Description: Fix the greeting
	 Longer text here.
	Author: Upstream Person <up@example.com>

	--- a/a.txt
	+++ b/a.txt
	@@ -1 +1 @@
	-hello
	+hello world
	EOF
	printf -- "--- a/new.txt\n+++ b/new.txt\n@@ -0,0 +1 @@\n+new\n" \
		>q/d/debian/patches/nohdr.patch &&
	printf "fix.patch\nnohdr.patch\n" >q/d/debian/patches/series &&
	(cd q && tarball d foo_1.0-1.debian.tar.xz &&
	 make_dsc "3.0 (quilt)" foo 1.0-1 foo_1.0.orig.tar.gz \
		foo_1.0-1.debian.tar.xz) &&

	mkdir -p one/foo-1.0.orig one/foo-1.0 &&
	echo hello >one/foo-1.0.orig/a.txt &&
	cp -a one/foo-1.0.orig/. one/foo-1.0/ &&
	echo more >>one/foo-1.0/a.txt &&
	debian_dir one/foo-1.0 foo 1.0-1 &&
	(cd one && tarball_top . foo-1.0.orig foo_1.0.orig.tar.gz &&
	 { diff -ruN foo-1.0.orig foo-1.0; test $? = 1; } | gzip -n >foo_1.0-1.diff.gz &&
	 make_dsc "1.0" foo 1.0-1 foo_1.0.orig.tar.gz foo_1.0-1.diff.gz) &&

	mkdir -p nat/bar-2 && echo x >nat/bar-2/file &&
	debian_dir nat/bar-2 bar 2 "3.0 (native)" &&
	(cd nat && tarball_top . bar-2 bar_2.tar.xz &&
	 make_dsc "3.0 (native)" bar 2 bar_2.tar.xz)
'

test_expect_success '3.0 (quilt): tarball commits, unpatched merge, one commit per patch' '
	git init -q r1 &&
	(cd r1 && "$DGIT" import-dsc ../q/foo_1.0-1.dsc imp) &&
	git -C r1 log --format="%P|%an <%ae>|%ad|%cn|%s" --date=raw imp >log &&
	orig=$(git -C r1 rev-parse imp~2^1) &&
	deb=$(git -C r1 rev-parse imp~2^2) &&
	unp=$(git -C r1 rev-parse imp~2) &&
	p1=$(git -C r1 rev-parse imp~1) &&
	cat >expect <<-EOF &&
	$p1|Jane Doe <jane@example.org>|1704106800 +0000|Jane Doe|nohdr
	$unp|Upstream Person <up@example.com>|1704106800 +0000|Jane Doe|Fix the greeting
	$orig $deb|Jane Doe <jane@example.org>|1704106800 +0000|Jane Doe|foo (1.0-1) unstable; urgency=medium
	|Jane Doe <jane@example.org>|1704106800 +0000|Jane Doe|Import foo_1.0.orig.tar.gz
	|Jane Doe <jane@example.org>|1704106800 +0000|Jane Doe|Import foo_1.0-1.debian.tar.xz
	EOF
	test_cmp expect log &&
	git -C r1 cat-file commit $orig | sed "1,/^$/d" >msg &&
	printf "Import foo_1.0.orig.tar.gz\n\n[dgit import orig foo_1.0.orig.tar.gz]\n" >expect &&
	test_cmp expect msg &&
	git -C r1 cat-file commit $unp | sed "1,/^$/d" >msg &&
	printf "foo (1.0-1) unstable; urgency=medium\n\n  * Test release.\n\n[dgit import unpatched foo 1.0-1]\n" >expect &&
	test_cmp expect msg &&
	git -C r1 cat-file commit imp | sed "1,/^$/d" >msg &&
	printf "nohdr\n\n\nGbp-Pq: Name nohdr.patch" >expect &&
	test_cmp expect msg
'

test_expect_success 'the same .dsc gives the same commits in another repository' '
	git init -q r2 &&
	(cd r2 && "$DGIT" import-dsc ../q/foo_1.0-1.dsc other) &&
	test $(git -C r1 rev-parse imp) = $(git -C r2 rev-parse other)
'

test_expect_success 'importing again stores nothing new' '
	ls r2/.git/objects/pack >before &&
	(cd r2 && "$DGIT" import-dsc ../q/foo_1.0-1.dsc +again) &&
	ls r2/.git/objects/pack >after &&
	test_cmp before after &&
	test $(git -C r2 rev-parse again) = $(git -C r2 rev-parse other) &&
	git -C r2 fsck --strict --no-dangling
'

test_expect_success 'the same orig gives the same commit in a later upload' '
	mkdir -p q2 && cp q/foo_1.0.orig.tar.gz q2/ &&
	cp -a q/d q2/d &&
	{ printf "foo (1.0-2) unstable; urgency=medium\n\n  * Again.\n\n -- Other Person <other@example.org>  Tue, 02 Jan 2024 13:00:00 +0000\n\n" &&
	  cat q/d/debian/changelog; } >q2/d/debian/changelog &&
	(cd q2 && tarball d foo_1.0-2.debian.tar.xz &&
	 make_dsc "3.0 (quilt)" foo 1.0-2 foo_1.0.orig.tar.gz \
		foo_1.0-2.debian.tar.xz) &&
	(cd r1 && "$DGIT" import-dsc ../q2/foo_1.0-2.dsc imp2) &&
	test $(git -C r1 rev-parse imp~2^1) = $(git -C r1 rev-parse imp2~2^1) &&
	git -C r1 log -1 --format="%cn %cd" --date=raw imp2 >c &&
	echo "Other Person 1704200400 +0000" >expect &&
	test_cmp expect c
'

test_expect_success '1.0 with a diff: orig commit and one package commit' '
	(cd r1 && "$DGIT" import-dsc ../one/foo_1.0-1.dsc one) &&
	git -C r1 rev-list --parents one >parents &&
	test $(wc -l <parents) = 2 &&
	git -C r1 log -1 --format=%B one >msg &&
	test_grep "^\[dgit import package foo 1.0-1\]$" msg
'

test_expect_success 'native: one parentless commit' '
	(cd r1 && "$DGIT" import-dsc ../nat/bar_2.dsc nat) &&
	test $(git -C r1 rev-list nat | wc -l) = 1 &&
	git -C r1 log -1 --format=%B nat >msg &&
	test_grep "^\[dgit import package bar 2\]$" msg
'

test_expect_success '+BRANCH overwrites, ..BRANCH makes a pseudomerge' '
	(cd r1 && "$DGIT" import-dsc ../nat/bar_2.dsc +imp) &&
	test $(git -C r1 rev-parse imp) = $(git -C r1 rev-parse nat) &&
	old=$(git -C r1 rev-parse one) &&
	(cd r1 && "$DGIT" import-dsc ../nat/bar_2.dsc ..one) &&
	git -C r1 rev-list --parents -n 1 one >p &&
	echo "$(git -C r1 rev-parse one) $(git -C r1 rev-parse nat) $old" >expect &&
	test_cmp expect p &&
	git -C r1 log -1 --format=%B one >msg &&
	printf "Merge bar (2) import into refs/heads/one\n\n" >expect &&
	test_cmp expect msg &&
	test $(git -C r1 rev-parse one^{tree}) = $(git -C r1 rev-parse nat^{tree}) &&
	(cd r1 && "$DGIT" import-dsc ../nat/bar_2.dsc ..fresh) &&
	test $(git -C r1 rev-parse fresh) = $(git -C r1 rev-parse nat)
'

if test -x /usr/bin/dgit && /usr/bin/dgit --version >/dev/null 2>&1; then
test_expect_success "Debian's dgit makes the very same commits" '
	for d in q/foo_1.0-1.dsc one/foo_1.0-1.dsc nat/bar_2.dsc; do
		# alone in a directory: Debian'"'"'s dgit also looks for the
		# files in the repository'"'"'s parent directory
		rm -rf cmp && mkdir cmp &&
		find "$(dirname $d)" -maxdepth 1 -type f -exec cp {} cmp/ \; &&
		git init -q cmp/perl && git init -q cmp/ours &&
		(cd cmp/perl && /usr/bin/dgit --no-chase-dsc-distro import-dsc \
			"../$(basename $d)" +x >../perl.log 2>&1) &&
		(cd cmp/ours && "$DGIT" import-dsc "../$(basename $d)" +x) &&
		test "$(git -C cmp/perl rev-parse x)" = "$(git -C cmp/ours rev-parse x)" ||
		{ echo "differs for $d" >&2; cat cmp/perl.log >&2; return 1; }
	done
'
else
	test_skip "Debian's dgit makes the very same commits" \
	    "Debian's dgit is not installed (make deps installs it)"
fi

test_done
