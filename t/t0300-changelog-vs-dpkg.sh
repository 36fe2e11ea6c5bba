#!/bin/sh
test_description='changelog parser agrees with dpkg-parsechangelog on real changelogs'
. "$(dirname "$0")/test-lib.sh"

DUMP="$BUILD/t/helper/changelog-dump"

# dpkg-parsechangelog's output restricted to what changelog-dump prints:
# those fields only, and Changes without the header line and the " ."
# after it.
dpkg_fields() {
	dpkg-parsechangelog -l "$1" | awk '
		/^[^ ]/ { f = $0; sub(/:.*/, "", f); skip = 0 }
		/^Changes:/ { print; skip = 2; next }
		/^ / && skip > 0 { skip--; next }
		f ~ /^(Source|Version|Distribution|Urgency|Maintainer|Timestamp|Date|Changes)$/ { print }'
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

test_expect_success 'broken first entry is an error with its line number' '
	printf "frob (1.0) unstable; urgency=low\n\n  * x\n\n -- A <a@b>\n" >bad &&
	test_expect_code 1 "$DUMP" bad >out &&
	test_grep "line 5: badly formatted trailer line" out
'

test_done
