#!/bin/sh
test_description='quilt-fixup, build-source and push-source killed at many points

SIGKILL, SIGINT and SIGTERM at a range of moments: after SIGINT or
SIGTERM nothing temporary is left (no tmp_* pack, no .dgit-build.*
directory, no half set of built files, no temporary signed file: the
build products directory holds what it held before or the whole set a
build makes); after any signal git fsck is clean and HEAD is the old or
the new commit; and running the command again gives what an
uninterrupted run gives (the tree dpkg-source -x gives, the .dsc files
of a reference build).'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-localarchive.sh"

test_need_cmd dpkg-source
test_need_cmd dpkg-genchanges

# new_repo DIR: DIR/hello, a git tree of hello 1.0-1 with a change to
# README committed (a quilt fixup has a patch to make), origs in DIR.
new_repo() {
	hello_repo "$1" more
}

# bg DIR ARGS...: dgit in DIR, in the background with the usual signal
# dispositions, in a session of its own; its pid in file pid.
bg() {
	bg_dir=$1 && shift &&
	(cd "$bg_dir" && exec setsid perl -e \
	    '$SIG{$_} = "DEFAULT" for qw(INT TERM HUP); exec @ARGV or die' \
	    "$DGIT" "$@" >"$TRASH_DIRECTORY/out" 2>"$TRASH_DIRECTORY/err") &
	echo $! >"$TRASH_DIRECTORY/pid"
}

# in_session SID: some process is in session SID
in_session() {
	cat /proc/[0-9]*/stat 2>/dev/null | sed "s/.*) //" |
	    awk -v s="$1" '$4 == s { f = 1 } END { exit !f }'
}

# kill_after MS SIG: send SIG to the background program (alone) after
# MS ms; wait for it and for the tools it ran (they have its session).
kill_after() {
	sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"
	kill -"$2" "$(cat pid)" 2>/dev/null
	wait "$(cat pid)"
	# the tools it ran (dpkg-source) may outlive it
	n=0 &&
	while in_session "$(cat pid)" && test $n -lt 100; do
		sleep 0.1 && n=$((n + 1))
	done
	return 0
}

# stale_locks GITDIR: a SIGKILL while a ref lock is held leaves it, as
# with git itself; name and remove them so the rerun can go on.
stale_locks() {
	locks=$(find "$1" -name "*.lock" 2>/dev/null) &&
	test -n "$locks" &&
	echo "stale locks after SIGKILL: $locks" &&
	rm -f $locks
}

# products DIR: the regular files in DIR (the build products
# directory), sorted, with their SHA-256.
products() {
	(cd "$1" && find . -maxdepth 1 -type f -exec sha256sum {} + |
	    LC_ALL=C sort -k2)
}

# nothing_left DIR SIG MS: after SIGINT or SIGTERM, no temporary of the
# command in DIR (the build products directory) or DIR/hello/.git
nothing_left() {
	test "$2" = KILL && return 0
	left=$(find "$1/hello/.git/objects/pack" -name "tmp_*";
	    find "$1" -maxdepth 1 -name ".*.dgit-*" -o -maxdepth 1 \
	    -name ".dgit-build.*") &&
	test -z "$left" ||
	{ echo "left after $2 at $3 ms: $left"; return 1; }
}

# whole_set DIR SIG MS: DIR's files are those before the build
# (before.DIR), or else every file of the reference build (and, after
# SIGKILL, also files the rerun checks: it must succeed).
whole_set() {
	products "$1" >now &&
	if test_cmp_quiet_ "before.$1" now; then
		return 0
	fi &&
	test "$2" = KILL && return 0
	for f in hello_1.0-1.dsc hello_1.0-1.debian.tar.xz \
	    hello_1.0-1_source.changes; do
		test -f "$1/$f" ||
		{ echo "half a set after $2 at $3 ms:"; cat now; return 1; }
	done
}

# half_moved DIR: a SIGKILL between the quilt fixup's checkout and its
# ref update leaves the new patches in a working tree whose HEAD is the
# old commit (as git checkout killed half-way would): name it and put
# the tree back so that the rerun can go on.
half_moved() {
	st=$(git -C "$1" status --porcelain) &&
	test -n "$st" &&
	echo "working tree half moved after SIGKILL: $st" &&
	git -C "$1" checkout -q -f HEAD -- . &&
	git -C "$1" clean -q -f -d debian/patches
}

test_cmp_quiet_() {
	cmp -s "$1" "$2"
}

# kill_check DIR SIG MS TREEFILE ARGS...: dgit ARGS in DIR/hello, given
# SIG after MS ms; then git fsck is clean, nothing temporary is left
# (after SIGINT or SIGTERM), and HEAD is the old commit or one whose
# tree is the one in TREEFILE.
kill_check() {
	kc_dir=$1 kc_sig=$2 kc_ms=$3 kc_tree=$4 && shift 4 &&
	bg "$kc_dir/hello" "$@" &&
	kill_after "$kc_ms" "$kc_sig" &&
	git -C "$kc_dir/hello" fsck --no-progress ||
	{ echo "fsck after $kc_sig at $kc_ms ms"; return 1; }
	nothing_left "$kc_dir" "$kc_sig" "$kc_ms" || return 1
	kc_head=$(git -C "$kc_dir/hello" rev-parse HEAD) &&
	if test "$kc_head" != "$(cat head.orig)"; then
		test "$(git -C "$kc_dir/hello" rev-parse HEAD^{tree})" = \
		    "$(cat "$kc_tree")" ||
		{ echo "a wrong HEAD after $kc_sig at $kc_ms ms"; return 1; }
	fi
}

# rerun DIR SIG ARGS...: dgit ARGS in DIR/hello again, which must
# succeed; after SIGKILL it may first need stale locks removed or a
# half-moved working tree put back (each named in the output).
rerun() {
	rr_dir=$1 rr_sig=$2 && shift 2 &&
	{ (cd "$rr_dir/hello" && "$DGIT" "$@" >"$TRASH_DIRECTORY/out" \
	    2>"$TRASH_DIRECTORY/err") ||
	  { test "$rr_sig" = KILL &&
	    { stale_locks "$rr_dir/hello/.git" || half_moved "$rr_dir/hello"; } &&
	    (cd "$rr_dir/hello" && "$DGIT" "$@" >"$TRASH_DIRECTORY/out" \
	    2>"$TRASH_DIRECTORY/err"); } ||
	  { echo "rerun after $rr_sig:"; cat "$TRASH_DIRECTORY/err"; false; }; }
}

test_expect_success 'reference: quilt-fixup and build-source uninterrupted' '
	new_repo k0 &&
	products k0 >before.k &&
	cp -a k0 ref &&
	git -C ref/hello rev-parse HEAD >head.orig &&
	(cd ref && cp -a hello hello.qf &&
	 cd hello.qf && "$DGIT" quilt-fixup >../../out 2>../../err) &&
	git -C ref/hello.qf rev-parse HEAD^{tree} >qf.tree &&
	test "$(cat head.orig)" != "$(git -C ref/hello.qf rev-parse HEAD)" &&
	(cd ref/hello && "$DGIT" build-source --no-check-archive \
	    >../../out 2>../../err) &&
	git -C ref/hello rev-parse HEAD^{tree} >bs.tree &&
	test_cmp qf.tree bs.tree &&
	test "$(dsc_reference_tree ref/hello_1.0-1.dsc)" = "$(cat bs.tree)" &&
	products ref >ref.products &&
	test "$(wc -l <ref.products)" = 5 &&
	rm -rf ref/hello.qf
'

test_expect_success 'quilt-fixup killed at many points: HEAD old or new, fsck clean, a rerun gives the tree' '
	for ms in 0 40 80 150; do
		for sig in KILL INT TERM; do
			rm -rf k && cp -a k0 k &&
			kill_check k $sig $ms qf.tree quilt-fixup &&
			rerun k $sig quilt-fixup &&
			test "$(git -C k/hello rev-parse HEAD^{tree})" = "$(cat qf.tree)" ||
			{ echo "after $sig at $ms ms"; return 1; }
		done
	done
'

test_expect_success 'build-source killed at many points: nothing half-made, a rerun gives the reference build' '
	for at in 0:KILL 150:INT 500:TERM 1000:KILL 1500:INT 2100:TERM; do
		ms=${at%:*} && sig=${at#*:} && {
			rm -rf k && cp -a k0 k &&
			kill_check k $sig $ms bs.tree build-source --no-check-archive &&
			whole_set k $sig $ms &&
			rm -rf k/.dgit-build.* k/.*.dgit-* &&
			rerun k $sig build-source --no-check-archive &&
			test "$(git -C k/hello rev-parse HEAD^{tree})" = "$(cat bs.tree)" &&
			products k >got &&
			test_cmp ref.products got ||
			{ echo "after $sig at $ms ms"; return 1; }
		} || return 1
	done
'

test_expect_success 'set up a local archive and its git server' '
	la_init >out 2>err &&
	la_cleanup_ &&
	cp -a "$LA" la0 &&
	rm -rf p0 && cp -a k0 p0 &&
	(cd p0/hello && git config user.name "A Maintainer" &&
	 git config user.email maint@example.org)
'

# fresh_la: the archive as it was before any push
fresh_la() {
	la_cleanup_ &&
	rm -rf "$LA" && cp -a la0 "$LA"
}

test_expect_success 'reference: push-source --new uninterrupted' '
	fresh_la &&
	rm -rf p && cp -a p0 p &&
	(cd p/hello && "$DGIT" -d local push-source --new >../../out \
	    2>../../err) &&
	test_grep "dgit ok: pushed and uploaded 1.0-1" out &&
	test "$(sources_version hello)" = 1.0-1 &&
	git -C p/hello rev-parse HEAD^{tree} >ps.tree &&
	test_cmp bs.tree ps.tree &&
	git --git-dir="$LA/git/hello.git" rev-parse refs/dgit/sid^{tree} >srv.tree &&
	test_cmp bs.tree srv.tree
'

test_expect_success 'push-source killed at many points: nothing half-made, a rerun pushes the same' '
	for at in 400:INT 2000:TERM 4000:KILL; do
		ms=${at%:*} && sig=${at#*:} && {
			fresh_la &&
			rm -rf p && cp -a p0 p &&
			kill_check p $sig $ms bs.tree -d local push-source --new &&
			# uploaded already: the rerun would be refused as an
			# old version, rightly
			if test "$(sources_version hello)" = 1.0-1; then
				echo >&2 "$sig at $ms ms: after the upload"
			else
				rm -rf p/.dgit-build.* p/.*.dgit-* &&
				rerun p $sig -d local push-source --new
			fi &&
			test "$(sources_version hello)" = 1.0-1 &&
			test "$(git --git-dir="$LA/git/hello.git" \
			    rev-parse refs/dgit/sid^{tree})" = "$(cat bs.tree)" &&
			test "$(dsc_reference_tree \
			    "$LA/public/pool/main/h/hello/hello_1.0-1.dsc")" = \
			    "$(cat bs.tree)" ||
			{ echo "after $sig at $ms ms"; return 1; }
		} || return 1
	done
'

test_done
