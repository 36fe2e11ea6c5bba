#!/bin/sh
test_description='download-source from a local signed archive (file://)'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-dl-archive.sh"

test_expect_success 'set up the archive' '
	dl_keys &&
	dl_pkg hello 1.0-1 &&
	dl_pkg hello 1.2-1 &&
	dl_pkg hello 1.10-1 &&
	dl_native tool 2.0 &&
	dl_publish
'

# The expected files: the pool copies, compared byte for byte.
pool_files() {
	(cd "$DL_ARCHIVE/pool/main/$1" && ls | grep "^$2")
}

test_expect_success 'highest version by Debian order (1.10 > 1.2)' '
	mkdir out &&
	dl_dgit download-source --dir out hello >stdout 2>stderr &&
	test_grep "downloaded hello 1.10-1" stdout &&
	dl_dir_has_only out hello_1.10-1.debian.tar.xz hello_1.10-1.dsc \
	    hello_1.10.orig.tar.xz &&
	for f in out/*; do
		cmp "$f" "$DL_ARCHIVE/pool/main/h/hello/${f#out/}" || return 1
	done
'

test_expect_success 'PACKAGE=VERSION picks that version' '
	mkdir out2 &&
	dl_dgit download-source --dir=out2 hello=1.2-1 sid >stdout &&
	dl_dir_has_only out2 hello_1.2-1.debian.tar.xz hello_1.2-1.dsc \
	    hello_1.2.orig.tar.xz
'

test_expect_success 'suite name and codename both work; default is sid' '
	mkdir out3 out4 &&
	dl_dgit download-source --dir out3 tool unstable >stdout &&
	dl_dir_has_only out3 tool_2.0.dsc tool_2.0.tar.xz &&
	(cd out4 && dl_dgit -q download-source tool >../stdout 2>../stderr) &&
	dl_dir_has_only out4 tool_2.0.dsc tool_2.0.tar.xz &&
	test_must_fail test -s stdout && test_must_fail test -s stderr
'

test_expect_success 'unknown version lists the versions there are' '
	mkdir out5 &&
	test_must_fail dl_dgit download-source --dir out5 hello=9-1 2>err &&
	test_grep "version .9-1. of source package .hello. is not in suite .sid. (it has 1.0-1, 1.10-1, 1.2-1)" err &&
	dl_dir_has_only out5
'

test_expect_success 'a binary package name names its source' '
	test_must_fail dl_dgit download-source --dir out5 hello-doc 2>err &&
	test_grep "hello-doc. is a binary package; its source package is .hello." err &&
	dl_dir_has_only out5
'

test_expect_success 'the answers are the same from the lookup cache' '
	test -d "$XDG_CACHE_HOME/dgit/lookup" &&
	test_must_fail dl_dgit download-source --dir out5 hello-doc 2>err &&
	test_grep "hello-doc. is a binary package; its source package is .hello." err &&
	test_must_fail dl_dgit download-source --dir out5 hello=9-1 2>err &&
	test_grep "(it has 1.0-1, 1.10-1, 1.2-1)" err &&
	mkdir out6 &&
	dl_dgit download-source --dir out6 hello >stdout &&
	test_grep "downloaded hello 1.10-1 .*all from the cache" stdout &&
	dl_dir_has_only out6 hello_1.10-1.debian.tar.xz hello_1.10-1.dsc \
	    hello_1.10.orig.tar.xz
'

test_expect_success 'a bad package name is a usage error' '
	test_expect_code 2 dl_dgit download-source --dir out5 "../x" 2>err &&
	test_expect_code 2 dl_dgit download-source --dir out5 "Hello" 2>err &&
	test_grep "bad package name .Hello." err
'

test_expect_success 'unknown package names the suite and components searched' '
	test_must_fail dl_dgit download-source --dir out5 nosuch 2>err &&
	test_grep "source package .nosuch. not found in suite .sid. (searched components: main)" err
'

test_expect_success 'unknown suite' '
	test_must_fail dl_dgit download-source --dir out5 hello bogus 2>err &&
	test_grep "suite .bogus. not found" err
'

test_expect_success '--dir must exist' '
	test_must_fail dl_dgit download-source --dir nosuchdir hello 2>err &&
	test_grep "nosuchdir. is not a directory" err
'

test_expect_success 'the .dsc signature: good, no keyring, unknown key' '
	mkdir s1 s2 s3 &&
	dl_dgit download-source --dir s1 --require-valid-signature tool 2>err &&
	test_must_fail test_grep warning err &&
	dl_dgit -c dgit-distro.debian.keyring=/nonexistent.gpg \
	    download-source --dir s2 tool 2>err &&
	test_grep "warning: .dsc signature of .tool_2.0.dsc. not checked: no uploader keyring" err &&
	dl_dgit -c dgit-distro.debian.keyring=$PWD/keys/stranger.gpg \
	    download-source --dir s3 tool 2>err &&
	test_grep "warning: .*not in the keyring" err &&
	test_must_fail dl_dgit -c dgit-distro.debian.keyring=$PWD/keys/stranger.gpg \
	    download-source --dir s3 --require-valid-signature hello 2>err &&
	test_grep "no valid signature .*--require-valid-signature" err
'

test_expect_success '--clear-cache empties the cache' '
	test -d "$XDG_CACHE_HOME/dgit/sha256" &&
	dl_dgit download-source --clear-cache 2>err &&
	test_path_is_missing "$XDG_CACHE_HOME/dgit"
'

test_done
