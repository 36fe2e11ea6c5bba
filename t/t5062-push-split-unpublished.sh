#!/bin/sh
test_description='push with a split dgit view on top of a dgit push the archive has not published: the pseudo-merge is made from it, as Perl dgit makes it'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-localarchive.sh"

test_need_cmd dpkg-source

# change DIR VERSION: an upstream change and a changelog entry, committed.
change() {
	(cd "$1" &&
	 echo "change for $2" >>README &&
	 git commit -q -a -m "README for $2" &&
	 dch -v "$2" -D unstable --force-distribution "Change $2." &&
	 git commit -q -a -m "$2")
}

test_expect_success 'set up: hello 1.0-2 pushed with --split-view=always' '
	la_init >/dev/null &&
	dsc_tree hello-1 q &&
	change q/hello 1.0-2 &&
	(cd q/hello && "$DGIT" -d local --split-view=always push-source --new) \
	    >out 2>err &&
	test "$(sources_version hello)" = 1.0-2
'

test_expect_success '1.0-3 pushed to the git server, its upload not done' '
	change q/hello 1.0-3 &&
	(cd q/hello && test_must_fail "$DGIT" -d local --split-view=always \
	    --dput=false push-source) >out 2>err &&
	test "$(sources_version hello)" = 1.0-2 &&
	git --git-dir="$LA/git/hello.git" rev-parse refs/dgit/sid >view3 &&
	git --git-dir="$LA/git/hello.git" rev-parse \
	    "archive/local/1.0-3^{commit}" >tag3 &&
	test_cmp tag3 view3 &&
	! git -C q/hello merge-base --is-ancestor "$(cat view3)" HEAD
'

# The expected pseudo-merge is Perl dgit's (splitbrain_pseudomerge and
# pseudomerge_hash_commit in /usr/bin/dgit; the conformance suite's
# forcesplit-linear runs the same case): tree of the new dgit view,
# first parent the new dgit view, second the previous push's dgit view
# (the archive's version as git has it), message "Make fast forward from
# VERSION" and "[dgit --quilt=MODE]".
test_expect_success '1.0-4: made fast forward from the pushed 1.0-3, as Perl dgit makes it' '
	change q/hello 1.0-4 &&
	(cd q/hello && "$DGIT" -d local --split-view=always \
	    --dgit-view-save=our-view push-source) >out 2>err &&
	test "$(sources_version hello)" = 1.0-4 &&
	view=$(git --git-dir="$LA/git/hello.git" rev-parse refs/dgit/sid) &&
	test "$view" = "$(git -C q/hello rev-parse our-view)" &&
	test "$(git -C q/hello rev-parse our-view^2)" = "$(cat view3)" &&
	git -C q/hello log -1 --format=%B our-view >ours &&
	printf "Make fast forward from 1.0-3\n\n[dgit --quilt=linear]\n\n" >expect &&
	test_cmp expect ours &&
	test "$(git -C q/hello rev-parse our-view^{tree})" = \
	    "$(git -C q/hello rev-parse our-view^1^{tree})" &&
	test "$(git -C q/hello rev-parse our-view^{tree})" = \
	    "$(dsc_reference_tree q/hello_1.0-4.dsc)" &&
	git -C q/hello merge-base --is-ancestor HEAD our-view^1
'

test_done
