#!/bin/sh
test_description='local-archive init, push-source --new, clone back, a second upload, the refusals'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-localarchive.sh"
. "$TEST_DIR/lib-server.sh"


LA="$TRASH_DIRECTORY/la"
UPFPR=$(key_fpr uploader)

la_cleanup_() {
	gpgconf --homedir "$LA/gnupg" --kill all >/dev/null 2>&1
	return 0
}
test_atexit la_cleanup_

test_expect_success 'local-archive init makes a signed archive and the config' '
	gpg_import_key uploader &&
	gpg_import_key wrong &&
	"$DGIT" local-archive init "$LA" --key "$UPFPR" >out 2>err &&
	test_grep "dgit ok: local archive" out &&
	test_grep "undo:" out &&
	test "$(git config --global dgit-distro.local.mirror)" = "file://$LA/public" &&
	test "$(git config --global dgit-distro.local.keyid)" = "$UPFPR" &&
	test_grep "^\[local\]" "$HOME/.dput.cf" &&
	gpgv --keyring "$LA/archive-keyring.gpg" \
	    "$LA/public/dists/sid/InRelease" &&
	test "$(readlink "$LA/public/dists/unstable")" = sid &&
	test_grep "allow \* by key" "$LA/reprepro/conf/uploaders"
'

test_expect_success 'init refuses a directory that is not empty, changing nothing' '
	mkdir full && echo x >full/file &&
	cp "$HOME/.gitconfig" gitconfig.before &&
	test_must_fail "$DGIT" local-archive init full --distro other 2>err &&
	test_grep "not empty" err &&
	test_cmp gitconfig.before "$HOME/.gitconfig" &&
	test -f full/file
'

test_expect_success 'a package: git tree of the newnative fixture' '
	mkdir w && cp -a "$FIXTURES_DIR/newnative/tree" w/newnative &&
	(cd w/newnative && git init -q && git add -A &&
	 git commit -q -m "newnative as the maintainer has it")
'

test_expect_success 'push-source without --new is refused: nothing signed or pushed' '
	la_snapshot w/newnative before &&
	(cd w/newnative && test_must_fail "$DGIT" -d local push-source) 2>err &&
	test_grep "use --new" err &&
	la_snapshot w/newnative after &&
	test_cmp before after
'

test_expect_success 'push-source --new: pushed to the git server and published' '
	(cd w/newnative && "$DGIT" -d local push-source --new) >out 2>err &&
	test_grep "dgit ok: pushed and uploaded 3.1" out &&
	head=$(git -C w/newnative rev-parse HEAD) &&
	test "$(git --git-dir="$LA/git/newnative.git" rev-parse refs/dgit/sid)" = "$head" &&
	test "$(sources_version newnative)" = 3.1 &&
	test -f "$LA/public/pool/main/n/newnative/newnative_3.1.dsc"
'

test_expect_success 'the tags verify with git verify-tag and say what Perl dgit says' '
	head=$(git -C w/newnative rev-parse HEAD) &&
	git -C w/newnative verify-tag archive/local/3.1 &&
	git -C w/newnative verify-tag local/3.1 &&
	git --git-dir="$LA/git/newnative.git" verify-tag archive/local/3.1 &&
	for t in archive/local/3.1 local/3.1; do
		cat >expect <<-EOT &&
		object $head
		type commit
		tag $t
		tagger Fixture Maintainer <fixture@example.org> 1500000000 +0000

		newnative release 3.1 for unstable (sid) [dgit]

		[dgit distro=local no-split]
		EOT
		git -C w/newnative cat-file tag "$t" | sed "/^-----BEGIN PGP/,\$d" >actual &&
		test_cmp expect actual || return 1
	done
'

test_expect_success 'the .dsc has the Dgit: field and both files verify with gpgv' '
	head=$(git -C w/newnative rev-parse HEAD) &&
	test_grep "^Dgit: $head local archive/local/3.1 file://$LA/git/newnative.git\$" \
	    w/newnative_3.1.dsc &&
	gpgv --keyring "$UPLOADER_KEYRING" w/newnative_3.1.dsc &&
	gpgv --keyring "$UPLOADER_KEYRING" w/newnative_3.1_source.changes &&
	# the .changes lists the signed .dsc
	sum=$(sha256sum <w/newnative_3.1.dsc | cut -d" " -f1) &&
	test_grep " $sum [0-9]* newnative_3.1.dsc" w/newnative_3.1_source.changes &&
	# dpkg-source accepts the result
	(cd w && dpkg-source -x newnative_3.1.dsc x >/dev/null 2>&1) &&
	cmp "$LA/public/pool/main/n/newnative/newnative_3.1.dsc" w/newnative_3.1.dsc
'

test_expect_success 'clone from the local archive gives exactly the pushed commit' '
	mkdir c1 && (cd c1 && "$DGIT" -d local clone newnative unstable) 2>err &&
	test "$(git -C c1/newnative rev-parse HEAD)" = \
	    "$(git -C w/newnative rev-parse HEAD)" &&
	test_grep "using the git history the Dgit: field names" err
'

test_expect_success 'a second upload on top, then clone again' '
	(cd c1/newnative &&
	 echo "more" >>README &&
	 dch -v 3.2 -D unstable --force-distribution "Second upload." &&
	 git commit -q -a -m "second upload" &&
	 "$DGIT" -d local push-source) >out 2>err &&
	test_grep "pushed and uploaded 3.2" out &&
	test "$(sources_version newnative)" = 3.2 &&
	mkdir c2 && (cd c2 && "$DGIT" -d local clone newnative sid) &&
	test "$(git -C c2/newnative rev-parse HEAD)" = \
	    "$(git -C c1/newnative rev-parse HEAD)" &&
	git -C c2/newnative merge-base --is-ancestor \
	    "$(git -C w/newnative rev-parse HEAD)" HEAD
'

# refuse MSG SETUP: after SETUP in c2/newnative, push-source fails with
# MSG and changes nothing anywhere
refuse() {
	(cd c2/newnative && eval "$2") &&
	la_snapshot c2/newnative before &&
	(cd c2/newnative && test_must_fail "$DGIT" -d local push-source $3) 2>err &&
	test_grep "$1" err &&
	la_snapshot c2/newnative after &&
	test_cmp before after &&
	test -z "$(git -C c2/newnative tag -l "*3.3*")"
}

test_expect_success 'refused: a dirty tree' '
	refuse "uncommitted changes" "echo dirt >>README" &&
	git -C c2/newnative checkout README
'

test_expect_success 'refused: UNRELEASED' '
	refuse UNRELEASED "dch -v 3.3 -D UNRELEASED --force-distribution x &&
	    git commit -q -a -m unreleased" &&
	git -C c2/newnative reset -q --hard HEAD^
'

test_expect_success 'refused: the suite is not the changelog'"'"'s' '
	refuse "not .bookworm." "dch -v 3.3 -D unstable --force-distribution x &&
	    git commit -q -a -m v3.3" bookworm &&
	git -C c2/newnative reset -q --hard HEAD^
'

test_expect_success 'refused: a version the archive has already' '
	refuse "not newer than 3.2" "dch -b -v 3.2~1 -D unstable --force-distribution x &&
	    git commit -q -a -m older"  &&
	git -C c2/newnative reset -q --hard HEAD^
'

test_expect_success 'refused: history not descended from the archive'"'"'s' '
	refuse "not a descendant" "git checkout -q -b other \
	    \$(git commit-tree -m unrelated HEAD^{tree}) &&
	    dch -v 3.3 -D unstable --force-distribution x &&
	    git commit -q -a -m v3.3-unrelated"
'

test_expect_success 'push-built refuses a build whose tree is not HEAD'"'"'s' '
	(cd c2/newnative && git checkout -q dgit/sid && git branch -D -q other &&
	 dch -v 3.3 -D unstable --force-distribution x &&
	 git commit -q -a -m v3.3 &&
	 cd .. && dpkg-source -b newnative >/dev/null &&
	 cd newnative &&
	 dpkg-genchanges -S -O../newnative_3.3_source.changes >/dev/null 2>&1 &&
	 echo change >>README && git commit -q -a -m "after the build") &&
	la_snapshot c2/newnative before &&
	(cd c2/newnative && test_must_fail "$DGIT" -d local push-built) 2>err &&
	test_grep "HEAD specifies a different tree to" err &&
	test_grep "README" err &&
	la_snapshot c2/newnative after &&
	test_cmp before after &&
	rm c2/newnative_3.3* &&
	git -C c2/newnative reset -q --hard HEAD^
'

test_expect_success '-n: says what it would do and changes nothing anywhere' '
	la_snapshot c2/newnative before &&
	(cd c2/newnative && "$DGIT" -d local -n push-source) >out 2>err &&
	test_grep "dry run: would sign tags archive/local/3.3" out &&
	la_snapshot c2/newnative after &&
	test_cmp before after
'

test_expect_success '-L: tags and signed files locally, nothing pushed or uploaded' '
	la_snapshot c2/newnative before &&
	(cd c2/newnative && "$DGIT" -d local -L push-source) >out 2>err &&
	test_grep "damp run" out &&
	git -C c2/newnative verify-tag archive/local/3.3 &&
	gpgv --keyring "$UPLOADER_KEYRING" c2/newnative_3.3.dsc &&
	test_path_is_missing "$LA/git/newnative.git/refs/tags/archive/local/3.3" &&
	test "$(sources_version newnative)" = 3.2 &&
	test_must_fail git --git-dir="$LA/git/newnative.git" rev-parse -q \
	    --verify refs/tags/archive/local/3.3
'

test_expect_success 'a failed upload after signing: the rerun completes it, same tags and files' '
	tag1=$(git -C c2/newnative rev-parse archive/local/3.3) &&
	tag2=$(git -C c2/newnative rev-parse local/3.3) &&
	cp c2/newnative_3.3.dsc dsc.first &&
	cp c2/newnative_3.3_source.changes changes.first &&
	(cd c2/newnative && test_must_fail "$DGIT" -d local \
	    -c dgit-distro.local.upload-host=nosuchhost push-source) 2>err &&
	test_grep "run this again" err &&
	# the git server has it, the archive not yet
	test "$(git --git-dir="$LA/git/newnative.git" rev-parse archive/local/3.3)" = "$tag1" &&
	test "$(sources_version newnative)" = 3.2 &&
	(cd c2/newnative && "$DGIT" -d local push-source) >out 2>err &&
	test_grep "already made" err &&
	test_grep "already signed" err &&
	test "$(git -C c2/newnative rev-parse archive/local/3.3)" = "$tag1" &&
	test "$(git -C c2/newnative rev-parse local/3.3)" = "$tag2" &&
	test "$(git --git-dir="$LA/git/newnative.git" rev-parse local/3.3)" = "$tag2" &&
	cmp dsc.first c2/newnative_3.3.dsc &&
	cmp changes.first c2/newnative_3.3_source.changes &&
	test "$(sources_version newnative)" = 3.3 &&
	cmp dsc.first "$LA/public/pool/main/n/newnative/newnative_3.3.dsc"
'

test_expect_success 'a failed git push after signing: the rerun completes it, same tags and files' '
	(cd c2/newnative &&
	 dch -v 3.4 -D unstable --force-distribution x &&
	 git commit -q -a -m v3.4 &&
	 test_must_fail "$DGIT" -d local \
	    -c "dgit-distro.local/push.git-url=file://$TRASH_DIRECTORY/nowhere" \
	    push-source) 2>err &&
	test_grep "run this again" err &&
	git -C c2/newnative verify-tag archive/local/3.4 &&
	git -C c2/newnative verify-tag local/3.4 &&
	tag1=$(git -C c2/newnative rev-parse archive/local/3.4) &&
	tag2=$(git -C c2/newnative rev-parse local/3.4) &&
	cp c2/newnative_3.4.dsc dsc.first &&
	cp c2/newnative_3.4_source.changes changes.first &&
	test_must_fail git --git-dir="$LA/git/newnative.git" rev-parse -q \
	    --verify refs/tags/archive/local/3.4 &&
	test "$(sources_version newnative)" = 3.3 &&
	(cd c2/newnative && "$DGIT" -d local push-source) >out 2>err &&
	test_grep "already made" err &&
	test_grep "already signed" err &&
	test "$(git -C c2/newnative rev-parse archive/local/3.4)" = "$tag1" &&
	test "$(git -C c2/newnative rev-parse local/3.4)" = "$tag2" &&
	test "$(git --git-dir="$LA/git/newnative.git" rev-parse archive/local/3.4)" = "$tag1" &&
	test "$(git --git-dir="$LA/git/newnative.git" rev-parse local/3.4)" = "$tag2" &&
	cmp dsc.first c2/newnative_3.4.dsc &&
	cmp changes.first c2/newnative_3.4_source.changes &&
	cmp dsc.first "$LA/public/pool/main/n/newnative/newnative_3.4.dsc" &&
	test "$(sources_version newnative)" = 3.4 &&
	test "$(git --git-dir="$LA/git/newnative.git" rev-parse refs/dgit/sid)" = \
	    "$(git -C c2/newnative rev-parse HEAD)"
'

test_expect_success '--overwrite declares a fast forward from the archive'"'"'s version' '
	(cd c2/newnative &&
	 git checkout -q -b rewrite "$(git commit-tree -m rewritten HEAD^{tree})" &&
	 dch -v 3.6 -D unstable --force-distribution x &&
	 git commit -q -a -m v3.6 &&
	 "$DGIT" -d local push-source --overwrite=3.4) >out 2>err &&
	test_grep "pushed and uploaded 3.6" out &&
	git -C c2/newnative log -1 --format=%B HEAD >msg &&
	printf "Declare fast forward from 3.4\n\n[dgit --overwrite=3.4]\n\n" >expect &&
	test_cmp expect msg &&
	test "$(git -C c2/newnative rev-parse HEAD^2)" = \
	    "$(git --git-dir="$LA/git/newnative.git" rev-parse archive/local/3.4^{commit})" &&
	test "$(sources_version newnative)" = 3.6
'

test_expect_success 'push-built -C uploads an existing build after checking it against HEAD' '
	(cd c2/newnative &&
	 dch -v 3.6.1 -D unstable --force-distribution x &&
	 git commit -q -a -m v3.6.1 &&
	 cd .. && dpkg-source -b newnative >/dev/null && cd newnative &&
	 dpkg-genchanges -S -O../built.changes >/dev/null 2>&1) &&
	(cd c2/newnative && test_must_fail "$DGIT" -d local push-built \
	    -C nosuch.changes) 2>err &&
	test_grep "build them first" err &&
	(cd c2/newnative && "$DGIT" -d local push-built -C built.changes) \
	    >out 2>err &&
	test_grep "pushed and uploaded 3.6.1" out &&
	gpgv --keyring "$UPLOADER_KEYRING" c2/built.changes &&
	test "$(sources_version newnative)" = 3.6.1
'

test_expect_success 'push follows dgit.default.push-subcmd' '
	(cd c2/newnative && test_must_fail "$DGIT" -d local \
	    -c dgit.default.push-subcmd=reject push) 2>err &&
	test_grep "push-subcmd=reject" err &&
	(cd c2/newnative && test_must_fail "$DGIT" -d local \
	    -c dgit.default.push-subcmd=warn,built push) 2>err &&
	test_grep "means .dgit push-built." err &&
	test_grep "not newer than 3.6.1" err &&
	(cd c2/newnative && dch -v 3.6.2 -D unstable --force-distribution x &&
	 git commit -q -a -m v3.6.2 &&
	 "$DGIT" -d local -c dgit.default.push-subcmd=source push) >out 2>err &&
	test "$(sources_version newnative)" = 3.6.2
'

test_expect_success 'signed by a key the uploaders list lacks: the git server refuses, nothing changes' '
	(cd c2/newnative &&
	 dch -v 3.7 -D unstable --force-distribution x &&
	 git commit -q -a -m v3.7) &&
	repo_state "$LA/git/newnative.git" >server.before &&
	(cd c2/newnative &&
	 test_must_fail "$DGIT" -d local -k "$(key_fpr wrong)" push-source) \
	    >out 2>err &&
	test_grep "remote: .*refused: tag .archive/local/3.7. is not signed by a key this server knows" err &&
	test_grep "git push to .* failed" err &&
	repo_state "$LA/git/newnative.git" >server.after &&
	test_cmp server.before server.after &&
	test "$(sources_version newnative)" = 3.6.2 &&
	test -z "$(ls "$LA/reprepro/incoming")"
'

test_expect_success 'the same upload put into the archive by hand: reprepro rejects it, nothing published' '
	gpgv --keyring "$WRONG_KEYRING" \
	    c2/newnative_3.7_source.changes &&
	test_must_fail dput local c2/newnative_3.7_source.changes >out 2>err &&
	test_grep "No distribution accepting" err &&
	test "$(sources_version newnative)" = 3.6.2 &&
	test_path_is_missing "$LA/public/pool/main/n/newnative/newnative_3.7.dsc" &&
	test -z "$(ls "$LA/reprepro/incoming")"
'

test_done
