#!/bin/sh
test_description='the libFuzzer targets: every regression input, then a short run of each (FUZZ_SECONDS, default 15)'
. "$(dirname "$0")/test-lib.sh"

RUN="$TEST_DIR/fuzz/run.sh"
S=${FUZZ_SECONDS:-15}
targets=
for c in "$TEST_DIR"/fuzz/fuzz-*.c; do
	t=${c##*/fuzz-}
	targets="$targets ${t%.c}"
done
built=yes
for t in $targets; do
	[ -x "$BUILD/fuzz/fuzz-$t" ] || built=
done

# A stand-in for a libFuzzer binary: fails on an input holding "boom" and,
# when asked to fuzz, writes a crash artifact as libFuzzer does.
test_expect_success 'a stand-in fuzz target' '
	mkdir -p bin regress/fake &&
	cat >bin/fuzz-fake <<-\EOS &&
	#!/bin/sh
	for a; do
		case $a in
		-artifact_prefix=*) p=${a#-artifact_prefix=} ;;
		-*) ;;
		*) [ -f "$a" ] && grep -q boom "$a" && exit 1 ;;
		esac
	done
	[ -n "${p:-}" ] || exit 0
	echo boom >"${p}crash-0123" && exit 1
	EOS
	chmod +x bin/fuzz-fake &&
	echo fine >regress/fake/ok
'

test_expect_success 'the runner passes regression inputs that pass' '
	FUZZ_BIN_DIR=$PWD/bin FUZZ_WORK=$PWD/w FUZZ_REGRESS=$PWD/regress \
	    sh "$RUN" 0 fake >out 2>err &&
	test_grep "fake: 1 regression inputs pass" out
'

test_expect_success 'a failing regression input stops the runner, named' '
	echo boom >regress/fake/bad &&
	FUZZ_BIN_DIR=$PWD/bin FUZZ_WORK=$PWD/w FUZZ_REGRESS=$PWD/regress \
	    test_must_fail sh "$RUN" 0 fake >out 2>err &&
	test_grep "reproducer: $PWD/regress/fake/bad" err &&
	rm regress/fake/bad
'

test_expect_success 'a crash while fuzzing stops the runner, naming the reproducer' '
	FUZZ_BIN_DIR=$PWD/bin FUZZ_WORK=$PWD/w FUZZ_REGRESS=$PWD/regress \
	    test_must_fail sh "$RUN" 1 fake >out 2>err &&
	test_grep "reproducer: $PWD/w/artifacts/fake-crash-0123" err &&
	test_grep boom w/artifacts/fake-crash-0123
'

test_expect_success 'the seed corpora are made from the fixtures' '
	sh "$TEST_DIR/fuzz/seeds.sh" seeds &&
	for t in $targets; do
		test -n "$(ls seeds/$t)" || { echo "no seeds for $t"; return 1; }
	done &&
	grep -l "^-----BEGIN PGP SIGNED MESSAGE-----" seeds/dsc/* >signed &&
	test -s signed
'

# A stand-in fuzz-dsc whose first run (FAKE_WAIT set) notes its seeds
# directory's entries (names and inodes), waits for FAKE_STATE/go, and
# fails if they changed meanwhile: another run remade them.
test_expect_success 'two runs at once each fuzz from seeds of their own' '
	mkdir -p bin2 &&
	cat >bin2/fuzz-dsc <<-\EOS &&
	#!/bin/sh
	for a; do d=$a; done
	case $* in *-artifact_prefix=*) ;; *) exit 0 ;; esac
	[ -n "${FAKE_WAIT:-}" ] || exit 0
	ls -i "$d" >"$FAKE_STATE/before" && test -s "$FAKE_STATE/before" &&
	echo "$d" >"$FAKE_STATE/seeds.used" &&
	: >"$FAKE_STATE/started" || exit 1
	n=0
	while ! [ -f "$FAKE_STATE/go" ] && [ $n -lt 600 ]; do
		sleep 0.1; n=$((n + 1))
	done
	ls -i "$d" >"$FAKE_STATE/after" &&
	cmp -s "$FAKE_STATE/before" "$FAKE_STATE/after"
	EOS
	chmod +x bin2/fuzz-dsc &&
	{ FAKE_WAIT=1 FAKE_STATE=$PWD FUZZ_BIN_DIR=$PWD/bin2 FUZZ_WORK=$PWD/w2 \
	    FUZZ_REGRESS=$PWD/none sh "$RUN" 1 dsc >out1 2>err1 &
	  first=$!; } &&
	n=0 &&
	while ! test -f started && test $n -lt 600; do
		sleep 0.1 && n=$((n + 1))
	done &&
	FAKE_STATE=$PWD FUZZ_BIN_DIR=$PWD/bin2 FUZZ_WORK=$PWD/w2 \
	    FUZZ_REGRESS=$PWD/none sh "$RUN" 1 dsc >out2 2>err2 &&
	: >go &&
	wait $first || { cat err1; return 1; }
	test_path_is_missing "$(cat seeds.used)" &&
	test_grep "^fuzz: dsc: 1 s" out1 &&
	test_grep "^fuzz: dsc: 1 s" out2
'

for t in $targets; do
	if [ -z "$built" ]; then
		test_skip "fuzz-$t" "fuzz targets not built (make fuzz-build; it needs clang, which make deps installs)"
		continue
	fi
	test_expect_success "fuzz-$t: its regression inputs, then $S s of fuzzing" '
		FUZZ_WORK=$PWD/w sh "$RUN" "$S" "$t" >out 2>err || {
			cat out err; return 1; } &&
		test_grep "^fuzz: $t: $S s, [0-9][0-9]* runs" out
	'
done

test_done
