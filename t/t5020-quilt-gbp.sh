#!/bin/sh
test_description='build-source, quilt-fixup: the splitting quilt modes (gbp, unapplied, dpm)'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test_need_cmd dpkg-source
test_need_cmd dpkg-genchanges
test_need_cmd gbp

# gbp_change DIR: with gbp pq, a commit changing an upstream file made
# into a new patch, and a commit changing debian/ only.
gbp_change() {
	(cd "$1/hello" &&
	 gbp pq import >/dev/null 2>&1 &&
	 echo "a new line" >>README &&
	 git commit -q -a -m "Add a line to README" &&
	 gbp pq export >/dev/null 2>&1 &&
	 git add debian/patches && git commit -q -m "Patch: a line in README" &&
	 echo "# a comment" >>debian/rules &&
	 git commit -q -a -m "debian/rules: a comment")
}

test_expect_success 'gbp: the .dsc is the dgit view, the branch is unchanged' '
	gbp_repo g &&
	gbp_change g &&
	git -C g/hello rev-parse HEAD >g/before &&
	test "$(git -C g/hello status --porcelain)" = "" &&
	(cd g/hello && "$DGIT" --quilt=gbp --dgit-view-save=dgit-view \
	    build-source --no-check-archive >../out 2>../err) &&
	test_grep "^dgit ok: source package ../hello_1.0-1.dsc" g/out &&
	git -C g/hello rev-parse HEAD >g/after &&
	test_cmp g/before g/after &&
	test "$(git -C g/hello status --porcelain)" = "" &&
	test "$(dsc_reference_tree g/hello_1.0-1.dsc)" = \
	    "$(git -C g/hello rev-parse dgit-view^{tree})" &&
	test "$(git -C g/hello rev-list --count HEAD..dgit-view)" = 5 &&
	git -C g/hello merge-base --is-ancestor HEAD dgit-view &&
	git -C g/hello diff --quiet HEAD dgit-view -- debian
'

test_expect_success 'gbp: the dgit view is the one Perl dgit makes' '
	test_need_cmd /usr/bin/dgit &&
	gbp_repo p &&
	gbp_change p &&
	cp -r p perl &&
	(cd p/hello && "$DGIT" --quilt=gbp quilt-fixup --dgit-view-save=ours \
	    >../out 2>&1) &&
	(cd perl/hello && /usr/bin/dgit --quilt=gbp --dgit-view-save=theirs \
	    quilt-fixup >../out 2>&1) &&
	git -C p/hello rev-parse HEAD >p/head &&
	git -C perl/hello rev-parse HEAD >perl/head &&
	test_cmp p/head perl/head &&
	test "$(git -C p/hello rev-parse ours^{tree})" = \
	    "$(git -C perl/hello rev-parse theirs^{tree})" &&
	git -C p/hello log --format="%an <%ae> %ad%n%cn <%ce> %cd%n%B" \
	    HEAD..ours >p/log &&
	git -C perl/hello log --format="%an <%ae> %ad%n%cn <%ce> %cd%n%B" \
	    HEAD..theirs >perl/log &&
	test_cmp perl/log p/log &&
	git -C p/hello rev-parse ours >p/view &&
	git -C perl/hello rev-parse theirs >perl/view &&
	test_cmp perl/view p/view &&
	test_grep "creating patches-applied version using gbp pq" perl/out
'

test_expect_success '--quilt=unapplied is the same dgit view' '
	gbp_repo u &&
	gbp_change u &&
	(cd u/hello && "$DGIT" --quilt=gbp quilt-fixup --dgit-view-save=a &&
	 "$DGIT" --quilt=unapplied quilt-fixup --dgit-view-save=b) &&
	test "$(git -C u/hello rev-parse a)" = "$(git -C u/hello rev-parse b)"
'

test_expect_success 'gbp: a change to an upstream file outside the patches is refused' '
	gbp_repo bad &&
	(cd bad/hello && echo stray >>Makefile &&
	 git commit -q -a -m "Stray upstream change" &&
	 git rev-parse HEAD >../before &&
	 test_must_fail "$DGIT" --quilt=gbp build-source --no-check-archive 2>../err) &&
	test_grep "patches-unapplied" bad/err &&
	test_grep "Makefile" bad/err &&
	test "$(git -C bad/hello rev-parse HEAD)" = "$(cat bad/before)" &&
	test_path_is_missing bad/hello_1.0-1.dsc
'

test_expect_success '--split-view=never refuses a splitting mode' '
	gbp_repo nv &&
	(cd nv/hello && test_must_fail "$DGIT" --quilt=gbp --split-view=never \
	    build-source --no-check-archive 2>../err) &&
	test_grep "split-view=never" nv/err &&
	test_path_is_missing nv/hello_1.0-1.dsc
'

test_expect_success '--include-dirty is refused with a split view' '
	gbp_repo id &&
	(cd id/hello && test_must_fail "$DGIT" --quilt=gbp --include-dirty \
	    build-source --no-check-archive 2>../err) &&
	test_grep "include-dirty" id/err
'

test_expect_success 'dpm: a patches-applied branch is its own dgit view' '
	gbp_repo d &&
	(cd d/hello && gbp pq import >/dev/null 2>&1 &&
	 git checkout -q -B master &&
	 git rev-parse HEAD >../before &&
	 "$DGIT" --quilt=dpm --dgit-view-save=v build-source --no-check-archive >../out) &&
	test "$(git -C d/hello rev-parse v)" = "$(cat d/before)" &&
	test "$(dsc_reference_tree d/hello_1.0-1.dsc)" = \
	    "$(git -C d/hello rev-parse HEAD^{tree})"
'

test_expect_success 'dpm: a branch whose patches do not say its changes is refused' '
	gbp_repo dbad &&
	(cd dbad/hello && test_must_fail "$DGIT" --quilt=dpm build-source --no-check-archive \
	    2>../err) &&
	test_grep "dpm" dbad/err &&
	test_path_is_missing dbad/hello_1.0-1.dsc
'

test_expect_success '--split-view=always: a linear fixup beside HEAD' '
	gbp_repo l &&
	(cd l/hello && gbp pq import >/dev/null 2>&1 &&
	 git checkout -q -B master && echo more >>README &&
	 git commit -q -a -m "More README" && git rev-parse HEAD >../before &&
	 "$DGIT" --split-view=always --dgit-view-save=v build-source --no-check-archive) &&
	test "$(git -C l/hello rev-parse HEAD)" = "$(cat l/before)" &&
	test "$(git -C l/hello rev-parse v^)" = "$(cat l/before)" &&
	test "$(dsc_reference_tree l/hello_1.0-1.dsc)" = \
	    "$(git -C l/hello rev-parse v^{tree})"
'

cache_log() {
	git -C "$1/hello" reflog show --format="%H %gs" \
	    refs/dgit-intern/quilt-cache
}

test_expect_success 'the split-view cache: recorded under dgit'"'"'s key, a second run hits it' '
	gbp_repo c &&
	gbp_change c &&
	(cd c/hello && "$DGIT" --quilt=gbp quilt-fixup --dgit-view-save=a) &&
	cache_log c >c/log1 &&
	test "$(wc -l <c/log1)" = 1 &&
	head=$(git -C c/hello rev-parse HEAD) &&
	view=$(git -C c/hello rev-parse a) &&
	test_grep "^$view dgit [^ ]* 1.0 gbp $head - [0-9a-f]\{64\}$" c/log1 &&
	(cd c/hello && "$DGIT" -D --quilt=gbp build-source --no-check-archive \
	    --dgit-view-save=b >../out 2>../err) &&
	test_grep "found cached" c/err &&
	test "$(git -C c/hello rev-parse b)" = "$view" &&
	cache_log c >c/log2 &&
	test_cmp c/log1 c/log2 &&
	test "$(dsc_reference_tree c/hello_1.0-1.dsc)" = \
	    "$(git -C c/hello rev-parse b^{tree})"
'

test_expect_success 'the split-view cache: what it holds is what is used' '
	key=$(cache_log c | cut -d" " -f2-) &&
	git -C c/hello update-ref -m "$key" refs/dgit-intern/quilt-cache HEAD &&
	(cd c/hello && "$DGIT" --quilt=gbp quilt-fixup --dgit-view-save=d) &&
	test "$(git -C c/hello rev-parse d)" = "$(git -C c/hello rev-parse HEAD)"
'

test_expect_success 'the split-view cache: another mode, HEAD or orig is a miss' '
	(cd c/hello && "$DGIT" --quilt=unapplied quilt-fixup \
	    --dgit-view-save=u) &&
	test "$(git -C c/hello rev-parse u)" = "$(git -C c/hello rev-parse a)" &&
	cache_log c >c/log3 &&
	test "$(wc -l <c/log3)" = 3 &&
	head -n 1 c/log3 | test_grep " unapplied " &&
	(cd c && gzip -dc hello_1.0.orig.tar.gz | gzip -1n >o.gz &&
	 mv o.gz hello_1.0.orig.tar.gz && cd hello &&
	 "$DGIT" --quilt=gbp quilt-fixup --dgit-view-save=e) &&
	test "$(git -C c/hello rev-parse e)" = "$(git -C c/hello rev-parse a)" &&
	cache_log c >c/log4 &&
	test "$(wc -l <c/log4)" = 4
'

test_done
