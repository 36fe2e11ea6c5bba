#!/bin/sh
test_description='build-source: dpkg-source -b, dpkg-genchanges -S, the same-tree check, clean modes'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test_need_cmd dpkg-source
test_need_cmd dpkg-genchanges

new_repo() {
	hello_repo "$1"
}

# changes_files CHANGES: the file names its Files: field lists, sorted.
changes_files() {
	sed -n '/^Files:/,/^[^ ]/s/^ [0-9a-f]\{32\} [0-9]* [^ ]* [^ ]* //p' "$1" |
	    LC_ALL=C sort
}

test_expect_success 'build-source: the .dsc unpacks to HEAD, the .changes lists its files' '
	new_repo b &&
	(cd b/hello && echo more >>README && git commit -q -a -m "More README" &&
	 "$DGIT" build-source --no-check-archive >../out 2>../err) &&
	test_grep "^dgit ok: source package ../hello_1.0-1.dsc" b/out &&
	test "$(git -C b/hello log -1 --format=%s)" = \
	    "Commit Debian 3.0 (quilt) metadata" &&
	test "$(dsc_reference_tree b/hello_1.0-1.dsc)" = \
	    "$(git -C b/hello rev-parse HEAD^{tree})" &&
	printf "%s\n" hello_1.0-1.debian.tar.xz hello_1.0-1.dsc \
	    hello_1.0.orig.tar.gz hello_1.0.orig.tar.gz.asc >want &&
	changes_files b/hello_1.0-1_source.changes >got &&
	test_cmp want got &&
	grep -q "^Architecture: source$" b/hello_1.0-1_source.changes &&
	test -z "$(ls -A b | grep dgit-build)"
'

test_expect_success 'files dpkg-source ignores by default (.gitignore, *.o) are packaged, as dgit packages them' '
	new_repo ign &&
	(cd ign/hello && printf "*.tmp\\n" >debian/.gitignore &&
	 printf "build/\\n" >.gitignore && echo obj >debian/prebuilt.o &&
	 git add -f debian/.gitignore .gitignore debian/prebuilt.o &&
	 git commit -q -m "ignore files" &&
	 "$DGIT" build-source --no-check-archive >../out 2>../err) &&
	rm -rf ign/x && dpkg-source --no-check -x ign/hello_1.0-1.dsc ign/x \
	    >/dev/null 2>&1 &&
	test -f ign/x/debian/.gitignore && test -f ign/x/.gitignore &&
	test -f ign/x/debian/prebuilt.o &&
	test "$(dsc_reference_tree ign/hello_1.0-1.dsc)" = \
	    "$(git -C ign/hello rev-parse HEAD^{tree})"
'

test_expect_success 'an UNRELEASED changelog entry is built without asking the archive, as a new package' '
	new_repo unrel &&
	(cd unrel/hello &&
	 sed -i "1s/) [a-z-]*;/) UNRELEASED;/" debian/changelog &&
	 head -1 debian/changelog | grep -q "UNRELEASED;" &&
	 git commit -q -a -m "not for upload" &&
	 "$DGIT" -c dgit-distro.debian.mirror=file:///nonexistent \
	     build-source >../out 2>../err) &&
	test_grep "package seems new, not specifying -v" unrel/err &&
	test "$(dsc_reference_tree unrel/hello_1.0-1.dsc)" = \
	    "$(git -C unrel/hello rev-parse HEAD^{tree})"
'

test_expect_success 'a stale index (a copied tree) is refreshed, as git status refreshes it' '
	new_repo s0 &&
	sleep 1 && cp -a s0 s &&
	test_must_fail git -C s/hello diff-files --quiet &&
	(cd s/hello && "$DGIT" build-source --no-check-archive >../out 2>../err) &&
	git -C s/hello diff-files --quiet
'

test_expect_success 'build-source --build-products-dir takes the origs there' '
	new_repo bpd &&
	mkdir bpd/out && mv bpd/hello_1.0.orig.tar.gz* bpd/out/ &&
	(cd bpd/hello && "$DGIT" build-source --no-check-archive --build-products-dir=../out) &&
	test -f bpd/out/hello_1.0-1.dsc &&
	test -f bpd/out/hello_1.0-1_source.changes &&
	test_path_is_missing bpd/hello_1.0-1.dsc &&
	test "$(dsc_reference_tree bpd/out/hello_1.0-1.dsc)" = \
	    "$(git -C bpd/hello rev-parse HEAD^{tree})"
'

test_expect_success 'a native package builds without origs' '
	dsc=$(fixture_built newnative) &&
	mkdir nat && dpkg-source --no-check -x "$dsc" nat/src >/dev/null 2>&1 &&
	(cd nat/src && git init -q && git config user.name T &&
	 git config user.email t@example.org && git add -A &&
	 git commit -q -m import && "$DGIT" build-source --no-check-archive) &&
	test "$(dsc_reference_tree nat/newnative_3.1.dsc)" = \
	    "$(git -C nat/src rev-parse HEAD^{tree})"
'

test_expect_success 'a tracked change is refused naming the path; --include-dirty builds it' '
	new_repo d &&
	(cd d/hello && echo dirty >>Makefile &&
	 test_must_fail "$DGIT" build-source --no-check-archive 2>../err) &&
	test_grep "modified: Makefile" d/err &&
	test_path_is_missing d/hello_1.0-1.dsc &&
	(cd d/hello && test_must_fail "$DGIT" build-source --no-check-archive --include-dirty 2>../err2) &&
	test_grep "unexpected upstream changes\|Makefile" d/err2 &&
	test_path_is_missing d/hello_1.0-1.dsc &&
	(cd d/hello && git checkout -q Makefile &&
	 echo "# dirty" >>debian/rules &&
	 "$DGIT" build-source --no-check-archive --include-dirty) &&
	grep -q "# dirty" d/hello/debian/rules &&
	mkdir d/x && dpkg-source --no-check -x d/hello_1.0-1.dsc d/x/s >/dev/null 2>&1 &&
	tail -n 1 d/x/s/debian/rules | grep -q "# dirty"
'

test_expect_success 'untracked files: refused by -wc and -wd, allowed by -wn and -wdn' '
	new_repo u &&
	(cd u/hello && echo x >stray.txt &&
	 test_must_fail "$DGIT" build-source --no-check-archive -wc 2>../err1 &&
	 test_must_fail "$DGIT" build-source --no-check-archive 2>../err2 &&
	 "$DGIT" build-source --no-check-archive -wn && rm ../hello_1.0-1.dsc &&
	 "$DGIT" build-source --no-check-archive -wdn) &&
	test_grep "untracked: stray.txt" u/err1 &&
	test_grep "untracked: stray.txt" u/err2 &&
	test "$(dsc_reference_tree u/hello_1.0-1.dsc)" = \
	    "$(git -C u/hello rev-parse HEAD^{tree})"
'

test_expect_success 'ignored files: -wci tolerates them, -wda refuses them, -wga removes them' '
	new_repo ig &&
	(cd ig/hello && echo "*.o" >.git/info/exclude && echo x >a.o &&
	 "$DGIT" build-source --no-check-archive -wci &&
	 test_must_fail "$DGIT" build-source --no-check-archive -wda 2>../err &&
	 "$DGIT" build-source --no-check-archive -wga) &&
	test_grep "untracked: a.o" ig/err &&
	test_path_is_missing ig/hello/a.o
'

# as dgit, build-source keeps a package that is not the git tree (its
# push refuses it: t7008) and warns, naming each path in dgit's words
test_expect_success 'the check: a mode-only difference is named, the package kept with a warning' '
	new_repo m &&
	(cd m/hello && chmod -x debian/rules && git commit -q -a -m "rules not executable" &&
	 "$DGIT" build-source --no-check-archive >../out 2>../err) &&
	test_grep "dgit: warning: the source package ../hello_1.0-1.dsc is not the git tree, so dgit push will refuse it" m/err &&
	test_grep "dgit: warning:  Mode change from 755 to 644: debian/rules" m/err &&
	test_grep "(not the git tree)" m/out &&
	! test_grep "checked against git" m/out &&
	test -f m/hello_1.0-1_source.changes &&
	test -f m/hello_1.0-1.debian.tar.xz &&
	test "$(dsc_reference_tree m/hello_1.0-1.dsc)" != \
	    "$(git -C m/hello rev-parse HEAD^{tree})" &&
	test -z "$(ls -A m | grep dgit-build)"
'

test_expect_success 'the check: a path only in git is named' '
	new_repo o &&
	(cd o/hello && mkdir .pc && echo x >.pc/stale && git add -f .pc/stale &&
	 git commit -q -m "stale .pc" &&
	 "$DGIT" build-source --no-check-archive --quilt=nocheck 2>../err) &&
	test_grep "Mode change from 000000 to 644 (only in git): .pc/stale" o/err &&
	test -f o/hello_1.0-1.dsc
'

# the fixture's empty directory is untracked in git (git clean -dn
# names it, so dgit would refuse it): -wdn
test_expect_success 'the check: a content difference is named' '
	dsc=$(fixture_built oddities) && mkdir odd &&
	cp "$(dirname "$dsc")"/oddities_1.0.orig.tar.* odd/ &&
	dpkg-source --no-check -x "$dsc" odd/s >/dev/null 2>&1 && rm -rf odd/s/.pc &&
	(cd odd/s && git init -q && git config user.name T &&
	 git config user.email t@example.org &&
	 printf "%s\n" "* -text -eol -crlf -ident -filter -working-tree-encoding -export-subst" \
	     >.git/info/attributes &&
	 git add -A && git commit -q -m import &&
	 "$DGIT" build-source --no-check-archive -wdn &&
	 rm ../oddities_1.0-1.dsc) &&
	# a dpkg-source that packages something else than it was given
	mkdir odd/bin &&
	printf "%s\n" "#!/bin/sh" "for a; do d=\$a; done" \
	    "echo \"# changed\" >>\"\$d/debian/changelog\"" \
	    "exec /usr/bin/dpkg-source \"\$@\"" >odd/bin/dpkg-source &&
	chmod +x odd/bin/dpkg-source &&
	(cd odd/s && PATH="$TRASH_DIRECTORY/odd/bin:$PATH" &&
	 "$DGIT" build-source --no-check-archive -wdn 2>../err) &&
	test_grep "dgit: warning:  Content change: debian/changelog" odd/err &&
	test -f odd/oddities_1.0-1.dsc
'

test_done
