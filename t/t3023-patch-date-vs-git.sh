#!/bin/sh
test_description='patch dates read as git reads GIT_AUTHOR_DATE

gbp pq import (which Perl dgit runs for the patch commits) hands a
patch'"'"'s Date to git as GIT_AUTHOR_DATE.  Each date here goes through the
real git (git var GIT_AUTHOR_IDENT) and through dgit_date_parse_git
(t/helper/gitdate): the seconds and the zone must be equal, and both must
refuse the same dates.  The zone names are a list of names in use, known
to git or not, in several spellings; unknown names and missing zones take
the local zone, so this runs under three TZs.'
. "$(dirname "$0")/test-lib.sh"

GD="$BUILD/t/helper/gitdate"

# zone names: git's and others people write, summer names among them
names='IDLW NT CAT HST HDT YST YDT AKST AKDT PST PDT MST MDT CST CDT EST EDT
AST ADT NST NDT WAT GMT UTC UT Z WET WEST BST IST CET MET MEWT MEST CEST MESZ
MEZ FWT FST EET EEST MSK MSD SAST WAST WADT AWST CCT HKT SGT JST KST EAST EADT
AEST AEDT ACST GST NZT NZST NZDT IDLE CHST DST XYZ A J'

# each name as written, in lower case, its first three letters, one letter
# too many, in parentheses after a numeric zone and before one
: >dates
for n in $names; do
	l=$(echo "$n" | tr A-Z a-z)
	p=$(echo "$n" | cut -c1-3)
	for z in "$n" "$l" "$p" "${n}X" "+0300 ($n)" "$n -0130" "$n DST"; do
		echo "Tue, 2 Jul 2019 10:11:12 $z" >>dates
		echo "Wed Jan 23 10:30:40 $z 2013" >>dates
	done
done
cat >>dates <<'IN'
Wed Dec 23 10:30:40 CET 2015
Mon Jul 29 18:38:06 MET DST 1996
Wed, 23 Dec 2015 12:26:33 +0100
Wed, 23 Dec 2015 12:26:33 -01
Wed, 23 Dec 2015 12:26:33 +05:30
Wed, 23 Dec 2015 12:26:33 +1:30
Wed, 23 Dec 2015 12:26:33 +2500
Wed, 23 Dec 2015 12:26:33 +0160
Wed, 23 Dec 2015 12:26:33 0100
Wed, 23 Dec 2015 12:26:33 1500
Wed, 23 Dec 2015 12:26:33
Tue, 2 Jul 2019 10:11:12
Tue, 2 Jul 2019 10:11:12 PM
Tue, 2 Jul 2019 10:11:12 am CEST
2 Jul 2019 10:11
2019-07-02 10:11:12
2019-07-02T10:11:12+02:00
2019-07-02
20190702T101112
20190702 101112.5
02.07.2019 10:11:12
07/02/2019 10:11:12
02/07/19 10:11:12
1562055072
@1562055072 +0200
@1562055072
Tue, 2 Jul 1969 10:11:12 +0000
Tue, 2 Jul 2100 10:11:12 +0000
Tue, 2 Jul 2099 23:59:59 +0000
Tue, 29 Feb 2016 24:00:00 +0000
Tue, 31 Feb 2016 10:00:60 +0000
Tue, 2 July 2019 10:11:12 +0000
Tue, 2 Jul 19 10:11:12 +0000
Tue, 2 Jul 05 10:11:12 +0000
2 Juli 2019 10:11:12 +0000
Jul 2019 10:11:12
not a date
99999999999999999999999 +0000
Tue, 2 Jul 2019 10:11:12 +99999999999999999999
IN

for zone in UTC Europe/Berlin America/St_Johns; do
	test_expect_success "TZ=$zone: ours reads every date as git does" '
		while IFS= read -r d; do
			if r=$(TZ='"$zone"' GIT_AUTHOR_DATE="$d" git var \
			    GIT_AUTHOR_IDENT 2>/dev/null); then
				echo "${r##*> }"
			else
				echo invalid
			fi
		done <dates >want &&
		TZ='"$zone"' "$GD" <dates >got &&
		paste -d"|" dates want got | awk -F"|" "\$2 != \$3" >differ &&
		{ ! test -s differ || { cat differ; false; }; } &&
		test "$(wc -l <want)" -gt 800 &&
		test "$(grep -c invalid want)" -ge 5
	'
done

test_done
