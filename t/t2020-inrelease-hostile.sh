#!/bin/sh
test_description='InRelease files apt refuses are refused: a weak digest, text outside the signature

Each case is first shown to be refused by apt itself (apt-get update
against the archive over file://, in a private apt root), then by dgit.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test_need_cmd apt-get

test_expect_success 'set up the archive' '
	archive_standard good
'

# apt_update ARCHIVE: apt-get update of sid's sources from ARCHIVE, in a
# private root, trusting only the archive key.
apt_update() {
	root=$PWD/aptroot &&
	rm -rf "$root" &&
	mkdir -p "$root/etc/apt/apt.conf.d" "$root/etc/apt/preferences.d" \
	    "$root/etc/apt/sources.list.d" "$root/etc/apt/trusted.gpg.d" \
	    "$root/var/lib/apt/lists/partial" "$root/var/lib/dpkg" \
	    "$root/var/cache/apt/archives/partial" &&
	: >"$root/var/lib/dpkg/status" &&
	echo "deb-src [signed-by=$ARCHIVE_KEYRING] file://$(cd "$1" && pwd) sid main" \
	    >"$root/etc/apt/sources.list" &&
	apt-get -q -o Dir="$root" -o Dir::Etc="$root/etc/apt" \
	    -o Dir::State::status="$root/var/lib/dpkg/status" \
	    -o Debug::NoLocking=1 -o APT::Sandbox::User=root \
	    -o Acquire::Check-Valid-Until=false update >apt.out 2>&1
	rc=$?
	cat apt.out >&2
	test $rc = 0 && ! grep -q "^[WE]:" apt.out
}

# dgit_clone ARCHIVE: clone hello from sid of ARCHIVE over file://.
dgit_clone() {
	rm -rf c && mkdir c &&
	(cd c && "$DGIT" -c "dgit-distro.debian.mirror=file://$(cd "../$1" && pwd)" \
	    -c "dgit-distro.debian.archive-keyring=$ARCHIVE_KEYRING" \
	    -c "dgit-distro.debian.keyring=$UPLOADER_KEYRING" \
	    -c "dgit-distro.debian.git-check=false" \
	    clone --no-cache hello sid >../out 2>../err)
}

test_expect_success 'the good archive: apt and dgit both take it' '
	apt_update good &&
	dgit_clone good &&
	test -d c/hello
'

# resign ARCHIVE DIGEST: sid's InRelease and Release.gpg signed with DIGEST
resign() {
	fpr=$(key_fpr archive) &&
	(cd "$1/dists/sid" && rm -f InRelease Release.gpg &&
	gpg_archive -u "$fpr" --digest-algo "$2" --clearsign -o InRelease Release &&
	gpg_archive -u "$fpr" --digest-algo "$2" --armor --detach-sign \
	    -o Release.gpg Release)
}

test_expect_success 'InRelease and Release.gpg signed with SHA-1: apt refuses' '
	rm -rf sha1 && cp -a good sha1 &&
	resign sha1 SHA1 &&
	test_grep "^Hash: SHA1$" sha1/dists/sid/InRelease &&
	test_must_fail apt_update sha1 &&
	cp apt.out apt-sha1.out
'

test_expect_success 'dgit refuses it, naming the digest' '
	test_must_fail dgit_clone sha1 &&
	test_grep "weak digest SHA1" err &&
	test_path_is_missing c/hello &&
	test "$(ls -A c)" = ""
'

test_expect_success 'SHA-1 on Release.gpg alone (no InRelease): refused too' '
	rm sha1/dists/sid/InRelease &&
	test_must_fail dgit_clone sha1 &&
	test_grep "weak digest SHA1" err
'

test_expect_success 'signed with SHA-256: taken' '
	rm -rf sha256 && cp -a good sha256 &&
	resign sha256 SHA256 &&
	apt_update sha256 &&
	dgit_clone sha256 &&
	test -d c/hello
'

test_expect_success 'unsigned text before the signed block: apt refuses' '
	rm -rf before && cp -a good before &&
	{ printf "Origin: Evil\n\n"; cat good/dists/sid/InRelease; } \
	    >before/dists/sid/InRelease &&
	test_must_fail apt_update before
'

test_expect_success 'dgit refuses it' '
	test_must_fail dgit_clone before &&
	test_grep "InRelease" err &&
	test "$(ls -A c)" = ""
'

test_expect_success 'unsigned text after the signed block: apt refuses' '
	rm -rf after && cp -a good after &&
	{ cat good/dists/sid/InRelease; printf "\nOrigin: Evil\n"; } \
	    >after/dists/sid/InRelease &&
	test_must_fail apt_update after
'

test_expect_success 'dgit refuses it' '
	test_must_fail dgit_clone after &&
	test_grep "InRelease" err &&
	test "$(ls -A c)" = ""
'

test_done
