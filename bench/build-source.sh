#!/bin/bash
# build-source and quilt-fixup on a real package, against Perl dgit and
# dpkg-source.
#
# usage: bench/build-source.sh [-n RUNS] [X.dsc]
#   (default: the xen .dsc in /work/wt/realpkgs/xen*/, 3 runs)
#   DGIT=path/to/our/dgit (default: ./dgit/dgit of this tree)
#   PERL_DGIT=path (default /usr/bin/dgit)
#   BENCH_FIXUP_ONLY=1: the quilt-fixup part alone (bench/quilt-fixup.sh)
#
# X.dsc is imported with our import-dsc; three commits then change
# upstream files (an edit, a new file, a deletion).  In one run, each
# RUNS times, medians of the wall time and of the CPU time (user+sys,
# the programs run included: the wall time on a loaded machine says
# more about the load than about the program):
#   fixup-cold   dgit --quilt=linear quilt-fixup (from the three commits),
#                its orig cache (refs/dgit-intern/orig-cache) deleted
#                first: the orig is unpacked
#   fixup-ours   the same with the cache that the import-dsc (or the
#                previous run) left: nothing is unpacked
#   fixup-perl   Perl dgit's (-wn: no rules clean), on a copy of the same
#                repository
#   patches      "same" when both made the same debian/patches (names,
#                series and bytes), else the diff
#   bs-ours      dgit build-source (--no-check-archive; the fixup is done,
#                so this is the check for it, dpkg-source -b of an
#                export, dpkg-genchanges -S and the same-tree check)
#   dpkg-b       dpkg-source -b of the same tree alone
#   bs-cached    dgit --split-view=always build-source, second run: the
#                split-view cache (refs/dgit-intern/quilt-cache) hit,
#                against bs-split, its first run (a fresh cache)
# and the ratios (targets: fixup-perl/fixup-ours >= 10, bs-ours/dpkg-b
# <= 1.3).  Nothing touches the network.  Needs GNU time.

set -u
here=$(cd "$(dirname "$0")/.." && pwd)
: "${DGIT:=$here/dgit/dgit}"
PERL_DGIT=${PERL_DGIT-/usr/bin/dgit}
runs=3
if [ "${1:-}" = -n ]; then runs=$2; shift 2; fi
dsc=${1:-$(ls /work/wt/realpkgs/xen*/*.dsc 2>/dev/null | head -n 1)}
[ -n "$dsc" ] && [ -f "$dsc" ] || { echo "usage: $0 [-n RUNS] X.dsc" >&2; exit 2; }
case $dsc in /*) ;; *) dsc=$(pwd)/$dsc ;; esac

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-build-source.XXXXXX")
trap 'rm -rf "$work"' EXIT
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.org \
	GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.org \
	DEBEMAIL=bench@example.org DEBFULLNAME=bench

median () { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
now () { date +%s.%N; }
# timed FILE CMD...: run CMD (quietly), append its wall time to FILE and
# its CPU time (user+sys, with its children's) to FILE.cpu
timed () {
	f=$1; shift
	/usr/bin/time -o "$work/time" -f "%e %U %S" "$@" >"$work/log" 2>&1 ||
		{ echo "$0: failed: $*" >&2; cat "$work/log" >&2; exit 1; }
	awk '{ print $1 }' "$work/time" >>"$f"
	awk '{ printf "%.3f\n", $2 + $3 }' "$work/time" >>"$f.cpu"
}
ratio () { echo "scale=2; $1 / $2" | bc -l; }

set -e
mkdir "$work/ours" "$work/perl"
for f in $(awk '/^Files:/ { p = 1; next } /^[^ ]/ { p = 0 } p { print $3 }' "$dsc"); do
	case $f in *.orig*) cp "$(dirname "$dsc")/$f" "$work/ours/"
	                    cp "$(dirname "$dsc")/$f" "$work/perl/" ;; esac
done
git init -q "$work/ours/src"
cd "$work/ours/src"
# (a branch other than the unborn one HEAD names: import-dsc does not
# update a checked-out branch)
"$DGIT" import-dsc "$dsc" +import >/dev/null 2>"$work/log" ||
	{ cat "$work/log" >&2; echo "$0: import-dsc failed" >&2; exit 1; }
git checkout -q import
# three commits changing upstream files
f1=$(git ls-files | grep -v '^debian/' | grep '\.c$' | head -n 1)
echo "/* bench: an edit */" >>"$f1"
git commit -q -a -m "Edit $f1"
mkdir -p bench-new && echo "a new upstream file" >bench-new/NEWFILE
git add bench-new && git commit -q -m "Add a new upstream file"
f3=$(git ls-files | grep -v '^debian/' | grep '\.h$' | tail -n 1)
git rm -q "$f3" && git commit -q -m "Remove $f3"
base=$(git rev-parse HEAD)
rm -rf "$work/perl/src" && cp -a "$work/ours/src" "$work/perl/src"

: >"$work/t.fc"; : >"$work/t.fo"; : >"$work/t.fp"; : >"$work/t.bs"; : >"$work/t.db"
: >"$work/t.s1"; : >"$work/t.s2"
for f in fc fo fp bs db s1 s2; do : >"$work/t.$f.cpu"; done
for _ in $(seq "$runs"); do
	cd "$work/ours/src" && git reset -q --hard "$base"
	git update-ref -d refs/dgit-intern/orig-cache 2>/dev/null || :
	rm -f .git/logs/refs/dgit-intern/orig-cache
	timed "$work/t.fc" "$DGIT" --quilt=linear quilt-fixup
	git reset -q --hard "$base"
	timed "$work/t.fo" "$DGIT" --quilt=linear quilt-fixup
	if [ -n "$PERL_DGIT" ]; then
		cd "$work/perl/src" && git reset -q --hard "$base"
		timed "$work/t.fp" "$PERL_DGIT" -wn --quilt=linear quilt-fixup
	fi
done
patches=same
if [ -n "$PERL_DGIT" ]; then
	diff -r "$work/perl/src/debian/patches" "$work/ours/src/debian/patches" \
	    >"$work/pdiff" 2>&1 || patches="DIFFERENT: $(head -c 2000 "$work/pdiff")"
else
	patches="(no Perl dgit)"
fi
cd "$work/ours"
[ -n "${BENCH_FIXUP_ONLY:-}" ] && runs2=0 || runs2=$runs
for _ in $(seq "$runs2"); do
	rm -f ./*.dsc ./*.debian.tar.* ./*_source.changes
	(cd src && timed "$work/t.bs" "$DGIT" build-source --no-check-archive)
	rm -f ./*.dsc ./*.debian.tar.* ./*_source.changes
	timed "$work/t.db" dpkg-source -b src
done
for _ in $(seq "$runs2"); do
	(cd src && git update-ref -d refs/dgit-intern/quilt-cache &&
	 rm -f .git/logs/refs/dgit-intern/quilt-cache &&
	 git reset -q --hard "$base")
	rm -f ./*.dsc ./*.debian.tar.* ./*_source.changes
	(cd src && timed "$work/t.s1" "$DGIT" --split-view=always build-source --no-check-archive)
	rm -f ./*.dsc ./*.debian.tar.* ./*_source.changes
	(cd src && timed "$work/t.s2" "$DGIT" --split-view=always build-source --no-check-archive)
done

# line NAME FILE [RATIO-TEXT OTHER-FILE]: medians, wall and CPU, and the
# ratios of OTHER-FILE's to FILE's (or FILE's to OTHER-FILE's with -r)
line () {
	local name=$1 f=$2 w c
	w=$(median <"$f"); c=$(median <"$f.cpu")
	printf '%-12s %8.3f s wall %8.3f s cpu' "$name" "$w" "$c"
	if [ $# -ge 4 ]; then
		local ow oc
		ow=$(median <"$4"); oc=$(median <"$4.cpu")
		if [ "${5:-}" = -r ]; then
			printf '   %s %s wall, %s cpu' "$3" "$(ratio "$w" "$ow")" "$(ratio "$c" "$oc")"
		else
			printf '   %s %s wall, %s cpu' "$3" "$(ratio "$ow" "$w")" "$(ratio "$oc" "$c")"
		fi
	fi
	echo
}
echo "package: $(basename "$dsc"); runs: $runs; machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "$PERL_DGIT" ]; then
	line fixup-perl "$work/t.fp"
	line fixup-cold "$work/t.fc" "perl/ours" "$work/t.fp"
	line fixup-ours "$work/t.fo" "perl/ours (target >= 10)" "$work/t.fp"
else
	line fixup-cold "$work/t.fc"
	line fixup-ours "$work/t.fo"
fi
echo "patches      $patches ($(ls "$work/ours/src/debian/patches" | wc -l) files in debian/patches)"
[ -n "${BENCH_FIXUP_ONLY:-}" ] && exit 0
line dpkg-b "$work/t.db"
line bs-ours "$work/t.bs" "ours/dpkg-source -b (target <= 1.3)" "$work/t.db" -r
line bs-split "$work/t.s1"
line bs-cached "$work/t.s2" "cached/uncached" "$work/t.s1" -r
