#!/bin/sh
test_description='clone, fetch and import-dsc killed at many points

SIGKILL at a range of moments, and SIGINT/SIGTERM: where the user asked
for a repository there is either none or a whole one; no ref points at a
missing object (git fsck is clean); the download cache holds only files
whose SHA-256 is their name; and running the command again succeeds with
the tree dpkg-source -x gives.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test_expect_success 'set up the archive and the server' '
	archive_standard archive &&
	httpd_start archive
'
MIRROR=$(httpd_url 2>/dev/null)
CACHE="$HOME/.cache/dgit"

# bg DIR ARGS...: the program under test in DIR, in the background with
# the usual signal dispositions; its pid in file pid.
bg() {
	bg_dir=$1 && shift &&
	(cd "$bg_dir" && exec perl -e \
	    '$SIG{$_} = "DEFAULT" for qw(INT TERM HUP); exec @ARGV or die' \
	    "$DGIT" -c "dgit-distro.debian.mirror=$MIRROR" \
	    -c "dgit-distro.debian.archive-keyring=$ARCHIVE_KEYRING" \
	    -c "dgit-distro.debian.keyring=$UPLOADER_KEYRING" \
	    -c "dgit-distro.debian.git-check=false" \
	    "$@" >"$TRASH_DIRECTORY/out" 2>"$TRASH_DIRECTORY/err") &
	echo $! >"$TRASH_DIRECTORY/pid"
}

# kill_after MS SIG: send SIG to the background program after MS ms.
kill_after() {
	sleep "$(printf '0.%03d' "$1")"
	kill -"$2" "$(cat pid)" 2>/dev/null
	wait "$(cat pid)"
	return 0
}

# Every cache file named by a SHA-256 has that SHA-256.
cache_verified() {
	test -d "$CACHE/sha256" || return 0
	find "$CACHE/sha256" -type f >cachefiles &&
	while read -r f; do
		case $(basename "$f") in
		????????????????????????????????????????????????????????????????)
			;;
		*)	echo "not a cache name: $f"; return 1 ;;
		esac
		test "$(sha256sum <"$f" | cut -d" " -f1)" = "$(basename "$f")" ||
		{ echo "unverified in the cache: $f"; return 1; }
	done <cachefiles
}

# stale_locks GITDIR: a SIGKILL while git's ref or config lock is held
# leaves GITDIR/...*.lock, as it does with git itself (which then asks the
# user to remove it); name and remove them so that the rerun can go on.
# Anything else that makes the rerun fail fails the test (see err).
stale_locks() {
	locks=$(find "$1" -name "*.lock" 2>/dev/null) &&
	test -n "$locks" &&
	echo "stale locks after SIGKILL: $locks" &&
	rm -f $locks
}

# nothing_left GITDIR SIG MS: after SIGINT or SIGTERM, nothing of the
# command is left in GITDIR: no download directory in dgit/, no
# temporary pack, no lock file of a ref update (after SIGKILL there may
# be: nothing can remove them)
nothing_left() {
	test "$2" = KILL && return 0
	left=$(find "$1/dgit" "$1/objects/pack" -mindepth 1 -maxdepth 1 \
		\( -name "fetch*" -o -name "tmp_*" \) 2>/dev/null || :) &&
	test -z "$left" ||
	{ echo "left after $2 at $3 ms: $left"; return 1; }
	locks=$(find "$1" -name "*.lock" 2>/dev/null) &&
	test -z "$locks" ||
	{ echo "lock files left after $2 at $3 ms: $locks"; return 1; }
}

# whole_clone DIR: DIR is a complete clone of hello from sid.
whole_clone() {
	git -C "$1" fsck --no-progress &&
	test "$(git -C "$1" rev-parse "HEAD^{tree}")" = "$REF" &&
	test -z "$(git -C "$1" status --porcelain)"
}

test_expect_success 'reference tree' '
	dsc=$(fixture_built hello-2) &&
	dsc_reference_tree "$dsc" >ref
'
REF=$(cat ref 2>/dev/null)

MS_POINTS="0 15 30 50 80 120 170 250 350 500"

test_expect_success 'clone killed with SIGKILL: nothing or a whole clone; a rerun succeeds' '
	for ms in $MS_POINTS; do
		rm -rf k && mkdir k &&
		if test $((ms % 20)) = 0; then nc=--no-cache; else nc=; fi &&
		bg k clone $nc hello sid &&
		kill_after $ms KILL &&
		if test -d k/hello; then
			echo >&2 "SIGKILL at $ms ms: a whole clone" &&
			whole_clone k/hello || { echo "half clone at $ms ms"; return 1; }
		else
			echo >&2 "SIGKILL at $ms ms: no clone" &&
			for f in k/*; do
				test -e "$f" || continue
				echo "left at $ms ms: $f"
				case $f in
				k/hello_*) ;;   # a complete file, checked by the rerun
				*) return 1 ;;
				esac
			done
		fi &&
		cache_verified &&
		rm -rf k/hello k/.hello.dgit-* &&
		(cd k && d clone hello sid >../out 2>../err) &&
		whole_clone k/hello || return 1
	done
'

test_expect_success 'clone interrupted with SIGINT or SIGTERM: nothing at all, or a whole clone' '
	for ms in 0 40 100 200 350; do
		for sig in INT TERM; do
			rm -rf k && mkdir k &&
			bg k clone --no-cache hello sid &&
			kill_after $ms $sig &&
			if test -d k/hello; then
				whole_clone k/hello || return 1
			else
				test "$(ls -A k)" = "" ||
				{ echo "left at $ms ms ($sig):"; ls -A k; return 1; }
			fi || return 1
		done
	done
'

test_expect_success 'set up a clone of the old version for fetch' '
	rm -rf f0 && mkdir f0 &&
	(cd f0 && d clone hello bookworm >../out 2>../err) &&
	git -C f0/hello rev-parse HEAD >f0-head
'

test_expect_success 'fetch killed at many points: refs whole, fsck clean, a rerun succeeds' '
	for ms in $MS_POINTS; do
		for sig in KILL INT TERM; do
			test $sig = KILL || test $ms != 15 || continue
			rm -rf fk && cp -a f0 fk &&
			bg fk/hello fetch --no-cache sid &&
			kill_after $ms $sig &&
			git -C fk/hello fsck --no-progress ||
			{ echo "fsck after $sig at $ms ms"; return 1; }
			nothing_left fk/hello/.git $sig $ms || return 1
			r=$(git -C fk/hello rev-parse -q --verify refs/remotes/dgit/dgit/sid || :) &&
			if test -n "$r"; then
				test "$(git -C fk/hello rev-parse "$r^{tree}")" = "$REF" ||
				return 1
			fi &&
			cache_verified &&
			{ (cd fk/hello && d fetch sid >../../out 2>../../err) ||
			  { test $sig = KILL && stale_locks fk/hello/.git &&
			    (cd fk/hello && d fetch sid >../../out 2>../../err); } ||
			  { cat err; false; }; } &&
			test "$(git -C fk/hello rev-parse \
			    "refs/remotes/dgit/dgit/sid^{tree}")" = "$REF" ||
			return 1
		done
	done
'

test_expect_success 'import-dsc killed at many points: refs whole, fsck clean, a rerun succeeds' '
	dsc=$(fixture_built hello-2) &&
	git init -q ik0 &&
	git -C ik0 commit -q --allow-empty -m base &&
	for ms in 0 15 30 50 80 120 200; do
		for sig in KILL INT TERM; do
			rm -rf ik && cp -a ik0 ik &&
			bg ik import-dsc "$dsc" refs/heads/imported &&
			kill_after $ms $sig &&
			git -C ik fsck --no-progress ||
			{ echo "fsck after $sig at $ms ms"; return 1; }
			nothing_left ik/.git $sig $ms || return 1
			r=$(git -C ik rev-parse -q --verify refs/heads/imported || :) &&
			if test -n "$r"; then
				test "$(git -C ik rev-parse "$r^{tree}")" = "$REF" ||
				{ echo "a wrong tree after $sig at $ms ms"; return 1; }
			fi &&
			{ (cd ik && d import-dsc "$dsc" +refs/heads/imported \
			    >../out 2>../err) ||
			  { test $sig = KILL && stale_locks ik/.git &&
			    (cd ik && d import-dsc "$dsc" \
			    +refs/heads/imported >../out 2>../err); } ||
			  { echo "rerun after $sig at $ms ms:"; cat err; false; }; } &&
			test "$(git -C ik rev-parse "refs/heads/imported^{tree}")" = "$REF" ||
			return 1
		done
	done
'

test_done
