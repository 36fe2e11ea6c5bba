#!/bin/sh
test_description='clone, fetch, pull, checkout against the local test archive over HTTP'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test_expect_success 'set up the archive and the server' '
	archive_standard archive &&
	httpd_start archive
'
MIRROR=$(httpd_url 2>/dev/null)

test_line_count_1() { test "$(wc -l <"$1")" -eq 1; }

# clone_ok SUITE FIXTURE: the clone's tree equals dpkg-source -x's, the
# branches and files are where dgit puts them.
clone_ok() {
	suite=$1 fixture=$2
	src=$(fixture_var $fixture source) &&
	dsc=$(fixture_built $fixture) &&
	ref=$(dsc_reference_tree "$dsc") &&
	mkdir "c-$suite-$fixture" &&
	(cd "c-$suite-$fixture" && d clone "$src" "$suite" >../out 2>../err) &&
	test_grep "^dgit ok: ready for work in $src" out &&
	r="c-$suite-$fixture/$src" &&
	test "$(git -C "$r" rev-parse "HEAD^{tree}")" = "$ref" &&
	test "$(git -C "$r" symbolic-ref HEAD)" = "refs/heads/dgit/$suite" &&
	test "$(git -C "$r" rev-parse HEAD)" = \
	    "$(git -C "$r" rev-parse refs/remotes/dgit/dgit/$suite)" &&
	test -z "$(git -C "$r" status --porcelain)" &&
	test_grep "dgit-defuse-attrs" "$r/.git/info/attributes" &&
	test "$(git -C "$r" config remote.dgit.skipdefaultupdate)" = true &&
	for f in $(dsc_files_ "$dsc"); do
		cmp "$(dirname "$dsc")/$f" "c-$suite-$fixture/$f" || return 1
	done &&
	test_path_is_missing "c-$suite-$fixture/$(basename "$dsc")" &&
	test "$(ls -A "c-$suite-$fixture" | grep -c "dgit-")" = 0
}

while read -r suite fixture; do
	test_expect_success "clone $fixture from $suite: tree equals dpkg-source -x" "
		clone_ok $suite $fixture
	"
done <<EOF2
sid hello-2
sid oldnative
sid olddiff
sid newnative
sid libmulti
bookworm hello-1
EOF2

test_expect_success 'suite aliases become the codename (unstable -> dgit/sid)' '
	mkdir alias && (cd alias && d clone hello unstable) &&
	test "$(git -C alias/hello symbolic-ref HEAD)" = refs/heads/dgit/sid
'

test_expect_success 'two clones anywhere give the same commit ids' '
	mkdir other && (cd other && d clone hello sid ./elsewhere) &&
	test "$(git -C other/elsewhere rev-parse HEAD)" = \
	    "$(git -C c-sid-hello-2/hello rev-parse HEAD)"
'

test_expect_success 'the package Vcs-Git becomes the vcs-git remote' '
	vcs=$(sed -n "s/^Vcs-Git: *//p" "$(fixture_built hello-2)") &&
	if [ -n "$vcs" ]; then
		test "$(git -C c-sid-hello-2/hello config remote.vcs-git.url)" = "$vcs"
	else
		test_must_fail git -C c-sid-hello-2/hello config remote.vcs-git.url
	fi
'

test_expect_success 'clone into an existing directory refuses and changes nothing' '
	mkdir exists && mkdir exists/hello && echo mine >exists/hello/file &&
	(cd exists && test_expect_code 255 d clone hello sid 2>../err) &&
	test_grep "already exists" err &&
	test "$(ls -A exists/hello)" = file &&
	test "$(ls -A exists)" = hello
'

test_expect_success 'a failure mid-clone leaves nothing behind' '
	pool=$(archive_pool_dir newnative) &&
	tarball=$(cd archive/$pool && ls newnative_*.tar.xz) &&
	httpd_fault "corrupt /$pool/$tarball 100" &&
	mkdir fail &&
	(cd fail && test_must_fail d clone --no-cache newnative sid 2>../err) &&
	httpd_faults_clear &&
	test_grep "checksum mismatch\|sha256\|corrupt" err &&
	test "$(ls -A fail)" = ""
'

test_expect_success 'unknown package: clear error, nothing left' '
	mkdir nopkg &&
	(cd nopkg && test_must_fail d clone no-such-package sid 2>../err) &&
	test_grep "no-such-package" err &&
	test "$(ls -A nopkg)" = ""
'

# script(1) gives the program a terminal, so it shows download progress;
# the delays make the progress lines appear (one each 0.2 s)
test_expect_success 'on a terminal, the indices are not counted as the package'"'"'s files' '
	command -v script >/dev/null || { say "no script(1)"; return 0; }
	httpd_fault "delay /dists/sid/main/source/* 700" &&
	httpd_fault "delay /pool/main/h/hello/* 700" &&
	TERM=xterm script -qec "$DGIT -c dgit-distro.debian.mirror=$MIRROR \
	    -c dgit-distro.debian.archive-keyring=$ARCHIVE_KEYRING \
	    -c dgit-distro.debian.keyring=$UPLOADER_KEYRING \
	    -c dgit-distro.debian.git-check=false clone --no-cache hello sid \
	    ./tty-clone" typescript >/dev/null &&
	httpd_faults_clear &&
	test -d tty-clone &&
	tr "\r" "\n" <typescript >lines &&
	n=$(dsc_files_ "$(fixture_built hello-2)" | wc -l) &&
	grep "^.*hello: [0-9]*/[0-9]* files" lines >pkg &&
	! grep -v "hello: [0-9]*/$((n + 1)) files" pkg &&
	grep "Sources[.a-z0-9]*: [0-9]*/1 files" lines >/dev/null
'

test_expect_success 'fetch with nothing new changes nothing' '
	r=c-bookworm-hello-1/hello &&
	before=$(git -C $r rev-parse refs/remotes/dgit/dgit/bookworm) &&
	ls $r/.git/objects/pack >packs-before &&
	(cd $r && d fetch >../../out 2>../../err) &&
	test_grep "^dgit ok: hello .* is already in refs/remotes/dgit/dgit/bookworm" out &&
	test "$(git -C $r rev-parse refs/remotes/dgit/dgit/bookworm)" = "$before" &&
	# nothing is imported, and fetch does not say it imports
	test_grep "hello 1.0-1 is already fetched: nothing to import" err &&
	! grep -q "importing hello" err &&
	ls $r/.git/objects/pack >packs-after &&
	test_cmp packs-before packs-after
'

test_expect_success 'a failed ref update leaves no file it placed behind' '
	archive_add_fixture archive bookworm hello-2 &&
	archive_update archive bookworm &&
	r=c-bookworm-hello-1/hello &&
	old=$(git -C $r rev-parse refs/remotes/dgit/dgit/bookworm) &&
	ls c-bookworm-hello-1 >files-before &&
	: >$r/.git/refs/remotes/dgit/dgit/bookworm.lock &&
	(cd $r && test_must_fail d fetch bookworm >../../out 2>../../err) &&
	rm $r/.git/refs/remotes/dgit/dgit/bookworm.lock &&
	test_grep "refs/remotes/dgit/dgit/bookworm" err &&
	ls c-bookworm-hello-1 >files-after &&
	test_cmp files-before files-after &&
	test "$(git -C $r rev-parse refs/remotes/dgit/dgit/bookworm)" = "$old"
'

test_expect_success 'a new upload: fetch records it fast-forward, reusing the orig commit' '
	r=c-bookworm-hello-1/hello &&
	old=$(git -C $r rev-parse refs/remotes/dgit/dgit/bookworm) &&
	(cd $r && d fetch bookworm >../../out 2>../../err) &&
	new=$(git -C $r rev-parse refs/remotes/dgit/dgit/bookworm) &&
	test "$old" != "$new" &&
	git -C $r merge-base --is-ancestor "$old" "$new" &&
	test "$(git -C $r rev-parse "$new^{tree}")" = \
	    "$(dsc_reference_tree "$(fixture_built hello-2)")" &&
	git -C $r log -1 --format=%s "$new" >subject &&
	echo "Record hello (1.0-2) in archive suite bookworm" >expect &&
	test_cmp expect subject &&
	git -C $r log --format=%H --fixed-strings \
	    --grep="Import hello_1.0.orig.tar.gz" "$new" >origs &&
	test_line_count_1 origs &&
	test "$(git -C $r rev-parse HEAD)" = "$old"
'

test_expect_success 'pull refuses a dirty tree' '
	r=c-bookworm-hello-1/hello &&
	echo dirt >>$r/debian/changelog &&
	(cd $r && test_must_fail d pull 2>../../err) &&
	test_grep "uncommitted changes" err &&
	git -C $r checkout debian/changelog
'

test_expect_success 'pull merges the new version (fast-forward)' '
	r=c-bookworm-hello-1/hello &&
	(cd $r && d pull >../../out 2>../../err) &&
	test "$(git -C $r rev-parse HEAD)" = \
	    "$(git -C $r rev-parse refs/remotes/dgit/dgit/bookworm)" &&
	test -z "$(git -C $r status --porcelain)"
'

test_expect_success 'pull merges into a branch with local work' '
	r=c-sid-hello-2/hello &&
	git -C $r checkout -q -b work &&
	echo local >$r/LOCAL && git -C $r add LOCAL &&
	git -C $r commit -q -m "local work" &&
	(cd $r && d pull sid >../../out 2>../../err) &&
	test -f $r/LOCAL
'

test_expect_success 'checkout SUITE creates dgit/SUITE, fetching first' '
	r=c-sid-oldnative/oldnative &&
	(cd $r && d checkout bookworm >../../out 2>../../err) &&
	test "$(git -C $r symbolic-ref HEAD)" = refs/heads/dgit/bookworm &&
	test "$(git -C $r rev-parse "HEAD^{tree}")" = \
	    "$(dsc_reference_tree "$(fixture_built oldnative)")" &&
	(cd $r && d checkout sid >../../out 2>../../err) &&
	test "$(git -C $r symbolic-ref HEAD)" = refs/heads/dgit/sid
'

test_expect_success 'combined suite bookworm,-security: the highest version, combined' '
	archive_init arch2 && archive_add_suite arch2 bookworm stable &&
	archive_add_suite arch2 bookworm-security stable-security &&
	archive_add_fixture arch2 bookworm hello-1 &&
	archive_add_fixture arch2 bookworm-security hello-2 &&
	archive_update arch2 &&
	httpd_start arch2 &&
	mkdir comb && (cd comb && d -c dgit-distro.debian.mirror=$(httpd_url) \
	    -c dgit-distro.debian-security.mirror=$(httpd_url) \
	    clone hello bookworm,-security >../out 2>../err) &&
	r=comb/hello &&
	test "$(git -C $r symbolic-ref HEAD)" = "refs/heads/dgit/bookworm,-security" &&
	test "$(git -C $r rev-parse "HEAD^{tree}")" = \
	    "$(dsc_reference_tree "$(fixture_built hello-2)")" &&
	git -C $r log -1 --format=%s HEAD >subject &&
	echo "Combine archive branches bookworm,-security [dgit]" >expect &&
	test_cmp expect subject &&
	git -C $r merge-base --is-ancestor refs/remotes/dgit/dgit/bookworm HEAD &&
	git -C $r merge-base --is-ancestor refs/remotes/dgit/dgit/bookworm-security HEAD
'

test_expect_success 'combined suite: a sub-suite without the package is skipped' '
	mkdir comb2 && (cd comb2 && d clone newnative sid,-nonesuch >../out 2>../err) ||
	{ cat err; false; }
'

test_expect_success 'fetch outside a git tree is a clear error' '
	plain=$(mktemp -d "${TMPDIR:-/tmp}/dgit-t4000.XXXXXX") &&
	(cd "$plain" && test_must_fail d fetch 2>"$TRASH_DIRECTORY/err");
	rc=$?; rm -rf "$plain"; test $rc = 0 &&
	test_grep "not in a git repository" err
'

test_done
