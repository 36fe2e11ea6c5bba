#!/bin/sh
test_description='clone of a .dsc with a Dgit: field: the git server history is used only when reachable and its tree matches'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

# The source package newnative 3.1, re-signed with a Dgit: field naming a
# commit that a local "dgit git server" (a bare repository reached over
# file://) holds.  The commit is not what the import makes, but has the
# same tree, so using it is observable.
test_expect_success 'set up a git server and an archive with a Dgit: field' '
	dsc=$(fixture_built newnative) &&
	git init -q --bare server/newnative &&
	tree=$(dsc_reference_tree "$dsc" server/newnative/objects) &&
	commit=$(echo "maintainer history" |
	    git --git-dir=server/newnative commit-tree "$tree") &&
	git --git-dir=server/newnative update-ref refs/dgit/sid "$commit" &&
	git --git-dir=server/newnative tag archive/debian/3.1 "$commit" &&
	echo "$commit" >commit &&
	# a commit whose tree is not the package: must never be used
	git init -q --bare server-bad/newnative &&
	other=$(echo "wrong tree" | git --git-dir=server-bad/newnative \
	    commit-tree "$(git --git-dir=server-bad/newnative mktree </dev/null)") &&
	git --git-dir=server-bad/newnative update-ref refs/dgit/sid "$other" &&
	mkdir src-ok src-bad &&
	for v in ok bad; do
		c=$commit; [ $v = bad ] && c=$other
		cp "$(dirname "$dsc")"/newnative_3.1* src-$v/ &&
		gpg_archive --decrypt "$dsc" >src-$v/plain 2>/dev/null &&
		{ cat src-$v/plain &&
		  echo "Dgit: $c debian archive/debian/3.1 file://$TRASH_DIRECTORY/server/newnative"; } \
		    >src-$v/unsigned &&
		rm src-$v/newnative_3.1.dsc &&
		gpg_archive -u "$(key_fpr uploader)" --clearsign \
		    -o src-$v/newnative_3.1.dsc src-$v/unsigned || return 1
	done &&
	archive_init archive && archive_add_suite archive sid unstable &&
	archive_add_dsc archive sid src-ok/newnative_3.1.dsc &&
	archive_update archive &&
	archive_init archive-bad && archive_add_suite archive-bad sid unstable &&
	archive_add_dsc archive-bad sid src-bad/newnative_3.1.dsc &&
	archive_update archive-bad &&
	httpd_start archive
'
MIRROR=$(httpd_url 2>/dev/null)

d() {
	"$DGIT" -c "dgit-distro.debian.archive-keyring=$ARCHIVE_KEYRING" \
	    -c "dgit-distro.debian.keyring=$UPLOADER_KEYRING" "$@"
}

test_expect_success 'reachable server, matching tree: its commit is used' '
	mkdir a && (cd a && d -c dgit-distro.debian.mirror=$MIRROR \
	    -c "dgit-distro.debian.git-url=file://$TRASH_DIRECTORY/server" \
	    clone newnative sid >../out 2>../err) &&
	test "$(git -C a/newnative rev-parse HEAD)" = "$(cat commit)" &&
	test_grep "using the git history the Dgit: field names" err &&
	test -z "$(git -C a/newnative for-each-ref refs/dgit-fetch)"
'

test_expect_success 'unreachable server: synthesised from the .dsc, said in one line' '
	mkdir b && (cd b && d -c dgit-distro.debian.mirror=$MIRROR \
	    -c "dgit-distro.debian.git-url=file://$TRASH_DIRECTORY/nowhere" \
	    clone newnative sid >../out 2>../err) &&
	test "$(git -C b/newnative rev-parse HEAD)" != "$(cat commit)" &&
	test "$(git -C b/newnative rev-parse "HEAD^{tree}")" = \
	    "$(git -C a/newnative rev-parse "HEAD^{tree}")" &&
	test "$(grep -c "not using the Dgit: field" err)" = 1
'

test_expect_success 'git-check=false: the server is not asked' '
	mkdir c && (cd c && d -c dgit-distro.debian.mirror=$MIRROR \
	    -c "dgit-distro.debian.git-url=file://$TRASH_DIRECTORY/server" \
	    -c dgit-distro.debian.git-check=false \
	    clone newnative sid >../out 2>../err) &&
	test "$(git -C c/newnative rev-parse HEAD)" = \
	    "$(git -C b/newnative rev-parse HEAD)"
'

test_expect_success 'a Dgit: commit whose tree differs is refused' '
	httpd_stop && httpd_start archive-bad &&
	mkdir e && (cd e && d -c dgit-distro.debian.mirror=$(httpd_url) \
	    -c "dgit-distro.debian.git-url=file://$TRASH_DIRECTORY/server-bad" \
	    clone newnative sid >../out 2>../err) &&
	test_grep "differs from the source package" err &&
	test "$(git -C e/newnative rev-parse "HEAD^{tree}")" = \
	    "$(git -C a/newnative rev-parse "HEAD^{tree}")"
'

test_done
