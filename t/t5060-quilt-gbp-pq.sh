#!/bin/sh
test_description='quilt fixup, gbp and unapplied views: the patch commits are made by the user'"'"'s --gbp-pq, as Perl dgit makes them'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test_need_cmd dpkg-source
test_need_cmd gbp
PERL_DGIT=/usr/bin/dgit
test -x "$PERL_DGIT" || test_skip "Perl dgit ($PERL_DGIT) is not installed"

# state DIR FILE: the refs (less dgit's cache), HEAD, status and what is
# in the git directory, for checks that a failure changed nothing.
state() {
	{
		git -C "$1" for-each-ref --format="%(refname) %(objectname)" |
		    grep -v "^refs/dgit-intern/"
		git -C "$1" rev-parse HEAD
		git -C "$1" status --porcelain
		ls -a "$1/.git"
	} >"$2"
}

# bin/my-gbp-pq: logs its arguments to $GBP_PQ_LOG, then runs gbp pq.
# bin/bad-gbp-pq: gbp pq import, then a commit changing an upstream file.
test_expect_success 'set up: two gbp pq wrappers in PATH' '
	mkdir bin &&
	cat >bin/my-gbp-pq <<-\EOF &&
	#!/bin/sh
	echo "$*" >>"$GBP_PQ_LOG"
	exec gbp pq "$@"
	EOF
	cat >bin/bad-gbp-pq <<-\EOF &&
	#!/bin/sh
	gbp pq "$@" || exit 1
	echo "not from a patch" >>README &&
	git commit -q -a -m "not from a patch"
	EOF
	chmod +x bin/my-gbp-pq bin/bad-gbp-pq
'
PATH="$TRASH_DIRECTORY/bin:$PATH"
export PATH

test_expect_success '--gbp-pq: ours runs "COMMAND import" as Perl dgit does; the same dgit view' '
	gbp_repo o &&
	cp -r o p &&
	(cd o/hello && GBP_PQ_LOG=$TRASH_DIRECTORY/o/log "$DGIT" --quilt=gbp \
	    "--gbp-pq=my-gbp-pq --color=off" quilt-fixup \
	    --dgit-view-save=ours >../out 2>&1) &&
	(cd p/hello && GBP_PQ_LOG=$TRASH_DIRECTORY/p/log "$PERL_DGIT" \
	    --quilt=gbp "--gbp-pq=my-gbp-pq --color=off" \
	    --dgit-view-save=theirs quilt-fixup >../out 2>&1) &&
	echo "--color=off import" >expect &&
	test_cmp expect p/log &&
	test_cmp p/log o/log &&
	test "$(git -C o/hello rev-parse ours)" = \
	    "$(git -C p/hello rev-parse theirs)" &&
	test "$(git -C o/hello rev-list --count HEAD..ours)" = 4 &&
	test "$(git -C o/hello symbolic-ref HEAD)" = refs/heads/master &&
	test "$(git -C o/hello status --porcelain)" = "" &&
	! ls o/hello/.git | grep gbp
'

test_expect_success '--quilt=unapplied runs it too, as Perl dgit does' '
	gbp_repo u &&
	cp -r u pu &&
	(cd u/hello && GBP_PQ_LOG=$TRASH_DIRECTORY/u/log "$DGIT" \
	    --quilt=unapplied --gbp-pq=my-gbp-pq quilt-fixup \
	    --dgit-view-save=ours >../out 2>&1) &&
	(cd pu/hello && GBP_PQ_LOG=$TRASH_DIRECTORY/pu/log "$PERL_DGIT" \
	    --quilt=unapplied --gbp-pq=my-gbp-pq \
	    --dgit-view-save=theirs quilt-fixup >../out 2>&1) &&
	test_cmp pu/log u/log &&
	test "$(git -C u/hello rev-parse ours)" = \
	    "$(git -C pu/hello rev-parse theirs)"
'

test_expect_success 'a --gbp-pq that is not installed: refused as by Perl dgit, nothing changed' '
	gbp_repo n &&
	cp -r n pn &&
	state n/hello before &&
	(cd n/hello && test_must_fail "$DGIT" --quilt=gbp \
	    --gbp-pq=no-such-command-gbp quilt-fixup \
	    --dgit-view-save=ours) >out 2>err &&
	test_grep "no-such-command-gbp" err &&
	test_grep "gbp-pq" err &&
	state n/hello after &&
	test_cmp before after &&
	(cd pn/hello && test_must_fail "$PERL_DGIT" --quilt=gbp \
	    --gbp-pq=no-such-command-gbp --dgit-view-save=theirs \
	    quilt-fixup) >pout 2>&1 &&
	test_grep "no-such-command-gbp" pout
'

test_expect_success 'the cached dgit view needs no gbp pq, as with Perl dgit' '
	(cd o/hello && "$DGIT" --quilt=gbp --gbp-pq=no-such-command-gbp \
	    quilt-fixup --dgit-view-save=again >../out2 2>&1) &&
	test "$(git -C o/hello rev-parse again)" = \
	    "$(git -C o/hello rev-parse ours)" &&
	(cd p/hello && git reset -q --hard && git clean -q -f -d -x &&
	 "$PERL_DGIT" --quilt=gbp \
	    --gbp-pq=no-such-command-gbp --dgit-view-save=again \
	    quilt-fixup >../out2 2>&1) &&
	test "$(git -C p/hello rev-parse again)" = \
	    "$(git -C p/hello rev-parse theirs)"
'

test_expect_success 'a gbp pq whose result is not the patched origs is refused, nothing changed' '
	gbp_repo b &&
	state b/hello before &&
	(cd b/hello && test_must_fail "$DGIT" --quilt=gbp \
	    --gbp-pq=bad-gbp-pq quilt-fixup --dgit-view-save=ours) \
	    >out 2>err &&
	test_grep "gbp-pq import and dpkg-source disagree" err &&
	state b/hello after &&
	test_cmp before after
'

test_expect_success 'the patches-applied dpm mode runs no gbp pq' '
	dsc=$(fixture_built hello-1) &&
	mkdir d && cp "$(dirname "$dsc")"/hello_1.0.orig.tar.gz* d/ &&
	dpkg-source --no-check -x "$dsc" d/hello >/dev/null 2>&1 &&
	rm -rf d/hello/.pc &&
	(cd d/hello && git init -q -b master &&
	 git config user.name "A Tester" &&
	 git config user.email tester@example.org &&
	 git add -A && git commit -q -m import &&
	 "$DGIT" --quilt=dpm --gbp-pq=no-such-command-gbp quilt-fixup \
	    >../out 2>&1)
'

test_done
