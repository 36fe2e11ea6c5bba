#!/bin/sh
test_description='clean modes as Perl dgit has them: the same git clean calls, the same verdicts, dgit'"'"'s words; -w* with any command; --TOOL!:OPTION'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-localarchive.sh"

test_need_cmd dpkg-source
test_need_cmd dpkg-genchanges
test_need_cmd apt-get
. "$TEST_DIR/lib-build.sh"
build_fakebin pbuilder

# a git that logs its clean calls (as Debian dgit's own build-modes
# tests do), to $GITLOG; Perl dgit puts its -c options before git's
# subcommand, which the comparison leaves out
cat >stunt-git <<\EOF_GIT
#!/bin/sh
(while [ "$1" = -c ]; do shift 2; done
 [ "$1" = clean ] && echo "git $*" >>"$GITLOG")
exec git "$@"
EOF_GIT
chmod +x stunt-git
STUNT="$TRASH_DIRECTORY/stunt-git"

test_expect_success 'set up: hello 1.0-1 in a local archive, a 1.0-2 that ignores *.o' '
	la_init >/dev/null &&
	dsc_tree hello-1 up &&
	(cd up/hello && "$DGIT" -d local push-source --new) >out 2>err &&
	dsc_tree hello-1 w &&
	(cd w/hello &&
	 echo "*.o" >.gitignore && git add .gitignore &&
	 git commit -q -m "Ignore objects" &&
	 dch -v 1.0-2 -D unstable --force-distribution "Ignore objects." &&
	 git commit -q -a -m 1.0-2) &&
	cp -a w pw
'

# build_source_both MODE FILE...: build-source --clean=MODE by us (w)
# and by Perl dgit (pw), each with FILE... left untracked; the git clean
# calls, the verdict and which files are left compared
build_source_both() {
	mode=$1 && shift &&
	for side in w pw; do
		rm -f $side/hello_1.0-2* &&
		(cd $side/hello && git clean -q -xdf && touch "$@") || return 1
	done &&
	rm -f ours.gitlog perl.gitlog &&
	if (cd w/hello && GITLOG="$TRASH_DIRECTORY/ours.gitlog" \
	    "$DGIT" -d local --git="$STUNT" --clean=$mode build-source) \
	    >ours.out 2>ours.err
	then echo ok; else echo failed; fi >ours.verdict &&
	if (cd pw/hello && GITLOG="$TRASH_DIRECTORY/perl.gitlog" \
	    perl_dgit --git="$STUNT" --clean=$mode build-source) \
	    >perl.out 2>perl.err
	then echo ok; else echo failed; fi >perl.verdict &&
	touch ours.gitlog perl.gitlog &&
	test_cmp perl.verdict ours.verdict &&
	test_cmp perl.gitlog ours.gitlog &&
	(cd w/hello && git status --porcelain --ignored) >ours.left &&
	(cd pw/hello && git status --porcelain --ignored) >perl.left &&
	test_cmp perl.left ours.left
}

test_expect_success 'an ignored file: each clean mode checks (or cleans) as Perl dgit does' '
	test -x "$PERL_DGIT" || { say "no Perl dgit"; return 0; }
	for mode in git git-ff check check,ignores dpkg-source \
	    dpkg-source,no-check dpkg-source,all-check none git,always; do
		build_source_both $mode a.o ||
		{ echo "differs: --clean=$mode"; return 1; }
	done
'

test_expect_success 'an untracked file: refused by the checking modes, as Perl dgit does' '
	test -x "$PERL_DGIT" || { say "no Perl dgit"; return 0; }
	for mode in git check,ignores dpkg-source dpkg-source,no-check; do
		build_source_both $mode junk ||
		{ echo "differs: --clean=$mode"; return 1; }
	done
'

test_expect_success 'the refusals in dgit'"'"'s words, naming the file' '
	(cd w/hello && git clean -q -xdf && touch junk a.o &&
	 test_must_fail "$DGIT" -d local -wd build-source 2>../err1 &&
	 test_must_fail "$DGIT" -d local -wc build-source 2>../err2 &&
	 test_must_fail "$DGIT" -d local -wg build-source 2>../err3) &&
	test_grep "tree contains uncommitted files (NB dgit didn.t run rules clean)" w/err1 &&
	test_grep "untracked: junk" w/err1 &&
	test_grep "tree contains uncommitted files and --clean=check specified" w/err2 &&
	test_grep "untracked: a.o" w/err2 &&
	test_grep "tree contains uncommited, untracked, unignored files" w/err3 &&
	test_grep "git\[-ff\],always" w/err3
'

test_expect_success '-wgf and --quilt= before fetch: taken and ignored, as by Perl dgit' '
	test -x "$PERL_DGIT" || { say "no Perl dgit"; return 0; }
	(cd w/hello && git clean -q -xdf &&
	 "$DGIT" -d local -wgf --quilt=smash fetch) >out 2>err &&
	(cd pw/hello && perl_dgit -wgf --quilt=smash fetch) >out 2>err &&
	(cd w/hello && test_must_fail "$DGIT" -d local -wzz fetch) 2>err &&
	test_grep "unknown option" err &&
	(cd w/hello && test_expect_code 8 "$DGIT" -d local fetch -wzz) 2>err &&
	test_grep "unknown option" err &&
	(cd w/hello && test_expect_code 8 "$DGIT" -d local --clean=zz fetch) \
	    2>err &&
	test_grep "unknown clean mode" err &&
	(cd pw/hello && test_must_fail perl_dgit --clean=zz fetch) 2>err &&
	test_grep "bad value .zz. for --clean" err
'

test_expect_success '--pbuilder!:--no-source-only-changes: pbuilder is not given it, as by Perl dgit' '
	test -x "$PERL_DGIT" || { say "no Perl dgit"; return 0; }
	for side in w pw; do
		(cd $side/hello && git clean -q -xdf) && rm -f $side/hello_1.0-2*
	done &&
	MUST= && run_both pbuilder --pbuilder=pbuilder \
	    --pbuilder!:--no-source-only-changes pbuilder &&
	test_grep "^build$" ours.args.pbuilder &&
	! test_grep "^--no-source-only-changes$" ours.args.pbuilder
'

test_done
