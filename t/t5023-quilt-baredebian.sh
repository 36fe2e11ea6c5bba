#!/bin/sh
test_description='build-source, quilt-fixup: the baredebian quilt modes (debian/ alone on the branch)'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test_need_cmd dpkg-source
test_need_cmd dpkg-genchanges
test_need_cmd gbp

# new_repo DIR: hello 1.0-1 as a baredebian maintainer would keep it:
# the branch holds debian/ alone (its four patches), upstream is the tag
# upstream/1.0 (an orphan commit of the orig's files); origs beside it.
new_repo() {
	dsc=$(fixture_built hello-1) &&
	mkdir "$1" &&
	cp "$(dirname "$dsc")"/hello_1.0.orig.tar.gz* "$1/" &&
	dpkg-source --no-check --skip-patches -x "$dsc" "$1/src" >/dev/null 2>&1 &&
	rm -rf "$1/src/.pc" &&
	git init -q -b master "$1/hello" &&
	(cd "$1/hello" &&
	 git config user.name "A Tester" &&
	 git config user.email tester@example.org &&
	 git --work-tree=../src add -A . ":!debian" &&
	 GIT_AUTHOR_DATE="1500000000 +0000" GIT_COMMITTER_DATE="1500000000 +0000" \
	     git commit -q -m "upstream 1.0" &&
	 git tag upstream/1.0 &&
	 git checkout -q --orphan master-new && git rm -q -r --cached . &&
	 cp -r ../src/debian debian && git add debian &&
	 git commit -q -m "debian/ for 1.0-1" &&
	 git branch -q -M master &&
	 git clean -q -fdx) &&
	rm -rf "$1/src"
}

# bare_change DIR: one more patch in debian/patches (a new file), as a
# baredebian maintainer adds them
bare_change() {
	(cd "$1/hello" &&
	 printf '%s\n' "From: A Tester <tester@example.org>" \
	     "Subject: Add an EXTRA file" "" "---" "--- /dev/null" \
	     "+++ b/EXTRA" "@@ -0,0 +1 @@" "+extra" \
	     >debian/patches/extra.patch &&
	 echo extra.patch >>debian/patches/series &&
	 git add debian/patches && git commit -q -m "Patch: an EXTRA file")
}

test_expect_success 'baredebian: the .dsc is the merged dgit view; HEAD is unchanged' '
	new_repo b &&
	git -C b/hello rev-parse HEAD >b/before &&
	(cd b/hello && "$DGIT" --quilt=baredebian --dgit-view-save=v \
	    build-source --no-check-archive >../out 2>../err) &&
	test_grep "^dgit ok: source package ../hello_1.0-1.dsc" b/out &&
	git -C b/hello rev-parse HEAD >b/after &&
	test_cmp b/before b/after &&
	test "$(git -C b/hello ls-tree --name-only HEAD)" = debian &&
	test "$(dsc_reference_tree b/hello_1.0-1.dsc)" = \
	    "$(git -C b/hello rev-parse v^{tree})" &&
	git -C b/hello rev-parse HEAD upstream/1.0 >b/want-parents &&
	git -C b/hello log --format=%P -1 --merges v | tr " " "\n" >b/parents &&
	test_cmp b/want-parents b/parents &&
	git -C b/hello diff --quiet HEAD v -- debian
'

# view_log DIR BRANCH: the dgit view's commits beside HEAD, ids and the
# dgit version left out (ours is not Perl dgit'"'"'s)
view_log() {
	git -C "$1/hello" log --topo-order \
	    --format="%an <%ae> %ad%n%cn <%ce> %cd%n%T%n%B" HEAD.."$2" |
	sed "s/^\[dgit ([^)]*) /[dgit (V) /"
}

test_expect_success 'baredebian: the dgit view is the one Perl dgit makes' '
	test_need_cmd /usr/bin/dgit &&
	new_repo p &&
	bare_change p &&
	cp -r p perl &&
	(cd p/hello && "$DGIT" --quilt=baredebian quilt-fixup \
	    --dgit-view-save=ours >../out 2>&1) &&
	(cd perl/hello && /usr/bin/dgit --quilt=baredebian \
	    --dgit-view-save=theirs quilt-fixup >../out 2>&1) &&
	test "$(git -C p/hello rev-parse HEAD)" = \
	    "$(git -C perl/hello rev-parse HEAD)" &&
	view_log p ours >p/log &&
	view_log perl theirs >perl/log &&
	test_cmp perl/log p/log &&
	test_grep "baredebian-merge 1.0-1 upstream/1.0" p/log
'

test_expect_success 'baredebian+git and --upstream-commitish: the same view' '
	new_repo g &&
	(cd g/hello && git branch up upstream/1.0 &&
	 "$DGIT" --quilt=baredebian quilt-fixup --dgit-view-save=a &&
	 "$DGIT" --quilt=baredebian+git --upstream-commitish=up quilt-fixup \
	     --dgit-view-save=b >../out 2>&1) &&
	test "$(git -C g/hello rev-parse a^{tree})" = \
	    "$(git -C g/hello rev-parse b^{tree})" &&
	git -C g/hello log -1 --format=%B --merges b >g/msg &&
	test_grep "baredebian-merge 1.0-1 up\]" g/msg &&
	test_grep "^using specified upstream commitish" g/msg &&
	git -C g/hello log -1 --format=%B --merges a >g/msga &&
	test_grep "^using upstream from git tag upstream/1.0" g/msga
'

test_expect_success 'baredebian: Perl dgit and we agree with --upstream-commitish' '
	test_need_cmd /usr/bin/dgit &&
	new_repo pu &&
	git -C pu/hello branch up upstream/1.0 &&
	cp -r pu perlu &&
	(cd pu/hello && "$DGIT" --quilt=baredebian --upstream-commitish=up \
	    quilt-fixup --dgit-view-save=ours >../out 2>&1) &&
	(cd perlu/hello && /usr/bin/dgit --quilt=baredebian \
	    --upstream-commitish=up --dgit-view-save=theirs quilt-fixup \
	    >../out 2>&1) &&
	view_log pu ours >pu/log &&
	view_log perlu theirs >perlu/log &&
	test_cmp perlu/log pu/log
'

test_expect_success 'baredebian+tarball: upstream from the orig; the same view as Perl dgit' '
	test_need_cmd /usr/bin/dgit &&
	new_repo t &&
	git -C t/hello tag -d upstream/1.0 >/dev/null &&
	cp -r t perlt &&
	(cd t/hello && "$DGIT" --quilt=baredebian+tarball \
	    --dgit-view-save=ours build-source --no-check-archive >../out 2>&1) &&
	test "$(dsc_reference_tree t/hello_1.0-1.dsc)" = \
	    "$(git -C t/hello rev-parse ours^{tree})" &&
	(cd perlt/hello && /usr/bin/dgit --quilt=baredebian+tarball \
	    --dgit-view-save=theirs quilt-fixup >../out 2>&1) &&
	view_log t ours >t/log &&
	view_log perlt theirs >perlt/log &&
	test_cmp perlt/log t/log &&
	test_grep "baredebian-merge 1.0-1 \*orig\*" t/log
'

test_expect_success 'baredebian: no upstream tag is refused, naming the tags tried' '
	new_repo n &&
	git -C n/hello tag -d upstream/1.0 >/dev/null &&
	(cd n/hello && test_must_fail "$DGIT" --quilt=baredebian build-source --no-check-archive \
	    2>../err) &&
	test_grep "upstream/1.0" n/err &&
	test_grep "upstream-commitish" n/err &&
	test_path_is_missing n/hello_1.0-1.dsc
'

test_expect_success 'baredebian: an upstream commit that is not the orig is refused' '
	new_repo d &&
	(cd d/hello && git checkout -q -b other upstream/1.0 &&
	 echo changed >>Makefile && git commit -q -a -m "not the orig" &&
	 git checkout -q master &&
	 test_must_fail "$DGIT" --quilt=baredebian --upstream-commitish=other \
	     build-source --no-check-archive 2>../err) &&
	test_grep "differs from the orig" d/err &&
	test_grep "Makefile" d/err &&
	test_path_is_missing d/hello_1.0-1.dsc
'

test_expect_success '--upstream-commitish is refused with other quilt modes' '
	new_repo u &&
	(cd u/hello && test_must_fail "$DGIT" --quilt=gbp \
	    --upstream-commitish=upstream/1.0 quilt-fixup 2>../err1 &&
	 test_must_fail "$DGIT" --quilt=baredebian+tarball \
	    --upstream-commitish=upstream/1.0 quilt-fixup 2>../err2) &&
	test_grep "only makes sense with --quilt=baredebian" u/err1 &&
	test_grep "only makes sense with --quilt=baredebian" u/err2
'

test_expect_success 'baredebian with a git clean mode is refused' '
	new_repo c &&
	(cd c/hello && test_must_fail "$DGIT" --quilt=baredebian -wgf clean \
	    2>../err) &&
	test_grep "baredebian" c/err &&
	test -d c/hello/debian
'

test_done
