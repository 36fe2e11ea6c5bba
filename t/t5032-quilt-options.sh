#!/bin/sh
test_description='quilt-fixup: --split-view, --save-dgit-view, and dgit'"'"'s refusals (no linear stack, baredebian with a git clean mode, no upstream tag)'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test_need_cmd dpkg-source

# new_repo DIR [--skip-patches]: hello 1.0-1 as dpkg-source -x makes it
# (patches applied, or not), origs beside it.
new_repo() {
	dsc=$(fixture_built hello-1) &&
	mkdir "$1" &&
	cp "$(dirname "$dsc")"/hello_1.0.orig.tar.gz* "$1/" &&
	dpkg-source --no-check $2 -x "$dsc" "$1/hello" >/dev/null 2>&1 &&
	rm -rf "$1/hello/.pc" &&
	(cd "$1/hello" && git init -q -b master &&
	 git config user.name "A Tester" &&
	 git config user.email tester@example.org &&
	 git add -A && git commit -q -m import)
}

change() {
	(cd "$1/hello" && echo "a new line" >>README &&
	 git commit -q -a -m "Add a line to README")
}

test_expect_success '--split-view alone is --split-view=always: HEAD stays, as with Perl dgit' '
	test_need_cmd /usr/bin/dgit &&
	new_repo s && change s &&
	cp -r s sperl &&
	git -C s/hello rev-parse HEAD >s/before &&
	(cd s/hello && "$DGIT" --split-view --save-dgit-view=view \
	    quilt-fixup >../out 2>&1) &&
	(cd sperl/hello && /usr/bin/dgit --split-view --save-dgit-view=view \
	    quilt-fixup >../out 2>&1) &&
	git -C s/hello rev-parse HEAD >s/after &&
	git -C sperl/hello rev-parse HEAD >sperl/after &&
	test_cmp s/before s/after &&
	test_cmp s/before sperl/after &&
	git -C s/hello rev-parse view^ >s/parent &&
	test_cmp s/before s/parent &&
	test "$(git -C s/hello rev-parse view^{tree})" = \
	    "$(git -C sperl/hello rev-parse view^{tree})"
'

test_expect_success '--split-view=never and --split-brain=auto are taken; a bad mode is refused' '
	new_repo n && change n &&
	(cd n/hello && "$DGIT" --split-brain=auto quilt-fixup >../out 2>&1) &&
	test_grep "committed 1 new patch" n/out &&
	(cd n/hello && test_must_fail "$DGIT" --split-view=sometimes \
	    quilt-fixup >../bad 2>&1) &&
	test_grep "unknown --split-view .sometimes." n/bad
'

test_expect_success 'a patches-unapplied branch in linear mode: dgit'"'"'s "quilt fixup cannot be linear"' '
	test_need_cmd /usr/bin/dgit &&
	new_repo u --skip-patches &&
	cp -r u uperl &&
	(cd u/hello && test_must_fail "$DGIT" quilt-fixup >../out 2>&1) &&
	(cd uperl/hello && test_must_fail /usr/bin/dgit quilt-fixup \
	    >../out 2>&1) &&
	test_grep "quilt fixup cannot be linear" uperl/out &&
	test_grep "quilt fixup cannot be linear" u/out &&
	test_grep "This might be a patches-unapplied branch" uperl/out &&
	test_grep "This might be a patches-unapplied branch" u/out &&
	test_grep "Maybe you need one of --\[quilt=\]gbp" u/out
'

test_expect_success 'the linear walk does not cross a change of debian/patches, as in dgit' '
	test_need_cmd /usr/bin/dgit &&
	new_repo w &&
	(cd w/hello && echo "new file" >extra && git add extra &&
	 git commit -q -m "an extra file" &&
	 { git diff --no-index /dev/null extra >debian/patches/extra.patch ||
	   test $? = 1; } &&
	 echo extra.patch >>debian/patches/series && git rm -q extra &&
	 git add debian/patches && git commit -q -m "extra as a patch" &&
	 git revert --no-edit HEAD >/dev/null) &&
	cp -r w wperl &&
	(cd w/hello && test_must_fail "$DGIT" quilt-fixup >../out 2>&1) &&
	(cd wperl/hello && test_must_fail /usr/bin/dgit quilt-fixup \
	    >../out 2>&1) &&
	test_grep "quilt fixup cannot be linear" wperl/out &&
	test_grep "quilt fixup cannot be linear" w/out &&
	test_grep "changed debian/patches" w/out
'

test_expect_success 'baredebian with a git clean mode: refused in dgit'"'"'s words' '
	test_need_cmd /usr/bin/dgit &&
	new_repo b --skip-patches &&
	(cd b/hello && git rm -q -r --cached . >/dev/null &&
	 git add debian && git commit -q -m "debian/ alone" &&
	 git tag v1.0 HEAD) &&
	cp -r b bperl &&
	(cd b/hello && test_must_fail "$DGIT" -wgf --baredebian quilt-fixup \
	    >../out 2>&1) &&
	(cd bperl/hello && test_must_fail /usr/bin/dgit -wgf --baredebian \
	    quilt-fixup >../out 2>&1) &&
	test_grep "contradicts clean mode git-ff" bperl/out &&
	test_grep "contradicts clean mode git-ff" b/out
'

test_expect_success 'baredebian with no upstream tag: dgit'"'"'s "Could not determine appropriate upstream commitish"' '
	test_need_cmd /usr/bin/dgit &&
	new_repo t --skip-patches &&
	(cd t/hello && git rm -q -r --cached . >/dev/null &&
	 git add debian && git commit -q -m "debian/ alone") &&
	cp -r t tperl &&
	(cd t/hello && test_must_fail "$DGIT" -wn --baredebian quilt-fixup \
	    >../out 2>&1) &&
	(cd tperl/hello && test_must_fail /usr/bin/dgit -wn --baredebian \
	    quilt-fixup >../out 2>&1) &&
	test_grep "Could not determine appropriate upstream commitish" tperl/out &&
	test_grep "Could not determine appropriate upstream commitish" t/out &&
	test_grep "1.0 v1.0 upstream/1.0" t/out
'

test_done
