#!/bin/bash
# build-source and quilt-fixup on a real package, against Perl dgit and
# dpkg-source.
#
# usage: bench/build-source.sh [-n RUNS] [X.dsc]
#   (default: the xen .dsc in /work/wt/realpkgs/xen*/, 3 runs)
#   DGIT=path/to/our/dgit (default: ./dgit/dgit of this tree)
#   PERL_DGIT=path (default /usr/bin/dgit)
#
# X.dsc is imported with our import-dsc; three commits then change
# upstream files (an edit, a new file, a deletion).  In one run, each
# RUNS times, medians of the wall time:
#   fixup-ours   dgit --quilt=linear quilt-fixup (from the three commits)
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
# <= 1.3).  Nothing touches the network.

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
# timed FILE CMD...: run CMD (quietly), append its wall time to FILE
timed () {
	f=$1; shift
	t0=$(now)
	"$@" >"$work/log" 2>&1 || { echo "$0: failed: $*" >&2; cat "$work/log" >&2; exit 1; }
	t1=$(now)
	echo "$t1 - $t0" | bc -l >>"$f"
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

: >"$work/t.fo"; : >"$work/t.fp"; : >"$work/t.bs"; : >"$work/t.db"
: >"$work/t.s1"; : >"$work/t.s2"
for _ in $(seq "$runs"); do
	cd "$work/ours/src" && git reset -q --hard "$base"
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
for _ in $(seq "$runs"); do
	rm -f ./*.dsc ./*.debian.tar.* ./*_source.changes
	(cd src && timed "$work/t.bs" "$DGIT" build-source --no-check-archive)
	rm -f ./*.dsc ./*.debian.tar.* ./*_source.changes
	timed "$work/t.db" dpkg-source -b src
done
for _ in $(seq "$runs"); do
	(cd src && git update-ref -d refs/dgit-intern/quilt-cache &&
	 rm -f .git/logs/refs/dgit-intern/quilt-cache &&
	 git reset -q --hard "$base")
	rm -f ./*.dsc ./*.debian.tar.* ./*_source.changes
	(cd src && timed "$work/t.s1" "$DGIT" --split-view=always build-source --no-check-archive)
	rm -f ./*.dsc ./*.debian.tar.* ./*_source.changes
	(cd src && timed "$work/t.s2" "$DGIT" --split-view=always build-source --no-check-archive)
done

fo=$(median <"$work/t.fo"); bs=$(median <"$work/t.bs"); db=$(median <"$work/t.db")
s1=$(median <"$work/t.s1"); s2=$(median <"$work/t.s2")
echo "package: $(basename "$dsc"); runs: $runs; machine: $(nproc) cores"
printf '%-12s %8.3f s\n' fixup-ours "$fo"
if [ -n "$PERL_DGIT" ]; then
	fp=$(median <"$work/t.fp")
	printf '%-12s %8.3f s   perl/ours %s (target >= 10)\n' fixup-perl "$fp" "$(ratio "$fp" "$fo")"
fi
echo "patches      $patches ($(ls "$work/ours/src/debian/patches" | wc -l) files in debian/patches)"
printf '%-12s %8.3f s\n' dpkg-b "$db"
printf '%-12s %8.3f s   ours/dpkg-source -b %s (target <= 1.3)\n' bs-ours "$bs" "$(ratio "$bs" "$db")"
printf '%-12s %8.3f s\n' bs-split "$s1"
printf '%-12s %8.3f s   cached/uncached %s\n' bs-cached "$s2" "$(ratio "$s2" "$s1")"
