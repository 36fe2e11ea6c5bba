#!/bin/sh
# Fidelity of the import on real packages: for each .dsc given, compare the
# tree of `dgit import-dsc` with the reference tree computed from
# `dpkg-source -x` (t/lib-reftree.sh, the procedure of DESIGN.md), and the
# commit id with that of Debian's Perl `dgit import-dsc` (the "ids"
# column: "ids=" when equal, "ids!PERL" when not, "ids?" when Perl dgit
# failed or is not installed).
#
# Each "ok" line ends with the commit id of the import, so two runs (before
# and after a change, or two binaries) can be compared with diff.
#
# usage: bench/import-fidelity.sh [-k] X.dsc...
#   DGIT=path/to/dgit (default: ./dgit/dgit of this tree)
#   PERL_DGIT=path (default /usr/bin/dgit; PERL_DGIT= to skip the ids column)
#   PERL_ID_CACHE=DIR keeps Perl dgit's ids there (by the .dsc's SHA-256
#       and TZ) for the next run
#   -k  keep going after a mismatch (always reports all)
# Both run under the same identity and environment (GIT_AUTHOR_*,
# GIT_COMMITTER_*, DEBEMAIL, DEBFULLNAME; TZ is left as it is: Perl dgit
# writes the changelog dates in the local zone).
# Exit status: 0 when every tree matches.

here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/t/lib-reftree.sh"
: "${DGIT:=$here/dgit/dgit}"
: "${PERL_DGIT=/usr/bin/dgit}"
[ "$1" = -k ] && shift
[ -n "$PERL_DGIT" ] && [ ! -x "$PERL_DGIT" ] && PERL_DGIT=
GIT_AUTHOR_NAME='Fidelity Author' GIT_AUTHOR_EMAIL=author@example.org
GIT_COMMITTER_NAME='Fidelity Committer' GIT_COMMITTER_EMAIL=committer@example.org
DEBEMAIL=debemail@example.org DEBFULLNAME='Fidelity Debemail'
export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL
export DEBEMAIL DEBFULLNAME
unset GIT_AUTHOR_DATE GIT_COMMITTER_DATE

# perl_id DSC: the commit Perl dgit's import-dsc makes (forced past a
# Dgit: field), or nothing.
perl_id () {
	if [ -n "$PERL_ID_CACHE" ]; then
		key=$(sha256sum <"$1" | cut -c1-64)-$(echo "${TZ-}" | tr / _)
		if [ -s "$PERL_ID_CACHE/$key" ]; then
			cat "$PERL_ID_CACHE/$key"
			return
		fi
		mkdir -p "$PERL_ID_CACHE"
		perl_id_run "$1" | tee "$PERL_ID_CACHE/$key"
		return
	fi
	perl_id_run "$1"
}

perl_id_run () {
	pw=$(mktemp -d "${TMPDIR:-/tmp}/fidelity-perl.XXXXXX")
	git init -q "$pw/r"
	(cd "$pw/r" && "$PERL_DGIT" --force-import-dsc-with-dgit-field \
	    import-dsc "$1" +fidelity) >/dev/null 2>&1 &&
	    git -C "$pw/r" rev-parse fidelity
	rm -rf "$pw"
}

fail=0 n=0 ideq=0 idn=0
for dsc; do
	n=$((n + 1))
	case $dsc in /*) ;; *) dsc=$(pwd)/$dsc ;; esac
	ref=$(reference_tree "$dsc") || { echo "FAIL $dsc: no reference"; fail=$((fail + 1)); continue; }
	repo=$(mktemp -d "${TMPDIR:-/tmp}/fidelity.XXXXXX")
	git init -q "$repo/r"
	if (cd "$repo/r" && "$DGIT" import-dsc "$dsc" +fidelity) >"$repo.log" 2>&1; then
		got=$(git -C "$repo/r" rev-parse 'fidelity^{tree}')
		id=$(git -C "$repo/r" rev-parse fidelity)
		ids=
		if [ -n "$PERL_DGIT" ]; then
			pid=$(perl_id "$dsc")
			idn=$((idn + 1))
			if [ -z "$pid" ]; then ids=" ids?"
			elif [ "$pid" = "$id" ]; then ids=" ids="; ideq=$((ideq + 1))
			else ids=" ids!$pid"
			fi
		fi
		if [ "$got" = "$ref" ]; then
			echo "ok   $dsc $got $id$ids"
		else
			echo "FAIL $dsc: import $got, reference $ref$ids"
			fail=$((fail + 1))
		fi
	else
		echo "FAIL $dsc: import-dsc failed:"
		sed 's/^/    /' "$repo.log"
		fail=$((fail + 1))
	fi
	rm -rf "$repo" "$repo.log"
done
echo "$((n - fail)) of $n trees equal to dpkg-source -x"
[ -n "$PERL_DGIT" ] && echo "$ideq of $idn commit ids equal to Perl dgit's import-dsc"
[ "$fail" -eq 0 ]
