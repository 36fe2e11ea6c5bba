#!/bin/sh
test_description='the options Debian dgit'"'"'s test suite passes on every call (t-dgit), and command options before the command'
. "$(dirname "$0")/test-lib.sh"

# What tests/lib's t-dgit passes, as Perl dgit 10.7 takes them.
T_DGIT="--dgit=$DGIT --dget:-u --dput:--config=/nonexistent/dput.cf --config-lookup-explode=dgit-distro.debian.alias-canon"

test_expect_success 't-dgit'"'"'s options are accepted (help still works)' '
	"$DGIT" $T_DGIT help clone >out &&
	test_grep "^usage: dgit \[OPTIONS\] clone" out
'

test_expect_success '--TOOL:OPTION and --TOOL=PROGRAM are recorded in order' '
	test_expect_code 8 "$DGIT" -D $T_DGIT --dput=/usr/bin/dput \
	    --dpkg-source:-sP import-dsc 2>err &&
	test_grep "^dgit: debug: dget: extra option -u\$" err &&
	test_grep "^dgit: debug: dput: extra option --config=/nonexistent/dput.cf\$" err &&
	test_grep "^dgit: debug: dput: program /usr/bin/dput\$" err &&
	test_grep "^dgit: debug: dpkg-source: extra option -sP\$" err
'

test_expect_success 'an option for a tool dgit does not run is refused' '
	test_expect_code 8 "$DGIT" --frobnicator:-x help 2>err &&
	test_grep "unknown option .--frobnicator:-x." err
'

test_expect_success '--no-rm-on-error is accepted' '
	"$DGIT" --no-rm-on-error help >/dev/null &&
	"$DGIT" --rm-on-error help >/dev/null
'

test_expect_success 'a command option before the command goes to the command' '
	test_expect_code 8 "$DGIT" --bogus-option clone 2>err &&
	test_grep "^dgit: clone: unknown option .--bogus-option." err &&
	test_expect_code 8 "$DGIT" --bogus-option 2>err &&
	test_grep "^dgit: unknown option .--bogus-option." err
'

test_done
