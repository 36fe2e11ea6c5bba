#!/bin/sh
test_description='changelog parser agrees with dpkg-parsechangelog on real changelogs'
. "$(dirname "$0")/test-lib.sh"

DUMP="$BUILD/t/helper/changelog-dump"

# dpkg-parsechangelog's output restricted to what changelog-dump prints:
# those fields only, and Changes without the header line and the " ."
# after it.
dpkg_fields() {
	dpkg-parsechangelog -l "$1" | dpkg_fields_of -
}
dpkg_fields_of() {
	awk '
		/^[^ ]/ { f = $0; sub(/:.*/, "", f); skip = 0 }
		/^Changes:/ { print; skip = 2; next }
		/^ / && skip > 0 { skip--; next }
		f ~ /^(Source|Version|Distribution|Urgency|Maintainer|Timestamp|Date|Changes)$/ { print }' "$1"
}

# About 40 of the system's changelogs, spread over the list.
ls /usr/share/doc/*/changelog.Debian.gz 2>/dev/null >all-changelogs
total=$(wc -l <all-changelogs)
step=$((total / 40 + 1))
awk -v s="$step" 'NR % s == 1' all-changelogs >picked

test_expect_success 'real changelogs: first entry fields match dpkg' '
	n=0 &&
	while read -r f; do
		name=$(echo "$f" | cut -d/ -f5) &&
		gzip -dc "$f" >"$name.cl" &&
		dpkg_fields "$name.cl" >"$name.want" 2>/dev/null &&
		"$DUMP" "$name.cl" >"$name.got" 2>/dev/null &&
		"$DUMP" "$name.cl" first >"$name.first" 2>/dev/null &&
		test_cmp "$name.want" "$name.got" &&
		test_cmp "$name.want" "$name.first" || return 1
		n=$((n + 1))
	done <picked &&
	say "compared $n of $total changelogs"
'

if command -v dch >/dev/null; then
test_expect_success 'a changelog made by dch parses as dpkg reads it' '
	mkdir -p pkg/debian &&
	(
		cd pkg &&
		DEBFULLNAME="Zoë Tester" DEBEMAIL="zoe@example.org" \
		    dch --create --package frob --newversion 1:2.0~rc1-1 \
		    --distribution experimental --urgency high "First." &&
		DEBFULLNAME="Zoë Tester" DEBEMAIL="zoe@example.org" \
		    dch -a "Second, with a much longer line that dch may wrap at some point because it goes on and on." &&
		DEBFULLNAME="Other Person" DEBEMAIL="o@example.org" \
		    dch --newversion 1:2.0-1 --distribution unstable "Final."
	) &&
	dpkg_fields pkg/debian/changelog >want &&
	"$DUMP" pkg/debian/changelog >got &&
	test_cmp want got
'
else
	test_skip 'a changelog made by dch parses as dpkg reads it' \
	    'dch is missing (make deps installs devscripts)'
fi

# Dates in later entries as Time::Piece reads them for dpkg: a full month
# name (bash's old entries) gives no Timestamp, a day past the month's end
# or zone minutes past 59 are counted on, seconds 60 and years before 1900
# give none.
test_expect_success 'odd dates in later entries: Timestamp as dpkg prints it' '
	{
		printf "p (6) unstable; urgency=low\n\n  * f\n\n"
		printf " -- A <a@b>  Mon, 02 Jan 2023 03:04:05 +0000\n\n"
		for d in "Tue, 14 July 1998 16:26:43 -0700" \
		    "Thur, 19 June 1997 19:13:34 +0100" \
		    "Fri, 31 Feb 2023 03:04:05 +0060" \
		    "0 Jul 1998 16:26:43 -9999" \
		    "14 Jul 1998 16:26:60 -0700" \
		    "14 Jul 1899 16:26:43 -0700" \
		    "14 Sept 1998 16:26:43 -0700"; do
			printf "p (1) unstable; urgency=low\n\n  * %s\n\n" "$d"
			printf " -- A <a@b>  %s\n\n" "$d"
		done
	} >dates.cl &&
	dpkg-parsechangelog -l dates.cl --format rfc822 --all >dates.raw 2>/dev/null &&
	dpkg_fields_of dates.raw >want &&
	"$DUMP" dates.cl all >got 2>/dev/null &&
	test_cmp want got &&
	test_grep "Timestamp: 1677809045" got
'

test_expect_success 'broken first entry is an error with its line number' '
	printf "frob (1.0) unstable; urgency=low\n\n  * x\n\n -- A <a@b>\n" >bad &&
	test_expect_code 1 "$DUMP" --strict bad >out &&
	test_grep "line 5: badly formatted trailer line" out
'

test_expect_success 'read as dpkg reads it, the broken first entry has no Maintainer' '
	printf "frob (1.0) unstable; urgency=low\n\n  * x\n\n --\n\n  * y\n\nfrob (0.9) unstable; urgency=low\n\n  * z\n\n -- A <a@b>  Mon, 01 Jan 2024 12:00:00 +0100\n" >bare &&
	dpkg_fields bare >want 2>/dev/null &&
	"$DUMP" bare >got 2>err &&
	test_cmp want got &&
	"$DUMP" bare first >got.first 2>/dev/null &&
	test_cmp want got.first &&
	test_grep "line 5: badly formatted trailer line" err &&
	dpkg-parsechangelog -l bare --all --format rfc822 2>/dev/null |
		dpkg_fields_of - >want.all &&
	"$DUMP" bare all >got.all 2>/dev/null &&
	test_cmp want.all got.all
'

test_expect_success 'change lines after a trailer: the entry dpkg makes for them' '
	printf "frob (1.0) unstable; urgency=low\n\n  * x\n\n -- A <a@b>  Mon, 01 Jan 2024 12:00:00 +0100\n\n  * stray\n\n -- B <b@c>  Mon, 01 Jan 2024 11:00:00 +0100\n\n  * stray 2\n\nfrob (0.9) unstable; urgency=low\n\n  * z\n\n -- A <a@b>  Mon, 01 Jan 2024 10:00:00 +0100\n" >stray &&
	dpkg-parsechangelog -l stray --all --format rfc822 2>/dev/null |
		dpkg_fields_of - >want.all &&
	"$DUMP" stray all >got.all 2>/dev/null &&
	test_cmp want.all got.all &&
	test_grep "^Version: unknown" got.all
'

test_done
