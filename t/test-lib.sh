# Shell test library in git's style.  A test script sets test_description,
# sources this file, calls test_expect_success / test_expect_failure, and
# ends with test_done.  Output is TAP.
#
# Each script runs in its own trash directory t/trash.NAME, removed when
# all its tests pass and kept (and named) when one fails.
#
# The environment is pinned: LC_ALL, TZ, HOME, GNUPGHOME, DEBEMAIL, git's
# identity and commit dates, so results do not depend on the user.

TEST_DIR=$(cd "$(dirname "$0")" && pwd)
SRC_DIR=$(cd "$TEST_DIR/.." && pwd)
: "${DGIT:=$SRC_DIR/dgit/dgit}"
: "${BUILD:=$SRC_DIR/build}"
export DGIT BUILD SRC_DIR TEST_DIR

this_test=$(basename "$0" .sh)
TRASH_DIRECTORY="$TEST_DIR/trash.$this_test${DGIT_TEST_FLAVOUR:+.$DGIT_TEST_FLAVOUR}"
rm -rf "$TRASH_DIRECTORY"
mkdir -p "$TRASH_DIRECTORY" || exit 1
cd "$TRASH_DIRECTORY" || exit 1

LC_ALL=C.UTF-8
LANG=C.UTF-8
TZ=UTC
HOME="$TRASH_DIRECTORY/home"
XDG_CACHE_HOME="$HOME/.cache"
XDG_CONFIG_HOME="$HOME/.config"
GNUPGHOME="$HOME/gnupg"
DEBEMAIL="tester@example.org"
DEBFULLNAME="A Tester"
EMAIL=$DEBEMAIL
GIT_AUTHOR_NAME="A Tester"
GIT_AUTHOR_EMAIL=$DEBEMAIL
GIT_COMMITTER_NAME="A Tester"
GIT_COMMITTER_EMAIL=$DEBEMAIL
GIT_AUTHOR_DATE="1500000000 +0000"
GIT_COMMITTER_DATE="1500000000 +0000"
GIT_CONFIG_NOSYSTEM=1
SOURCE_DATE_EPOCH=1500000000
umask 022
export LC_ALL LANG TZ HOME XDG_CACHE_HOME XDG_CONFIG_HOME GNUPGHOME DEBEMAIL \
    DEBFULLNAME EMAIL GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME \
    GIT_COMMITTER_EMAIL GIT_AUTHOR_DATE GIT_COMMITTER_DATE GIT_CONFIG_NOSYSTEM \
    SOURCE_DATE_EPOCH
unset GIT_DIR GIT_WORK_TREE DISPLAY VISUAL EDITOR CDPATH http_proxy \
    https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY no_proxy
mkdir -p "$HOME" "$GNUPGHOME"
chmod 700 "$GNUPGHOME"
git config --global init.defaultBranch main
git config --global advice.detachedHead false

test_count=0
test_failures=0
test_cleanup_cmds=

say() { printf '# %s\n' "$*"; }

# Commands registered here run at exit, whatever happened (servers...).
test_atexit() {
	test_cleanup_cmds="$1
$test_cleanup_cmds"
}
trap 'eval "$test_cleanup_cmds"' EXIT

test_run_() {
	(
		eval "$1"
	) >"$TRASH_DIRECTORY/.test-out" 2>&1 </dev/null
}

test_expect_success() {
	test_count=$((test_count + 1))
	if test_run_ "$2"; then
		echo "ok $test_count - $1"
	else
		test_failures=$((test_failures + 1))
		echo "not ok $test_count - $1"
		sed 's/^/#   /' "$TRASH_DIRECTORY/.test-out" | tail -n 40
		printf '#   in: %s\n' "$(echo "$2" | sed 2q)"
	fi
	cd "$TRASH_DIRECTORY"
}

# A known breakage: reported, not counted as a failure.
test_expect_failure() {
	test_count=$((test_count + 1))
	if test_run_ "$2"; then
		echo "ok $test_count - $1 # TODO known breakage vanished"
	else
		echo "not ok $test_count - $1 # TODO known breakage"
	fi
	cd "$TRASH_DIRECTORY"
}

# Run a command that must fail cleanly: non-zero exit, but not a crash or
# a sanitizer report (signals give codes over 128).
test_must_fail() {
	"$@"
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "test_must_fail: command succeeded: $*" >&2
		return 1
	elif [ $rc -gt 128 ] && [ $rc -le 192 ]; then
		echo "test_must_fail: command died with signal $((rc - 128)): $*" >&2
		return 1
	fi
	return 0
}

# Exit code must be exactly $1.
test_expect_code() {
	want=$1
	shift
	"$@"
	rc=$?
	if [ "$rc" != "$want" ]; then
		echo "test_expect_code: want exit $want, got $rc: $*" >&2
		return 1
	fi
}

test_cmp() { diff -u "$@"; }

# grep with a message when the pattern is missing.
test_grep() {
	if ! grep "$@"; then
		echo "test_grep: no match for: $*" >&2
		for f; do :; done
		[ -f "$f" ] && sed 's/^/  | /' "$f" >&2
		return 1
	fi
}

test_path_is_missing() {
	if [ -e "$1" ] || [ -L "$1" ]; then
		echo "path exists but should not: $1" >&2
		ls -la "$1" >&2
		return 1
	fi
}

# The whole file cannot run here: say why, in TAP ("1..0 # SKIP ...").
# The runner counts it as skipped; under CI=true a skip is a failure,
# since `make deps` installs everything a test needs.
test_skip_all() {
	echo "1..0 # SKIP $*"
	cd "$TEST_DIR" && rm -rf "$TRASH_DIRECTORY"
	exit 0
}

# One test cannot run here: "ok N - NAME # SKIP REASON".
test_skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count - $1 # SKIP $2"
}

# Skip the whole file unless each named program is on PATH.
test_need_cmd() {
	for c; do
		command -v "$c" >/dev/null 2>&1 ||
			test_skip_all "$c is missing (make deps installs it)"
	done
}

test_done() {
	echo "1..$test_count"
	if [ "$test_failures" -eq 0 ]; then
		cd "$TEST_DIR" && rm -rf "$TRASH_DIRECTORY"
		exit 0
	fi
	echo "# failed $test_failures of $test_count; kept $TRASH_DIRECTORY"
	exit 1
}
