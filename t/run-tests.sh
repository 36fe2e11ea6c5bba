#!/bin/sh
# Run the test suite: C unit tests (normal and, when built, under
# AddressSanitizer+UBSan) and shell tests t/tNNNN-*.sh.  Each test program
# prints TAP; this counts every "ok"/"not ok" line and ends with
# "N passed, N failed, N skipped".  A file that runs no test, or (under
# CI=true) skips one, fails.  --unit runs only the unit tests.
#
# Environment: DGIT (the binary under test), BUILD, ASAN_BUILD (run the
# unit tests and the ASAN_TESTS shell tests (globs), default t2-t5,
# t7002 and t7003, again with the
# sanitized build), JOBS (parallel test files, default 2), TESTS (glob of
# shell tests).

cd "$(dirname "$0")" || exit 1
T=$(pwd)
: "${BUILD:=$T/../build}"
: "${JOBS:=2}"
: "${DGIT:=$T/../dgit/dgit}"
export DGIT BUILD ASAN_BUILD

out=$(mktemp -d "${TMPDIR:-/tmp}/dgit-tests.XXXXXX") || exit 1
trap 'rm -rf "$out"' EXIT

list="$out/list"
: >"$list"
for u in "$BUILD"/t/unit/test-*; do
	case $u in *.o|*.d) continue ;; esac
	[ -x "$u" ] && echo "unit $u" >>"$list"
done
if [ -n "$ASAN_BUILD" ]; then
	for u in "$ASAN_BUILD"/t/unit/test-*; do
		case $u in *.o|*.d) continue ;; esac
		[ -x "$u" ] && echo "asan $u" >>"$list"
	done
fi
if [ "$1" != "--unit" ]; then
	for s in $T/${TESTS:-t[0-9][0-9][0-9][0-9]-*.sh}; do
		[ -f "$s" ] && echo "shell $s" >>"$list"
	done
	# The download, import, clone and fetch tests and the push-source
	# tests of 3.0 (quilt) and Perl dgit interop again with the sanitized
	# binary and helpers (threads, parsers, the pack writer, signing).
	if [ -n "$ASAN_BUILD" ] && [ -x "$ASAN_BUILD/dgit/dgit" ]; then
		for g in ${ASAN_TESTS:-t[2345][0-9][0-9][0-9]-*.sh t700[23]-*.sh}
		do
			for s in $T/$g; do
				[ -f "$s" ] && echo "ashell $s" >>"$list"
			done
		done
	fi
fi

# One runner per test file; its TAP goes to $out/N.tap, exit code to .rc.
run_one() {
	kind=$1 prog=$2 n=$3
	case $kind in
	asan)
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$prog" >"$out/$n.tap" 2>&1 ;;
	ashell)
		# abort: a sanitizer report is a signal, which test_must_fail
		# tells apart from a clean failure.
		DGIT="$ASAN_BUILD/dgit/dgit" BUILD="$ASAN_BUILD" \
		DGIT_TEST_FLAVOUR=asan \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		LSAN_OPTIONS=suppressions="$T/lsan.supp":print_suppressions=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:abort_on_error=1 \
		sh "$prog" >"$out/$n.tap" 2>&1 ;;
	unit) "$prog" >"$out/$n.tap" 2>&1 ;;
	shell) sh "$prog" >"$out/$n.tap" 2>&1 ;;
	esac
	echo $? >"$out/$n.rc"
}

i=0
while read -r kind prog; do
	i=$((i + 1))
	echo "$i $kind $prog"
done <"$list" >"$out/numbered"

# Simple job pool.
running=0
while read -r n kind prog; do
	run_one "$kind" "$prog" "$n" &
	running=$((running + 1))
	if [ "$running" -ge "$JOBS" ]; then
		wait
		running=0
	fi
done <"$out/numbered"
wait

passed=0 failed=0 skipped=0 badfiles=0 failnames=
while read -r n kind prog; do
	name="$kind $(basename "$prog")"
	tap="$out/$n.tap"
	p=$(grep -c '^ok ' "$tap")
	s=$(grep -c '^ok .* # SKIP' "$tap")
	f=$(grep -c '^not ok ' "$tap")
	rc=$(cat "$out/$n.rc")
	planned=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$tap" | tail -n 1)
	skipall=$(sed -n 's/^1\.\.0 # SKIP //p' "$tap" | tail -n 1)
	status=ok
	why=
	if [ -n "$skipall" ]; then
		s=1
	elif [ "$planned" = 0 ]; then
		why="ran no test"
	fi
	# CI installs everything (make deps): nothing may skip there.
	if [ "$s" -gt 0 ] && [ "${CI:-}" = true ]; then
		why="skipped under CI=true"
	fi
	if [ "$f" -gt 0 ] || [ "$rc" != 0 ] || [ -z "$planned" ] ||
	   [ "$planned" != $((p + f)) ] || [ -n "$why" ]; then
		status=FAIL
		badfiles=$((badfiles + 1))
		failnames="$failnames
  $name: $(grep '^not ok ' "$tap" | head -n 3 | tr '\n' ' ')"
		# a crash, bad plan or empty file counts as one more failure
		[ "$f" -eq 0 ] && f=1
	elif [ "$s" -gt 0 ]; then
		status=SKIP
	fi
	[ -n "$skipall" ] && p=0
	p=$((p - (s > p ? p : s)))
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	printf '%-4s %-50s %d passed, %d failed, %d skipped%s\n' "$status" \
	    "$name" "$p" "$f" "$s" "${why:+ ($why)}${skipall:+ ($skipall)}"
	if [ $status = FAIL ]; then
		sed 's/^/    | /' "$tap" | grep -v '^    | ok ' | tail -n 60
	fi
done <"$out/numbered"

# Whoever sees only the tail of the output sees what failed.
[ -n "$failnames" ] && echo "failed:$failnames"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
