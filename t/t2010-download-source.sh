#!/bin/sh
test_description='download-source from the local test archive over HTTP'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-download.sh"

test_expect_success 'set up the archive and the server' '
	archive_standard archive &&
	archive_add_fixture archive sid hello-1 &&
	archive_update archive sid &&
	httpd_start archive
'
DL_MIRROR=$(httpd_url 2>/dev/null)

# suite fixture: each fixture where the standard archive has it
while read -r suite fixture; do
	test_expect_success "good download: $fixture from $suite" '
		mkdir -p "out-$suite-$fixture" &&
		src=$(fixture_var $fixture source) &&
		ver=$(fixture_var $fixture version) &&
		dl_dgit download-source --dir "out-$suite-$fixture" \
		    "$src=$ver" $suite >stdout 2>stderr &&
		dl_expect_files "$(fixture_built $fixture)" "out-$suite-$fixture" &&
		test_grep "^dgit: downloaded $src $ver from $suite: " stdout &&
		test_must_fail test_grep -i warning stderr
	'
done <<EOF2
sid hello-2
sid hello-1
sid oldnative
sid olddiff
sid newnative
sid libmulti
bookworm hello-1
bookworm oldnative
bookworm-security olddiff
EOF2

test_expect_success 'without =VERSION: the highest version' '
	mkdir out &&
	dl_dgit download-source --dir out hello >stdout &&
	test_grep "downloaded hello 1.0-2 from sid" stdout &&
	dl_expect_files "$(fixture_built hello-2)" out
'

test_expect_success 'suite names and codenames: unstable, stable, stable-security' '
	mkdir o1 o2 o3 &&
	dl_dgit download-source --dir o1 hello unstable &&
	dl_expect_files "$(fixture_built hello-2)" o1 &&
	dl_dgit download-source --dir o2 hello stable &&
	dl_expect_files "$(fixture_built hello-1)" o2 &&
	dl_dgit download-source --dir o3 olddiff stable-security &&
	dl_expect_files "$(fixture_built olddiff)" o3
'

test_expect_success 'default suite is sid, default directory is .' '
	mkdir o4 &&
	(cd o4 && dl_dgit download-source newnative) &&
	dl_expect_files "$(fixture_built newnative)" o4
'

test_expect_success 'with -q nothing is printed' '
	mkdir o5 &&
	dl_dgit -q download-source --dir o5 newnative >stdout 2>stderr &&
	test_must_fail test -s stdout && test_must_fail test -s stderr
'

test_expect_success 'unknown version: says which versions there are' '
	mkdir o6 &&
	test_must_fail dl_dgit download-source --dir o6 hello=9-1 2>err &&
	test_grep "version .9-1. of source package .hello. is not in suite .sid. (it has 1.0-1, 1.0-2)" err &&
	dl_dir_has_only o6
'

test_expect_success 'unknown package: names the suite and components' '
	test_must_fail dl_dgit download-source --dir o6 nosuch 2>err &&
	test_grep "source package .nosuch. not found in suite .sid. (searched components: main)" err &&
	dl_dir_has_only o6
'

test_expect_success 'unknown suite' '
	test_must_fail dl_dgit download-source --dir o6 hello bogus 2>err &&
	test_grep "suite .bogus. not found at" err
'

test_expect_success 'bad arguments are usage errors' '
	test_expect_code 8 dl_dgit download-source --dir o6 "../x" 2>err &&
	test_expect_code 8 dl_dgit download-source --dir o6 Hello 2>err &&
	test_grep "bad package name .Hello." err &&
	test_expect_code 8 dl_dgit download-source 2>err &&
	test_expect_code 8 dl_dgit download-source --frob hello 2>err &&
	test_expect_code 8 dl_dgit download-source a b c 2>err &&
	test_must_fail dl_dgit download-source --dir nosuchdir hello 2>err &&
	test_grep "nosuchdir. is not a directory" err
'

test_expect_success 'a binary package name: says which source to ask for' '
	cp -a archive archive-bin &&
	dl_sources_edit archive-bin sid main \
	    "s/^Binary: oldnative\$/Binary: oldnative, oldnative-doc/" &&
	xz -dc archive-bin/dists/sid/main/source/Sources.xz | grep "oldnative-doc" &&
	test_must_fail env DL_MIRROR="file://$PWD/archive-bin" \
	    sh -c ". \"$TEST_DIR/lib-download.sh\"; dl_dgit download-source --dir o6 oldnative-doc" 2>err &&
	test_grep "oldnative-doc. is a binary package; its source package is .oldnative.: run .dgit download-source oldnative sid." err &&
	test_must_fail env DL_MIRROR="file://$PWD/archive-bin" \
	    sh -c ". \"$TEST_DIR/lib-download.sh\"; dl_dgit download-source --dir o6 oldnative-doc" 2>err &&
	test_grep "its source package is .oldnative." err
'

test_expect_success 'no mirror configured: the apt sources name it; -security too' '
	mkdir apt apt/parts apt/conf.d o8 o9 &&
	cp -a archive archive-sec &&
	printf "deb %s sid main\n" "$DL_MIRROR" >apt/sources.list &&
	printf "Types: deb\nURIs: file://%s\nSuites: bookworm-security\nComponents: main\n" \
	    "$PWD/archive-sec" >apt/parts/sec.sources &&
	printf "Dir::Etc::sourcelist \"%s\";\nDir::Etc::sourceparts \"%s\";\nDir::Etc::parts \"%s\";\nDir::Etc::main \"/dev/null\";\n" \
	    "$PWD/apt/sources.list" "$PWD/apt/parts" "$PWD/apt/conf.d" >apt/apt.conf &&
	: >"$(httpd_log)" &&
	APT_CONFIG=$PWD/apt/apt.conf "$DGIT" \
	    -c "dgit-distro.debian.archive-keyring=$ARCHIVE_KEYRING" \
	    -c "dgit-distro.debian.keyring=$UPLOADER_KEYRING" \
	    download-source --dir o8 newnative &&
	dl_expect_files "$(fixture_built newnative)" o8 &&
	grep "GET /dists/sid/InRelease" "$(httpd_log)" &&
	: >"$(httpd_log)" &&
	APT_CONFIG=$PWD/apt/apt.conf "$DGIT" \
	    -c "dgit-distro.debian.archive-keyring=$ARCHIVE_KEYRING" \
	    -c "dgit-distro.debian.keyring=$UPLOADER_KEYRING" \
	    download-source --dir o9 olddiff bookworm-security &&
	dl_expect_files "$(fixture_built olddiff)" o9 &&
	test_must_fail test -s "$(httpd_log)" &&
	printf "deb http://127.0.0.1:1/ubuntu noble main\n" >apt/sources.list &&
	rm apt/parts/sec.sources &&
	test_must_fail env APT_CONFIG=$PWD/apt/apt.conf "$DGIT" \
	    download-source --dir o9 olddiff 2>err &&
	test_grep "no Debian mirror in the apt sources; set one with .git config dgit-distro.debian.mirror URL." err
'

test_expect_success 'file:// mirror' '
	mkdir o7 &&
	DL_MIRROR="file://$PWD/archive" dl_dgit download-source --dir o7 libmulti &&
	dl_expect_files "$(fixture_built libmulti)" o7
'

test_expect_success 'the .dsc signature: good, no keyring, unknown key' '
	mkdir s1 s2 s3 &&
	dl_dgit download-source --require-valid-signature --dir s1 hello 2>err &&
	test_must_fail test_grep warning err &&
	dl_dgit -c dgit-distro.debian.keyring=/nonexistent.gpg \
	    download-source --dir s2 hello 2>err &&
	test_grep "warning: .dsc signature of .hello_1.0-2.dsc. not checked: no uploader keyring" err &&
	dl_dgit -c dgit-distro.debian.keyring=$WRONG_KEYRING \
	    download-source --dir s3 hello 2>err &&
	test_grep "warning: .*hello_1.0-2.dsc. is signed by key $(key_fpr uploader), which is not in the keyring" err &&
	rm s3/* &&
	test_must_fail dl_dgit -c dgit-distro.debian.keyring=$WRONG_KEYRING \
	    download-source --require-valid-signature --dir s3 hello 2>err &&
	test_grep "no valid signature .*--require-valid-signature" err &&
	dl_dir_has_only s3
'

test_expect_success 'the second run is served from the cache' '
	mkdir c1 c2 &&
	dl_dgit download-source --dir c1 libmulti &&
	: >"$(httpd_log)" &&
	dl_dgit download-source --dir c2 libmulti >stdout &&
	test_grep "all from the cache" stdout &&
	dl_expect_files "$(fixture_built libmulti)" c2 &&
	cut -d" " -f1,2 "$(httpd_log)" >requests &&
	echo "GET /dists/sid/InRelease" >expect &&
	test_cmp expect requests
'

# dl_dgit against the archive "comps", read over file://
comps_dgit() {
	(DL_MIRROR="file://$TRASH_DIRECTORY/comps" && dl_dgit "$@")
}

test_expect_success 'several components: found in contrib; not found names them all' '
	archive_init comps &&
	archive_add_suite comps trixie testing &&
	archive_add_fixture comps trixie newnative &&
	archive_add_fixture comps trixie oldnative contrib &&
	ARCHIVE_COMPONENTS="main non-free" archive_update comps &&
	want=$(sed -n "s/^Components: //p" comps/dists/trixie/Release |
	    sed "s/ /, /g") &&
	test "$want" = "main, non-free, contrib" &&
	mkdir m1 &&
	comps_dgit download-source --dir m1 oldnative trixie &&
	dl_expect_files "$(fixture_built oldnative)" m1 &&
	for run in fetched cached; do
		test_must_fail comps_dgit download-source --dir m1 nosuch \
		    trixie 2>err &&
		test_grep "source package .nosuch. not found in suite .trixie. (searched components: $want)" err || return 1
	done
'

test_expect_success 'offline: an unreachable mirror falls back to the cached Release' '
	mkdir c3 &&
	httpd_stop &&
	dl_dgit download-source --dir c3 libmulti >stdout 2>err &&
	test_grep "warning: mirror unreachable, using the cached Release of .sid." err &&
	dl_expect_files "$(fixture_built libmulti)" c3 &&
	mkdir c4 &&
	rm -r "$XDG_CACHE_HOME/dgit/url" &&
	test_must_fail dl_dgit download-source --dir c4 newnative bookworm 2>err &&
	test_grep "cannot download .*dists/bookworm/InRelease.*127.0.0.1" err &&
	dl_dir_has_only c4
'

test_expect_success '--clear-cache empties the cache' '
	test -d "$XDG_CACHE_HOME/dgit/sha256" &&
	dl_dgit download-source --clear-cache 2>err &&
	test_path_is_missing "$XDG_CACHE_HOME/dgit"
'

test_done
