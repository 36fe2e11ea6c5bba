#!/bin/sh
test_description='rpush: built on one side, signed on the other, over a stunt ssh; with Perl dgit on either side'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-localarchive.sh"

PERL_DGIT=/usr/bin/dgit

# ssh HOST COMMAND: run the command here, as dgit's own test suite does
mkdir bin &&
cat >bin/ssh <<'EOS' &&
#!/bin/sh
set -e
cd /
shift
exec sh -c "$*"
EOS
chmod +x bin/ssh || exit 1
PATH="$TRASH_DIRECTORY/bin:$PATH"
export PATH

# the tag text Perl dgit writes (dgit's push_mktags), for HEAD of $1
expect_tag() {
	cat <<-EOT
	object $(git -C "$1" rev-parse HEAD)
	type commit
	tag $2
	tagger $(dpkg-parsechangelog -l "$1/debian/changelog" -SMaintainer) $3

	newnative release $4 for unstable (sid) [dgit]

	[dgit distro=local no-split]
	EOT
}

test_expect_success 'a local archive and newnative 3.1 pushed to it' '
	la_init >/dev/null &&
	mkdir w && cp -a "$FIXTURES_DIR/newnative/tree" w/newnative &&
	(cd w/newnative && git init -q && git add -A &&
	 git commit -q -m "newnative as the maintainer has it" &&
	 "$DGIT" -d local push-source --new) >out 2>err
'

new_version() {
	(cd w/newnative &&
	 echo "$1" >>README &&
	 dch -v "$1" -D unstable --force-distribution "Upload $1." &&
	 git commit -q -a -m "$1")
}

test_expect_success 'rpush-source from an empty directory: signed here, pushed there' '
	new_version 3.2 &&
	mkdir empty &&
	(cd empty && "$DGIT" -d local --dgit="$DGIT" rpush-source \
	    "somehost:$TRASH_DIRECTORY/w/newnative") >out 2>err &&
	test_grep "dgit ok: rpush push-source" out &&
	test "$(sources_version newnative)" = 3.2 &&
	head=$(git -C w/newnative rev-parse HEAD) &&
	test "$(git --git-dir="$LA/git/newnative.git" rev-parse refs/dgit/sid)" = "$head" &&
	test -z "$(ls empty)"
'

test_expect_success 'the tags verify with git and are what Perl dgit writes' '
	t=$(date -d "$(dpkg-parsechangelog -l w/newnative/debian/changelog -SDate)" +"%s %z") &&
	for tag in archive/local/3.2 local/3.2; do
		git -C w/newnative verify-tag "$tag" &&
		git --git-dir="$LA/git/newnative.git" verify-tag "$tag" &&
		expect_tag w/newnative "$tag" "$t" 3.2 >expect &&
		git -C w/newnative cat-file tag "$tag" |
		    sed "/^-----BEGIN PGP/,\$d" >actual &&
		test_cmp expect actual || return 1
	done
'

test_expect_success 'the .dsc and .changes verify; the .changes lists the signed .dsc' '
	head=$(git -C w/newnative rev-parse HEAD) &&
	test_grep "^Dgit: $head local archive/local/3.2 file://$LA/git/newnative.git\$" \
	    w/newnative_3.2.dsc &&
	gpgv --keyring "$UPLOADER_KEYRING" w/newnative_3.2.dsc &&
	gpgv --keyring "$UPLOADER_KEYRING" w/newnative_3.2_source.changes &&
	sum=$(sha256sum <w/newnative_3.2.dsc | cut -d" " -f1) &&
	size=$(wc -c <w/newnative_3.2.dsc) &&
	test_grep " $sum $size newnative_3.2.dsc" w/newnative_3.2_source.changes &&
	md5=$(md5sum <w/newnative_3.2.dsc | cut -d" " -f1) &&
	test_grep " $md5 $size .* newnative_3.2.dsc" w/newnative_3.2_source.changes &&
	cmp "$LA/public/pool/main/n/newnative/newnative_3.2.dsc" w/newnative_3.2.dsc &&
	(cd w && dpkg-source -x newnative_3.2.dsc x32 >/dev/null 2>&1)
'

test_expect_success 'rpush follows dgit.default.rpush-subcmd, else push-subcmd' '
	(cd empty && test_must_fail "$DGIT" -d local \
	    -cdgit.default.rpush-subcmd=reject rpush \
	    "somehost:$TRASH_DIRECTORY/w/newnative") 2>err &&
	test_grep "dgit rpush, but dgit.default.\[r\]push-subcmd set to reject" err &&
	(cd empty && test_must_fail "$DGIT" -d local \
	    -cdgit.default.push-subcmd=reject rpush \
	    "somehost:$TRASH_DIRECTORY/w/newnative") 2>err &&
	test_grep "set to reject" err
'

test_expect_success 'rpush-built without a build says so, signing nothing' '
	new_version 3.3 &&
	(cd empty && test_must_fail "$DGIT" -d local --dgit="$DGIT" rpush-built \
	    "somehost:$TRASH_DIRECTORY/w/newnative") 2>err &&
	test_grep "looked for .dsc" err &&
	test_grep "build host child failed" err &&
	test -z "$(git -C w/newnative tag -l "*3.3*")"
'

test_expect_success 'Perl dgit initiates, ours builds and pushes' '
	test -x "$PERL_DGIT" || { echo "no Perl dgit"; return 0; }
	(cd empty && "$PERL_DGIT" -d local --dgit="$DGIT" rpush-source \
	    "somehost:$TRASH_DIRECTORY/w/newnative") >out 2>err &&
	test "$(sources_version newnative)" = 3.3 &&
	git -C w/newnative verify-tag archive/local/3.3 &&
	gpgv --keyring "$UPLOADER_KEYRING" w/newnative_3.3.dsc &&
	gpgv --keyring "$UPLOADER_KEYRING" w/newnative_3.3_source.changes &&
	head=$(git -C w/newnative rev-parse HEAD) &&
	test "$(git --git-dir="$LA/git/newnative.git" rev-parse refs/dgit/sid)" = "$head"
'

test_expect_success 'ours initiates, Perl dgit builds and pushes' '
	test -x "$PERL_DGIT" || { echo "no Perl dgit"; return 0; }
	new_version 3.4 &&
	(cd empty && "$DGIT" -d local --dgit="$PERL_DGIT" \
	    -cdgit-distro.local.archive-query=aptget: \
	    -cdgit-distro.local.policy-query-supported-ssh=false \
	    "-cdgit-distro.local.mirror=[signed-by=$LA/archive-keyring.gpg] file://$LA/public" \
	    rpush-source "somehost:$TRASH_DIRECTORY/w/newnative") >out 2>err &&
	test "$(sources_version newnative)" = 3.4 &&
	t=$(date -d "$(dpkg-parsechangelog -l w/newnative/debian/changelog -SDate)" +"%s %z") &&
	git -C w/newnative verify-tag archive/local/3.4 &&
	expect_tag w/newnative archive/local/3.4 "$t" 3.4 >expect &&
	git -C w/newnative cat-file tag archive/local/3.4 |
	    sed "/^-----BEGIN PGP/,\$d" >actual &&
	test_cmp expect actual &&
	gpgv --keyring "$UPLOADER_KEYRING" w/newnative_3.4.dsc &&
	gpgv --keyring "$UPLOADER_KEYRING" w/newnative_3.4_source.changes
'

test_done
