#!/bin/sh
test_description='gbp-build with no .orig: gbp makes it first, as Perl dgit has it do'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-localarchive.sh"

test_need_cmd dpkg-source
test_need_cmd dpkg-genchanges
test_need_cmd apt-get
test_need_cmd gbp
. "$TEST_DIR/lib-build.sh"
build_fakebin dpkg-buildpackage

test_expect_success 'set up: hello 1.0-1 in a local archive, a 1.0-2 with no .orig beside it' '
	la_init >/dev/null &&
	dsc_tree hello-1 up &&
	(cd up/hello && "$DGIT" -d local push-source --new) >out 2>err &&
	dsc=$(fixture_built hello-1) &&
	ORIG="$(dirname "$dsc")"/hello_1.0.orig.tar.gz &&
	test -f "$ORIG" &&
	dsc_tree_unapplied hello-1 w &&
	(cd w/hello &&
	 dch -v 1.0-2 -D unstable --force-distribution "A rebuild." &&
	 git commit -q -a -m 1.0-2) &&
	rm -f w/hello_1.0.orig.* &&
	cp -a w pw &&
	# a gbp that logs its argv; with --git-prebuild=CMD it makes the
	# .orig (as gbp does before building) and stops where CMD fails
	cat >fakebin/git-buildpackage <<-EOF_GBP &&
	#!/bin/sh
	f="\$FAKE_LOG.git-buildpackage"
	pre=
	for a in "\$@"; do
		printf "%s\\n" "\$a"
		case "\$a" in --git-prebuild=*) pre=\${a#--git-prebuild=} ;; esac
	done >>"\$f"
	echo -- >>"\$f"
	if [ -n "\$pre" ]; then
		cp "$ORIG" .. && sh -c "\$pre" || exit 1
	fi
	exit 0
	EOF_GBP
	chmod +x fakebin/git-buildpackage
'

test_expect_success 'gbp-build -b with no .orig: gbp runs first to make it, with the same options as from Perl dgit' '
	test -x "$PERL_DGIT" || { say "no Perl dgit"; return 0; }
	rm -f args.* w/hello_1.0.orig.* pw/hello_1.0.orig.* &&
	(cd w/hello && PATH="$TRASH_DIRECTORY/fakebin:$PATH" &&
	 "$DGIT" -d local -wn gbp-build -b --git-x) >ours.out 2>ours.err &&
	sed "s#/w/hello/#/HERE/#g" args.git-buildpackage >ours.gbp &&
	rm -f args.* &&
	(cd pw/hello && PATH="$TRASH_DIRECTORY/fakebin:$PATH" &&
	 perl_dgit -wn gbp-build -b --git-x) >perl.out 2>perl.err &&
	sed "s#/pw/hello/#/HERE/#g" args.git-buildpackage >perl.gbp &&
	test_cmp perl.gbp ours.gbp &&
	test "$(grep -c -x -- -- ours.gbp)" = 2 &&
	test_grep "^--git-prebuild=touch .*origs-gen-ok" ours.gbp &&
	test -f w/hello_1.0.orig.tar.gz
'

test_expect_success 'with the .orig there, gbp runs once' '
	rm -f args.* &&
	(cd w/hello && PATH="$TRASH_DIRECTORY/fakebin:$PATH" &&
	 "$DGIT" -d local -wn gbp-build -b) >out 2>err &&
	test "$(grep -c -x -- -- args.git-buildpackage)" = 1 &&
	! test_grep "^--git-prebuild=" args.git-buildpackage
'

test_expect_success 'a gbp that does not get as far as the prebuild hook: refused' '
	rm -f w/hello_1.0.orig.tar.gz &&
	printf "#!/bin/sh\nexit 0\n" >fakebin/git-buildpackage &&
	(cd w/hello && PATH="$TRASH_DIRECTORY/fakebin:$PATH" &&
	 test_must_fail "$DGIT" -d local -wn gbp-build -b) >out 2>err &&
	test_grep "gbp did not make the .origs" err
'

test_done
