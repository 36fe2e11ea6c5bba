#!/bin/bash
# dgit quilt-fixup on a real package against Perl dgit's: the quilt-fixup
# part of bench/build-source.sh alone (see there: fixup-cold unpacks the
# orig, fixup-ours finds it in the orig cache, fixup-perl is Perl dgit).
#
# usage: bench/quilt-fixup.sh [-n RUNS] [X.dsc]
BENCH_FIXUP_ONLY=1 exec bash "$(dirname "$0")/build-source.sh" "$@"
