#!/bin/bash
# Import speed on real packages, against the floor and the tools people
# use instead, ratios in one run.
#
# usage: bench/import.sh [-n RUNS] [-a] [-g] X.dsc...
#   DGIT=path/to/our/dgit (default: ./dgit/dgit of this tree)
#   DGIT_BEFORE=path/to/another/dgit: also measured, as "before", so that
#     a change is compared with what it changes in one run
#   DGIT_THREADS=N: dgit.import.threads for ours (default: dgit's own)
#   -a: also Perl dgit, gbp import-dsc and dpkg-source -x + git commit
#   -g: also a generated package of a few huge, poorly compressible files
#       (made once with dpkg-source -b, kept in $BENCH_CACHE, default
#       ${TMPDIR:-/tmp}/bench-import-cache)
#
# For each .dsc, RUNS times each (default 3), in a fresh directory:
#   floor      each of the package's tarballs decompressed to /dev/null,
#              one after another (xz -dc, gzip -dc, bzip2 -dc, zstd -dc):
#              an import on one core cannot be faster
#   dpkg-shm   dpkg-source --no-check -x X.dsc into tmpfs (/dev/shm), the
#              extraction without the disk's writeback swings
#   ours       dgit import-dsc X.dsc +import into a fresh repository
#   before     the same with $DGIT_BEFORE
#   (-a) dgit-perl, gbp, dpkg-x (on disk), dpkg-x+git
# and prints the median wall time, median user+sys CPU, CPU/wall and the
# highest peak RSS (GNU time's %e %U %S %M), then ratios: ours/floor,
# ours/dpkg-shm.  Nothing here touches the network (import-dsc runs
# offline with these options).  Needs GNU time (/usr/bin/time); BENCH_DEPS
# in the Makefile installs the tools.  The machine's load moves the
# numbers: compare in one run, not across runs.

set -u
here=$(cd "$(dirname "$0")/.." && pwd)
: "${DGIT:=$here/dgit/dgit}"
: "${DGIT_BEFORE:=}"
: "${DGIT_THREADS:=}"
: "${BENCH_CACHE:=${TMPDIR:-/tmp}/bench-import-cache}"
runs=3 all= gen=
while [ $# -gt 0 ]; do
	case $1 in
	-n) runs=$2; shift 2 ;;
	-a) all=1; shift ;;
	-g) gen=1; shift ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || [ -n "$gen" ] || { echo "usage: $0 [-n RUNS] [-a] [-g] X.dsc..." >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "$0: needs GNU time (apt-get install time)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-import.XXXXXX")
shm=
[ -d /dev/shm ] && [ -w /dev/shm ] && shm=$(mktemp -d /dev/shm/bench-import.XXXXXX)
trap 'rm -rf "$work" ${shm:+"$shm"}' EXIT
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.org \
	GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.org

# median of numbers on stdin
median () { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# the files a .dsc names (its Files: field), with its directory
dsc_files () {
	awk '/^Files:/ { f = 1; next } /^[^ ]/ { f = 0 } f && NF == 3 { print $3 }' "$1" |
		sed "s|^|$(dirname "$1")/|"
}

# the floor: each tarball decompressed, one after another
floor () {
	for f in $(dsc_files "$1"); do
		case $f in
		*.xz) xz -dc "$f" ;;
		*.gz) gzip -dc "$f" ;;
		*.bz2) bzip2 -dc "$f" ;;
		*.lzma) xz -dc --format=lzma "$f" ;;
		*.zst) zstd -qdc "$f" ;;
		*.tar) cat "$f" ;;
		esac >/dev/null || return 1
	done
}

# ours DGIT DSC: a fresh repository, the import
ours () {
	git init -q repo && cd repo || return 1
	[ -n "$DGIT_THREADS" ] && git config dgit.import.threads "$DGIT_THREADS"
	"$1" import-dsc "$2" +import >/dev/null 2>&1
}

# T CMD...: CMD under GNU time, into $work/t
T () { /usr/bin/time -o "$work/t" -f "%e %U %S %M" "$@"; }

# run_tool NAME DSC: runs $runs times, prints "wall cpu maxrss_kb" medians
run_tool () {
	name=$1 dsc=$2
	: >"$work/times"
	for _ in $(seq "$runs"); do
		d=$work/run
		[ "$name" = dpkg-shm ] && d=$shm/run
		rm -rf "$work/run" ${shm:+"$shm/run"} && mkdir "$d" && cd "$d" || exit 1
		case $name in
		floor) T bash -c "$(declare -f dsc_files floor); floor \"\$1\"" sh "$dsc" ;;
		dpkg-shm) T dpkg-source --no-check -x "$dsc" x >/dev/null 2>&1 ;;
		ours) T bash -c "$(declare -f ours); ours \"\$1\" \"\$2\"" sh "$DGIT" "$dsc" ;;
		before) T bash -c "$(declare -f ours); ours \"\$1\" \"\$2\"" sh "$DGIT_BEFORE" "$dsc" ;;
		dgit-perl)
			git init -q repo && cd repo &&
			T /usr/bin/dgit --no-chase-dsc-distro import-dsc "$dsc" +import >/dev/null 2>&1 ;;
		gbp)
			git init -q repo && cd repo &&
			T gbp import-dsc --no-pristine-tar "$dsc" >/dev/null 2>&1 ;;
		dpkg-x) T dpkg-source --no-check -x "$dsc" x >/dev/null 2>&1 ;;
		dpkg-x+git)
			T sh -c '
				dpkg-source --no-check -x "$1" x >/dev/null 2>&1 &&
				cd x && rm -rf .pc && git init -q && git add -A -f &&
				git commit -q -m import' sh "$dsc" ;;
		esac
		rc=$?
		cd "$work" || exit 1
		rm -rf "$work/run" ${shm:+"$shm/run"}
		if [ $rc -ne 0 ]; then echo "fail"; return; fi
		tail -n 1 "$work/t" >>"$work/times"
	done
	wall=$(awk '{ print $1 }' "$work/times" | median)
	cpu=$(awk '{ print $2 + $3 }' "$work/times" | median)
	rss=$(awk '{ print $4 }' "$work/times" | sort -n | tail -n 1)
	echo "$wall $cpu $rss"
}

# A 3.0 (native) package of a few huge files of random bytes with a
# little text between, compressed as dpkg-source -b does (gzip, to keep
# making it quick): what a package of firmware or data files looks like.
gen_package () {
	g=$BENCH_CACHE/gen
	if [ ! -f "$g/hugefiles_1.dsc" ]; then
		rm -rf "$g" && mkdir -p "$g/hugefiles/debian/source" "$g/hugefiles/data" || return 1
		printf 'hugefiles (1) unstable; urgency=medium\n\n  * Bench.\n\n -- B <b@example.org>  Mon, 01 Jan 2024 12:00:00 +0100\n' \
			>"$g/hugefiles/debian/changelog"
		echo "3.0 (native)" >"$g/hugefiles/debian/source/format"
		printf 'Source: hugefiles\nMaintainer: B <b@example.org>\n\nPackage: hugefiles\nArchitecture: all\nDescription: bench\n bench\n' \
			>"$g/hugefiles/debian/control"
		for i in 1 2 3 4 5 6 7 8; do
			head -c $((40 << 20)) /dev/urandom >"$g/hugefiles/data/blob$i.bin"
			seq 1 200000 >>"$g/hugefiles/data/blob$i.bin"
		done
		(cd "$g" && dpkg-source -Zgzip -z1 -b hugefiles >/dev/null 2>&1) || return 1
		rm -rf "$g/hugefiles"
	fi
	echo "$g/hugefiles_1.dsc"
}

if [ -n "$gen" ]; then
	g=$(gen_package) || { echo "$0: cannot make the generated package" >&2; exit 1; }
	set -- "$@" "$g"
fi

tools="floor dpkg-shm ours"
[ -n "$DGIT_BEFORE" ] && tools="$tools before"
[ -z "$shm" ] && tools=${tools/dpkg-shm /}
if [ -n "$all" ]; then
	tools="$tools dgit-perl gbp dpkg-x dpkg-x+git"
	command -v gbp >/dev/null 2>&1 || tools=${tools/gbp /}
	[ -x /usr/bin/dgit ] || tools=${tools/dgit-perl /}
fi

echo "runs per tool: $runs; machine: $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
for dsc; do
	case $dsc in /*) ;; *) dsc=$(pwd)/$dsc ;; esac
	echo
	echo "== $(basename "$dsc") ($(du -chL $(dsc_files "$dsc") | tail -n 1 | cut -f1) packed)"
	printf '%-12s %9s %9s %8s %11s %8s %8s\n' tool "wall(s)" "cpu(s)" cpu/wall \
		"maxrss(MB)" "/floor" "/dpkg-shm"
	floor_wall= shm_wall=
	for t in $tools; do
		r=$(run_tool "$t" "$dsc")
		if [ "$r" = fail ]; then
			printf '%-12s %9s\n' "$t" failed
			continue
		fi
		set -- $r
		[ "$t" = floor ] && floor_wall=$1
		[ "$t" = dpkg-shm ] && shm_wall=$1
		rf=- rs=-
		[ -n "$floor_wall" ] && rf=$(awk -v a="$1" -v b="$floor_wall" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
		[ -n "$shm_wall" ] && rs=$(awk -v a="$1" -v b="$shm_wall" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
		printf '%-12s %9s %9s %8s %11s %8s %8s\n' "$t" "$1" "$2" \
			"$(awk -v a="$2" -v b="$1" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')" \
			"$(awk -v k="$3" 'BEGIN { printf "%.1f", k / 1024 }')" "$rf" "$rs"
	done
done
