#!/bin/sh
test_description='dgit build, sbuild, pbuilder, clean: the builder gets what Perl dgit gives it'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-localarchive.sh"

test_need_cmd dpkg-source
test_need_cmd dpkg-genchanges
test_need_cmd apt-get
. "$TEST_DIR/lib-build.sh"
build_fakebin dpkg-buildpackage sbuild pbuilder

test_expect_success 'set up: hello 1.0-1 in a local archive, a 1.0-2 with an upstream change' '
	la_init >/dev/null &&
	dsc_tree hello-1 up &&
	(cd up/hello && "$DGIT" -d local push-source --new) >out 2>err &&
	test "$(sources_version hello)" = 1.0-1 &&
	dsc_tree hello-1 w &&
	(cd w/hello &&
	 echo "Hello, build." >>README &&
	 git commit -q -a -m "Greet the build" &&
	 dch -v 1.0-2 -D unstable --force-distribution "Greet the build." &&
	 git commit -q -a -m 1.0-2) &&
	cp -a w pw
'

test_expect_success 'dgit build -b: dpkg-buildpackage gets the same options as from Perl dgit (-v from the archive)' '
	test -x "$PERL_DGIT" || { say "no Perl dgit"; return 0; }
	run_both dpkg-buildpackage build -b &&
	test_grep "^-v1.0-1$" ours.args.dpkg-buildpackage &&
	test_grep "^-nc$" ours.args.dpkg-buildpackage &&
	test_grep "^-T$" ours.args.dpkg-buildpackage
'

test_expect_success 'dgit build -B with --dpkg-buildpackage:OPTION and -wg: the same as Perl dgit' '
	test -x "$PERL_DGIT" || { say "no Perl dgit"; return 0; }
	run_both dpkg-buildpackage --dpkg-buildpackage:-j1 -wg build -B -d &&
	test_grep "^-j1$" ours.args.dpkg-buildpackage &&
	test_grep "^-d$" ours.args.dpkg-buildpackage &&
	! test_grep "^-T$" ours.args.dpkg-buildpackage
'

test_expect_success 'dgit build -A --since-version=_: no -v, as Perl dgit' '
	test -x "$PERL_DGIT" || { say "no Perl dgit"; return 0; }
	run_both dpkg-buildpackage --since-version=_ build -A &&
	! grep -q "^-v" ours.args.dpkg-buildpackage
'

test_expect_success 'dgit sbuild: the same sbuild command line as Perl dgit' '
	test -x "$PERL_DGIT" || { say "no Perl dgit"; return 0; }
	rm -f w/hello_1.0-2* pw/hello_1.0-2* &&
	MUST=test_must_fail run_both sbuild --sbuild:--arch-all sbuild -A --foo &&
	test_grep "only one changes file" ours.err &&
	test -f w/hello_1.0-2.dsc &&
	test "$(dsc_reference_tree w/hello_1.0-2.dsc)" = \
	    "$(git -C w/hello rev-parse HEAD^{tree})"
'

test_expect_success 'dgit pbuilder with --pbuilder=COMMAND: the same as Perl dgit' '
	test -x "$PERL_DGIT" || { say "no Perl dgit"; return 0; }
	rm -f w/hello_1.0-2* pw/hello_1.0-2* &&
	MUST= && run_both pbuilder --pbuilder="pbuilder --x" pbuilder -j2 -G &&
	test_grep "^--debbuildopts$" ours.args.pbuilder
'

test_expect_success 'dgit pbuilder -S and -b are refused, in Perl dgit'"'"'s words' '
	(cd w/hello && PATH="$TRASH_DIRECTORY/fakebin:$PATH" &&
	 test_must_fail "$DGIT" -d local pbuilder -S 2>../err1 &&
	 test_must_fail "$DGIT" -d local pbuilder -b 2>../err2) &&
	test_grep "dgit: error: you asked for a builder but your debbuildopts didn.t ask for any binaries -- is this really what you meant?" w/err1 &&
	test_grep "dgit: error: we must build a .dsc to pass to the builder but your debbuiltopts forbids the building of a source package; cannot continue" w/err2
'

test_expect_success 'dgit clean -wd runs the rules clean target; -wg runs git clean' '
	rm -f args.* &&
	(cd w/hello && touch junk &&
	 PATH="$TRASH_DIRECTORY/fakebin:$PATH" "$DGIT" clean -wdn) &&
	printf "%s\n" dpkg-buildpackage "-i(?:^|/)\\.git(?:/|\$)" -I.git -T clean -- \
	    >want.clean &&
	test_path_is_missing args.dpkg-buildpackage.x &&
	tail -n 4 args.dpkg-buildpackage >got.clean &&
	tail -n 4 want.clean >want4 && test_cmp want4 got.clean &&
	test -f w/hello/junk &&
	(cd w/hello && test_must_fail env PATH="$TRASH_DIRECTORY/fakebin:$PATH" \
	    "$DGIT" clean -wd 2>../err) &&
	test_grep "junk" w/err &&
	(cd w/hello && "$DGIT" clean -wg) &&
	test_path_is_missing w/hello/junk
'

# a dpkg-genchanges that records its arguments (but -O, where the output
# goes, which Perl dgit does by redirection), then does the work
cat >fakebin/dpkg-genchanges <<\FAKE
#!/bin/sh
for a in "$@"; do case "$a" in -O*) ;; *) printf '%s\n' "$a";; esac
done >>"$FAKE_LOG.dpkg-genchanges"
echo -- >>"$FAKE_LOG.dpkg-genchanges"
exec /usr/bin/dpkg-genchanges "$@"
FAKE
chmod +x fakebin/dpkg-genchanges

test_expect_success 'build-source: -v from the archive and --ch:OPTION reach dpkg-genchanges as from Perl dgit' '
	test -x "$PERL_DGIT" || { say "no Perl dgit"; return 0; }
	rm -f w/hello_1.0-2* pw/hello_1.0-2* &&
	run_both dpkg-genchanges --ch:-sa --ch:-DX-Test=1 build-source &&
	printf "%s\n" -S -sa -DX-Test=1 -v1.0-1 -- >want.gc &&
	test_cmp want.gc ours.args.dpkg-genchanges &&
	grep -q "^X-Test: 1$" w/hello_1.0-2_source.changes &&
	grep -q "^ hello (1.0-2)" w/hello_1.0-2_source.changes
'

test_expect_success 'build-source of the version the suite has builds it, -v that version, as Perl dgit does' '
	test -x "$PERL_DGIT" || { say "no Perl dgit"; return 0; }
	rm -rf pup args.* &&
	rm -f up/hello_1.0-1_source.changes &&
	cp -a up pup &&
	(cd up/hello && PATH="$TRASH_DIRECTORY/fakebin:$PATH" \
	    "$DGIT" -d local build-source) >ours.out 2>ours.err &&
	mv args.dpkg-genchanges ours.args.dpkg-genchanges &&
	(cd pup/hello && PATH="$TRASH_DIRECTORY/fakebin:$PATH" \
	    perl_dgit build-source) >perl.out 2>perl.err &&
	mv args.dpkg-genchanges perl.args.dpkg-genchanges &&
	test_cmp perl.args.dpkg-genchanges ours.args.dpkg-genchanges &&
	test_grep -e -v1.0-1 ours.args.dpkg-genchanges &&
	test -f up/hello_1.0-1_source.changes &&
	test -f pup/hello_1.0-1_source.changes &&
	rm up/hello_1.0-1_source.changes &&
	(cd up/hello && "$DGIT" -d local build-source --no-check-archive) &&
	test -f up/hello_1.0-1_source.changes
'

test_expect_success 'push-source of the version the suite has is refused (the refusal is push'"'"'s)' '
	(cd up/hello && test_must_fail "$DGIT" -d local push-source 2>../err) &&
	test_grep "not newer than 1.0-1" up/err
'

test_expect_success 'opts-PROG config: dgit.default, then the distro'"'"'s, then --PROG:, as dgit(1) says' '
	rm -f w/hello_1.0-2* pw/hello_1.0-2* args.* &&
	git -C w/hello config --add dgit-distro.local.opts-dpkg-buildpackage --dist1 &&
	git -C w/hello config --add dgit-distro.local.opts-dpkg-buildpackage --dist2 &&
	git -C w/hello config dgit.default.opts-dpkg-buildpackage --def &&
	(cd w/hello && PATH="$TRASH_DIRECTORY/fakebin:$PATH" \
	    "$DGIT" -d local --dpkg-buildpackage:--cli build -b) >out 2>err &&
	grep -x -e --def -e --dist1 -e --dist2 -e --cli \
	    args.dpkg-buildpackage >order &&
	printf "%s\n" --def --dist1 --dist2 --cli --def --dist1 --dist2 --cli \
	    >want.order &&
	test_cmp want.order order
'

test_expect_success 'cmd-PROG config: the program to run, over --PROG=, as Perl dgit' '
	test -x "$PERL_DGIT" || { say "no Perl dgit"; return 0; }
	rm -f w/hello_1.0-2* pw/hello_1.0-2* ours.args.* perl.args.* &&
	build_fakebin other-dbp &&
	git -C w/hello config --unset-all dgit-distro.local.opts-dpkg-buildpackage &&
	git -C w/hello config --unset dgit.default.opts-dpkg-buildpackage &&
	for d in w pw; do
		git -C $d/hello config dgit-distro.local.cmd-dpkg-buildpackage \
		    other-dbp || return 1
	done &&
	run_both other-dbp --dpkg-buildpackage=no-such-dbp build -b &&
	test_path_is_missing ours.args.dpkg-buildpackage &&
	test_grep "^-nc$" ours.args.other-dbp
'

test_expect_success '--rm-old-changes removes PKG_V_*.changes first; dgit-distro.D.rm-old-changes too' '
	rm -f w/hello_1.0-2* &&
	echo stale >w/hello_1.0-2_amd64.changes && echo keep >w/hello_1.0-1_amd64.changes &&
	(cd w/hello && PATH="$TRASH_DIRECTORY/fakebin:$PATH" \
	    "$DGIT" -d local build-source --rm-old-changes) &&
	test_path_is_missing w/hello_1.0-2_amd64.changes &&
	test -f w/hello_1.0-1_amd64.changes &&
	test -f w/hello_1.0-2_source.changes &&
	echo stale >w/hello_1.0-2_amd64.changes &&
	(cd w/hello && PATH="$TRASH_DIRECTORY/fakebin:$PATH" \
	    "$DGIT" -d local -cdgit-distro.local.rm-old-changes=true build -b) &&
	test_path_is_missing w/hello_1.0-2_amd64.changes &&
	echo stale >w/hello_1.0-2_amd64.changes &&
	(cd w/hello && PATH="$TRASH_DIRECTORY/fakebin:$PATH" \
	    "$DGIT" -d local build-source) &&
	test -f w/hello_1.0-2_amd64.changes && rm w/hello_1.0-1_amd64.changes
'

test_expect_success 'a real dgit build -S --no-check-archive: the source package is HEAD' '
	dsc_tree hello-1 r &&
	(cd r/hello && echo "Hello, S." >>README && git commit -q -a -m "S" &&
	 "$DGIT" build -S --no-check-archive) >out 2>err &&
	test "$(dsc_reference_tree r/hello_1.0-1.dsc)" = \
	    "$(git -C r/hello rev-parse HEAD^{tree})" &&
	grep -q "^Architecture: source$" r/hello_1.0-1_source.changes
'

test_expect_success 'a real dgit build (source and binaries): merged changes' '
	test_need_cmd dh || return 0
	dsc_tree hello-1 rb &&
	(cd rb/hello && echo "Hello, b." >>README && git commit -q -a -m "b" &&
	 "$DGIT" build -wg --no-check-archive) >out 2>err &&
	test_grep "results in ../hello_1.0-1_multi.changes" out &&
	test -f rb/hello_1.0-1_all.deb &&
	test -f rb/hello_1.0-1_source.changes.inmulti &&
	grep -q "^Architecture: all source$\|^Architecture: source all$" \
	    rb/hello_1.0-1_multi.changes &&
	test "$(dsc_reference_tree rb/hello_1.0-1.dsc)" = \
	    "$(git -C rb/hello rev-parse HEAD^{tree})"
'

test_done
