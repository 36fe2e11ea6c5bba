#!/bin/sh
test_description='doc/dgit.1: renders without warnings, matches the program'
. "$(dirname "$0")/test-lib.sh"

MAN="$SRC_DIR/doc/dgit.1"

test_need_cmd groff man

test_expect_success 'groff renders the page without warnings' '
	groff -ww -man -Tutf8 "$MAN" >rendered 2>err &&
	test_must_fail test -s err &&
	test -s rendered
'

test_expect_success 'man -l renders the page without warnings' '
	MANWIDTH=80 man --warnings -l "$MAN" >out 2>err &&
	test_must_fail test -s err
'

test_expect_success 'every command of --help is documented' '
	groff -man -Tutf8 -P -cbou "$MAN" >plain 2>/dev/null &&
	"$DGIT" --help >help &&
	sed -n "s/^  \([a-z][a-z-]*\)  .*/\1/p" help >commands &&
	test $(wc -l <commands) -ge 10 &&
	while read -r c; do
		test_grep "^       $c\( \|$\)" plain >/dev/null ||
		    { echo "undocumented command: $c"; return 1; }
	done <commands
'

test_expect_success 'every global option of --help is documented' '
	groff -man -Tutf8 -P -cbou "$MAN" >plain 2>/dev/null &&
	"$DGIT" --help >help &&
	sed -n "/^global options/,\$p" help |
	    grep -o -- "--\?[a-zA-Z][a-z-]*" | sort -u >options &&
	test $(wc -l <options) -ge 10 &&
	while read -r o; do
		grep -e "^       .*$o" plain >/dev/null ||
		    { echo "undocumented option: $o"; return 1; }
	done <options
'

test_expect_success 'every exit code of dgit.h is in EXIT STATUS' '
	groff -man -Tutf8 -P -cbou "$MAN" >plain 2>/dev/null &&
	sed -n "/^EXIT STATUS/,/^[A-Z]/p" plain >exits &&
	sed -n "s/^#define DGIT_EXIT_[A-Z_]* *\([0-9]*\).*/\1/p" \
	    "$SRC_DIR/dgit/dgit.h" >codes &&
	test $(wc -l <codes) -ge 4 &&
	while read -r n; do
		test_grep "^       $n\( \|$\)" exits >/dev/null ||
		    { echo "undocumented exit status: $n"; return 1; }
	done <codes
'

test_expect_success 'the configuration keys are documented' '
	groff -man -Tutf8 -P -cbou "$MAN" >plain 2>/dev/null &&
	for k in "dgit-distro.distro.mirror" "dgit-distro.distro.git-url" \
	    "dgit-distro.distro.archive-keyring" "dgit-distro.distro.keyring" \
	    "dgit-suite.suite.distro" "dgit.default.distro"; do
		test_grep "^       $k" plain >/dev/null ||
		    { echo "undocumented key: $k"; return 1; }
	done
'

test_done
