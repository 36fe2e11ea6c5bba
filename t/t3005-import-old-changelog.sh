#!/bin/sh
test_description='import-dsc: old changelog tails do not stop an import

Only the first entry of debian/changelog decides whether an import can be
made; entries further down in old formats (a trailer with a comma and an
old date, as grep'"'"'s changelog has, or binutils'"'"' "pkg (ver):"
headers) are what dpkg-parsechangelog skips, and the import must give the
tree dpkg-source -x gives and the first entry'"'"'s identity.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-import.sh"

test_need_cmd dpkg-source
test_need_cmd dpkg-parsechangelog

test_expect_success 'setup: a 3.0 (quilt) package with an old changelog tail' '
	mkdir -p p/old-2.0 &&
	echo hello >p/old-2.0/a.txt &&
	(cd p && tarball_top . old-2.0 old_2.0.orig.tar.gz) &&
	debian_dir p/d old 2.0-2 "3.0 (quilt)" &&
	cat >>p/d/debian/changelog <<-\EOF &&

	old (2.0-1) unstable; urgency=low

	  * Second upload of 2.0.

	 -- Old Maint <old@example.org>  Sun, 03 Mar 2019 10:00:00 +0000

	old (1.18-2) unstable; urgency=low

	  * An entry whose trailer has a comma and an old date.

	 -- Wichert Akkerman <wakkerma@example.org>,Mon Jul 29 18:38:06 MET DST 1996

	binutils (2.7-3):

	  * Old-format header, as binutils has it.

	Fri Jul 12 12:00:00 1996  Someone  <someone@example.org>
	EOF
	(cd p && tarball d old_2.0-2.debian.tar.xz &&
	 make_dsc "3.0 (quilt)" old 2.0-2 old_2.0.orig.tar.gz \
		old_2.0-2.debian.tar.xz)
'

test_expect_success 'dpkg-parsechangelog reads the first entry and the rest' '
	dpkg-parsechangelog -l p/d/debian/changelog -S Version >v &&
	echo 2.0-2 >want && test_cmp want v &&
	dpkg-parsechangelog -l p/d/debian/changelog --format rfc822 --all >all 2>/dev/null &&
	test_grep "^Version: 2.0-1" all &&
	test_grep "^Version: 1.18-2" all
'

test_expect_success 'the import succeeds, with dpkg-source -x'"'"'s tree' '
	import_matches p/old_2.0-2.dsc
'

test_expect_success 'the commits take the first entry'"'"'s identity' '
	git -C imp-old_2.0-2 log -1 --format="%an <%ae> %at" imported >got &&
	m=$(dpkg-parsechangelog -l p/d/debian/changelog -S Maintainer) &&
	t=$(dpkg-parsechangelog -l p/d/debian/changelog -S Timestamp) &&
	echo "$m $t" >want &&
	test_cmp want got
'

test_expect_success 'the orig commit takes the oldest entry of version 2.0' '
	git -C imp-old_2.0-2 log --format="%an %s" imported >log &&
	test_grep "^Old Maint Import old_2.0.orig.tar.gz" log
'

test_expect_success 'a broken first entry still fails, naming the line' '
	mkdir -p b && cp p/old_2.0.orig.tar.gz b/ &&
	debian_dir b/d old 2.0-2 "3.0 (quilt)" &&
	sed -i "s/^ -- Jane Doe <jane@example.org>  .*/ -- Jane Doe <jane@example.org>,Mon Jul 29 1996/" \
		b/d/debian/changelog &&
	(cd b && tarball d old_2.0-2.debian.tar.xz &&
	 make_dsc "3.0 (quilt)" old 2.0-2 old_2.0.orig.tar.gz \
		old_2.0-2.debian.tar.xz) &&
	git init -q imp-b &&
	(cd imp-b && test_must_fail "$DGIT" import-dsc ../b/old_2.0-2.dsc x 2>../err) &&
	test_grep "debian/changelog.* line 5" err &&
	test_must_fail git -C imp-b rev-parse -q --verify x
'

test_done
