#!/bin/sh
test_description='a source package that is not the git tree: build-source keeps it and warns, push-built refuses it per path'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-localarchive.sh"

test_need_cmd dpkg-source

# expected_lines DSC REPO: the lines dgit names the differences with,
# from what dpkg-source -x makes of DSC and git diff --raw of that tree
# against REPO's HEAD: "Mode change from A to B" (git's modes, less the
# regular-file digits) when the modes differ, else "Content change"
expected_lines() {
	tree=$(dsc_reference_tree "$1" "$2/.git/objects") &&
	git -C "$2" diff --raw --no-renames -r "$tree" HEAD >raw &&
	test -s raw &&
	sed -e 's/^:\([0-7]*\) \([0-7]*\) [0-9a-f]* [0-9a-f]* [A-Z]*	\(.*\)$/\1 \2 \3/' \
	    -e 's/^10*\([1-7]\)/\1/' -e 's/ 10*\([1-7]\)/ \1/' raw |
	while read -r a b path; do
		if [ "$a" = "$b" ]; then
			echo "Content change: $path"
		else
			echo "Mode change from $a to $b.*: $path"
		fi
	done
}

test_expect_success 'a local archive and the newnative package (an executable, a symlink)' '
	la_init >/dev/null &&
	mkdir w && cp -a "$FIXTURES_DIR/newnative/tree" w/newnative &&
	(cd w/newnative && git init -q && git add -A &&
	 git commit -q -m "newnative as the maintainer has it")
'

# mismatch NAME CHANGE: build-source at HEAD, then CHANGE committed (the
# package is then not HEAD's tree): push-built refuses it naming each
# path as dgit does, before anything is signed or pushed
mismatch() {
	(cd w/newnative && "$DGIT" build-source --no-check-archive \
	    >../build.out 2>../build.err) &&
	test_grep "checked against git" w/build.out &&
	(cd w/newnative && eval "$2" && git commit -q -m "$1") &&
	expected_lines w/newnative_3.1.dsc w/newnative >want &&
	la_snapshot w/newnative before &&
	(cd w/newnative && test_must_fail "$DGIT" -d local push-built --new) \
	    2>err &&
	test_grep "HEAD specifies a different tree to newnative_3.1.dsc:" err &&
	while read -r line; do
		test_grep "^dgit: $line\$" err || return 1
	done <want &&
	test_grep "git diff [0-9a-f]* HEAD" err &&
	la_snapshot w/newnative after &&
	test_cmp before after &&
	test -z "$(git -C w/newnative tag -l)" &&
	rm w/newnative_3.1* &&
	git -C w/newnative reset -q --hard HEAD^
}

test_expect_success 'push-built refuses a content change, naming the path' '
	mismatch content "echo more >>README && git add README" &&
	test_grep "^dgit: Content change: README\$" err
'

test_expect_success 'push-built refuses a file only in git' '
	mismatch added "echo new >NEWFILE && git add NEWFILE" &&
	test_grep "^dgit: Mode change from 000000 to 644 (only in git): NEWFILE\$" err
'

test_expect_success 'push-built refuses a file only in the source package' '
	mismatch removed "git rm -q build.sh" &&
	test_grep "^dgit: Mode change from 755 to 000000 (only in the source package): build.sh\$" err
'

test_expect_success 'push-built refuses a mode change' '
	mismatch mode "chmod -x build.sh && git add build.sh" &&
	test_grep "^dgit: Mode change from 755 to 644: build.sh\$" err
'

test_expect_success 'push-built refuses a symlink made a file' '
	mismatch symlink "rm main.c && cp src/main.c main.c && git add main.c" &&
	test_grep "^dgit: Mode change from 20000 to 644 (file type differs): main.c\$" err
'

test_expect_success 'push-built refuses a deleted symlink' '
	mismatch symlink-gone "git rm -q main.c" &&
	test_grep "^dgit: Mode change from 20000 to 000000 (only in the source package): main.c\$" err
'

test_expect_success 'build-source keeps a package that is not the git tree and warns, naming the path' '
	mkdir bin &&
	printf "%s\n" "#!/bin/sh" "for a; do d=\$a; done" \
	    "case \$d in -*) ;; *) echo changed >>\"\$d/README\" ;; esac" \
	    "exec /usr/bin/dpkg-source \"\$@\"" >bin/dpkg-source &&
	chmod +x bin/dpkg-source &&
	(cd w/newnative && PATH="$TRASH_DIRECTORY/bin:$PATH" &&
	 "$DGIT" build-source --no-check-archive >../build.out 2>../build.err) &&
	test_grep "dgit: warning: the source package ../newnative_3.1.dsc is not the git tree, so dgit push will refuse it" w/build.err &&
	test_grep "dgit: warning:  Content change: README" w/build.err &&
	test_grep "(not the git tree)" w/build.out &&
	! test_grep "checked against git" w/build.out &&
	test "$(dsc_reference_tree w/newnative_3.1.dsc)" != \
	    "$(git -C w/newnative rev-parse HEAD^{tree})" &&
	test -f w/newnative_3.1_source.changes
'

test_expect_success 'push-built then refuses it' '
	la_snapshot w/newnative before &&
	(cd w/newnative && test_must_fail "$DGIT" -d local push-built --new) \
	    2>err &&
	test_grep "^dgit: Content change: README\$" err &&
	la_snapshot w/newnative after &&
	test_cmp before after &&
	rm w/newnative_3.1*
'

test_expect_success 'push-source, which builds the package itself, refuses it at once and removes it' '
	(cd w/newnative && PATH="$TRASH_DIRECTORY/bin:$PATH" &&
	 test_must_fail "$DGIT" -d local push-source --new 2>../err) &&
	test_grep "is not the git tree" w/err &&
	test_grep "^dgit: Content change: README\$" w/err &&
	test_path_is_missing w/newnative_3.1.dsc &&
	test -z "$(git -C w/newnative tag -l)"
'

test_expect_success 'rebuilt from HEAD, push-built takes it' '
	(cd w/newnative && "$DGIT" build-source --no-check-archive \
	    >../build.out 2>../build.err) &&
	! test_grep "warning" w/build.err &&
	(cd w/newnative && "$DGIT" -d local push-built --new) >out 2>err &&
	test_grep "dgit ok: pushed and uploaded 3.1" out &&
	test "$(sources_version newnative)" = 3.1
'

test_done
