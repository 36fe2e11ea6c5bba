#!/bin/sh
test_description='Perl dgit clones what push-source put into a local archive and gets the same commit'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-localarchive.sh"

test_need_cmd apt-get
PERL_DGIT=/usr/bin/dgit
test -x "$PERL_DGIT" || test_skip "Perl dgit ($PERL_DGIT) is not installed"


perl_dgit() { la_perl_dgit "$@"; }

test_expect_success 'set up a local archive and push newnative 3.1 with push-source --new' '
	la_init >/dev/null &&
	mkdir w && cp -a "$FIXTURES_DIR/newnative/tree" w/newnative &&
	(cd w/newnative && git init -q && git add -A &&
	 git commit -q -m "newnative as the maintainer has it" &&
	 "$DGIT" -d local push-source --new) >out 2>err
'

test_expect_success 'Perl dgit clone gets exactly the pushed commit' '
	mkdir p && (cd p && perl_dgit clone newnative sid) >out 2>err &&
	test "$(git -C p/newnative rev-parse HEAD)" = \
	    "$(git -C w/newnative rev-parse HEAD)" &&
	test "$(git -C p/newnative rev-parse refs/remotes/dgit/dgit/sid)" = \
	    "$(git -C w/newnative rev-parse HEAD)"
'

test_expect_success 'a second push-source on top of a clone; Perl dgit fetch follows it' '
	mkdir c && (cd c && "$DGIT" -d local clone newnative sid) >/dev/null 2>&1 &&
	(cd c/newnative &&
	 echo more >>README && git commit -q -a -m "more" &&
	 dch -v 3.2 -D unstable --force-distribution "More." &&
	 git commit -q -a -m 3.2 &&
	 "$DGIT" -d local push-source) >out 2>err &&
	(cd p/newnative && perl_dgit fetch sid) >out 2>err &&
	test "$(git -C p/newnative rev-parse refs/remotes/dgit/dgit/sid)" = \
	    "$(git -C c/newnative rev-parse HEAD)"
'

test_expect_success 'a 3.0 (quilt) package with an upstream change: Perl dgit clone agrees' '
	dsc_tree hello-1 q &&
	(cd q/hello &&
	 echo "Hello, quilt." >>README &&
	 git commit -q -a -m "Greet quilt too" &&
	 dch -v 1.0-2 -D unstable --force-distribution "Greet quilt." &&
	 git commit -q -a -m "1.0-2" &&
	 "$DGIT" -d local push-source --new) >out 2>err &&
	(cd p && perl_dgit clone hello sid) >out 2>err &&
	test "$(git -C p/hello rev-parse HEAD)" = \
	    "$(git -C q/hello rev-parse HEAD)"
'

test_done
