#!/bin/sh
test_description='import-dsc: old changelog tails do not stop an import

Only the first entry of debian/changelog decides whether an import can be
made; entries further down in old formats (a trailer with a comma and an
old date, as grep'"'"'s changelog has, or binutils'"'"' "pkg (ver):"
headers) are what dpkg-parsechangelog skips, and the import must give the
tree dpkg-source -x gives and the first entry'"'"'s identity.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-import.sh"

test_need_cmd dpkg-source
test_need_cmd dpkg-parsechangelog

test_expect_success 'setup: a 3.0 (quilt) package with an old changelog tail' '
	mkdir -p p/old-2.0 &&
	echo hello >p/old-2.0/a.txt &&
	(cd p && tarball_top . old-2.0 old_2.0.orig.tar.gz) &&
	debian_dir p/d old 2.0-2 "3.0 (quilt)" &&
	cat >>p/d/debian/changelog <<-\EOF &&

	old (2.0-1) unstable; urgency=low

	  * Second upload of 2.0.

	 -- Old Maint <old@example.org>  Sun, 03 Mar 2019 10:00:00 +0000

	old (1.18-2) unstable; urgency=low

	  * An entry whose trailer has a comma and an old date.

	 -- Wichert Akkerman <wakkerma@example.org>,Mon Jul 29 18:38:06 MET DST 1996

	binutils (2.7-3):

	  * Old-format header, as binutils has it.

	Fri Jul 12 12:00:00 1996  Someone  <someone@example.org>
	EOF
	(cd p && tarball d old_2.0-2.debian.tar.xz &&
	 make_dsc "3.0 (quilt)" old 2.0-2 old_2.0.orig.tar.gz \
		old_2.0-2.debian.tar.xz)
'

test_expect_success 'dpkg-parsechangelog reads the first entry and the rest' '
	dpkg-parsechangelog -l p/d/debian/changelog -S Version >v &&
	echo 2.0-2 >want && test_cmp want v &&
	dpkg-parsechangelog -l p/d/debian/changelog --format rfc822 --all >all 2>/dev/null &&
	test_grep "^Version: 2.0-1" all &&
	test_grep "^Version: 1.18-2" all
'

test_expect_success 'the import succeeds, with dpkg-source -x'"'"'s tree' '
	import_matches p/old_2.0-2.dsc
'

test_expect_success 'the commits take the first entry'"'"'s identity' '
	git -C imp-old_2.0-2 log -1 --format="%an <%ae> %at" imported >got &&
	m=$(dpkg-parsechangelog -l p/d/debian/changelog -S Maintainer) &&
	t=$(dpkg-parsechangelog -l p/d/debian/changelog -S Timestamp) &&
	echo "$m $t" >want &&
	test_cmp want got
'

test_expect_success 'the orig commit takes the oldest entry of version 2.0' '
	git -C imp-old_2.0-2 log --format="%an %s" imported >log &&
	test_grep "^Old Maint Import old_2.0.orig.tar.gz" log
'

test_expect_success 'a broken first entry still fails, naming the line' '
	mkdir -p b && cp p/old_2.0.orig.tar.gz b/ &&
	debian_dir b/d old 2.0-2 "3.0 (quilt)" &&
	sed -i "s/^ -- Jane Doe <jane@example.org>  .*/ -- Jane Doe <jane@example.org>,Mon Jul 29 1996/" \
		b/d/debian/changelog &&
	(cd b && tarball d old_2.0-2.debian.tar.xz &&
	 make_dsc "3.0 (quilt)" old 2.0-2 old_2.0.orig.tar.gz \
		old_2.0-2.debian.tar.xz) &&
	git init -q imp-b &&
	(cd imp-b && test_must_fail "$DGIT" import-dsc ../b/old_2.0-2.dsc x 2>../err) &&
	test_grep "debian/changelog.* line 5" err &&
	test_must_fail git -C imp-b rev-parse -q --verify x
'

# First entries whose trailer dpkg-parsechangelog only warns about: it
# gives no Maintainer and Date (a bare " --", as rcolorbrewer 1.1-3-1 has,
# or a date not in the trailer's form), or a Date but no Timestamp (a day
# the month does not have).  Our changelog parser must give
# dpkg-parsechangelog's fields; the import must do what Perl dgit does:
# refuse (it finds no Maintainer, or date(1) cannot read the Date), or
# import with the same commit id (a full month name, which date(1) reads).
# Change lines after a good trailer make dpkg-parsechangelog give an entry
# of version "unknown", which Perl dgit refuses as it looks for the orig's
# upload.
GIT_AUTHOR_NAME='Env Author' GIT_AUTHOR_EMAIL=env-author@example.org
GIT_COMMITTER_NAME='Env Committer' GIT_COMMITTER_EMAIL=env-committer@example.org
export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL
DUMP="$BUILD/t/helper/changelog-dump"
dpkg_fields_of() {
	awk '
		/^[^ ]/ { f = $0; sub(/:.*/, "", f); skip = 0 }
		/^Changes:/ { print; skip = 2; next }
		/^ / && skip > 0 { skip--; next }
		f ~ /^(Source|Version|Distribution|Urgency|Maintainer|Timestamp|Date|Changes)$/ { print }' "$1"
}

# first_entry N TRAILER [LINE]: package tN/ whose first entry ends in
# TRAILER, then LINE (after a line that is not a trailer, a change line
# is the entry's).
first_entry () {
	rm -rf "t$1" && mkdir -p "t$1" && cp p/old_2.0.orig.tar.gz "t$1/" &&
	debian_dir "t$1/d" old 2.0-2 "3.0 (quilt)" &&
	printf '%s\n' 'old (2.0-2) unstable; urgency=medium' '' \
	    '  * Test release.' '' "$2" '' ${3:+"$3" ''} \
	    'old (2.0-1) unstable; urgency=low' '' '  * First.' '' \
	    ' -- Old Maint <old@example.org>  Sun, 03 Mar 2019 10:00:00 +0000' \
	    >"t$1/d/debian/changelog" &&
	(cd "t$1" && tarball d old_2.0-2.debian.tar.xz &&
	 make_dsc "3.0 (quilt)" old 2.0-2 old_2.0.orig.tar.gz \
		old_2.0-2.debian.tar.xz)
}

# fields_match FILE: changelog-dump gives dpkg-parsechangelog's fields,
# whole, --all and first entry only.
fields_match () {
	dpkg-parsechangelog -l "$1" 2>/dev/null >raw.default &&
	dpkg-parsechangelog -l "$1" --all --format rfc822 2>/dev/null >raw.all &&
	dpkg_fields_of raw.default >want.default &&
	dpkg_fields_of raw.all >want.all &&
	"$DUMP" "$1" >got.default 2>/dev/null &&
	"$DUMP" "$1" all >got.all 2>/dev/null &&
	"$DUMP" "$1" first >got.first 2>/dev/null &&
	test_cmp want.default got.default &&
	test_cmp want.all got.all &&
	test_cmp want.default got.first
}

# import_id DGIT N: the commit id of DGIT import-dsc of tN, or "refused".
# Each in a directory of its own: Perl dgit puts the files beside the
# repository.
import_id () {
	rm -rf "i$2" && mkdir "i$2" && git init -q "i$2/r" &&
	if (cd "i$2/r" && "$1" import-dsc "../../t$2/old_2.0-2.dsc" +x \
		>../../i.log 2>&1)
	then git -C "i$2/r" rev-parse x; else echo refused; fi
}

n=0
while IFS='|' read -r what trailer verdict after; do
	n=$((n + 1))
	test_expect_success "first entry, $what: dpkg-parsechangelog's fields; $verdict as by Perl dgit" '
		first_entry '$n' "'"$trailer"'" "'"$after"'" &&
		fields_match t'$n'/d/debian/changelog &&
		o=$(import_id "$DGIT" '$n') && cat i.log &&
		case '$verdict' in
		refused) test "$o" = refused && test_grep "debian/changelog.*entry" i.log ;;
		*) test "$o" != refused ;;
		esac &&
		if test -x /usr/bin/dgit; then
			p=$(import_id /usr/bin/dgit '$n') &&
			echo "ours $o, Perl dgit $p" && test "$o" = "$p"
		fi
	'
done <<-\EOF
a bare " --"| --|refused|  * A change line after it.
" -- " and nothing| -- |refused|  * A change line after it.
an ISO date| -- Jane Doe <jane@example.org>  2024-01-01 12:00:00 +0100|refused|  * A change line after it.
a zone name| -- Jane Doe <jane@example.org>  Mon, 01 Jan 2024 12:00:00 CET|refused|  * A change line after it.
no address| -- Jane Doe  Mon, 01 Jan 2024 12:00:00 +0100|refused
day 32| -- Jane Doe <jane@example.org>  Mon, 32 Jan 2024 12:00:00 +0100|refused
30 February| -- Jane Doe <jane@example.org>  Fri, 30 Feb 2024 12:00:00 +0100|refused
hour 25| -- Jane Doe <jane@example.org>  Mon, 01 Jan 2024 25:00:00 +0100|refused
a full month name| -- Jane Doe <jane@example.org>  Mon, 01 January 2024 12:00:00 +0100|imported
a change line after a good trailer (dpkg: an entry of version "unknown")| -- Jane Doe <jane@example.org>  Mon, 01 Jan 2024 12:00:00 +0100|refused|  * A change line after it.
EOF

test_done
