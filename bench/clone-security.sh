#!/bin/bash
# Security suites against the real archive: `dgit clone PKG SUITE-security`
# and `dgit clone PKG SUITE,-security`, checked against dpkg-source -x and
# Debian's Perl dgit.
#
# usage: bench/clone-security.sh [SUITE [PACKAGE...]]
#        (default: bookworm xz-utils tiff libxml2)
#   DGIT=path/to/our/dgit (default: ./dgit/dgit of this tree)
#   PERL_DGIT=path (default /usr/bin/dgit; "" to skip the comparison)
#
# For each package, one line:
#   sec-version    the version our clone of SUITE-security got
#   dpkg-tree      "same" when the clone's tree equals dpkg-source -x of
#                  the security archive's .dsc (fetched by our
#                  download-source, unpacked by dpkg-source)
#   perl-tree      "same" when Perl dgit's clone of SUITE-security has
#                  the same tree
#   perl-commit    "same" when it has the same commit id (else both ids)
#   comb-version   the version of our SUITE,-security clone (the higher
#                  of SUITE's and SUITE-security's), and Perl's
#   secs           wall time of our two clones
# Needs the network: the mirrors come from this machine's apt sources (the
# first Debian URI, and the one serving SUITE-security); Perl dgit is run
# with archive-query aptget: on the same mirrors and no git server.

set -u
here=$(cd "$(dirname "$0")/.." && pwd)
: "${DGIT:=$here/dgit/dgit}"
PERL_DGIT=${PERL_DGIT-/usr/bin/dgit}
suite=${1:-bookworm}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- xz-utils tiff libxml2

# apt's sources, deb822 and one-line, as "URI SUITE" lines
apt_uris() {
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk '/^URIs:/ { u = $2 } /^Suites:/ { for (i = 2; i <= NF; i++) print u, $i }' "$f"
	done
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
	    awk '$1 == "deb" { i = 2; if ($i ~ /^\[/) while ($i !~ /\]$/) i++; if ($i ~ /^\[/ || $i ~ /\]$/) i++; print $i, $(i + 1) }'
}
main=$(apt_uris | awk -v s="$suite" '$2 == s { print $1; exit }')
sec=$(apt_uris | awk -v s="$suite-security" '$2 == s { print $1; exit }')
[ -n "$main" ] && [ -n "$sec" ] || {
	echo "$0: apt's sources name no mirror for $suite and $suite-security" >&2
	exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-clone-security.XXXXXX")
trap 'rm -rf "$work"' EXIT
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.org \
	GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.org

perl_dgit() {
	"$PERL_DGIT" -cdgit-distro.debian.archive-query=aptget: \
	    "-cdgit-distro.debian.mirror=${main%/}/" \
	    "-cdgit-distro.debian-security.mirror=${sec%/}/" \
	    -cdgit-distro.debian.git-check=false \
	    -cdgit-distro.debian-security.git-check=false "$@"
}

now() { date +%s.%N; }

printf '%-10s %-24s %-9s %-9s %-11s %-40s %s\n' package sec-version \
    dpkg-tree perl-tree perl-commit comb-version secs
fail=0
for pkg in "$@"; do
	w="$work/$pkg"
	mkdir -p "$w/ours" "$w/comb" "$w/dl" "$w/perl" "$w/pcomb"
	t0=$(now)
	(cd "$w/ours" && "$DGIT" clone "$pkg" "$suite-security") >"$w/ours.log" 2>&1
	rc1=$?
	(cd "$w/comb" && "$DGIT" clone "$pkg" "$suite,-security") >"$w/comb.log" 2>&1
	rc2=$?
	t1=$(now)
	ver=- dtree=- ptree=- pcommit=- cver=-
	if [ $rc1 = 0 ]; then
		ver=$(sed -n "s/.* $pkg \([^ ]*\) from .*/\1/p" "$w/ours.log")
		"$DGIT" download-source --dir "$w/dl" "$pkg=$ver" "$suite-security" \
		    >/dev/null 2>&1 &&
		dpkg-source -x "$w/dl"/*.dsc "$w/dl/x" >/dev/null 2>&1 &&
		rm -rf "$w/dl/x/.pc" &&
		diff -r --no-dereference -x .git "$w/ours/$pkg" "$w/dl/x" >"$w/dpkg.diff" 2>&1 &&
		    dtree=same || dtree=DIFFERENT
	fi
	[ $rc2 = 0 ] && cver=$(sed -n "s/.* $pkg \([^ ]*\) from .*/\1/p" "$w/comb.log")
	if [ -n "$PERL_DGIT" ] && [ -x "$PERL_DGIT" ] && [ $rc1 = 0 ]; then
		if (cd "$w/perl" && perl_dgit clone "$pkg" "$suite-security") \
		    >"$w/perl.log" 2>&1; then
			a=$(git -C "$w/ours/$pkg" rev-parse HEAD)
			b=$(git -C "$w/perl/$pkg" rev-parse HEAD)
			[ "$(git -C "$w/ours/$pkg" rev-parse HEAD^{tree})" = \
			  "$(git -C "$w/perl/$pkg" rev-parse HEAD^{tree})" ] &&
			    ptree=same || ptree=DIFFERENT
			[ "$a" = "$b" ] && pcommit=same ||
			    pcommit="ours:${a:0:12} perl:${b:0:12}"
		else
			ptree="perl-failed"
		fi
		if (cd "$w/pcomb" && perl_dgit clone "$pkg" "$suite,-security") \
		    >"$w/pcomb.log" 2>&1; then
			pv=$(git -C "$w/pcomb/$pkg" log -1 --format=%B | awk '$1 == "*" { print $2; exit }')
			[ -n "$pv" ] || pv=$(cd "$w/pcomb/$pkg" && dpkg-parsechangelog -S Version)
			cver="$cver perl:$pv"
		fi
	fi
	[ $rc1 = 0 ] && [ $rc2 = 0 ] && [ "$dtree" = same ] || fail=1
	printf '%-10s %-24s %-9s %-9s %-11s %-40s %.1f\n' "$pkg" "$ver" "$dtree" \
	    "$ptree" "${pcommit%% *}" "$cver" "$(echo "$t1 - $t0" | bc)"
	[ "${pcommit#* }" != "$pcommit" ] && echo "    commit ids: $pcommit"
	[ $rc1 = 0 ] || sed 's/^/    ours: /' "$w/ours.log" | tail -3
	[ $rc2 = 0 ] || sed 's/^/    ours combined: /' "$w/comb.log" | tail -3
done
exit $fail
