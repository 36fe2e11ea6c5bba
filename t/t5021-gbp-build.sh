#!/bin/sh
test_description='gbp-build, sbuild in a splitting quilt mode: the builder gets what Perl dgit gives it'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-localarchive.sh"

test_need_cmd dpkg-source
test_need_cmd dpkg-genchanges
test_need_cmd apt-get
test_need_cmd gbp
. "$TEST_DIR/lib-build.sh"
build_fakebin git-buildpackage sbuild dpkg-buildpackage

test_expect_success 'set up: hello 1.0-1 in a local archive, a patches-unapplied 1.0-2' '
	la_init >/dev/null &&
	dsc_tree hello-1 up &&
	(cd up/hello && "$DGIT" -d local push-source --new) >out 2>err &&
	test "$(sources_version hello)" = 1.0-1 &&
	dsc_tree_unapplied hello-1 w &&
	(cd w/hello &&
	 dch -v 1.0-2 -D unstable --force-distribution "A rebuild." &&
	 git commit -q -a -m 1.0-2) &&
	cp -a w pw
'

test_expect_success 'dgit gbp-build -b: the same gbp command line as Perl dgit' '
	test -x "$PERL_DGIT" || { say "no Perl dgit"; return 0; }
	run_both git-buildpackage --dpkg-buildpackage:--foo=a\''b -wn gbp-build -b --git-x &&
	test_grep "^--git-builder=dpkg-buildpackage " ours.args.git-buildpackage &&
	test_grep "^--git-cleaner=true$" ours.args.git-buildpackage &&
	test_grep "^-v1.0-1$" ours.args.git-buildpackage &&
	test_grep "^--git-x$" ours.args.git-buildpackage
'

test_expect_success 'dgit gbp-build: the source package is the dgit view, the branch unchanged' '
	test -x "$PERL_DGIT" || { say "no Perl dgit"; return 0; }
	git -C w/hello rev-parse HEAD >before &&
	MUST= && run_both git-buildpackage -wn gbp-build &&
	test_grep "^dgit ok: build successful" ours.out &&
	! test_grep "^--git-cleaner=true$" ours.args.git-buildpackage &&
	git -C w/hello rev-parse HEAD >after &&
	test_cmp before after &&
	test -f w/hello_1.0-2.dsc &&
	ref=$(dsc_reference_tree w/hello_1.0-2.dsc) &&
	(cd w/hello && "$DGIT" quilt-fixup --quilt=gbp --dgit-view-save=v) &&
	test "$ref" = "$(git -C w/hello rev-parse v^{tree})" &&
	test "$ref" != "$(git -C w/hello rev-parse HEAD^{tree})"
'

test_expect_success 'dgit sbuild --quilt=gbp: the same sbuild command line as Perl dgit, the dgit view built' '
	test -x "$PERL_DGIT" || { say "no Perl dgit"; return 0; }
	rm -f w/hello_1.0-2* pw/hello_1.0-2* &&
	MUST=test_must_fail run_both sbuild --quilt=gbp sbuild -A &&
	test -f w/hello_1.0-2.dsc &&
	test "$(dsc_reference_tree w/hello_1.0-2.dsc)" = \
	    "$(git -C w/hello rev-parse v^{tree})" &&
	test_cmp before after
'

test_expect_success 'a build of the version the suite has is built, with -v that version, as Perl dgit does' '
	test -x "$PERL_DGIT" || { say "no Perl dgit"; return 0; }
	rm -rf pup args.* &&
	cp -a up pup &&
	(cd up/hello && PATH="$TRASH_DIRECTORY/fakebin:$PATH" \
	    "$DGIT" -d local build -b) >out 2>err &&
	mv args.dpkg-buildpackage ours.args.dpkg-buildpackage &&
	(cd pup/hello && PATH="$TRASH_DIRECTORY/fakebin:$PATH" \
	    perl_dgit build -b) >perl.out 2>perl.err &&
	mv args.dpkg-buildpackage perl.args.dpkg-buildpackage &&
	test_cmp perl.args.dpkg-buildpackage ours.args.dpkg-buildpackage &&
	test_grep "^-v1.0-1$" ours.args.dpkg-buildpackage
'

test_done
