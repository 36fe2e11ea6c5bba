#!/bin/sh
# Run the fuzz targets (make fuzz; t/t0400-fuzz-smoke.sh):
#   sh t/fuzz/run.sh SECONDS [TARGET...]
# For each target (default: every $FUZZ_BIN_DIR/fuzz-*; TARGET is the name
# without "fuzz-"): first every file of t/fuzz/regress/TARGET/ is run
# through it once, then, when SECONDS > 0, it fuzzes for SECONDS from its
# corpus ($FUZZ_WORK/corpus/TARGET, kept between runs) and the seeds made
# by t/fuzz/seeds.sh (into a directory of this run's own under $FUZZ_WORK,
# removed at its end, so that runs at once do not remake each other's).
# Stops at the first failure, naming the reproducer.
# Each run's libFuzzer output is in $FUZZ_WORK/log/TARGET.log.
#
# Environment: BUILD (default build), FUZZ_BIN_DIR (default $BUILD/fuzz),
# FUZZ_WORK (default $BUILD/fuzz), FUZZ_NICE (default 19),
# FUZZ_REGRESS (default t/fuzz/regress),
# FUZZ_FLAGS (more libFuzzer flags, e.g. -jobs=2).
set -u
secs=${1:?usage: run.sh SECONDS [TARGET...]}
shift
here=$(cd "$(dirname "$0")" && pwd)
: "${BUILD:=$here/../../build}"
: "${FUZZ_BIN_DIR:=$BUILD/fuzz}"
: "${FUZZ_WORK:=$BUILD/fuzz}"
: "${FUZZ_NICE:=19}"
: "${FUZZ_FLAGS:=}"
: "${FUZZ_REGRESS:=$here/regress}"
regress=$FUZZ_REGRESS

if [ $# -eq 0 ]; then
	for b in "$FUZZ_BIN_DIR"/fuzz-*; do
		case $b in *.o|*.d) continue ;; esac
		[ -x "$b" ] && set -- "$@" "${b##*/fuzz-}"
	done
fi
if [ $# -eq 0 ]; then
	echo "fuzz: no fuzz targets in '$FUZZ_BIN_DIR'; build them with: make fuzz-build" >&2
	exit 1
fi
mkdir -p "$FUZZ_WORK/log" "$FUZZ_WORK/artifacts" || exit 1
# scratch files of the targets (fuzz-unpack's), on a memory file system
# when there is one, removed even when a target crashed
shm=/dev/shm
[ -d "$shm" ] && [ -w "$shm" ] || shm=${TMPDIR:-/tmp}
seeds=
FUZZ_TMPDIR=$(mktemp -d "$shm/dgit-fuzz.XXXXXX") || exit 1
export FUZZ_TMPDIR
trap 'rm -rf "$FUZZ_TMPDIR" ${seeds:+"$seeds"}' EXIT
trap 'exit 130' INT TERM HUP
if [ "$secs" -gt 0 ]; then
	seeds=$(mktemp -d "$FUZZ_WORK/seeds.XXXXXX") || exit 1
	BUILD=$BUILD sh "$here/seeds.sh" "$seeds" || exit 1
fi

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:abort_on_error=1}"

for t in "$@"; do
	bin=$FUZZ_BIN_DIR/fuzz-$t
	log=$FUZZ_WORK/log/$t.log
	if ! [ -x "$bin" ]; then
		echo "fuzz: no target '$t' ('$bin'); build it with: make fuzz-build" >&2
		exit 1
	fi
	# what a fuzzer once found stays fixed
	if [ -d "$regress/$t" ]; then
		for f in "$regress/$t"/*; do
			[ -f "$f" ] || continue
			if ! "$bin" "$f" >"$log" 2>&1; then
				tail -n 30 "$log" >&2
				echo "fuzz: $t fails on its regression input" >&2
				echo "fuzz: reproducer: $f" >&2
				echo "fuzz: rerun it with: $bin $f" >&2
				exit 1
			fi
		done
		echo "fuzz: $t: $(ls "$regress/$t" | wc -l) regression inputs pass"
	fi
	[ "$secs" -gt 0 ] || continue
	corpus=$FUZZ_WORK/corpus/$t
	mkdir -p "$corpus" || exit 1
	rm -f "$FUZZ_WORK/artifacts/$t-"*
	# shellcheck disable=SC2086
	if ! nice -n "$FUZZ_NICE" "$bin" -max_total_time="$secs" -timeout=30 \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$FUZZ_WORK/artifacts/$t-" $FUZZ_FLAGS \
	    "$corpus" "$seeds/$t" >"$log" 2>&1; then
		tail -n 40 "$log" >&2
		echo "fuzz: $t failed after $secs s at most (log: $log)" >&2
		for f in "$FUZZ_WORK/artifacts/$t-"*; do
			[ -f "$f" ] || continue
			echo "fuzz: reproducer: $f" >&2
			echo "fuzz: rerun it with: $bin $f" >&2
			echo "fuzz: keep it as a regression test: cp $f t/fuzz/regress/$t/" >&2
		done
		exit 1
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	echo "fuzz: $t: ${secs} s, ${execs:-?} runs, ${cov:-cov: ?}, $(ls "$corpus" | wc -l) corpus inputs, no failure"
done
exit 0
