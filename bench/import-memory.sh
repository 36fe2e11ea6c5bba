#!/bin/bash
# Peak memory of the import against dpkg-source -x, on inputs whose
# single members are large: the import must stay bounded whatever the
# size of one file.
#
# usage: bench/import-memory.sh [X.dsc...]
#   DGIT=path/to/our/dgit (default: ./dgit/dgit of this tree)
#
# Inputs: a 3.0 (native) package holding 1 GiB of zeros (.tar.gz), one
# holding a sparse member of 4 GiB + 1 MiB (a tarball of a few hundred
# bytes), xen from /work/wt/realpkgs if it is there, and any .dsc given.
# For each: wall time and peak RSS (GNU time) of
#   ours   dgit import-dsc X.dsc +import
#   dpkg   dpkg-source --no-check -x X.dsc
# Needs GNU time (/usr/bin/time), and about 5 GiB of disk for dpkg-source's
# output of the sparse package (it writes the 4 GiB file, sparse).

set -u
here=$(cd "$(dirname "$0")/.." && pwd)
: "${DGIT:=$here/dgit/dgit}"
[ -x /usr/bin/time ] || { echo "$0: needs GNU time (apt-get install time)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-memory.XXXXXX")
trap 'rm -rf "$work"' EXIT
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.org \
	GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.org

# native NAME: a 3.0 (native) package NAME 1 from $work/NAME/ (sparse tar)
native () {
	d=$work/$1
	mkdir -p "$d/debian/source"
	printf '%s (1) unstable; urgency=medium\n\n  * Bench.\n\n -- B <b@example.org>  Mon, 01 Jan 2024 12:00:00 +0100\n' "$1" \
		>"$d/debian/changelog"
	echo "3.0 (native)" >"$d/debian/source/format"
	echo top >"$d/README"
	tar -C "$d" --sparse --sort=name --owner=0 --group=0 --numeric-owner \
		-czf "$work/$1_1.tar.gz" .
	f=$1_1.tar.gz
	{
		echo "Format: 3.0 (native)"; echo "Source: $1"; echo "Version: 1"
		echo "Maintainer: B <b@example.org>"
		echo "Checksums-Sha256:"
		echo " $(sha256sum <"$work/$f" | cut -d' ' -f1) $(wc -c <"$work/$f") $f"
		echo "Files:"
		echo " $(md5sum <"$work/$f" | cut -d' ' -f1) $(wc -c <"$work/$f") $f"
	} >"$work/$1_1.dsc"
	rm -rf "$d"
	echo "$work/$1_1.dsc"
}

# measure TOOL DSC: prints "wall_s peak_rss_MB"
measure () {
	rm -rf "$work/run" && mkdir "$work/run" && cd "$work/run" || exit 1
	case $1 in
	ours) git init -q repo && cd repo &&
		/usr/bin/time -o "$work/t" -f "%e %M" "$DGIT" import-dsc "$2" +import \
			>/dev/null 2>&1 ;;
	dpkg) /usr/bin/time -o "$work/t" -f "%e %M" dpkg-source --no-check -x "$2" x \
		>/dev/null 2>&1 ;;
	esac
	rc=$?
	cd "$work" && rm -rf "$work/run"
	[ $rc -eq 0 ] || { echo "fail"; return; }
	tail -n 1 "$work/t" | awk '{ printf "%s %.1f\n", $1, $2 / 1024 }'
}

mkdir -p "$work/zeros" && head -c $((1 << 30)) /dev/zero >"$work/zeros/zeros"
set -- "$(native zeros)" "$@"
mkdir -p "$work/sparse" && truncate -s $(( (4 << 30) + (1 << 20) )) "$work/sparse/huge" &&
	printf end | dd of="$work/sparse/huge" bs=1 seek=$(( (4 << 30) + (1 << 20) - 3 )) \
		conv=notrunc 2>/dev/null
set -- "$(native sparse)" "$@"
for x in /work/wt/realpkgs/xen/xen_*.dsc; do [ -f "$x" ] && set -- "$@" "$x"; done

echo "machine: $(nproc) cores"
printf '%-40s %10s %12s %10s %12s %10s\n' package ours-wall ours-rss-MB dpkg-wall dpkg-rss-MB rss-ratio
for dsc; do
	case $dsc in /*) ;; *) dsc=$(pwd)/$dsc ;; esac
	o=$(measure ours "$dsc")
	d=$(measure dpkg "$dsc")
	ratio=$(echo "$o $d" | awk '$2 > 0 && $4 > 0 { printf "%.2f", $2 / $4 }')
	printf '%-40s %10s %12s %10s %12s %10s\n' "$(basename "$dsc" .dsc)" \
		${o:-fail -} ${d:-fail -} "${ratio:--}"
done
