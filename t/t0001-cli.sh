#!/bin/sh
test_description='command line: help, version, global options, usage errors'
. "$(dirname "$0")/test-lib.sh"

test_expect_success '--help lists every command' '
	"$DGIT" --help >out &&
	for c in clone fetch pull checkout import-dsc download-source \
	    build-source quilt-fixup push-source push; do
		test_grep "^  $c " out || return 1
	done
'

test_expect_success 'help COMMAND describes the command' '
	"$DGIT" help clone >out &&
	test_grep "^usage: dgit \[OPTIONS\] clone" out &&
	"$DGIT" clone --help >out2 &&
	test_cmp out out2
'

test_expect_success '--version' '
	"$DGIT" --version >out &&
	test_grep "^dgit (C) version [0-9]" out
'

test_expect_success 'unknown command is a usage error (exit 8)' '
	test_expect_code 8 "$DGIT" frobnicate 2>err &&
	test_grep "unknown command .frobnicate." err
'

test_expect_success 'unknown global option is a usage error' '
	test_expect_code 8 "$DGIT" --frob clone 2>err &&
	test_grep "unknown option .--frob." err
'

test_expect_success 'no command is a usage error' '
	test_expect_code 8 "$DGIT" 2>err &&
	test_grep "^usage:" err
'

test_expect_success 'help for an unknown command' '
	test_expect_code 8 "$DGIT" help frobnicate 2>err
'

test_expect_success '-c needs NAME=VALUE' '
	test_expect_code 8 "$DGIT" -c novalue clone foo 2>err &&
	test_grep "NAME=VALUE" err
'

test_expect_success 'option needing a value at the end' '
	test_expect_code 8 "$DGIT" clone foo -d 2>err &&
	test_grep "needs a value" err
'

test_done
