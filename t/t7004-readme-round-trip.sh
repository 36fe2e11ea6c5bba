#!/bin/sh
test_description='the README round trip, its own lines: clone from the archive, push into a local archive, clone back; Perl dgit agrees'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-localarchive.sh"

test_need_cmd apt-get
LA="$HOME/la"
test -x /usr/bin/dgit || test_skip "Perl dgit (/usr/bin/dgit) is not installed"

# The lines of README's round trip: the "    $ " lines of its section.
readme_lines() {
	sed -n '/^Trying the push side/,/^The dgit git server$/s/^    \$ //p' \
	    "$SRC_DIR/README"
}

test_expect_success 'README has the round trip: init, clone, change, push-source --new, clone back, Perl dgit' '
	readme_lines >lines &&
	test_grep "^dgit local-archive init ~/la\$" lines &&
	test_grep "^dgit clone hello sid\$" lines &&
	test_grep "^dgit -d local push-source --new\$" lines &&
	test_grep "^dgit -d local clone hello sid hello-back\$" lines &&
	test_grep "^/usr/bin/dgit -d local .* clone hello sid hello-perl\$" lines &&
	test "$(grep -c "^test " lines)" -eq 2
'

# Debian is the standard test archive over HTTP on 127.0.0.1 (hello
# 1.0-2 in sid), its keys in the global config as a user of Debian
# has them through the keyring packages, and no git server to ask; the
# user has one OpenPGP key (the test uploader key), their default key;
# `dgit` is the program under test.
test_expect_success 'a user of Debian: the archive, their key, dgit on PATH' '
	archive_standard archive &&
	httpd_start archive &&
	git config --global dgit-distro.debian.mirror "$(httpd_url)" &&
	git config --global dgit-distro.debian.archive-keyring "$ARCHIVE_KEYRING" &&
	git config --global dgit-distro.debian.keyring "$UPLOADER_KEYRING" &&
	git config --global dgit-distro.debian.git-check false &&
	gpg_import_key uploader &&
	mkdir bin user &&
	ln -s "$DGIT" bin/dgit
'

test_expect_success 'the README lines run as they are written' '
	{ echo "set -ex"; cat lines; } >script &&
	(cd user && PATH="$TRASH_DIRECTORY/bin:$PATH" sh ../script) \
	    >out 2>err || { cat err >&2; false; }
'

test_expect_success 'the archive publishes the new version, signed by the user, its Dgit field naming the commit' '
	v=$(dpkg-parsechangelog -l user/hello/debian/changelog -SVersion) &&
	test "$v" = 1.0-2+local1 &&
	test "$(sources_version hello)" = "$v" &&
	dsc="$HOME/la/public/pool/main/h/hello/hello_$v.dsc" &&
	gpgv --keyring "$UPLOADER_KEYRING" "$dsc" 2>/dev/null &&
	head=$(git -C user/hello rev-parse HEAD) &&
	test_grep "^Dgit: $head local archive/local/$v file://$HOME/la/git/hello.git\$" "$dsc"
'

test_expect_success 'the clone back and Perl dgit have the pushed commit; the tag verifies' '
	head=$(git -C user/hello rev-parse HEAD) &&
	test "$(git -C user/hello-back rev-parse HEAD)" = "$head" &&
	test "$(git -C user/hello-perl rev-parse HEAD)" = "$head" &&
	test "$(git -C user/hello-perl rev-parse HEAD^{tree})" = \
	    "$(git -C user/hello rev-parse HEAD^{tree})" &&
	git --git-dir="$HOME/la/git/hello.git" verify-tag archive/local/1.0-2+local1
'

test_expect_success 'the pushed tree is what dpkg-source -x makes of the published package' '
	v=1.0-2+local1 &&
	dpkg-source -x "$HOME/la/public/pool/main/h/hello/hello_$v.dsc" x \
	    >/dev/null 2>&1 &&
	rm -rf x/.pc &&
	test_cmp user/hello/NOTES.local x/NOTES.local &&
	(cd x && git init -q && git add -A -f &&
	 git write-tree) >tree.x &&
	git -C user/hello rev-parse HEAD^{tree} >tree.head &&
	test_cmp tree.x tree.head
'

test_done
