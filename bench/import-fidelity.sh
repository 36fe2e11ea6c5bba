#!/bin/sh
# Fidelity of the import on real packages: for each .dsc given, compare the
# tree of `dgit import-dsc` with the reference tree computed from
# `dpkg-source -x` (t/lib-reftree.sh, the procedure of DESIGN.md).
#
# Each "ok" line ends with the commit id of the import, so two runs (before
# and after a change, or two binaries) can be compared with diff.
#
# usage: bench/import-fidelity.sh [-k] X.dsc...
#   DGIT=path/to/dgit (default: ./dgit/dgit of this tree)
#   -k  keep going after a mismatch (always reports all)
# Exit status: 0 when every tree matches.

here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/t/lib-reftree.sh"
: "${DGIT:=$here/dgit/dgit}"
[ "$1" = -k ] && shift

fail=0 n=0
for dsc; do
	n=$((n + 1))
	case $dsc in /*) ;; *) dsc=$(pwd)/$dsc ;; esac
	ref=$(reference_tree "$dsc") || { echo "FAIL $dsc: no reference"; fail=$((fail + 1)); continue; }
	repo=$(mktemp -d "${TMPDIR:-/tmp}/fidelity.XXXXXX")
	git init -q "$repo"
	if (cd "$repo" && "$DGIT" import-dsc "$dsc" +fidelity) >"$repo.log" 2>&1; then
		got=$(git -C "$repo" rev-parse 'fidelity^{tree}')
		if [ "$got" = "$ref" ]; then
			echo "ok   $dsc $got $(git -C "$repo" rev-parse fidelity)"
		else
			echo "FAIL $dsc: import $got, reference $ref"
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
[ "$fail" -eq 0 ]
