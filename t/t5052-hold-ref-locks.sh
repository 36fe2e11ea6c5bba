#!/bin/sh
test_description='ref updates hold interruptions off while their lock files exist

A shim (t/preload/signal-at-open.c) sends the program SIGTERM the moment
it creates a given lock file: a program that holds the signal off until
the update is whole dies with no lock file left, so the rerun is not
refused; one that does not leaves the lock.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test_need_cmd dpkg-source
test_need_cmd dpkg-genchanges
test_need_cmd cc

test_expect_success 'build the shim' '
	cc -shared -fPIC -o shim.so "$TEST_DIR/preload/signal-at-open.c" -ldl
'

# term_at PATTERN DIR ARGS...: dgit ARGS in DIR with SIGTERM sent when it
# creates a file matching PATTERN; it must die of that signal.
term_at() {
	ta_pattern=$1 ta_dir=$2 && shift 2 &&
	{ (cd "$ta_dir" && SIGNAL_AT_OPEN=$ta_pattern ASAN_OPTIONS=verify_asan_link_order=0 \
	    LD_PRELOAD="$TRASH_DIRECTORY/shim.so" exec "$DGIT" "$@" \
	    >"$TRASH_DIRECTORY/out" 2>"$TRASH_DIRECTORY/err"); ta_rc=$?; } &&
	test "$ta_rc" = 143 ||
	{ echo "exit status $ta_rc, not 143 (SIGTERM)"; cat err; return 1; }
}

# no_locks GITDIR: no lock file in GITDIR
no_locks() {
	locks=$(find "$1" -name "*.lock") &&
	test -z "$locks" ||
	{ echo "lock files left: $locks"; return 1; }
}

test_expect_success 'quilt-fixup: the split-view cache ref' '
	hello_repo q more &&
	term_at "*/quilt-cache.lock" q/hello --split-view=always quilt-fixup &&
	no_locks q/hello/.git &&
	git -C q/hello rev-parse -q --verify refs/dgit-intern/quilt-cache &&
	(cd q/hello && "$DGIT" --split-view=always quilt-fixup >../../out \
	    2>../../err)
'

test_expect_success 'build-source: the split-view cache ref' '
	hello_repo b more &&
	term_at "*/quilt-cache.lock" b/hello --split-view=always build-source \
	    --no-check-archive &&
	no_locks b/hello/.git &&
	(cd b/hello && "$DGIT" --split-view=always build-source \
	    --no-check-archive >../../out 2>../../err) &&
	test -f b/hello_1.0-1.dsc
'

test_done
