#!/bin/sh
# The full comparison for small packages: download whole source packages
# with `dgit download-source` (which verifies them against the archive)
# and compare `dgit import-dsc` with `dpkg-source -x` through
# bench/import-fidelity.sh.
#
# Candidates come from a DATADIR prepared by bench/screen-parsers.sh: its
# picked packages whose Debian part the mirror had, whose files add up to
# less than MAXSIZE bytes, evenly spaced over that list.
#
# usage: bench/screen-imports.sh [-n N] [-m MAXSIZE] [-s SUITE] DATADIR
#   -n N        about N packages (default 200)
#   -m MAXSIZE  total size cap in bytes (default 5000000)
# Downloads go to DATADIR/src/PKG/; results to DATADIR/imports.txt
# (import-fidelity.sh's lines) and DATADIR/imports-missing.txt (packages
# the mirror holds only in part).
set -u

here=$(cd "$(dirname "$0")/.." && pwd)
DGIT=${DGIT:-$here/dgit/dgit}
N=200 MAX=5000000 SUITE=bookworm
while getopts n:m:s: o; do
	case $o in
	n) N=$OPTARG ;;
	m) MAX=$OPTARG ;;
	s) SUITE=$OPTARG ;;
	*) echo "usage: $0 [-n N] [-m MAXSIZE] [-s SUITE] DATADIR" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || { echo "usage: $0 [-n N] [-m MAXSIZE] DATADIR" >&2; exit 2; }
D=$(cd "$1" && pwd) || exit 2
[ -s "$D/picked.txt" ] || { echo "run bench/screen-parsers.sh on $D first" >&2; exit 2; }

while read -r pkg fmt dir file sha size orig; do
	[ -s "$D/dl/$file" ] && [ $((size + orig)) -lt "$MAX" ] && echo "$pkg"
done <"$D/picked.txt" >"$D/import-candidates.txt"
total=$(wc -l <"$D/import-candidates.txt")
step=$((total / N)); [ "$step" -ge 1 ] || step=1

mkdir -p "$D/src"
: >"$D/imports-missing.txt"
set --
for pkg in $(awk -v s="$step" 'NR % s == 1' "$D/import-candidates.txt"); do
	s=$D/src/$pkg
	if ! ls "$s"/*.dsc >/dev/null 2>&1; then
		rm -rf "$s"; mkdir -p "$s"
		if ! "$DGIT" -q download-source --dir "$s" "$pkg" "$SUITE" \
		    >"$s.log" 2>&1; then
			echo "$pkg: $(tail -1 "$s.log")" >>"$D/imports-missing.txt"
			rm -rf "$s"
			continue
		fi
	fi
	set -- "$@" "$(ls "$s"/*.dsc | head -1)"
done
echo "$# packages downloaded whole, $(wc -l <"$D/imports-missing.txt") not complete on the mirror"
sh "$here/bench/import-fidelity.sh" -k "$@" >"$D/imports.txt" 2>&1
tail -1 "$D/imports.txt"
grep '^FAIL' "$D/imports.txt"
