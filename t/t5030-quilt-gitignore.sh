#!/bin/sh
test_description='quilt-fixup, build-source: HEAD'"'"'s own .gitignore changes in the gbp and dpm modes (dgit'"'"'s auto-gitignore patch)'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test_need_cmd dpkg-source
test_need_cmd dpkg-genchanges

# new_repo DIR: a patches-unapplied branch of hello 1.0-1 (upstream plus
# debian/, the four patches not applied), origs beside it, and a commit
# adding an upstream .gitignore (which gbp leaves out of the patches).
new_repo() {
	gbp_repo "$1" &&
	(cd "$1/hello" &&
	 printf "*.o\n/build/\n" >.gitignore &&
	 git add .gitignore && git commit -q -m "Ignore build products")
}

# The version dgit writes into its patch and commit messages, made equal.
normalise() {
	sed -e 's/^\[dgit ([^)]*) /[dgit (V) /'
}

test_expect_success 'gbp: the dgit view has the auto-gitignore patch Perl dgit makes' '
	test_need_cmd /usr/bin/dgit &&
	test_need_cmd gbp &&
	new_repo p &&
	cp -r p perl &&
	(cd p/hello && "$DGIT" --quilt=gbp quilt-fixup --dgit-view-save=ours \
	    >../out 2>&1) &&
	(cd perl/hello && /usr/bin/dgit --quilt=gbp --dgit-view-save=theirs \
	    quilt-fixup >../out 2>&1) &&
	test_grep "creating patch to represent .gitignore changes" perl/out &&
	git -C p/hello rev-parse HEAD >p/head &&
	git -C perl/hello rev-parse HEAD >perl/head &&
	test_cmp p/head perl/head &&
	git -C p/hello show ours:debian/patches/auto-gitignore | normalise >p/patch &&
	git -C perl/hello show theirs:debian/patches/auto-gitignore | normalise >perl/patch &&
	test_cmp perl/patch p/patch &&
	git -C p/hello show ours:debian/patches/series >p/series &&
	git -C perl/hello show theirs:debian/patches/series >perl/series &&
	test_cmp perl/series p/series &&
	git -C p/hello fetch -q ../../perl/hello theirs:theirs &&
	git -C p/hello diff --stat theirs ours -- . ":!debian/patches/auto-gitignore" >p/treediff &&
	test ! -s p/treediff &&
	git -C p/hello log --format="%an <%ae> %ad%n%cn <%ce> %cd%n%B" \
	    HEAD..ours | normalise >p/log &&
	git -C perl/hello log --format="%an <%ae> %ad%n%cn <%ce> %cd%n%B" \
	    HEAD..theirs | normalise >perl/log &&
	test_cmp perl/log p/log
'

test_expect_success 'gbp: the built source package unpacks to the dgit view, .gitignore and all' '
	new_repo b &&
	(cd b/hello && "$DGIT" --quilt=gbp --dgit-view-save=dgit-view \
	    build-source --no-check-archive >../out 2>../err) &&
	dpkg-source --no-check -x b/hello_1.0-1.dsc b/x >/dev/null 2>&1 &&
	test_cmp b/hello/.gitignore b/x/.gitignore &&
	test "$(dsc_reference_tree b/hello_1.0-1.dsc)" = \
	    "$(git -C b/hello rev-parse dgit-view^{tree})" &&
	test "$(git -C b/hello log -1 --format=%s dgit-view)" = \
	    "Commit patch to update .gitignore"
'

test_expect_success 'gbp: a .gitignore change among other upstream changes is still refused' '
	new_repo r &&
	(cd r/hello && echo more >>README && git commit -q -a -m README &&
	 test_must_fail "$DGIT" --quilt=gbp quilt-fixup >../out 2>&1) &&
	test_grep "implying patches-unapplied git tree" r/out &&
	test_grep "content differs: README" r/out
'

test_expect_success 'unapplied: .gitignore is an upstream file like any other' '
	new_repo u &&
	(cd u/hello && test_must_fail "$DGIT" --quilt=unapplied quilt-fixup \
	    >../out 2>&1) &&
	test_grep "only in HEAD: .gitignore" u/out
'

test_expect_success 'gbp: patches that change .gitignore are refused, as dgit does' '
	new_repo q &&
	(cd q/hello &&
	 printf "%s\n" "--- a/.gitignore" "+++ b/.gitignore" "@@ -0,0 +1 @@" \
	     "+*.tmp" >debian/patches/ignore-tmp.patch &&
	 git rm -q --cached .gitignore && rm .gitignore &&
	 echo ignore-tmp.patch >>debian/patches/series &&
	 git add debian/patches && git commit -q -m "patch .gitignore" &&
	 printf "*.o\n" >.gitignore && git add .gitignore &&
	 git commit -q -m "Ignore objects" &&
	 test_must_fail "$DGIT" --quilt=gbp quilt-fixup >../out 2>&1) &&
	test_grep "does not create patches for changes to upstream .gitignores" q/out
'

test_done
