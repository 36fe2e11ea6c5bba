#!/bin/sh
test_description='distro-specific series files (debian/patches/VENDOR.series): refused for the vendors dgit checks, as Perl dgit refuses them'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test_need_cmd dpkg-source

# new_tree DIR: hello 1.0-1 as dpkg-source -x makes it, origs beside it
new_tree() {
	dsc=$(fixture_built hello-1) &&
	mkdir "$1" &&
	cp "$(dirname "$dsc")"/hello_1.0.orig.tar.gz* "$1/" &&
	dpkg-source --no-check -x "$dsc" "$1/hello" >/dev/null 2>&1 &&
	rm -rf "$1/hello/.pc"
}

# the refusal, without the program's prefix
found() {
	sed -n 's/^.*\(Found active distro-specific series file\)/\1/p' "$1"
}

test_expect_success 'a package with testvendor.series' '
	new_tree v &&
	head -n 1 v/hello/debian/patches/series \
	    >v/hello/debian/patches/testvendor.series &&
	(cd v && dpkg-source -b hello >/dev/null 2>&1) &&
	test -f v/hello_1.0-1.dsc
'

test_expect_success 'import-dsc with DEB_VENDOR=testvendor: refused as by Perl dgit, no ref made' '
	test_need_cmd /usr/bin/dgit &&
	for who in ours perl; do
		rm -rf $who && git init -q $who &&
		git -C $who config user.name "A Tester" &&
		git -C $who config user.email tester@example.org || return 1
	done &&
	(cd ours && DEB_VENDOR=testvendor test_must_fail "$DGIT" import-dsc \
	    ../v/hello_1.0-1.dsc +imported >../ours.out 2>&1) &&
	(cd perl && DEB_VENDOR=testvendor test_must_fail /usr/bin/dgit \
	    import-dsc ../v/hello_1.0-1.dsc +imported >../perl.out 2>&1) &&
	found perl.out >perl.line &&
	found ours.out >ours.line &&
	test -s perl.line &&
	test_cmp perl.line ours.line &&
	test_grep "testvendor (DEB_VENDOR): debian/patches/testvendor.series" ours.line &&
	test_must_fail git -C ours rev-parse --verify -q refs/heads/imported
'

test_expect_success 'import-dsc for other vendors: imported, the series file kept' '
	rm -rf ok && git init -q ok &&
	(cd ok && "$DGIT" import-dsc ../v/hello_1.0-1.dsc +imported \
	    >../ok.out 2>&1) &&
	git -C ok cat-file -e imported:debian/patches/testvendor.series
'

# fixup_both DIR: quilt-fixup, ours in DIR and Perl dgit in DIR.perl
repo() {
	new_tree "$1" &&
	(cd "$1/hello" && git init -q -b master &&
	 git config user.name "A Tester" &&
	 git config user.email tester@example.org &&
	 git add -A && git commit -q -m import)
}

test_expect_success 'quilt-fixup with debian.series (dpkg'"'"'s vendor here): refused as by Perl dgit' '
	test_need_cmd /usr/bin/dgit &&
	vendor=$(sed -n "s/^Vendor: *//p" /etc/dpkg/origins/default |
	    tr A-Z a-z) &&
	test -n "$vendor" &&
	repo q &&
	(cd q/hello && head -n 1 debian/patches/series \
	    >debian/patches/$vendor.series &&
	 git add -A && git commit -q -m "vendor series") &&
	rm -rf q.perl && cp -a q q.perl &&
	(cd q/hello && test_must_fail "$DGIT" quilt-fixup >../out 2>&1) &&
	(cd q.perl/hello && test_must_fail /usr/bin/dgit quilt-fixup \
	    >../out 2>&1) &&
	found q.perl/out >perl.line &&
	found q/out >ours.line &&
	test -s perl.line &&
	test_cmp perl.line ours.line
'

test_expect_success 'a series file of blank and comment lines only is not active' '
	repo c &&
	(cd c/hello && printf "\n# nothing\n  # nor this\n" \
	    >debian/patches/testvendor.series &&
	 git add -A && git commit -q -m "inactive series" &&
	 DEB_VENDOR=testvendor "$DGIT" quilt-fixup >../out 2>&1) &&
	! grep -q "Found active" c/out
'

test_done
