#!/bin/sh
test_description='clone when the git server'"'"'s suite branch and the archive differ

The archive has newnative 3.1 without a Dgit: field; the dgit git
server'"'"'s refs/dgit/sid holds another version.  As dgit(7) and Debian'"'"'s
dgit fetch have it: a server branch of an older version is kept in the
history through "Record newnative (3.1) in archive suite sid", whose
tree is the archive'"'"'s (the server branch first, then the import); one of
a newer version is used as it is ("Version actually in archive: ...
(older)"); its version tags are created here.  A package only on
the server is fetched from there ("Package not found in the archive,
but has allegedly been pushed using dgit").'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

# server_branch DIR VERSION: a bare repository DIR/newnative whose
# refs/dgit/sid is the package'"'"'s tree with debian/changelog saying
# VERSION, tagged archive/debian/VERSION
server_branch () {
	git init -q --bare "$1/newnative" &&
	tree=$(dsc_reference_tree "$dsc" "$1/newnative/objects") &&
	printf "newnative (%s) unstable; urgency=medium\n\n  * Server.\n\n -- A Maintainer <maint@example.org>  Mon, 01 Jan 2024 00:00:00 +0000\n" \
	    "$2" >cl &&
	blob=$(git --git-dir="$1/newnative" hash-object -w cl) &&
	GIT_INDEX_FILE=$TRASH_DIRECTORY/idx git --git-dir="$1/newnative" \
	    read-tree "$tree" &&
	GIT_INDEX_FILE=$TRASH_DIRECTORY/idx git --git-dir="$1/newnative" \
	    update-index --cacheinfo "100644,$blob,debian/changelog" &&
	t2=$(GIT_INDEX_FILE=$TRASH_DIRECTORY/idx \
	    git --git-dir="$1/newnative" write-tree) &&
	c=$(echo "pushed $2" | git --git-dir="$1/newnative" commit-tree "$t2") &&
	git --git-dir="$1/newnative" update-ref refs/dgit/sid "$c" &&
	git --git-dir="$1/newnative" tag "archive/debian/$2" "$c" &&
	echo "$c" >"$1.commit"
}

test_expect_success 'set up the archive and two git servers' '
	dsc=$(fixture_built newnative) &&
	server_branch older 3.0 &&
	server_branch newer 3.9 &&
	archive_init archive && archive_add_suite archive sid unstable &&
	archive_add_suite archive experimental &&
	archive_add_dsc archive sid "$dsc" &&
	git --git-dir=older/newnative update-ref refs/dgit/experimental \
	    "$(cat older.commit)" &&
	archive_update archive &&
	httpd_start archive
'
MIRROR=$(httpd_url 2>/dev/null)

d() {
	"$DGIT" -c "dgit-distro.debian.archive-keyring=$ARCHIVE_KEYRING" \
	    -c "dgit-distro.debian.keyring=$UPLOADER_KEYRING" \
	    -c dgit-distro.debian.mirror=$MIRROR "$@"
}

test_expect_success 'an older server branch: recorded as an ancestor, the archive'"'"'s tree' '
	mkdir a && (cd a && d -c "dgit-distro.debian.git-url=file://$TRASH_DIRECTORY/older" \
	    clone newnative sid >../out 2>../err) &&
	git -C a/newnative log -1 --format=%s HEAD >subject &&
	echo "Record newnative (3.1) in archive suite sid" >expect &&
	test_cmp expect subject &&
	test "$(git -C a/newnative rev-parse HEAD^1)" = "$(cat older.commit)" &&
	test "$(git -C a/newnative rev-parse HEAD^{tree})" = \
	    "$(git -C a/newnative rev-parse HEAD^2^{tree})" &&
	dsc=$(fixture_built newnative) &&
	test "$(git -C a/newnative rev-parse HEAD^{tree})" = \
	    "$(dsc_reference_tree "$dsc")" &&
	test "$(git -C a/newnative rev-parse archive/debian/3.0)" = \
	    "$(cat older.commit)"
'

test_expect_success 'fetching again changes nothing' '
	git -C a/newnative rev-parse refs/remotes/dgit/dgit/sid >before &&
	(cd a/newnative && d -c "dgit-distro.debian.git-url=file://$TRASH_DIRECTORY/older" \
	    fetch sid >../../out 2>../../err) &&
	git -C a/newnative rev-parse refs/remotes/dgit/dgit/sid >after &&
	test_cmp before after
'

test_expect_success 'a newer server branch: used as it is, saying the archive is older' '
	mkdir b && (cd b && d -c "dgit-distro.debian.git-url=file://$TRASH_DIRECTORY/newer" \
	    clone newnative sid >../out 2>../err) &&
	test "$(git -C b/newnative rev-parse HEAD)" = "$(cat newer.commit)" &&
	test_grep "Version actually in archive:   3.1 (older)" err &&
	test_grep "Last version pushed with dgit: 3.9 (newer or same)" err
'

test_expect_success 'in git only: the server'"'"'s branch is what is fetched' '
	mkdir c && (cd c && d -c "dgit-distro.debian.git-url=file://$TRASH_DIRECTORY/older" \
	    clone newnative experimental >../out 2>../err) &&
	test "$(git -C c/newnative rev-parse HEAD)" = "$(cat older.commit)" &&
	test_grep "Package not found in the archive, but has allegedly been pushed using dgit" err
'

test_expect_success 'in neither: the package is not there (exit 4)' '
	mkdir e && (cd e && test_expect_code 4 d \
	    -c "dgit-distro.debian.git-url=file://$TRASH_DIRECTORY/newer" \
	    clone newnative experimental >../out 2>../err) &&
	test ! -e e/newnative
'

test_done
