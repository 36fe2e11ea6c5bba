#!/bin/sh
test_description='push-source --force-uploading-old-version, --force-reusing-version, --deliberately-fresh-repo: refused without them, nothing signed or pushed'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-localarchive.sh"

SERVER="$LA/git/newnative.git"

# refuse DIR MSG ARGS...: push-source ARGS in DIR fails with MSG and
# changes nothing anywhere
refuse() {
	dir=$1 msg=$2 && shift 2 &&
	la_snapshot "$dir" before &&
	(cd "$dir" && test_must_fail "$DGIT" -d local push-source "$@") 2>err &&
	test_grep "$msg" err &&
	la_snapshot "$dir" after &&
	test_cmp before after
}

test_expect_success 'a local archive with newnative 3.1, and a clone of it' '
	la_init >/dev/null &&
	mkdir w && cp -a "$FIXTURES_DIR/newnative/tree" w/newnative &&
	(cd w/newnative && git init -q && git add -A &&
	 git commit -q -m "newnative as the maintainer has it" &&
	 "$DGIT" -d local push-source --new) >out 2>err &&
	test "$(sources_version newnative)" = 3.1 &&
	mkdir c && (cd c && "$DGIT" -d local clone newnative sid) >/dev/null 2>&1
'

test_expect_success 'an older version is refused without --force-uploading-old-version' '
	(cd c/newnative &&
	 echo older >>README && git commit -q -a -m older &&
	 dch -b -v 3.0.1 -D unstable --force-distribution "Older." &&
	 git commit -q -a -m 3.0.1) &&
	refuse c/newnative "you seem to be trying to push an old version" &&
	test_grep "force-uploading-old-version" err &&
	test -z "$(git -C c/newnative tag -l "*3.0.1*")"
'

test_expect_success '--force-uploading-old-version: the older version is tagged and signed (-L)' '
	(cd c/newnative && "$DGIT" -d local -L push-source \
	    --force-uploading-old-version) >out 2>err &&
	git -C c/newnative verify-tag archive/local/3.0.1 2>/dev/null &&
	test "$(git -C c/newnative rev-parse archive/local/3.0.1^{commit})" = \
	    "$(git -C c/newnative rev-parse HEAD)" &&
	gpgv --keyring "$UPLOADER_KEYRING" c/newnative_3.0.1.dsc 2>/dev/null &&
	test "$(sources_version newnative)" = 3.1 &&
	git -C c/newnative tag -d archive/local/3.0.1 local/3.0.1 >/dev/null &&
	git -C c/newnative reset -q --hard refs/remotes/dgit/dgit/sid
'

test_expect_success 'a version tagged before (-L) for another commit: refused without --force-reusing-version' '
	(cd c/newnative &&
	 dch -v 3.2 -D unstable --force-distribution "Second." &&
	 git commit -q -a -m 3.2 &&
	 "$DGIT" -d local -L push-source) >out 2>err &&
	old=$(git -C c/newnative rev-parse archive/local/3.2) &&
	(cd c/newnative && echo after >>README && git commit -q -a -m after) &&
	refuse c/newnative "tag .archive/local/3.2. already exists and is not the one this push makes" &&
	test "$(git -C c/newnative rev-parse archive/local/3.2)" = "$old"
'

test_expect_success '--force-reusing-version: the tags are made again for HEAD and the push completes' '
	old=$(git -C c/newnative rev-parse archive/local/3.2) &&
	(cd c/newnative && "$DGIT" -d local push-source \
	    --force-reusing-version) >out 2>err &&
	test_grep "will be replaced" err &&
	head=$(git -C c/newnative rev-parse HEAD) &&
	test "$(git -C c/newnative rev-parse archive/local/3.2)" != "$old" &&
	test "$(git -C c/newnative rev-parse archive/local/3.2^{commit})" = "$head" &&
	test "$(git -C c/newnative rev-parse local/3.2^{commit})" = "$head" &&
	git -C c/newnative verify-tag archive/local/3.2 2>/dev/null &&
	test "$(git --git-dir="$SERVER" rev-parse archive/local/3.2^{commit})" = "$head" &&
	test "$(sources_version newnative)" = 3.2 &&
	grep "^Dgit: $head " "$LA/public/pool/main/n/newnative/newnative_3.2.dsc"
'

test_expect_success 'history not descended from the archive'"'"'s is refused without --deliberately-fresh-repo' '
	(cd c/newnative &&
	 git checkout -q -b fresh "$(git commit-tree -m "start afresh" HEAD^{tree})" &&
	 dch -v 3.3 -D unstable --force-distribution "Afresh." &&
	 git commit -q -a -m 3.3) &&
	refuse c/newnative "not a descendant" &&
	test -z "$(git -C c/newnative tag -l "*3.3*")"
'

test_expect_success '--deliberately-fresh-repo: the tag says so, as dgit'"'"'s does (-L)' '
	(cd c/newnative && "$DGIT" -d local -L push-source \
	    --deliberately-fresh-repo) >out 2>err &&
	git -C c/newnative verify-tag archive/local/3.3 2>/dev/null &&
	git -C c/newnative cat-file tag archive/local/3.3 >tag &&
	test_grep "^\[dgit distro=local no-split --deliberately-fresh-repo\]\$" tag &&
	test "$(git -C c/newnative rev-parse archive/local/3.3^{commit})" = \
	    "$(git -C c/newnative rev-parse HEAD)"
'

test_expect_success 'push-source -C with a .changes that is not source-only is refused: nothing signed or pushed' '
	(cd c/newnative && git checkout -q dgit/sid &&
	 dch -v 3.4 -D unstable --force-distribution "Fourth." &&
	 git commit -q -a -m 3.4 &&
	 "$DGIT" -d local build-source) >out 2>err &&
	sed "/^Files:/a\\ 0123456789abcdef0123456789abcdef 100 devel optional newnative_3.4_all.deb" \
	    c/newnative_3.4_source.changes >c/newnative_3.4_multi.changes &&
	test_grep "newnative_3.4_all.deb" c/newnative_3.4_multi.changes &&
	refuse c/newnative "user-specified changes file is not source-only: .newnative_3.4_multi.changes. lists .newnative_3.4_all.deb." \
	    -C ../newnative_3.4_multi.changes
'

test_expect_success 'dgit -C DIR/X_source.changes push-source (the option before the command, as dgit takes it) uploads that build' '
	(cd c/newnative && "$DGIT" -d local -C ../newnative_3.4_source.changes \
	    push-source) >out 2>err &&
	test "$(sources_version newnative)" = 3.4 &&
	gpgv --keyring "$UPLOADER_KEYRING" c/newnative_3.4_source.changes 2>/dev/null &&
	test "$(git --git-dir="$SERVER" rev-parse refs/dgit/sid)" = \
	    "$(git -C c/newnative rev-parse HEAD)"
'

test_done
