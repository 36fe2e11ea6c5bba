#!/bin/sh
test_description='fetching from the dgit git server through URLs only git knows

The git server is reached through an ext:: URL (git-remote-ext: a
command speaking the git protocol on its stdin and stdout) and through
an ssh-style HOST:PATH URL with a stunt ssh on GIT_SSH, as Debian'"'"'s
dgit test suite does.  What dgit takes from the server (refs/dgit/sid,
the version tags) must be what `git fetch` itself gives for the same
remote, and nothing fetched may be left as a ref of its own.  dgit'"'"'s
git-check ("ssh-cmd") and the git host'"'"'s "divert NAME" answer
(dgit-ssh-dispatch'"'"'s) switch to the distro configured for NAME, with
dgit'"'"'s "diverting to NAME (using config for DISTRO/NAME)".'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"


# server_branch DIR VERSION: a bare repository DIR/newnative whose
# (DIR/newnative.git) refs/dgit/sid is the package's tree with debian/changelog saying
# VERSION, tagged archive/debian/VERSION (an annotated tag)
server_branch () {
	git init -q --bare "$1/newnative.git" &&
	tree=$(dsc_reference_tree "$dsc" "$1/newnative.git/objects") &&
	printf "newnative (%s) unstable; urgency=medium\n\n  * Server.\n\n -- A Maintainer <maint@example.org>  Mon, 01 Jan 2024 00:00:00 +0000\n" \
	    "$2" >cl &&
	blob=$(git --git-dir="$1/newnative.git" hash-object -w cl) &&
	GIT_INDEX_FILE=$TRASH_DIRECTORY/idx git --git-dir="$1/newnative.git" \
	    read-tree "$tree" &&
	GIT_INDEX_FILE=$TRASH_DIRECTORY/idx git --git-dir="$1/newnative.git" \
	    update-index --cacheinfo "100644,$blob,debian/changelog" &&
	t2=$(GIT_INDEX_FILE=$TRASH_DIRECTORY/idx \
	    git --git-dir="$1/newnative.git" write-tree) &&
	c=$(echo "pushed $2" | git --git-dir="$1/newnative.git" commit-tree "$t2") &&
	git --git-dir="$1/newnative.git" update-ref refs/dgit/sid "$c" &&
	git --git-dir="$1/newnative.git" -c user.name=T -c user.email=t@example.org \
	    tag -a -m "v$2" "archive/debian/$2" "$c" &&
	git --git-dir="$1/newnative.git" update-ref refs/heads/unrelated "$c" &&
	echo "$c" >"$1.commit"
}

test_expect_success 'set up the archive, the git server and a stunt ssh' '
	dsc=$(fixture_built newnative) &&
	server_branch srv 3.0 &&
	archive_init archive && archive_add_suite archive sid unstable &&
	archive_add_dsc archive sid "$dsc" &&
	archive_update archive &&
	httpd_start archive &&
	mkdir bin &&
	cat >bin/stunt-ssh <<-EOF &&
	#!/bin/sh
	# stunt-ssh HOST COMMAND...: COMMAND run here, as ssh would there
	echo "\$1" >>"$TRASH_DIRECTORY/ssh-hosts"
	shift
	exec sh -c "\$*"
	EOF
	chmod +x bin/stunt-ssh &&
	git config --global protocol.ext.allow always
'
MIRROR=$(httpd_url 2>/dev/null)
EXT="ext::$TRASH_DIRECTORY/bin/stunt-ssh githost %S $TRASH_DIRECTORY/srv"

d() {
	"$DGIT" -c "dgit-distro.debian.archive-keyring=$ARCHIVE_KEYRING" \
	    -c "dgit-distro.debian.keyring=$UPLOADER_KEYRING" \
	    -c dgit-distro.debian.mirror=$MIRROR "$@"
}

# fetched_ok DIR: the clone took from the server what git fetch gives
# for the same remote (the suite branch as an ancestor, the tag with its
# own object id), and kept no ref of its own fetching
fetched_ok () {
	r=$1/newnative &&
	git -C "$r" log -1 --format=%s HEAD >subject &&
	echo "Record newnative (3.1) in archive suite sid" >expect &&
	test_cmp expect subject &&
	test "$(git -C "$r" rev-parse HEAD^1)" = "$(cat srv.commit)" &&
	git init -q --bare plain-$1 &&
	git -C plain-$1 fetch -q "$2" \
	    "refs/tags/archive/debian/*:refs/tags/archive/debian/*" &&
	git -C plain-$1 show-ref --tags >want &&
	git -C "$r" show-ref --tags >got &&
	test_cmp want got &&
	git -C "$r" for-each-ref refs/dgit-fetch >leftover &&
	test ! -s leftover &&
	test_path_is_missing "$r/.git/refs/heads/unrelated"
}

test_expect_success 'an ext:: URL: the server branch and tags, as git fetch gives them' '
	mkdir a && (cd a && d -c "dgit-distro.debian.git-url=$EXT" \
	    clone newnative sid >../out 2>../err) &&
	fetched_ok a "$EXT/newnative.git" &&
	test_grep "^githost$" ssh-hosts
'

test_expect_success 'a HOST:PATH URL through the ssh on GIT_SSH' '
	rm -f ssh-hosts &&
	mkdir b && (cd b && GIT_SSH=$TRASH_DIRECTORY/bin/stunt-ssh \
	    d -c "dgit-distro.debian.git-url=otherhost:$TRASH_DIRECTORY/srv" \
	    clone newnative sid >../out 2>../err) &&
	GIT_SSH=$TRASH_DIRECTORY/bin/stunt-ssh \
	    fetched_ok b "otherhost:$TRASH_DIRECTORY/srv/newnative.git" &&
	test_grep "^otherhost$" ssh-hosts
'

test_expect_success 'fetch through the ext:: URL again: nothing changes, nothing is left' '
	git -C a/newnative rev-parse refs/remotes/dgit/dgit/sid >before &&
	(cd a/newnative && d -c "dgit-distro.debian.git-url=$EXT" \
	    fetch sid >../../out 2>../../err) &&
	git -C a/newnative rev-parse refs/remotes/dgit/dgit/sid >after &&
	test_cmp before after &&
	git -C a/newnative for-each-ref refs/dgit-fetch >leftover &&
	test ! -s leftover
'

test_expect_success 'a server the ext:: command cannot reach: the archive alone' '
	mkdir c && (cd c && d -c "dgit-distro.debian.git-url=ext::false %S x" \
	    clone newnative sid >../out 2>../err) &&
	dsc=$(fixture_built newnative) &&
	test "$(git -C c/newnative rev-parse HEAD^{tree})" = \
	    "$(dsc_reference_tree "$dsc")" &&
	test_must_fail git -C c/newnative rev-parse -q --verify HEAD^2 &&
	git -C c/newnative for-each-ref refs/tags refs/dgit-fetch >refs &&
	test ! -s refs
'

# The git host's answers to dgit's git-check rune, as dgit-ssh-dispatch
# gives them: "divert alt" for the distro debian, "1" otherwise.
test_expect_success 'git-check ssh-cmd answered "divert alt": the diverted distro is fetched from' '
	cat >bin/check-ssh <<-EOF &&
	#!/bin/sh
	echo "\$2" >>"$TRASH_DIRECTORY/runes"
	case "\$2" in
	": dgit debian git-check newnative ;"*"cd '"'"'/path/main'"'"'"*)
		echo "divert alt" ;;
	": dgit debian git-check newnative ;"*"cd '"'"'/path/alt'"'"'"*)
		echo 1 ;;
	*) exit 1 ;;
	esac
	EOF
	chmod +x bin/check-ssh &&
	mkdir e && (cd e && d -c dgit-distro.debian.git-check=ssh-cmd \
	    -c "dgit-distro.debian.ssh=$TRASH_DIRECTORY/bin/check-ssh" \
	    -c dgit-distro.debian.git-host=main.example.org \
	    -c dgit-distro.debian.git-path=/path/main \
	    -c dgit-distro.debian.git-url=file:///nonexistent \
	    -c dgit-distro.debian.diverts.alt=/alt \
	    -c dgit-distro.debian/alt.git-path=/path/alt \
	    -c "dgit-distro.debian/alt.git-url=$EXT" \
	    clone newnative sid >../out 2>../err) &&
	test_grep "diverting to alt (using config for debian/alt)" err &&
	test "$(grep -c "git-check newnative" runes)" = 2 &&
	fetched_ok e "$EXT/newnative.git"
'

test_expect_success 'git-check ssh-cmd answered "0": the server is not fetched from' '
	cat >bin/no-ssh <<-EOF &&
	#!/bin/sh
	echo 0
	EOF
	chmod +x bin/no-ssh &&
	mkdir f && (cd f && d -c dgit-distro.debian.git-check=ssh-cmd \
	    -c "dgit-distro.debian.ssh=$TRASH_DIRECTORY/bin/no-ssh" \
	    -c dgit-distro.debian.git-host=main.example.org \
	    -c dgit-distro.debian.git-path=/path/main \
	    -c "dgit-distro.debian.git-url=$EXT" \
	    clone newnative sid >../out 2>../err) &&
	test_must_fail git -C f/newnative rev-parse -q --verify HEAD^2 &&
	git -C f/newnative for-each-ref refs/tags >refs &&
	test ! -s refs
'

test_expect_success 'a divert to a distro not configured is an error saying what to set' '
	mkdir g && (cd g && test_must_fail d -c dgit-distro.debian.git-check=ssh-cmd \
	    -c "dgit-distro.debian.ssh=$TRASH_DIRECTORY/bin/check-ssh" \
	    -c dgit-distro.debian.git-host=main.example.org \
	    -c dgit-distro.debian.git-path=/path/main \
	    -c "dgit-distro.debian.git-url=$EXT" \
	    clone newnative sid >../out 2>../err) &&
	test_grep "dgit-distro.debian.diverts.alt" err &&
	test_path_is_missing g/newnative
'

test_expect_success 'an answer that is not 0, 1 or divert NAME is an error' '
	cat >bin/odd-ssh <<-EOF &&
	#!/bin/sh
	echo maybe
	EOF
	chmod +x bin/odd-ssh &&
	mkdir h && (cd h && test_must_fail d -c dgit-distro.debian.git-check=ssh-cmd \
	    -c "dgit-distro.debian.ssh=$TRASH_DIRECTORY/bin/odd-ssh" \
	    -c dgit-distro.debian.git-host=main.example.org \
	    -c dgit-distro.debian.git-path=/path/main \
	    -c "dgit-distro.debian.git-url=$EXT" \
	    clone newnative sid >../out 2>../err) &&
	test_grep "answer to git-check of newnative is .maybe." err &&
	test_path_is_missing h/newnative
'

test_done
