#!/bin/sh
test_description='quilt-fixup with single-debian-patch in debian/source/options: dpkg-source makes the one patch, as with Perl dgit'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test_need_cmd dpkg-source

# new_repo DIR: hello 1.0-1 patches-applied as dpkg-source -x makes it,
# with single-debian-patch in debian/source/options, origs beside it.
new_repo() {
	dsc=$(fixture_built hello-1) &&
	mkdir "$1" &&
	cp "$(dirname "$dsc")"/hello_1.0.orig.tar.gz* "$1/" &&
	dpkg-source --no-check -x "$dsc" "$1/hello" >/dev/null 2>&1 &&
	rm -rf "$1/hello/.pc" &&
	(cd "$1/hello" && git init -q -b master &&
	 git config user.name "A Tester" &&
	 git config user.email tester@example.org &&
	 echo single-debian-patch >debian/source/options &&
	 git add -A && git commit -q -m import)
}

# change DIR: upstream changes of every kind dpkg-source can represent
change() {
	(cd "$1/hello" &&
	 echo "a new line" >>README &&
	 echo "new file" >added &&
	 printf '*.o\n' >.gitignore &&
	 git rm -q Makefile &&
	 git add -A && git commit -q -m "upstream changes")
}

# fixup_both DIR: run ours in DIR and Perl dgit in DIR.perl, a copy
fixup_both() {
	rm -rf "$1.perl" &&
	cp -r "$1" "$1.perl" &&
	(cd "$1/hello" && "$DGIT" quilt-fixup >../out 2>&1) &&
	(cd "$1.perl/hello" && /usr/bin/dgit quilt-fixup >../out 2>&1)
}

test_expect_success 'the patches are those Perl dgit has dpkg-source make' '
	test_need_cmd /usr/bin/dgit &&
	new_repo s &&
	change s &&
	fixup_both s &&
	git -C s/hello ls-tree -r HEAD >ours &&
	git -C s.perl/hello ls-tree -r HEAD >perl &&
	test_cmp perl ours &&
	git -C s/hello show HEAD:debian/patches/series >series &&
	echo debian-changes >want &&
	test_cmp want series &&
	git -C s/hello show HEAD:debian/patches/debian-changes >patch &&
	test_grep "^+++ hello-1.0/added" patch &&
	test_grep "^+++ hello-1.0/.gitignore" patch &&
	test_grep "^--- hello-1.0.orig/Makefile" patch &&
	git -C s/hello log -1 --format=%s >subject &&
	git -C s.perl/hello log -1 --format=%s >want &&
	test_cmp want subject &&
	git -C s/hello status --porcelain >dirty &&
	test ! -s dirty
'

# as dgit: the package is built and kept, with a warning; its push
# would refuse it (t7008)
test_expect_success 'a mode change the one patch cannot carry: build-source warns' '
	(cd s/hello && "$DGIT" -wgf build-source \
	    --no-check-archive >../build.out 2>&1) &&
	test_grep "dgit: warning:  Mode change from 644 to 755: tools/gen.sh" \
	    s/build.out &&
	test "$(dsc_reference_tree s/hello_1.0-1.dsc)" != \
	    "$(git -C s/hello rev-parse HEAD^{tree})"
'

test_expect_success 'dpkg-source -x of the result is the branch' '
	(cd s/hello && chmod -x tools/gen.sh &&
	 git commit -q -a -m "gen.sh as upstream has it" &&
	 "$DGIT" quilt-fixup >../out3 2>&1 &&
	 "$DGIT" -wgf build-source --no-check-archive >../build.out 2>&1) &&
	dpkg-source --no-check -x s/hello_1.0-1.dsc x >/dev/null 2>&1 &&
	rm -rf x/.pc &&
	(cd x && git init -q && git add -A &&
	 git write-tree) >got &&
	git -C s/hello rev-parse HEAD^{tree} >want &&
	test_cmp want got
'

test_expect_success 'a second fixup changes nothing' '
	git -C s/hello rev-parse HEAD >before &&
	(cd s/hello && "$DGIT" quilt-fixup >../out2 2>&1) &&
	git -C s/hello rev-parse HEAD >after &&
	test_cmp before after
'

test_expect_success 'the patches of the package are replaced even with no upstream change' '
	test_need_cmd /usr/bin/dgit &&
	new_repo n &&
	fixup_both n &&
	git -C n/hello ls-tree -r HEAD >ours &&
	git -C n.perl/hello ls-tree -r HEAD >perl &&
	test_cmp perl ours &&
	git -C n/hello ls-tree -r --name-only HEAD debian/patches >names &&
	printf "debian/patches/debian-changes\ndebian/patches/series\n" >want &&
	test_cmp want names
'

test_expect_success 'what dpkg-source cannot represent: its error, nothing committed' '
	new_repo u &&
	(cd u/hello && ln -sf NEWS link-to-readme && git add -A &&
	 git commit -q -m "the link") &&
	git -C u/hello rev-parse HEAD >before &&
	(cd u/hello && test_must_fail "$DGIT" quilt-fixup >../out 2>&1) &&
	test_grep "dpkg-source: error: cannot represent change to link-to-readme" u/out &&
	git -C u/hello rev-parse HEAD >after &&
	test_cmp before after &&
	! ls -a u/hello/.git | grep dgit-singlepatch
'

test_expect_success 'a splitting quilt mode is refused with dgit'"'"'s message' '
	test_need_cmd /usr/bin/dgit &&
	new_repo g &&
	change g &&
	rm -rf g.perl && cp -r g g.perl &&
	(cd g/hello && test_must_fail "$DGIT" --quilt=gbp quilt-fixup \
	    >../out 2>&1) &&
	(cd g.perl/hello && test_must_fail /usr/bin/dgit --quilt=gbp \
	    quilt-fixup >../out 2>&1) &&
	msg="quilt mode gbp does not make sense (or is not supported) with single-debian-patch" &&
	test_grep "$msg" g.perl/out &&
	test_grep "$msg" g/out
'

test_expect_success 'single-debian-patch must be the whole option, as dgit reads the file' '
	new_repo o &&
	(cd o/hello &&
	 printf "# single-debian-patch\nsingle-debian-patches\n" \
	    >debian/source/options &&
	 git commit -q -a -m "no option" &&
	 echo "a new line" >>README && git commit -q -a -m change &&
	 "$DGIT" --quilt=smash quilt-fixup >../out 2>&1) &&
	! git -C o/hello cat-file -e HEAD:debian/patches/debian-changes &&
	! test_grep "single-debian-patch)" o/out
'

test_done
