#!/bin/sh
test_description='fetch and pull without a suite when the changelog says UNRELEASED

dgit(1): fetch and pull default to the branch'"'"'s suite, else the
changelog'"'"'s; Perl dgit takes UNRELEASED there as no suite at all and
uses the default suite (dgit.default.default-suite, "unstable").
Checked against Perl dgit on the same archive.'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-localarchive.sh"

test_need_cmd apt-get
PERL_DGIT=/usr/bin/dgit
test -x "$PERL_DGIT" || test_skip "Perl dgit ($PERL_DGIT) is not installed"

perl_dgit() { la_perl_dgit "$@"; }

test_expect_success 'setup: newnative pushed to a local archive; two clones on master with an UNRELEASED entry' '
	la_init >/dev/null &&
	mkdir w && cp -a "$FIXTURES_DIR/newnative/tree" w/newnative &&
	(cd w/newnative && git init -q && git add -A &&
	 git commit -q -m "newnative as the maintainer has it" &&
	 "$DGIT" -d local push-source --new) >out 2>err &&
	mkdir c && (cd c && "$DGIT" -d local clone newnative sid) >/dev/null 2>&1 &&
	(cd c/newnative && git checkout -q -b master &&
	 dch -v 3.2 -D UNRELEASED --force-distribution "Not yet." &&
	 git commit -q -a -m "3.2 UNRELEASED" &&
	 git update-ref -d refs/remotes/dgit/dgit/sid) &&
	cp -a c/newnative p &&
	head -1 p/debian/changelog | grep UNRELEASED
'

test_expect_success 'dgit fetch: the default suite (sid), as Perl dgit' '
	(cd c/newnative && "$DGIT" -d local fetch) >o.out 2>o.err &&
	(cd p && perl_dgit fetch) >p.out 2>p.err &&
	test "$(git -C c/newnative rev-parse refs/remotes/dgit/dgit/sid)" = \
	    "$(git -C w/newnative rev-parse HEAD)" &&
	test "$(git -C p rev-parse refs/remotes/dgit/dgit/sid)" = \
	    "$(git -C w/newnative rev-parse HEAD)"
'

test_expect_success 'dgit.default.default-suite names another: that one, as Perl dgit' '
	(cd c/newnative && test_must_fail "$DGIT" -d local \
		-cdgit.default.default-suite=nosuch fetch) 2>o.err &&
	(cd p && test_must_fail perl_dgit -cdgit.default.default-suite=nosuch \
		fetch) 2>p.err &&
	test_grep nosuch o.err &&
	test_grep nosuch p.err
'

test_done
