#!/bin/sh
test_description='push-source run again with another -k: the kept tags, .dsc and .changes are signed again with that key

A push the server refuses keeps its signed tags, .dsc and .changes, and a
second run reuses them.  Only those signed by the key this run signs with
are reused: when -k now names another key, they are signed again (gpgv
against each key'"'"'s keyring and git verify-tag are the judges), and a
third run with the same key keeps them byte for byte.'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-localarchive.sh"

UPFPR=$(key_fpr uploader)
WRONGFPR=$(key_fpr wrong)

# signer FILE: which test key's signature gpgv accepts on FILE
signer() {
	for k in uploader wrong; do
		gpgv --keyring "$KEYS_DIR/$k-keyring.gpg" "$1" >/dev/null 2>&1 &&
		echo "$k"
	done
}

test_expect_success 'a local archive with newnative 3.1 and a clone, two secret keys' '
	la_init >/dev/null &&
	gpg_import_key wrong &&
	mkdir w && cp -a "$FIXTURES_DIR/newnative/tree" w/newnative &&
	(cd w/newnative && git init -q && git add -A &&
	 git commit -q -m "newnative as the maintainer has it" &&
	 "$DGIT" -d local push-source --new) >out 2>err &&
	test "$(sources_version newnative)" = 3.1 &&
	mkdir c && (cd c && "$DGIT" -d local clone newnative sid) >/dev/null 2>&1 &&
	(cd c/newnative &&
	 dch -v 3.2 -D unstable --force-distribution "a change" &&
	 git commit -q -a -m v3.2)
'

# tag_fpr TAG: the fingerprint of the key whose good signature git
# verify-tag finds on TAG (both keys are in the test's keyring)
tag_fpr() {
	git -C c/newnative verify-tag --raw "$1" 2>&1 |
	sed -n "s/^\[GNUPG:\] VALIDSIG \([0-9A-F]*\) .*/\1/p"
}

# state: every ref of the server and the archive's pool, to show that a
# refused push changed nothing there
server_state() {
	git --git-dir="$LA/git/newnative.git" for-each-ref &&
	(cd "$LA/public" && find pool -type f | sort)
}

test_expect_success 'signed with -k a key the server does not know: refused, the files kept' '
	server_state >server.before &&
	(cd c/newnative && test_must_fail "$DGIT" -d local -k "$WRONGFPR" \
	    push-source) >out 2>err &&
	test_grep "refused: tag .archive/local/3.2. is not signed by a key this server knows" err &&
	test_grep "run this again" err &&
	test "$(signer c/newnative_3.2.dsc)" = wrong &&
	test "$(signer c/newnative_3.2_source.changes)" = wrong &&
	test "$(tag_fpr archive/local/3.2)" = "$WRONGFPR" &&
	test "$(tag_fpr local/3.2)" = "$WRONGFPR" &&
	server_state >server.after &&
	test_cmp server.before server.after
'

test_expect_success 'run again with -k the right key: tags and files signed again with it; the upload fails' '
	(cd c/newnative && test_must_fail "$DGIT" -d local -k "$UPFPR" \
	    -c dgit-distro.local.upload-host=nosuchhost push-source) >out 2>err &&
	test_grep "tag archive/local/3.2 is signed, but not by the key .$UPFPR.; signing it again" err &&
	test_grep "newnative_3.2.dsc is signed, but not by the key .$UPFPR.; signing it again" err &&
	test_grep "signed newnative_3.2_source.changes" err &&
	test_grep "run this again" err &&
	test "$(signer c/newnative_3.2.dsc)" = uploader &&
	test "$(signer c/newnative_3.2_source.changes)" = uploader &&
	test "$(tag_fpr archive/local/3.2)" = "$UPFPR" &&
	test "$(tag_fpr local/3.2)" = "$UPFPR" &&
	test "$(git --git-dir="$LA/git/newnative.git" rev-parse archive/local/3.2)" = \
	    "$(git -C c/newnative rev-parse archive/local/3.2)" &&
	test "$(sources_version newnative)" = 3.1 &&
	cp c/newnative_3.2.dsc dsc.second &&
	cp c/newnative_3.2_source.changes changes.second
'

test_expect_success 'and again with the same key: tags and files are kept, and the upload completes' '
	tag=$(git -C c/newnative rev-parse archive/local/3.2) &&
	(cd c/newnative && "$DGIT" -d local -k "$UPFPR" push-source) >out 2>err &&
	test_grep "tag archive/local/3.2 is already made" err &&
	test_grep "newnative_3.2.dsc is already signed" err &&
	test_grep "newnative_3.2_source.changes is already signed" err &&
	test "$(git -C c/newnative rev-parse archive/local/3.2)" = "$tag" &&
	cmp dsc.second c/newnative_3.2.dsc &&
	cmp changes.second c/newnative_3.2_source.changes &&
	test "$(sources_version newnative)" = 3.2 &&
	cmp dsc.second "$LA/public/pool/main/n/newnative/newnative_3.2.dsc"
'

test_done
