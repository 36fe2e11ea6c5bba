#!/bin/sh
test_description='quilt-fixup --quilt=linear on a git-debrebase branch runs git-debrebase make-patches

As dgit(1) and Perl dgit have it: on a branch git-debrebase manages
(its commits marked "[git-debrebase ...]"), the linear quilt fixup runs
"git-debrebase make-patches" first, so the patches are git-debrebase'"'"'s
("Commit patch queue (exported by git-debrebase)"); --git-debrebase=
PROGRAM names the program, and one that fails is "failed command:
PROGRAM"; one that is not installed is passed over.  A branch that is
not git-debrebase'"'"'s gets dgit'"'"'s own linearisation.  Each checked
against Perl dgit on the same branch.'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-localarchive.sh"

test_need_cmd git-debrebase
PERL_DGIT=/usr/bin/dgit
test -x "$PERL_DGIT" || test_skip "Perl dgit ($PERL_DGIT) is not installed"

test_expect_success 'setup: hello converted to git-debrebase, then an upstream change' '
	dsc_tree hello-1 q &&
	(cd q/hello &&
	 git debrebase -fdiverged convert-from-dgit-view >/dev/null 2>&1 &&
	 git log --format=%B | grep "^\[git-debrebase" &&
	 echo "/* more */" >>src/hello.c &&
	 git commit -q -a -m "an upstream change" &&
	 git branch start) &&
	cp -a q p
'

test_expect_success 'quilt-fixup: git-debrebase made the patches, as with Perl dgit' '
	(cd q/hello && "$DGIT" quilt-fixup) >o.out 2>&1 &&
	(cd p/hello && "$PERL_DGIT" quilt-fixup) >p.out 2>&1 &&
	git -C q/hello log -1 --format=%s >o.subject &&
	git -C p/hello log -1 --format=%s >p.subject &&
	test_cmp p.subject o.subject &&
	test_grep "Commit patch queue (exported by git-debrebase)" o.subject &&
	test "$(git -C q/hello rev-parse HEAD^{tree})" = \
	    "$(git -C p/hello rev-parse HEAD^{tree})"
'

test_expect_success '--git-debrebase=false: its failure stops the fixup, as Perl dgit' '
	git -C q/hello reset -q --hard start &&
	git -C p/hello reset -q --hard start &&
	(cd q/hello && test_must_fail "$DGIT" --git-debrebase=false \
		quilt-fixup) >o.out 2>&1 &&
	(cd p/hello && test_must_fail "$PERL_DGIT" --git-debrebase=false \
		quilt-fixup) >p.out 2>&1 &&
	test_grep "^dgit: failed command: false" o.out &&
	test_grep "^dgit: failed command: false" p.out &&
	test_grep "^dgit: error: subprocess failed with error exit status 1$" o.out &&
	test_grep "^dgit: error: subprocess failed with error exit status 1$" p.out &&
	test "$(git -C q/hello rev-parse HEAD)" = \
	    "$(git -C q/hello rev-parse start)"
'

test_expect_success 'a git-debrebase that is not installed: dgit'"'"'s own fixup, as Perl dgit' '
	(cd q/hello && "$DGIT" --git-debrebase=no-such-command-exists \
		quilt-fixup) >o.out 2>&1 &&
	(cd p/hello && "$PERL_DGIT" --git-debrebase=no-such-command-exists \
		quilt-fixup) >p.out 2>&1 &&
	! git -C q/hello log -1 --format=%s | grep "exported by git-debrebase" &&
	! git -C p/hello log -1 --format=%s | grep "exported by git-debrebase" &&
	test "$(git -C q/hello rev-parse HEAD~1)" = \
	    "$(git -C q/hello rev-parse start)" &&
	git -C q/hello cat-file -e HEAD:debian/patches/series
'

test_expect_success 'a branch that is not git-debrebase'"'"'s: git-debrebase is not run' '
	dsc_tree hello-1 n &&
	(cd n/hello && echo "/* more */" >>src/hello.c &&
	 git commit -q -a -m "an upstream change" &&
	 "$DGIT" --git-debrebase=false quilt-fixup) >n.out 2>&1 &&
	! git -C n/hello log -1 --format=%s | grep "exported by git-debrebase"
'

test_expect_success '-DD: the walk deciding on git-debrebase traced as Perl dgit traces it' '
	git -C q/hello reset -q --hard start &&
	git -C p/hello reset -q --hard start &&
	(cd q/hello && "$DGIT" -DD quilt-fixup) >o.out 2>&1 &&
	(cd p/hello && "$PERL_DGIT" -DD quilt-fixup) >p.out 2>&1 &&
	grep "^branch_is_gdr" o.out >o.trace &&
	grep "^branch_is_gdr" p.out >p.trace &&
	test_grep " YES\$" p.trace &&
	test_cmp p.trace o.trace &&
	dsc_tree hello-1 d &&
	(cd d/hello && git rm -q -r debian &&
	 git commit -q -m "upstream only" &&
	 git checkout -q HEAD~ -- debian &&
	 rm -r debian/patches && git add -A debian &&
	 git commit -q -m "debianisation" &&
	 echo "/* more */" >>src/hello.c &&
	 git commit -q -a -m "an upstream change") &&
	cp -a d e &&
	# (the linearisation then fails, with both: the patches are gone)
	(cd d/hello && test_must_fail "$DGIT" -DD quilt-fixup) >o.out 2>&1 &&
	(cd e/hello && test_must_fail "$PERL_DGIT" -DD quilt-fixup) \
		>p.out 2>&1 &&
	grep "^branch_is_gdr" o.out >o.trace &&
	grep "^branch_is_gdr" p.out >p.trace &&
	test_grep "unmarked BreakwaterStart NO\$" p.trace &&
	test_cmp p.trace o.trace
'

test_expect_success 'print-unapplied-treeish with "--build-products-dir DIR" before it (as git-debrebase runs it): the origs from DIR, as Perl dgit' '
	dsc_tree hello-1 u &&
	mkdir u/bpd && mv u/*.orig* u/bpd/ &&
	(cd u/hello && "$DGIT" --build-products-dir ../bpd \
		print-unapplied-treeish) >o.tree &&
	(cd u/hello && "$PERL_DGIT" --build-products-dir ../bpd \
		print-unapplied-treeish) >p.tree &&
	test_cmp p.tree o.tree &&
	git -C u/hello cat-file -t "$(cat o.tree)" >type &&
	echo tree >type.expect && test_cmp type.expect type
'

test_done
