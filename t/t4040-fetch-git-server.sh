#!/bin/sh
test_description='fetch, clone, import-dsc and checkout with a dgit git server

What dgit takes from the git server: the version tags of the distro
(archive/DISTRO/* and DISTRO/*), created when absent here and left, with
"Not updating ...", when here with another value; import-dsc in a
repository without the commit a .dsc'"'"'s Dgit: field names fetches it from
that distro'"'"'s git server; checkout leaves "dgit checkout SUITE" in HEAD'"'"'s
reflog.  Each checked against Perl dgit (/usr/bin/dgit) on the same local
archive and git server.'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-localarchive.sh"

test_need_cmd apt-get
PERL_DGIT=/usr/bin/dgit
test -x "$PERL_DGIT" || test_skip "Perl dgit ($PERL_DGIT) is not installed"

perl_dgit() { la_perl_dgit "$@"; }

tags_of() {
	git -C "$1" for-each-ref --format='%(refname) %(objectname)' refs/tags
}

test_expect_success 'set up: newnative 3.1 pushed with push-source --new' '
	la_init >/dev/null &&
	mkdir w && cp -a "$FIXTURES_DIR/newnative/tree" w/newnative &&
	(cd w/newnative && git init -q && git add -A &&
	 git commit -q -m "newnative as the maintainer has it" &&
	 "$DGIT" -d local push-source --new) >out 2>err &&
	git -C w/newnative rev-parse HEAD >pushed
'

test_expect_success 'clone creates the version tags the git server has, as Perl dgit' '
	mkdir o p &&
	(cd o && "$DGIT" -d local clone newnative sid) >out 2>err &&
	(cd p && perl_dgit clone newnative sid) >pout 2>perr &&
	tags_of o/newnative >tags.ours &&
	tags_of p/newnative >tags.perl &&
	test_grep "refs/tags/archive/local/3.1 " tags.ours &&
	test_cmp tags.perl tags.ours &&
	test "$(git -C o/newnative rev-parse HEAD)" = "$(cat pushed)"
'

test_expect_success 'a tag here with another value is left, with "Not updating", as Perl dgit' '
	for d in o p; do
		git -C $d/newnative tag -f archive/local/3.1 HEAD^{tree} \
		    >/dev/null 2>&1 || return 1
	done &&
	tags_of o/newnative >before.ours &&
	(cd o/newnative && "$DGIT" -d local fetch sid) >out 2>err &&
	(cd p/newnative && perl_dgit fetch sid) >pout 2>perr &&
	test_grep "Not updating refs/tags/archive/local/3.1 from " err &&
	test_grep "Not updating refs/tags/archive/local/3.1 from " perr &&
	grep "Not updating" err | sed "s/^dgit: //" >msg.ours &&
	grep "Not updating" perr >msg.perl &&
	test_cmp msg.perl msg.ours &&
	tags_of o/newnative >after.ours &&
	test_cmp before.ours after.ours
'

test_expect_success 'a deleted tag comes back on fetch; nothing else moves' '
	git -C o/newnative tag -d archive/local/3.1 >/dev/null &&
	git -C o/newnative rev-parse refs/remotes/dgit/dgit/sid >lr.before &&
	(cd o/newnative && "$DGIT" -d local fetch sid) >out 2>err &&
	test "$(git -C o/newnative rev-parse archive/local/3.1)" = \
	    "$(git -C w/newnative rev-parse archive/local/3.1)" &&
	git -C o/newnative rev-parse refs/remotes/dgit/dgit/sid >lr.after &&
	test_cmp lr.before lr.after &&
	test -z "$(git -C o/newnative for-each-ref refs/dgit-fetch)"
'

test_expect_success 'import-dsc in an empty repository fetches the Dgit: commit, as Perl dgit' '
	dsc=$(ls "$LA"/public/pool/main/n/newnative/newnative_3.1.dsc) &&
	grep "^Dgit: " "$dsc" &&
	git init -q io && git init -q ip &&
	(cd io && "$DGIT" -d local import-dsc "$dsc" +imported) >out 2>err &&
	(cd ip && perl_dgit import-dsc "$dsc" +imported) >pout 2>perr &&
	test "$(git -C io rev-parse imported)" = "$(cat pushed)" &&
	test "$(git -C ip rev-parse imported)" = "$(cat pushed)"
'

test_expect_success 'import-dsc --no-chase-dsc-distro there refuses, as Perl dgit' '
	dsc=$(ls "$LA"/public/pool/main/n/newnative/newnative_3.1.dsc) &&
	git init -q jo && git init -q jp &&
	(cd jo && test_must_fail "$DGIT" -d local --no-chase-dsc-distro \
	    import-dsc "$dsc" +imported) >out 2>err &&
	(cd jp && test_must_fail perl_dgit --no-chase-dsc-distro \
	    import-dsc "$dsc" +imported) >pout 2>perr &&
	test_grep "Your git tree does not have that object" err &&
	test_grep "Your git tree does not have that object" perr &&
	test_must_fail git -C jo rev-parse -q --verify imported
'

test_expect_success 'import-dsc onto the branch checked out: refused, as Perl dgit' '
	dsc=$(ls "$LA"/public/pool/main/n/newnative/newnative_3.1.dsc) &&
	git -C io checkout -q imported &&
	git -C ip checkout -q imported &&
	(cd io && test_must_fail "$DGIT" -d local import-dsc "$dsc" \
	    +imported) >out 2>err &&
	(cd ip && test_must_fail perl_dgit import-dsc "$dsc" +imported) \
	    >pout 2>perr &&
	test_grep "refs/heads/imported is checked out - will not update it" err &&
	test_grep "refs/heads/imported is checked out - will not update it" perr
'

test_expect_success 'checkout: HEAD'"'"'s reflog says "dgit checkout SUITE", as Perl dgit' '
	for d in co cp; do
		git init -q $d &&
		git -C $d fetch -q ../w/newnative HEAD &&
		git -C $d update-ref refs/remotes/dgit/dgit/sid "$(cat pushed)" ||
		return 1
	done &&
	(cd co && "$DGIT" -d local -p newnative checkout sid) >out 2>err &&
	(cd cp && perl_dgit -p newnative checkout sid) >pout 2>perr &&
	git -C co reflog --pretty=tformat:%gs >reflog.ours &&
	git -C cp reflog --pretty=tformat:%gs >reflog.perl &&
	echo "dgit checkout sid" >reflog.expect &&
	test_cmp reflog.expect reflog.perl &&
	test_cmp reflog.perl reflog.ours &&
	test "$(git -C co symbolic-ref HEAD)" = refs/heads/dgit/sid
'

test_done
