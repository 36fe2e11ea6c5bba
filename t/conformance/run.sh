#!/bin/sh
# Run Debian dgit's own test suite (tests/tests/* of its source package)
# against a dgit binary.  The source package is fetched with that binary's
# own `dgit download-source` (verified through the signed Release) into
# $CONFORMANCE_DIR, unpacked with dpkg-source -x, and each client-side test
# (tests/enumerate-tests) is run from the source tree with DGIT_TEST set.
#
# Output: one line per test, "NAME PASS|FAIL|SKIP SECONDS" (SKIP lines add
# the restriction's reason), then "N passed, N failed, N skipped".
# Exit status 0 when no test failed.
#
# Environment:
#   DGIT_TEST          binary under test (made absolute); default ../../dgit/dgit
#   DGIT_FETCH         binary that downloads the source package; default ours
#   CONFORMANCE_DIR    cache and logs; default ../../build/conformance
#   CONFORMANCE_TESTS  "a b": run only these tests
#   CONFORMANCE_LIST   file naming the tests to run, one a line (# comments)
#   CONFORMANCE_TIMEOUT per-test limit in seconds, default 300
#   CONFORMANCE_SUITE  suite to fetch dgit from, default bookworm
#   CONFORMANCE_TAP=1  print TAP instead (for t/t9000-conformance.sh)

here=$(cd "$(dirname "$0")" && pwd) || exit 1
top=$(cd "$here/../.." && pwd) || exit 1

abspath() {
	case $1 in
	/*) echo "$1" ;;
	*/*) echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")" ;;
	*) command -v "$1" ;;
	esac
}

: "${DGIT_TEST:=$top/dgit/dgit}"
DGIT_TEST=$(abspath "$DGIT_TEST") || exit 1
: "${DGIT_FETCH:=$top/dgit/dgit}"
DGIT_FETCH=$(abspath "$DGIT_FETCH") || exit 1
: "${CONFORMANCE_DIR:=$top/build/conformance}"
: "${CONFORMANCE_TIMEOUT:=300}"
: "${CONFORMANCE_SUITE:=bookworm}"
mkdir -p "$CONFORMANCE_DIR" || exit 1
CONFORMANCE_DIR=$(cd "$CONFORMANCE_DIR" && pwd) || exit 1

die() { echo "conformance: $*" >&2; exit 2; }

[ -x "$DGIT_TEST" ] || die "'$DGIT_TEST' is not an executable; build it with: make"
[ -x "$DGIT_FETCH" ] || die "'$DGIT_FETCH' is not an executable; build it with: make"

# 1. The source package, fetched once with our own download-source.
dl=$CONFORMANCE_DIR/download
src=$CONFORMANCE_DIR/src
if ! [ -f "$src/tests/enumerate-tests" ]; then
	rm -rf "$dl" "$src"
	mkdir -p "$dl" || exit 1
	if ! (cd "$dl" && "$DGIT_FETCH" download-source --dir "$dl" dgit \
	    "$CONFORMANCE_SUITE") >"$CONFORMANCE_DIR/download.log" 2>&1; then
		cat "$CONFORMANCE_DIR/download.log" >&2
		rm -rf "$dl"
		die "cannot download the dgit source package (log above)"
	fi
	set -- "$dl"/dgit_*.dsc
	[ $# = 1 ] && [ -f "$1" ] || die "no single dgit .dsc in '$dl'"
	if ! dpkg-source -x "$1" "$src.new" \
	    >"$CONFORMANCE_DIR/unpack.log" 2>&1; then
		cat "$CONFORMANCE_DIR/unpack.log" >&2
		rm -rf "$src.new"
		die "dpkg-source -x '$1' failed (log above)"
	fi
	mv "$src.new" "$src" || exit 1
fi

# 2. Which tests: the client-side ones, with their restrictions.
cd "$src" || exit 1
# tests/enumerate-tests prints the runnable ones, tests/tests/NAME, and
# "SKIP tests/tests/NAME REASON" on stderr for those whose t-restrict
# restrictions (tests/lib-restricts) rule them out here.
# Per-run files, so that runs at the same time do not share them.
run=$(mktemp -d "$CONFORMANCE_DIR/run.XXXXXX") || exit 1
trap 'rm -rf "$run"' EXIT
enum=$run/enumerated
skips=$run/enumerate.log
tests/enumerate-tests >"$enum" 2>"$skips" ||
	die "tests/enumerate-tests failed: $(cat "$skips")"

wanted=
if [ -n "$CONFORMANCE_TESTS" ]; then
	wanted=$CONFORMANCE_TESTS
elif [ -n "$CONFORMANCE_LIST" ]; then
	wanted=$(sed -e 's/#.*//' "$CONFORMANCE_LIST" | tr -s ' \t' '\n\n' |
	    grep -v '^$')
fi

# The list: "NAME" for a test to run, "NAME SKIP REASON" for one to skip.
list=$run/selected
all=$run/all
{
	sed -n 's,^tests/tests/,,p' "$enum"
	sed -n 's,^SKIP tests/tests/\([^ ]*\) \(.*\),\1 SKIP \2,p' "$skips"
} | sort >"$all"
if [ -n "$wanted" ]; then
	: >"$list"
	for t in $wanted; do
		line=$(awk -v t="$t" '$1 == t' "$all")
		[ -n "$line" ] || die "no test '$t' in tests/tests"
		echo "$line" >>"$list"
	done
elif [ -n "$CONFORMANCE_LIST" ]; then
	: >"$list"
else
	cp "$all" "$list"
fi

# 3. Run them.  Shared fixtures under tests/tmp are built by the binary
# under test: wipe them when the binary changes, as tests/run-all does.
logs=$CONFORMANCE_DIR/logs
mkdir -p "$logs" || exit 1
stamp=$CONFORMANCE_DIR/tmp-built-by
if [ "$(cat "$stamp" 2>/dev/null)" != "$DGIT_TEST" ]; then
	rm -rf tests/tmp
	echo "$DGIT_TEST" >"$stamp"
fi

unset DGIT_TEST_INTREE ADTTMP DGIT_TEST_TMPBASE DGIT_TEST_TESTNAME
export DGIT_TEST
if [ "$(id -u)" = 0 ]; then
	TAR_OPTIONS=--no-same-owner
	export TAR_OPTIONS
fi

npass=0 nfail=0 nskip=0 n=0
total=$(wc -l <"$list")
if [ -n "$CONFORMANCE_TAP" ]; then
	if [ "$total" = 0 ]; then
		echo "1..0 # SKIP no conformance test passes yet"
		exit 0
	fi
	echo "1..$total"
fi

report() {	# NAME RESULT SECONDS [REASON]
	n=$((n + 1))
	if [ -n "$CONFORMANCE_TAP" ]; then
		case $2 in
		PASS) echo "ok $n - $1 (${3}s)" ;;
		FAIL) echo "not ok $n - $1 (${3}s; log $logs/$1.log)" ;;
		SKIP) echo "ok $n - $1 # SKIP $4" ;;
		esac
	else
		echo "$1 $2 $3${4:+ ($4)}"
	fi
}

while read -r name skip reason; do
	[ -n "$name" ] || continue
	log=$logs/$name.log
	if [ "$skip" = SKIP ]; then
		echo "skipped: $reason" >"$log"
		nskip=$((nskip + 1))
		report "$name" SKIP 0 "$reason"
		continue
	fi
	start=$(date +%s)
	timeout -k 10 "$CONFORMANCE_TIMEOUT" "tests/tests/$name" \
	    </dev/null >"$log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	if [ $rc = 0 ]; then
		npass=$((npass + 1))
		# t-dgit traces each call (set -x): "+ BINARY --dgit=BINARY".
		if grep -q -F -e "+ $DGIT_TEST --dgit=$DGIT_TEST " "$log"; then
			report "$name" PASS "$secs"
		else
			report "$name" PASS "$secs" "did not run dgit"
		fi
	else
		[ $rc = 124 ] && echo "conformance: timed out after ${CONFORMANCE_TIMEOUT}s" >>"$log"
		nfail=$((nfail + 1))
		report "$name" FAIL "$secs"
	fi
done <"$list"

summary="$npass passed, $nfail failed, $nskip skipped"
if [ -n "$CONFORMANCE_TAP" ]; then
	echo "# $summary"
else
	echo "$summary"
fi
[ $nfail = 0 ]
