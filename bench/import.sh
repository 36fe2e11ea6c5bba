#!/bin/bash
# Import speed on real packages, against the tools people use instead.
#
# usage: bench/import.sh [-n RUNS] X.dsc...
#   DGIT=path/to/our/dgit (default: ./dgit/dgit of this tree)
#
# For each .dsc, RUNS times each (default 5), in a fresh directory:
#   ours       dgit import-dsc X.dsc +import            (this tree)
#   dgit-perl  /usr/bin/dgit --no-chase-dsc-distro import-dsc X.dsc +import
#   gbp        gbp import-dsc X.dsc                       (if installed)
#   dpkg-x     dpkg-source --no-check -x X.dsc
#   dpkg-x+git dpkg-source -x, then git init, git add -A, git commit
# and prints the median wall time, median user+sys CPU and the highest peak
# RSS, then the ratios of the others' wall time to ours.  Nothing here
# touches the network (import-dsc runs offline with these options).
# Needs GNU time (/usr/bin/time).  BENCH_DEPS in the Makefile installs the
# tools.

set -u
here=$(cd "$(dirname "$0")/.." && pwd)
: "${DGIT:=$here/dgit/dgit}"
runs=5
if [ "${1:-}" = -n ]; then runs=$2; shift 2; fi
[ $# -gt 0 ] || { echo "usage: $0 [-n RUNS] X.dsc..." >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "$0: needs GNU time (apt-get install time)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-import.XXXXXX")
trap 'rm -rf "$work"' EXIT
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.org \
	GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.org

# median of numbers on stdin
median () { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# run_tool NAME DSC: runs $runs times, prints "wall cpu maxrss_kb" medians
run_tool () {
	name=$1 dsc=$2
	: >"$work/times"
	for _ in $(seq "$runs"); do
		rm -rf "$work/run" && mkdir "$work/run" && cd "$work/run" || exit 1
		case $name in
		ours)
			git init -q repo && cd repo &&
			/usr/bin/time -o "$work/t" -f "%e %U %S %M" \
				"$DGIT" import-dsc "$dsc" +import >/dev/null 2>&1 ;;
		dgit-perl)
			git init -q repo && cd repo &&
			/usr/bin/time -o "$work/t" -f "%e %U %S %M" \
				/usr/bin/dgit --no-chase-dsc-distro import-dsc "$dsc" +import >/dev/null 2>&1 ;;
		gbp)
			git init -q repo && cd repo &&
			/usr/bin/time -o "$work/t" -f "%e %U %S %M" \
				gbp import-dsc --no-pristine-tar "$dsc" >/dev/null 2>&1 ;;
		dpkg-x)
			/usr/bin/time -o "$work/t" -f "%e %U %S %M" \
				dpkg-source --no-check -x "$dsc" x >/dev/null 2>&1 ;;
		dpkg-x+git)
			/usr/bin/time -o "$work/t" -f "%e %U %S %M" sh -c '
				dpkg-source --no-check -x "$1" x >/dev/null 2>&1 &&
				cd x && rm -rf .pc && git init -q && git add -A -f &&
				git commit -q -m import' sh "$dsc" ;;
		esac
		rc=$?
		cd "$work" || exit 1
		if [ $rc -ne 0 ]; then echo "fail"; return; fi
		tail -n 1 "$work/t" >>"$work/times"
	done
	wall=$(awk '{ print $1 }' "$work/times" | median)
	cpu=$(awk '{ print $2 + $3 }' "$work/times" | median)
	rss=$(awk '{ print $4 }' "$work/times" | sort -n | tail -n 1)
	echo "$wall $cpu $rss"
}

tools="ours dgit-perl gbp dpkg-x dpkg-x+git"
command -v gbp >/dev/null 2>&1 || tools=${tools/gbp /}
[ -x /usr/bin/dgit ] || tools=${tools/dgit-perl /}

echo "runs per tool: $runs; machine: $(nproc) cores"
for dsc; do
	case $dsc in /*) ;; *) dsc=$(pwd)/$dsc ;; esac
	echo
	echo "== $(basename "$dsc")"
	printf '%-12s %10s %10s %12s %10s\n' tool "wall(s)" "cpu(s)" "maxrss(MB)" "x ours"
	ours_wall=
	for t in $tools; do
		r=$(run_tool "$t" "$dsc")
		if [ "$r" = fail ]; then
			printf '%-12s %10s\n' "$t" failed
			continue
		fi
		set -- $r
		[ "$t" = ours ] && ours_wall=$1
		ratio=-
		[ -n "$ours_wall" ] && ratio=$(awk -v a="$1" -v b="$ours_wall" 'BEGIN { printf "%.1f", a / b }')
		printf '%-12s %10s %10s %12s %10s\n' "$t" "$1" "$2" \
			"$(awk -v k="$3" 'BEGIN { printf "%.1f", k / 1024 }')" "$ratio"
	done
done
