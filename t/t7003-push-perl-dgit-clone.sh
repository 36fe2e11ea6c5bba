#!/bin/sh
test_description='Perl dgit clones what push-source put into a local archive and gets the same commit'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test_need_cmd reprepro
test_need_cmd dput
test_need_cmd dch
test_need_cmd apt-get
PERL_DGIT=/usr/bin/dgit
test -x "$PERL_DGIT" || test_skip "Perl dgit ($PERL_DGIT) is not installed"

LA="$TRASH_DIRECTORY/la"
la_cleanup_() {
	gpgconf --homedir "$LA/gnupg" --kill all >/dev/null 2>&1
	return 0
}
test_atexit la_cleanup_

# Perl dgit reads the dgit-distro.local.* config local-archive init wrote;
# it learns what the archive has through apt-get (archive-query aptget:),
# which must trust the local archive's key: apt's signed-by in the
# sources line that dgit writes from the mirror setting (its -c takes
# NAME=VALUE in the same word)
perl_dgit() {
	"$PERL_DGIT" -d local \
	    -cdgit-distro.local.archive-query=aptget: \
	    "-cdgit-distro.local.mirror=[signed-by=$LA/archive-keyring.gpg] file://$LA/public" \
	    "$@"
}

test_expect_success 'set up a local archive and push newnative 3.1 with push-source --new' '
	gpg_import_key uploader &&
	"$DGIT" local-archive init "$LA" --key "$(key_fpr uploader)" >/dev/null &&
	mkdir w && cp -a "$FIXTURES_DIR/newnative/tree" w/newnative &&
	(cd w/newnative && git init -q && git add -A &&
	 git commit -q -m "newnative as the maintainer has it" &&
	 "$DGIT" -d local push-source --new) >out 2>err
'

test_expect_success 'Perl dgit clone gets exactly the pushed commit' '
	mkdir p && (cd p && perl_dgit clone newnative sid) >out 2>err &&
	test "$(git -C p/newnative rev-parse HEAD)" = \
	    "$(git -C w/newnative rev-parse HEAD)" &&
	test "$(git -C p/newnative rev-parse refs/remotes/dgit/dgit/sid)" = \
	    "$(git -C w/newnative rev-parse HEAD)"
'

test_expect_success 'a second push-source on top of a clone; Perl dgit fetch follows it' '
	mkdir c && (cd c && "$DGIT" -d local clone newnative sid) >/dev/null 2>&1 &&
	(cd c/newnative &&
	 echo more >>README && git commit -q -a -m "more" &&
	 dch -v 3.2 -D unstable --force-distribution "More." &&
	 git commit -q -a -m 3.2 &&
	 "$DGIT" -d local push-source) >out 2>err &&
	(cd p/newnative && perl_dgit fetch sid) >out 2>err &&
	test "$(git -C p/newnative rev-parse refs/remotes/dgit/dgit/sid)" = \
	    "$(git -C c/newnative rev-parse HEAD)"
'

test_expect_success 'a 3.0 (quilt) package with an upstream change: Perl dgit clone agrees' '
	dsc=$(fixture_built hello-1) && mkdir q &&
	for f in $(dsc_files_ "$dsc"); do
		cp "$(dirname "$dsc")/$f" q/ || return 1
	done &&
	dpkg-source -x "$dsc" q/hello >/dev/null 2>&1 && rm -rf q/hello/.pc &&
	rm -f q/*.dsc q/*.debian.tar.* &&
	(cd q/hello && git init -q &&
	 git config user.name "A Maintainer" &&
	 git config user.email maint@example.org && git add -A -f &&
	 git commit -q -m "hello 1.0-1" &&
	 echo "Hello, quilt." >>README &&
	 git commit -q -a -m "Greet quilt too" &&
	 dch -v 1.0-2 -D unstable --force-distribution "Greet quilt." &&
	 git commit -q -a -m "1.0-2" &&
	 "$DGIT" -d local push-source --new) >out 2>err &&
	(cd p && perl_dgit clone hello sid) >out 2>err &&
	test "$(git -C p/hello rev-parse HEAD)" = \
	    "$(git -C q/hello rev-parse HEAD)"
'

test_done
