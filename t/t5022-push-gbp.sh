#!/bin/sh
test_description='push-source --quilt=gbp: the dgit view is pushed and tagged, the branch is unchanged'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-localarchive.sh"

test_need_cmd dpkg-source
test_need_cmd gbp

# unpack_pool PKG VERSION DIR: dpkg-source -x of the archive's .dsc
unpack_pool() {
	rm -rf "$3" &&
	dpkg-source -x "$LA/public/pool/main/h/$1/$1_$2.dsc" "$3" >/dev/null 2>&1 &&
	rm -rf "$3/.pc"
}

test_expect_success 'set up a local archive and a patches-unapplied hello 1.0-1' '
	la_init >/dev/null &&
	dsc_tree_unapplied hello-1 w
'

test_expect_success 'push-source --new --quilt=gbp: refs/dgit/sid and the archive tag are the dgit view' '
	head=$(git -C w/hello rev-parse HEAD) &&
	(cd w/hello && "$DGIT" -d local --quilt=gbp --dgit-view-save=v \
	    push-source --new) >out 2>err &&
	test "$(git -C w/hello rev-parse HEAD)" = "$head" &&
	test -z "$(git -C w/hello status --porcelain)" &&
	view=$(git -C w/hello rev-parse v) &&
	test "$view" != "$head" &&
	test "$(git -C w/hello rev-parse v~4)" = "$head" &&
	test "$(git --git-dir="$LA/git/hello.git" rev-parse refs/dgit/sid)" = "$view" &&
	test "$(git -C w/hello rev-parse archive/local/1.0-1^{commit})" = "$view" &&
	git -C w/hello cat-file tag archive/local/1.0-1 >tag &&
	test_grep "^\[dgit distro=local split --quilt=gbp\]\$" tag &&
	grep "^Dgit: $view local archive/local/1.0-1 " \
	    "$LA/public/pool/main/h/hello/hello_1.0-1.dsc" &&
	unpack_pool hello 1.0-1 x1 &&
	git init -q ref && cp -a x1/. ref/ && git -C ref add -A &&
	test "$(git -C ref write-tree)" = "$(git -C w/hello rev-parse v^{tree})"
'

test_expect_success 'a fresh clone gives the pushed dgit view' '
	mkdir c && (cd c && "$DGIT" -d local clone hello sid) >/dev/null 2>&1 &&
	test "$(git -C c/hello rev-parse HEAD)" = "$(git -C w/hello rev-parse v)"
'

test_expect_success 'a second gbp push: a HEAD not containing the pushed maintainer view is refused; --overwrite makes the pseudo-merge in the dgit view' '
	(cd w/hello &&
	 git checkout -q --orphan rewritten && git commit -q -m rewritten &&
	 dch -v 1.0-2 -D unstable --force-distribution "Again." &&
	 git commit -q -a -m 1.0-2) &&
	head=$(git -C w/hello rev-parse HEAD) &&
	(cd w/hello && test_must_fail "$DGIT" -d local --quilt=gbp \
	    push-source) >out 2>err &&
	test_grep "overwrite" err &&
	(cd w/hello && "$DGIT" -d local --quilt=gbp --dgit-view-save=v2 \
	    push-source --overwrite) >out 2>err &&
	test "$(git -C w/hello rev-parse HEAD)" = "$head" &&
	view=$(git -C w/hello rev-parse v2) &&
	test "$(git --git-dir="$LA/git/hello.git" rev-parse refs/dgit/sid)" = "$view" &&
	test "$(git -C w/hello rev-parse v2^2)" = "$(git -C w/hello rev-parse v)" &&
	git -C w/hello log -1 --format=%B v2 >msg &&
	test_grep "^Declare fast forward from 1.0-1" msg &&
	test_grep "^\[dgit --quilt=gbp --overwrite\]" msg
'

test_done
