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
	test_grep "^dgit version [0-9]" out
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

test_expect_success '-cNAME is NAME=true (as git -c), a bad NAME a usage error' '
	git init -q cnotrue && cd cnotrue &&
	git config dgit-distro.debian.setup-gitattributes false &&
	"$DGIT" setup-new-tree &&
	! grep dgit-defuse-attrs .git/info/attributes &&
	"$DGIT" -cdgit-distro.debian.setup-gitattributes setup-new-tree &&
	test_grep "dgit-defuse-attrs" .git/info/attributes &&
	test_expect_code 8 "$DGIT" -c novalue setup-new-tree 2>err &&
	test_grep "SECTION.NAME" err
'

test_expect_success 'messages and usage name the program as it was run' '
	ln -s "$DGIT" dgit-c &&
	test_expect_code 8 ./dgit-c frobnicate 2>err &&
	test_grep "^dgit-c: unknown command .frobnicate. (see .dgit-c --help.)" err &&
	./dgit-c --help >out &&
	test_grep "^usage: dgit-c " out
'

test_expect_success 'option needing a value at the end' '
	test_expect_code 8 "$DGIT" clone foo -d 2>err &&
	test_grep "needs a value" err
'

test_done
