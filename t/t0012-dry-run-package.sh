#!/bin/sh
test_description='-n/--dry-run changes nothing or is refused (exit 8); -L; -p PACKAGE in an empty repository; update-vcs-git'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test_expect_success 'set up the archive' '
	archive_standard archive
'
MIRROR="file://$TRASH_DIRECTORY/archive"

# refs and files of repository DIR and its parent
snapshot() {
	git -C "$1" for-each-ref --format="%(refname) %(objectname)" &&
	git -C "$1" symbolic-ref HEAD &&
	git -C "$1" status --porcelain &&
	ls -A "$1/.." "$1/.git/objects"
}

test_expect_success '-p PACKAGE: fetch into an empty repository' '
	mkdir e && git init -q e/hello &&
	(cd e/hello && d -p hello fetch bookworm >../../out) &&
	test_grep "^dgit ok: fetched hello 1.0-1 from bookworm" out &&
	git -C e/hello rev-parse --verify refs/remotes/dgit/dgit/bookworm &&
	ls e/hello_1.0.orig.tar.gz &&
	(cd e/hello && d --package=hello checkout bookworm) &&
	test "$(git -C e/hello symbolic-ref HEAD)" = refs/heads/dgit/bookworm &&
	test -f e/hello/debian/changelog
'

test_expect_success '-p: a bad package name is a usage error' '
	test_expect_code 8 "$DGIT" -p ../x fetch sid 2>err &&
	test_grep "bad package name" err
'

test_expect_success 'download-source -n writes no file' '
	mkdir dl &&
	d -n download-source --dir dl hello sid >out &&
	test_grep "^dgit: dry run: would download hello 1.0-2 from sid" out &&
	test "$(ls -A dl)" = ""
'

test_expect_success 'fetch -n and pull -n say what they would fetch, change nothing' '
	mkdir c && (cd c && d clone hello bookworm) &&
	archive_add_fixture archive bookworm hello-2 &&
	archive_update archive bookworm &&
	snapshot c/hello >before &&
	(cd c/hello && d -n fetch >../../out) &&
	test_grep "would fetch hello 1.0-2 from bookworm" out &&
	(cd c/hello && d --dry-run pull >../../out) &&
	test_grep "would fetch hello 1.0-2 from bookworm" out &&
	snapshot c/hello >after &&
	test_cmp before after
'

test_expect_success 'fetch -L is a real fetch (nothing is signed or published)' '
	(cd c/hello && d -L fetch >../../out) &&
	test_grep "^dgit ok: fetched hello 1.0-2" out
'

test_expect_success 'checkout -n does not switch branch' '
	snapshot c/hello >before &&
	(cd c/hello && d -n checkout sid >../../out) &&
	test_grep "dry run: would fetch hello 1.0-2 from sid" out &&
	test_grep "would then create dgit/sid" out &&
	(cd c/hello && d -n checkout bookworm >../../out) &&
	test_grep "would switch to dgit/bookworm" out &&
	snapshot c/hello >after &&
	test_cmp before after
'

test_expect_success 'commands that cannot go through the motions refuse -n (exit 8)' '
	mkdir n && (cd n && test_expect_code 8 d -n clone hello sid 2>../err) &&
	test "$(ls -A n)" = "" &&
	for c in import-dsc build-source quilt-fixup setup-new-tree \
	    update-vcs-git; do
		(cd c/hello && test_expect_code 8 d -n $c 2>../../err) &&
		test_grep "not supported by $c" err || return 1
	done &&
	snapshot c/hello >after2 &&
	test_cmp after after2
'

test_expect_success 'fetch with nothing new still ends with dgit ok' '
	(cd c/hello && d fetch >../../out 2>../../err) &&
	test_grep "^dgit ok: hello 1.0-2 from bookworm is already in" out
'

test_expect_success 'pull with nothing to merge says so' '
	(cd c/hello && d pull >../../out 2>../../err) &&
	test_grep "merged into HEAD" out &&
	(cd c/hello && d pull >../../out 2>../../err) &&
	test_grep "nothing to merge" out &&
	! test_grep "merged into" out >/dev/null
'

test_expect_success 'update-vcs-git .: the remote from debian/control, as Perl dgit' '
	git init -q --bare upstream.git &&
	git -C c/hello push -q ../../upstream.git HEAD:refs/heads/main &&
	for r in mine perl; do
		git clone -q upstream.git $r &&
		(cd $r && sed -i "/^Source:/a Vcs-Git: file://$TRASH_DIRECTORY/upstream.git -b main [sub]" \
		    debian/control) || return 1
	done &&
	(cd mine && "$DGIT" update-vcs-git . >../out 2>../err) &&
	test_grep "^setting up vcs-git: file://$TRASH_DIRECTORY/upstream.git\$" err &&
	test_grep "^fetching ()" out &&
	git -C mine rev-parse --verify refs/remotes/vcs-git/main &&
	if [ -x /usr/bin/dgit ]; then
		(cd perl && /usr/bin/dgit update-vcs-git . >../perl-out 2>../perl-err) &&
		git -C mine config --get-regexp "^remote\.vcs-git" >actual &&
		git -C perl config --get-regexp "^remote\.vcs-git" >expect &&
		test_cmp expect actual
	fi &&
	(cd mine && "$DGIT" update-vcs-git . - 2>../err) &&
	test_grep "^vcs git unchanged" err
'

test_expect_success 'update-vcs-git SUITE: the archive .dsc has no Vcs-Git' '
	(cd c/hello && test_expect_code 255 d update-vcs-git sid 2>../../err) &&
	test_grep "no Vcs-Git field" err &&
	test_must_fail git -C c/hello config remote.vcs-git.url &&
	test "$(ls -A c/hello/.git | grep -c dgit-vcs-git)" = 0
'

# script(1) gives the program a terminal; \e[K is for terminals that
# know it, and TERM=dumb is one that does not
test_expect_success 'no \\e[K line clearing with TERM=dumb' '
	command -v script >/dev/null || { say "no script(1)"; return 0; }
	esc=$(printf "\033") &&
	TERM=dumb script -qec "$DGIT -c dgit-distro.debian.mirror=$MIRROR \
	    -c dgit-distro.debian.archive-keyring=$ARCHIVE_KEYRING \
	    -c dgit-distro.debian.keyring=$UPLOADER_KEYRING \
	    -c dgit-distro.debian.git-check=false clone --no-cache hello sid \
	    ./dumb" typescript-dumb >/dev/null &&
	test -d dumb &&
	! grep "$esc\[K" typescript-dumb &&
	TERM=xterm script -qec "$DGIT -c dgit-distro.debian.mirror=$MIRROR \
	    -c dgit-distro.debian.archive-keyring=$ARCHIVE_KEYRING \
	    -c dgit-distro.debian.keyring=$UPLOADER_KEYRING \
	    -c dgit-distro.debian.git-check=false clone --no-cache hello sid \
	    ./xterm" typescript-xterm >/dev/null &&
	grep "$esc\[K" typescript-xterm >/dev/null
'

test_done
