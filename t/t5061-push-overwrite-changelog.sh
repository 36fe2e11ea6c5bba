#!/bin/sh
test_description='push --overwrite checks debian/changelog for the archive'"'"'s version, as Perl dgit does'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-localarchive.sh"

test_need_cmd apt-get
PERL_DGIT=/usr/bin/dgit
test -x "$PERL_DGIT" || test_skip "Perl dgit ($PERL_DGIT) is not installed"

# state DIR FILE: the git server's refs, the archive's version, DIR's
# refs and status: what a refused push must leave alone.
state() {
	{
		git --git-dir="$LA/git/newnative.git" for-each-ref
		sources_version newnative
		git -C "$1" for-each-ref
		git -C "$1" status --porcelain
	} >"$2"
}

# rewrite DIR CHANGELOG-HEAD: in DIR (a clone), a branch of its own
# history whose changelog is CHANGELOG-HEAD (a file), then a commit adding
# an entry 3.2 on top.
rewrite() {
	(cd "$1" &&
	 git checkout -q --orphan rewritten &&
	 cp "$2" debian/changelog &&
	 echo "rewritten" >>README &&
	 git add -A && git commit -q -m "a history of its own" &&
	 { entry 3.2 unstable && cat "$2"; } >debian/changelog &&
	 git commit -q -a -m 3.2)
}

# entry VERSION DIST: a changelog entry of newnative.
entry() {
	printf "newnative (%s) %s; urgency=medium\n\n  * Entry.\n\n" "$1" "$2"
	printf " -- A Maintainer <maint@example.org>  Sat, 15 Jul 2017 10:00:00 +0000\n\n"
}

test_expect_success 'set up: newnative 3.1 pushed to a local archive, cloned' '
	la_init >/dev/null &&
	mkdir w && cp -a "$FIXTURES_DIR/newnative/tree" w/newnative &&
	(cd w/newnative && git init -q && git add -A &&
	 git commit -q -m "newnative as the maintainer has it" &&
	 "$DGIT" -d local push-source --new) >out 2>err &&
	test "$(sources_version newnative)" = 3.1 &&
	mkdir c && (cd c && "$DGIT" -d local clone newnative sid) >out 2>err
'

test_expect_success 'a changelog without 3.1: --overwrite refused, as by Perl dgit, nothing changed' '
	cp -a c nomention &&
	entry 3.0.9 unstable >clog &&
	rewrite nomention/newnative "$TRASH_DIRECTORY/clog" &&
	cp -a nomention pnomention &&
	state nomention/newnative before &&
	(cd nomention/newnative && test_must_fail "$DGIT" -d local \
	    push-source --overwrite) >out 2>err &&
	test_grep "Perhaps debian/changelog does not mention 3.1" err &&
	state nomention/newnative after &&
	test_cmp before after &&
	(cd pnomention/newnative && test_must_fail la_perl_dgit \
	    push-source --overwrite) >pout 2>&1 &&
	test_grep "Perhaps debian/changelog does not mention 3.1" pout
'

test_expect_success '--overwrite=VERSION naming another version: refused, as by Perl dgit' '
	(cd nomention/newnative && test_must_fail "$DGIT" -d local \
	    push-source --overwrite=3.0.9) >out 2>err &&
	test_grep "(3.0.9) not equal to version currently in archive (3.1)" err &&
	state nomention/newnative after2 &&
	test_cmp before after2 &&
	(cd pnomention/newnative && test_must_fail la_perl_dgit \
	    push-source --overwrite=3.0.9) >pout 2>&1 &&
	test_grep "(3.0.9) not equal to version currently in archive (3.1)" pout
'

test_expect_success 'the changelog has 3.1 as UNRELEASED: refused, as by Perl dgit' '
	cp -a c unrel &&
	entry 3.1 UNRELEASED >clog2 &&
	rewrite unrel/newnative "$TRASH_DIRECTORY/clog2" &&
	cp -a unrel punrel &&
	state unrel/newnative before &&
	(cd unrel/newnative && test_must_fail "$DGIT" -d local \
	    push-source --overwrite) >out 2>err &&
	test_grep "Distribution.*is UNRELEASED" err &&
	state unrel/newnative after &&
	test_cmp before after &&
	(cd punrel/newnative && test_must_fail la_perl_dgit \
	    push-source --overwrite) >pout 2>&1 &&
	test_grep "Distribution.*is UNRELEASED" pout
'

test_expect_success 'a finalised 3.1 entry: --overwrite declares the fast forward' '
	cp -a c good &&
	entry 3.1 unstable >clog3 &&
	rewrite good/newnative "$TRASH_DIRECTORY/clog3" &&
	(cd good/newnative && "$DGIT" -d local push-source --overwrite) \
	    >out 2>err &&
	test "$(sources_version newnative)" = 3.2 &&
	git -C good/newnative log -1 --format=%B HEAD >msg &&
	printf "Declare fast forward from 3.1\n\n[dgit --overwrite]\n\n" >expect &&
	test_cmp expect msg &&
	test "$(git -C good/newnative rev-parse HEAD^2)" = \
	    "$(git -C w/newnative rev-parse HEAD)"
'

test_done
