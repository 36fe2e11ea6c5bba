#!/bin/sh
test_description='the local test archive: fixtures, indices, signatures'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

# Field VALUE of the Release file $1 for index file $3 in list $2 (MD5Sum
# or SHA256): prints "HASH SIZE".
release_entry() {
	awk -v list="$2:" -v name="$3" '
		/^[^ ]/ { in_list = ($1 == list) }
		in_list && /^ / && $3 == name { print $1, $2 }' "$1"
}

test_expect_success 'the standard archive builds' '
	archive_standard archive &&
	test -f archive/dists/sid/InRelease &&
	test -f archive/dists/bookworm/Release.gpg &&
	test -f archive/dists/bookworm-security/main/source/Sources.xz
'

test_expect_success 'the archive is reproducible: a fresh build equals the cached one' '
	FIXTURE_CACHE=none FIXTURE_BUILD=$PWD/fresh-build archive_standard fresh &&
	diff -r archive fresh
'

test_expect_success 'suite aliases are symlinks to the codename' '
	test "$(readlink archive/dists/unstable)" = sid &&
	test "$(readlink archive/dists/stable)" = bookworm &&
	test "$(readlink archive/dists/stable-security)" = bookworm-security &&
	test "$(readlink archive/dists/experimental)" = rc-buggy &&
	test_grep "^Suite: unstable$" archive/dists/sid/Release &&
	test_grep "^Codename: sid$" archive/dists/sid/Release &&
	test_grep "^Suite: stable-security$" \
	    archive/dists/bookworm-security/Release
'

test_expect_success 'Release has the fields apt expects' '
	r=archive/dists/sid/Release &&
	for f in Origin Label Suite Codename Date Architectures Components \
	    Acquire-By-Hash MD5Sum SHA256; do
		test_grep "^$f:" $r || return 1
	done &&
	test_grep "^Date: Fri, 14 Jul 2017 02:40:00 UTC$" $r &&
	! grep "^Valid-Until:" $r
'

test_expect_success 'gpgv verifies InRelease and Release.gpg with the test keyring' '
	for s in sid bookworm bookworm-security; do
		gpgv --keyring "$ARCHIVE_KEYRING" archive/dists/$s/InRelease &&
		gpgv --keyring "$ARCHIVE_KEYRING" archive/dists/$s/Release.gpg \
		    archive/dists/$s/Release || return 1
	done
'

test_expect_success 'the InRelease body is the Release file' '
	gpgv --keyring "$ARCHIVE_KEYRING" --output inrelease.body \
	    archive/dists/sid/InRelease &&
	test_cmp archive/dists/sid/Release inrelease.body
'

test_expect_success 'gpgv refuses InRelease with the wrong keyring' '
	test_must_fail gpgv --keyring "$WRONG_KEYRING" \
	    archive/dists/sid/InRelease 2>err &&
	test_grep -i "public key" err
'

test_expect_success 'gpgv refuses a tampered InRelease' '
	sed "s/^Suite: unstable/Suite: stable/" archive/dists/sid/InRelease \
	    >tampered &&
	! cmp -s tampered archive/dists/sid/InRelease &&
	test_must_fail gpgv --keyring "$ARCHIVE_KEYRING" tampered
'

test_expect_success 'an archive signed with the wrong key fails verification' '
	archive_init wrongarch &&
	archive_add_suite wrongarch sid unstable &&
	archive_add_fixture wrongarch sid oldnative &&
	ARCHIVE_KEY=wrong archive_update wrongarch &&
	test_must_fail gpgv --keyring "$ARCHIVE_KEYRING" \
	    wrongarch/dists/sid/InRelease &&
	gpgv --keyring "$WRONG_KEYRING" wrongarch/dists/sid/InRelease
'

test_expect_success 'every index matches its size and SHA256 and MD5 in Release' '
	for s in sid bookworm bookworm-security; do
		for f in Sources Sources.gz Sources.xz; do
			p=archive/dists/$s/main/source/$f &&
			set -- $(release_entry archive/dists/$s/Release SHA256 \
			    main/source/$f) &&
			test "$1" = "$(sha256sum <$p | cut -c1-64)" &&
			test "$2" = "$(wc -c <$p)" &&
			set -- $(release_entry archive/dists/$s/Release MD5Sum \
			    main/source/$f) &&
			test "$1" = "$(md5sum <$p | cut -c1-32)" || return 1
		done
	done
'

test_expect_success 'by-hash copies exist and match' '
	set -- $(release_entry archive/dists/sid/Release SHA256 \
	    main/source/Sources.xz) &&
	cmp archive/dists/sid/main/source/Sources.xz \
	    archive/dists/sid/main/source/by-hash/SHA256/$1
'

test_expect_success 'the compressed indices decompress to Sources' '
	s=archive/dists/sid/main/source &&
	xz -dc $s/Sources.xz >un.xz &&
	gzip -dc $s/Sources.gz >un.gz &&
	test_cmp $s/Sources un.xz &&
	test_cmp $s/Sources un.gz
'

# Source/version pairs in a Sources file, sorted.
sources_list() {
	awk '/^Package:/ { p = $2 } /^Version:/ { v = $2 }
	     /^$/ { if (p != "") print p, v; p = "" }
	     END { if (p != "") print p, v }' "$1" | sort
}

test_expect_success 'each suite lists exactly its fixtures' '
	cat >expect.sid <<-\EOF &&
	hello 1.0-2
	libmulti 2:0.5-1
	newnative 3.1
	oddities 1.0-1
	olddiff 2.0-1
	oldnative 1.2
	EOF
	printf "mailhdrs 1.0-1\nplain 2.5~rc1-1\nwithgit 0.1-1\n" >expect.rc-buggy &&
	cat >expect.bookworm <<-\EOF &&
	hello 1.0-1
	oldnative 1.2
	EOF
	echo "olddiff 2.0-1" >expect.bookworm-security &&
	for s in sid bookworm bookworm-security rc-buggy; do
		sources_list archive/dists/$s/main/source/Sources >actual.$s &&
		test_cmp expect.$s actual.$s || return 1
	done
'

test_expect_success 'every fixture .dsc is in the archive' '
	for f in $(fixture_list); do
		d=$(fixture_dsc $f) &&
		grep -l " $d\$" archive/dists/*/main/source/Sources >/dev/null ||
		    { echo "missing $d"; return 1; }
	done
'

test_expect_success 'Sources checksums match the pool files' '
	awk "/^Directory:/ { d = \$2 }
	     /^Checksums-Sha256:/ { on = 1; next }
	     /^[^ ]/ { on = 0 }
	     on && /^ / { print \$1 \"  \" d \"/\" \$3 }" \
	    archive/dists/sid/main/source/Sources >sums &&
	test $(wc -l <sums) -ge 14 &&
	(cd archive && sha256sum -c --quiet ../sums)
'

test_expect_success 'pool layout: first letter, lib prefix' '
	test -f archive/pool/main/h/hello/hello_1.0-2.dsc &&
	test -f archive/pool/main/h/hello/hello_1.0-1.dsc &&
	test -f archive/pool/main/libm/libmulti/libmulti_0.5-1.dsc &&
	test -f archive/pool/main/o/olddiff/olddiff_2.0-1.diff.gz &&
	test "$(archive_pool_dir libfoo contrib)" = pool/contrib/libf/libfoo
'

test_expect_success 'fixture formats and files are what dpkg-source made' '
	b=$FIXTURE_BUILD &&
	test_grep "^Format: 1.0$" $b/oldnative_1.2.dsc &&
	test_grep " oldnative_1.2.tar.gz$" $b/oldnative_1.2.dsc &&
	test_grep "^Format: 1.0$" $b/olddiff_2.0-1.dsc &&
	test_grep " olddiff_2.0-1.diff.gz$" $b/olddiff_2.0-1.dsc &&
	test_grep "^Format: 3.0 (native)$" $b/newnative_3.1.dsc &&
	test_grep " newnative_3.1.tar.xz$" $b/newnative_3.1.dsc &&
	test_grep "^Format: 3.0 (quilt)$" $b/hello_1.0-1.dsc &&
	test_grep " hello_1.0.orig.tar.gz.asc$" $b/hello_1.0-1.dsc &&
	test_grep "^Version: 2:0.5-1$" $b/libmulti_0.5-1.dsc &&
	test_grep " libmulti_0.5.orig.tar.bz2$" $b/libmulti_0.5-1.dsc &&
	test_grep " libmulti_0.5.orig-docs.tar.xz$" $b/libmulti_0.5-1.dsc &&
	test_grep " libmulti_0.5.orig-extra.tar.gz$" $b/libmulti_0.5-1.dsc &&
	test_grep " libmulti_0.5-1.debian.tar.gz$" $b/libmulti_0.5-1.dsc
'

test_expect_success 'hello 1.0-1 and 1.0-2 share one orig tarball' '
	o1=$(grep " hello_1.0.orig.tar.gz$" $FIXTURE_BUILD/hello_1.0-1.dsc |
	    sort -u) &&
	o2=$(grep " hello_1.0.orig.tar.gz$" $FIXTURE_BUILD/hello_1.0-2.dsc |
	    sort -u) &&
	test -n "$o1" && test "$o1" = "$o2"
'

test_expect_success 'orig tarballs are deterministic' '
	FIXTURE_SIGN=no fixture_build libmulti again &&
	FIXTURE_SIGN=no fixture_build hello-1 again &&
	for f in hello_1.0.orig.tar.gz libmulti_0.5.orig.tar.bz2 \
	    libmulti_0.5.orig-docs.tar.xz libmulti_0.5.orig-extra.tar.gz; do
		cmp again/$f $FIXTURE_BUILD/$f || return 1
	done
'

test_expect_success 'orig with and without a top-level directory' '
	tar -tzf $FIXTURE_BUILD/hello_1.0.orig.tar.gz | cut -d/ -f1 |
	    sort -u >tops &&
	echo hello-1.0 >expect &&
	test_cmp expect tops &&
	tar -tjf $FIXTURE_BUILD/libmulti_0.5.orig.tar.bz2 >list &&
	test_grep "^README$" list &&
	tar -tJf $FIXTURE_BUILD/libmulti_0.5.orig-docs.tar.xz >list &&
	test_grep "^libmulti-docs-0.5/README$" list &&
	tar -tvzf $FIXTURE_BUILD/hello_1.0.orig.tar.gz >listv &&
	test_grep "^lrwxrwxrwx 0/0 .* hello-1.0/link-to-readme -> README$" \
	    listv &&
	test_grep "^-rwxr-xr-x 0/0 .* hello-1.0/run.sh$" listv
'

test_expect_success 'the .dsc files are signed by the uploader key' '
	for f in $(fixture_list); do
		gpgv --keyring "$UPLOADER_KEYRING" \
		    $FIXTURE_BUILD/$(fixture_dsc $f) || return 1
	done &&
	test_must_fail gpgv --keyring "$ARCHIVE_KEYRING" \
	    $FIXTURE_BUILD/hello_1.0-1.dsc
'

test_expect_success 'the upstream signature verifies' '
	gpgv --keyring "$UPLOADER_KEYRING" \
	    $FIXTURE_BUILD/hello_1.0.orig.tar.gz.asc \
	    $FIXTURE_BUILD/hello_1.0.orig.tar.gz
'

test_expect_success 'dpkg-source -x unpacks every fixture from the pool' '
	mkdir x &&
	for d in $(find archive/pool -name "*.dsc" | sort); do
		n=$(basename $d .dsc) &&
		dpkg-source --no-check -x $d x/$n >/dev/null 2>&1 ||
		    { echo "failed: $d"; return 1; }
	done &&
	test $(find x -mindepth 1 -maxdepth 1 -type d | wc -l) = 10
'

test_expect_success '3.0 (quilt): patches applied as dpkg-source does' '
	h=x/hello_1.0-2 &&
	test_grep "Hello, World!" $h/src/hello.c &&
	test -f $h/NEWS &&
	test_path_is_missing $h/src/old.c &&
	test_path_is_missing $h/docs/manual.txt &&
	test_grep "loudly" $h/docs/hello-manual.txt &&
	test -x $h/tools/gen.sh &&
	test -x $h/run.sh &&
	test "$(readlink $h/link-to-readme)" = README &&
	test_grep "^Usage:" $h/README &&
	! grep "^Usage:" x/hello_1.0-1/README
'

test_expect_success '3.0 (quilt) components unpack under COMP/' '
	m=x/libmulti_0.5-1 &&
	test -f $m/docs/README &&
	test_grep "corrected" $m/docs/guide/index.txt &&
	test -f $m/extra/data/one.dat &&
	test -x $m/extra/tool.sh &&
	test -f $m/include/multi.h
'

test_expect_success '1.0 non-native: diff applied, debian/patches not' '
	o=x/olddiff_2.0-1 &&
	test -x $o/debian/rules &&
	test_grep "changed by the Debian diff" $o/README &&
	! grep "WRONG" $o/README &&
	test -f $o/src/added.c &&
	test -x $o/configure &&
	test "$(readlink $o/README.link)" = README &&
	test_path_is_missing $o/.pc
'

test_expect_success 'native formats keep modes and symlinks' '
	test -x x/oldnative_1.2/bin/oldnative &&
	test "$(readlink x/oldnative_1.2/data)" = lib/data.txt &&
	test -x x/newnative_3.1/build.sh &&
	test "$(readlink x/newnative_3.1/main.c)" = src/main.c
'

test_expect_success 'the reference tree of a .dsc, as DESIGN.md defines it' '
	git init -q ref &&
	t=$(dsc_reference_tree $FIXTURE_BUILD/hello_1.0-2.dsc ref/.git/objects) &&
	test "$t" = "$(dsc_reference_tree $FIXTURE_BUILD/hello_1.0-2.dsc)" &&
	git -C ref ls-tree -r $t >tree &&
	test_grep "^100755 blob [0-9a-f]*	run.sh$" tree &&
	test_grep "^100755 blob [0-9a-f]*	tools/gen.sh$" tree &&
	test_grep "^100755 blob [0-9a-f]*	debian/rules$" tree &&
	test_grep "^120000 blob [0-9a-f]*	link-to-readme$" tree &&
	test_grep "^100644 blob [0-9a-f]*	NEWS$" tree &&
	! grep "	\.pc/" tree &&
	! grep "	src/old.c$" tree &&
	test "$(git -C ref cat-file blob $t:link-to-readme)" = README &&
	t1=$(dsc_reference_tree $FIXTURE_BUILD/hello_1.0-1.dsc) &&
	test "$t" != "$t1"
'

test_expect_success 'oddities: bytes and names survive in the reference tree' '
	git init -q odd &&
	t=$(dsc_reference_tree $FIXTURE_BUILD/oddities_1.0-1.dsc odd/.git/objects) &&
	git -C odd ls-tree -r --name-only -z $t | tr "\0" "\n" >names &&
	test_grep "^\.gitattributes$" names &&
	test_grep "^name with spaces.txt$" names &&
	test_grep "^caf.*\.txt$" names &&
	test_grep "^empty$" names &&
	! grep "empty-dir" names &&
	git -C odd cat-file blob $t:crlf.txt >crlf &&
	printf "line one\r\nline two\r\n" >expect &&
	cmp expect crlf &&
	git -C odd cat-file blob $t:keywords.sh >kw &&
	test_grep "^\$Id\$$" kw &&
	test -d x/oddities_1.0-1/empty-dir
'

test_expect_success 'withgit: .git in the orig, left out of the reference tree' '
	tar -tzf $FIXTURE_BUILD/withgit_0.1.orig.tar.gz >list &&
	test_grep "^withgit-0.1/.git/HEAD$" list &&
	test_grep "^withgit-0.1/sub/.git$" list &&
	test -f x/withgit_0.1-1/.git/HEAD &&
	git init -q wg &&
	t=$(dsc_reference_tree $FIXTURE_BUILD/withgit_0.1-1.dsc wg/.git/objects) &&
	git -C wg ls-tree -r --name-only $t >names &&
	! grep "\.git" names &&
	test_grep "^sub/file$" names
'

test_expect_success 'the reference tree drops .git from a package' '
	mkdir -p gitpkg && cp -R "$FIXTURES_DIR/newnative/tree" gitpkg/newnative-3.1 &&
	mkdir gitpkg/newnative-3.1/.git gitpkg/newnative-3.1/src/.git &&
	echo x >gitpkg/newnative-3.1/.git/config &&
	echo y >gitpkg/newnative-3.1/src/.git/HEAD &&
	(cd gitpkg && dpkg-source -I.pc -b newnative-3.1 >/dev/null 2>&1) &&
	tar -tJf gitpkg/newnative_3.1.tar.xz >list &&
	test_grep "/src/.git/HEAD$" list &&
	test "$(dsc_reference_tree gitpkg/newnative_3.1.dsc)" = \
	    "$(dsc_reference_tree $FIXTURE_BUILD/newnative_3.1.dsc)"
'

test_expect_success 'archive_configure_dgit points dgit at the archive' '
	archive_configure_dgit "file://$PWD/archive" &&
	test "$(git config --global dgit-distro.debian.mirror)" = \
	    "file://$PWD/archive" &&
	test "$(git config --global dgit-distro.debian.archive-keyring)" = \
	    "$ARCHIVE_KEYRING" &&
	archive_configure_dgit http://127.0.0.1:1/ test-distro &&
	test "$(git config --global dgit-distro.test-distro.mirror)" = \
	    http://127.0.0.1:1/
'

test_expect_success 'a new upload: add hello 1.0-2 to bookworm, re-sign' '
	cp -R archive upd &&
	old=$(sha256sum <upd/dists/bookworm/main/source/Sources.xz) &&
	archive_remove upd bookworm hello &&
	archive_add_fixture upd bookworm hello-2 &&
	archive_update upd bookworm &&
	sources_list upd/dists/bookworm/main/source/Sources >actual &&
	printf "hello 1.0-2\noldnative 1.2\n" >expect &&
	test_cmp expect actual &&
	new=$(sha256sum <upd/dists/bookworm/main/source/Sources.xz) &&
	test "$old" != "$new" &&
	gpgv --keyring "$ARCHIVE_KEYRING" upd/dists/bookworm/InRelease &&
	set -- $(release_entry upd/dists/bookworm/Release SHA256 \
	    main/source/Sources.xz) &&
	test "$1" = "$(sha256sum <upd/dists/bookworm/main/source/Sources.xz |
	    cut -c1-64)"
'

test_expect_success 'a file name already in the pool with other contents is refused' '
	mkdir other &&
	cp $FIXTURE_BUILD/oldnative_1.2.dsc other/ &&
	echo garbage >other/oldnative_1.2.tar.gz &&
	test_must_fail archive_add_dsc archive sid other/oldnative_1.2.dsc 2>err &&
	test_grep "other contents" err
'

test_expect_success 'Valid-Until, no by-hash, extra components, other date' '
	archive_init knobs &&
	archive_add_suite knobs trixie testing &&
	archive_add_fixture knobs trixie newnative &&
	archive_add_fixture knobs trixie oldnative contrib &&
	ARCHIVE_VALID_UNTIL=1600000000 ARCHIVE_BY_HASH=no ARCHIVE_DATE=1550000000 \
	    ARCHIVE_COMPONENTS="main non-free" archive_update knobs &&
	r=knobs/dists/trixie/Release &&
	test_grep "^Valid-Until: Sun, 13 Sep 2020 12:26:40 UTC$" $r &&
	test_grep "^Date: Tue, 12 Feb 2019 19:33:20 UTC$" $r &&
	test_grep "^Components: main non-free contrib$" $r &&
	! grep "^Acquire-By-Hash" $r &&
	test_path_is_missing knobs/dists/trixie/main/source/by-hash &&
	test -f knobs/dists/trixie/non-free/source/Sources.xz &&
	test_grep "^Package: oldnative" knobs/dists/trixie/contrib/source/Sources &&
	test -f knobs/pool/contrib/o/oldnative/oldnative_1.2.dsc
'

test_expect_success 'apt-get update accepts the archive (file://)' '
	A=$PWD/aptroot &&
	: >apt.conf &&
	mkdir -p $A/etc/apt/sources.list.d $A/etc/apt/preferences.d \
	    $A/etc/apt/apt.conf.d $A/var/lib/apt/lists/partial \
	    $A/var/cache/apt/archives/partial $A/var/lib/dpkg &&
	: >$A/var/lib/dpkg/status &&
	echo "deb-src [signed-by=$ARCHIVE_KEYRING] file://$PWD/archive sid main" \
	    >$A/etc/apt/sources.list &&
	echo "deb-src [signed-by=$ARCHIVE_KEYRING] file://$PWD/archive stable main" \
	    >>$A/etc/apt/sources.list &&
	APT_CONFIG=$PWD/apt.conf apt-get -o Dir=$A/ -o Dir::State::status=$A/var/lib/dpkg/status \
	    -o Debug::NoLocking=1 -o APT::Sandbox::User="$(id -un)" \
	    -o Acquire::Languages=none update >apt.out 2>&1 &&
	! grep -E "^(W|E):" apt.out &&
	APT_CONFIG=$PWD/apt.conf apt-get -o Dir=$A/ -o Dir::State::status=$A/var/lib/dpkg/status \
	    -o Debug::NoLocking=1 -o APT::Sandbox::User="$(id -un)" \
	    source --print-uris hello=1.0-2 >uris 2>&1 &&
	test_grep "hello_1.0-2.dsc" uris
'

test_done
