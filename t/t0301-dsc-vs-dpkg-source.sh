#!/bin/sh
test_description='dsc model agrees with dpkg-source on real source packages'
. "$(dirname "$0")/test-lib.sh"

DUMP="$BUILD/t/helper/dsc-dump"

# mkpkg NAME VERSION FORMAT: a minimal unpacked source tree NAME-UPVERSION
mkpkg() {
	d=$1-$(echo "$2" | sed 's/^[0-9]*://; s/-[^-]*$//') &&
	mkdir -p "$d/debian/source" &&
	echo "hello $1" >"$d/README" &&
	printf '%s (%s) unstable; urgency=medium\n\n  * Test.\n\n -- A Tester <tester@example.org>  Mon, 02 Jan 2023 03:04:05 +0000\n' \
	    "$1" "$2" >"$d/debian/changelog" &&
	printf 'Source: %s\nMaintainer: A Tester <tester@example.org>\n\nPackage: %s\nArchitecture: all\nDescription: test\n test\n' \
	    "$1" "$1" >"$d/debian/control" &&
	echo "$3" >"$d/debian/source/format"
}

# want DSC KIND...: what dsc-dump must print, from the files themselves
want() {
	dsc=$1 && shift &&
	src=$(sed -n 's/^Source: //p' "$dsc") &&
	printf 'source %s\nversion %s\nformat %s\nnative %s\n' "$src" \
	    "$(sed -n 's/^Version: //p' "$dsc")" \
	    "$(sed -n 's/^Format: //p' "$dsc")" "$NATIVE" &&
	for kf in "$@"; do
		k=${kf%%=*} f=${kf#*=}
		echo "$k $(stat -c %s "$f") $(sha256sum <"$f" | cut -d" " -f1) $f"
	done
}

test_expect_success 'setup: dpkg-source -b in every format' '
	mkpkg quiltpkg 1:1.2-1 "3.0 (quilt)" &&
	tar -C quiltpkg-1.2 --exclude=debian -cJf quiltpkg_1.2.orig.tar.xz . &&
	mkdir extra && echo x >extra/f &&
	tar -C extra -czf quiltpkg_1.2.orig-extra.tar.gz . &&
	mkdir quiltpkg-1.2/extra && cp extra/f quiltpkg-1.2/extra/ &&
	dpkg-source -b quiltpkg-1.2 &&
	mkpkg nativepkg 2.0 "3.0 (native)" &&
	dpkg-source -b nativepkg-2.0 &&
	mkpkg oldpkg 0.5-2 "1.0" &&
	cp -r oldpkg-0.5 oldpkg-0.5.orig && rm -r oldpkg-0.5.orig/debian &&
	echo more >>oldpkg-0.5/README &&
	dpkg-source -b oldpkg-0.5 &&
	mkpkg oldnative 3 "1.0" &&
	dpkg-source -b oldnative-3
'

test_expect_success '3.0 (quilt) with a component' '
	NATIVE=0 want quiltpkg_1.2-1.dsc \
	    orig-component:extra=quiltpkg_1.2.orig-extra.tar.gz \
	    orig=quiltpkg_1.2.orig.tar.xz \
	    debian-tar=quiltpkg_1.2-1.debian.tar.xz | sort >expect &&
	"$DUMP" quiltpkg_1.2-1.dsc >out && sort out >actual &&
	test_cmp expect actual
'

test_expect_success '3.0 (native)' '
	NATIVE=1 want nativepkg_2.0.dsc native-tar=nativepkg_2.0.tar.xz |
	    sort >expect &&
	"$DUMP" nativepkg_2.0.dsc >out && sort out >actual &&
	test_cmp expect actual
'

test_expect_success '1.0 with a diff, and 1.0 native' '
	NATIVE=0 want oldpkg_0.5-2.dsc orig=oldpkg_0.5.orig.tar.gz \
	    diff=oldpkg_0.5-2.diff.gz | sort >expect &&
	"$DUMP" oldpkg_0.5-2.dsc >out && sort out >actual &&
	test_cmp expect actual &&
	NATIVE=1 want oldnative_3.dsc native-tar=oldnative_3.tar.gz |
	    sort >expect &&
	"$DUMP" oldnative_3.dsc >out && sort out >actual &&
	test_cmp expect actual
'

test_expect_success 'signed .dsc' '
	gpg --batch --passphrase "" --quick-gen-key "T <t@example.org>" \
	    ed25519 sign never &&
	gpg --batch --clearsign -o signed.dsc nativepkg_2.0.dsc &&
	"$DUMP" signed.dsc >actual &&
	"$DUMP" nativepkg_2.0.dsc >expect &&
	rm signed.dsc &&
	test_cmp expect actual
'

test_expect_success 'Sources from dpkg-scansources' '
	dpkg-scansources . >Sources &&
	"$DUMP" -s Sources >out &&
	test $(grep -c "^dsc " out) = 4 &&
	test $(grep -c "^directory \.$" out) = 4 &&
	grep "^dsc " out | sort >actual &&
	for f in *.dsc; do
		echo "dsc $(stat -c %s $f) $(sha256sum <$f | cut -d" " -f1) $f"
	done | sort >expect &&
	test_cmp expect actual
'

# mutate DSC OUT: DSC without its Checksums fields, Files lines from
# stdin appended to Files (dpkg-source --no-check ignores checksums).
mutate() {
	awk '
		/^Checksums-/ { skip = 1; next }
		/^[^ ]/ { skip = 0 }
		!skip { print }' "$1" >"$2" &&
	while read -r line; do
		echo " 00000000000000000000000000000000 1 $line" >>"$2" &&
		echo junk >"$line" || return 1
	done
}

# agree DSC: dpkg-source -x and dsc-dump both accept, or both refuse.
agree() {
	rm -rf x &&
	if dpkg-source --no-check -x "$1" x >dpkg.out 2>&1; then d=ok; else d=fail; fi &&
	if "$DUMP" "$1" >ours.out; then o=ok; else o=fail; fi &&
	echo "$1: dpkg-source $d, dsc-dump $o" &&
	cat dpkg.out ours.out &&
	test "$d" = "$o"
}

test_expect_success 'refuses what dpkg-source -x refuses' '
	mutate quiltpkg_1.2-1.dsc m0.dsc </dev/null && agree m0.dsc &&
	echo quiltpkg_1.2.orig-bad_comp.tar.gz |
	    mutate quiltpkg_1.2-1.dsc m1.dsc && agree m1.dsc &&
	echo quiltpkg_1.2.orig.tar.gz | mutate quiltpkg_1.2-1.dsc m2.dsc &&
	agree m2.dsc &&
	echo quiltpkg_1.2-1.diff.gz | mutate quiltpkg_1.2-1.dsc m3.dsc &&
	agree m3.dsc &&
	echo README | mutate oldpkg_0.5-2.dsc m4.dsc && agree m4.dsc &&
	sed "s/^Format: .*/Format: 1.0/" nativepkg_2.0.dsc >m5.dsc &&
	agree m5.dsc &&
	sed "s/^Format: .*/Format: 3.0 (quilt)/" nativepkg_2.0.dsc >m6.dsc &&
	agree m6.dsc &&
	grep -v "debian.tar" quiltpkg_1.2-1.dsc >m7.dsc && agree m7.dsc &&
	echo quiltpkg_1.2.orig.tar.xz.asc | mutate quiltpkg_1.2-1.dsc m8.dsc &&
	agree m8.dsc &&
	echo quiltpkg_1.2.orig.tar.gz.asc | mutate quiltpkg_1.2-1.dsc m9.dsc &&
	agree m9.dsc
'

test_done
