#!/bin/sh
test_description='quilt-fixup: patches as Perl dgit makes them, checked by dpkg-source'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test_need_cmd dpkg-source
test_need_cmd dgit

# new_repo NAME: a patches-applied git tree of hello 1.0-1, as dgit clone
# gives it, in NAME/hello with the origs in NAME/.
new_repo() {
	hello_repo "$1"
}

# twins NAME: copies NAME/perl/hello and NAME/ours/hello of NAME/hello,
# same commits, each with the origs beside it.
twins() {
	for w in perl ours; do
		mkdir "$1/$w" && cp "$1"/hello_1.0.orig.tar.gz* "$1/$w/" &&
		git clone -q "$1/hello" "$1/$w/hello" &&
		git -C "$1/$w/hello" config user.name "A Tester" &&
		git -C "$1/$w/hello" config user.email tester@example.org ||
		return 1
	done
}

# perl_and_ours NAME [OPTS]: run both quilt-fixups; the patches must be
# byte for byte the same and the trees equal.
perl_and_ours() {
	n=$1; shift
	twins "$n" &&
	(cd "$n/perl/hello" && dgit -wn "$@" quilt-fixup >../log 2>&1) &&
	(cd "$n/ours/hello" && "$DGIT" quilt-fixup "$@" >../log 2>&1) &&
	diff -ru "$n/perl/hello/debian/patches" "$n/ours/hello/debian/patches" &&
	test "$(git -C "$n/perl/hello" rev-parse HEAD^{tree})" = \
	    "$(git -C "$n/ours/hello" rev-parse HEAD^{tree})"
}

# source_equals_head DIR: dpkg-source -b of DIR/hello (origs beside),
# then dpkg-source -x of that: the reference tree is HEAD's.
source_equals_head() {
	rm -f "$1"/hello_1.0-1.dsc "$1"/hello_1.0-1.debian.tar.* &&
	(cd "$1" && dpkg-source -b hello >/dev/null 2>&1) &&
	test "$(dsc_reference_tree "$1/hello_1.0-1.dsc")" = \
	    "$(git -C "$1/hello" rev-parse HEAD^{tree})"
}

test_expect_success 'linear: commits to upstream files, debian only, both, rename, delete, new executable' '
	new_repo lin &&
	(cd lin/hello &&
	 echo more >>README && git commit -q -a -m "Change the README, because

It needed more words." &&
	 echo x >newfile.c && git add newfile.c &&
	 git commit -q -m "add newfile.c: a new file!" &&
	 echo "# x" >>debian/rules && git commit -q -a -m "debian only" &&
	 echo y >>Makefile && echo "# y" >>debian/rules &&
	 git commit -q -a -m "Both: upstream and debian" &&
	 git mv tools/gen.sh tools/gen2.sh &&
	 git commit -q -m "--- Rename: gen ÄÖ straße
second line

Body." &&
	 git rm -q docs/hello-manual.txt && git commit -q -m "Remove the manual." &&
	 printf "#!/bin/sh\n" >new.sh && chmod +x new.sh && git add new.sh &&
	 git commit -q -m "new executable") &&
	perl_and_ours lin &&
	test "$(git -C lin/ours/hello log -1 --format=%s)" = \
	    "Commit Debian 3.0 (quilt) metadata" &&
	test "$(git -C lin/ours/hello rev-list --count HEAD)" = 9 &&
	test -z "$(git -C lin/ours/hello status --porcelain)" &&
	test "$(tail -n 6 lin/ours/hello/debian/patches/series | head -n 1)" = \
	    change-the-readme-because.patch &&
	source_equals_head lin/ours
'

test_expect_success 'linear: Gbp-Pq names, same subjects, long subjects as Perl dgit' '
	new_repo names &&
	(cd names/hello &&
	 for s in "Same subject" "Same subject" "Ends with dot." \
	     "A very long subject line that goes on and on and on for ever" \
	     ".hidden start" "Under_score+plus=eq~tilde/slash"; do
		echo "$s" >>README && git commit -q -a -m "$s" || exit 1
	 done &&
	 echo z >>README && git commit -q -a -m "x
Gbp-Pq: Name my-own-name.patch" &&
	 echo w >>README && git commit -q -a -m "y

Gbp-Pq: Topic sub
gbp-pq: name other.diff") &&
	perl_and_ours names &&
	test -f names/ours/hello/debian/patches/sub/other.diff &&
	test -f names/ours/hello/debian/patches/same-subject.patch1
'

test_expect_success 'a second run, and a tree whose patches already say it all, need nothing' '
	(cd lin/ours/hello && before=$(git rev-parse HEAD) &&
	 "$DGIT" quilt-fixup >../log2 2>&1 &&
	 test "$(git rev-parse HEAD)" = "$before") &&
	test_grep "not needed" lin/ours/log2 &&
	new_repo have &&
	(cd have/hello &&
	 echo extra >>README &&
	 git diff >debian/patches/mine.patch &&
	 echo mine.patch >>debian/patches/series &&
	 git add -A && git commit -q -m "change with its patch" &&
	 before=$(git rev-parse HEAD) &&
	 "$DGIT" quilt-fixup >../log 2>&1 &&
	 test "$(git rev-parse HEAD)" = "$before") &&
	source_equals_head have
'

test_expect_success 'a commit after one that carries its own patch starts from it' '
	(cd have/hello && echo later >>Makefile &&
	 git commit -q -a -m "Later change" && "$DGIT" quilt-fixup) &&
	test "$(tail -n 1 have/hello/debian/patches/series)" = later-change.patch &&
	test "$(grep -c "^diff --git" have/hello/debian/patches/later-change.patch)" = 1 &&
	source_equals_head have
'

test_expect_success 'pseudomerges are walked through' '
	new_repo pm &&
	(cd pm/hello &&
	 echo a >>README && git commit -q -a -m "Before merge" &&
	 side=$(git commit-tree -p HEAD~1 -m side HEAD~1^{tree}) &&
	 m=$(git commit-tree -p HEAD -p $side -m "pseudomerge" HEAD^{tree}) &&
	 git reset -q --hard $m &&
	 echo b >>README && git commit -q -a -m "After merge") &&
	perl_and_ours pm
'

test_expect_success 'a real merge: linear fails naming it, try-linear smashes' '
	new_repo mrg &&
	(cd mrg/hello &&
	 git checkout -q -b side && echo s >>Makefile && git commit -q -a -m s &&
	 git checkout -q - && echo m >>README && git commit -q -a -m m &&
	 git merge -q --no-edit side) &&
	(cd mrg/hello && test_must_fail "$DGIT" quilt-fixup 2>../err) &&
	test_grep "merge [0-9a-f]* changes upstream files" mrg/err &&
	test "$(git -C mrg/hello log -1 --format=%s)" != \
	    "Commit Debian 3.0 (quilt) metadata" &&
	(cd mrg/hello && "$DGIT" quilt-fixup --quilt=try-linear 2>../err2) &&
	test_grep "squashed" mrg/err2 &&
	test "$(tail -n 1 mrg/hello/debian/patches/series | cut -c1-5)" = auto- &&
	source_equals_head mrg
'

test_expect_success 'smash: one patch, the same diff as Perl dgit' '
	new_repo sm &&
	(cd sm/hello && echo 1 >>README && git commit -q -a -m one &&
	 echo 2 >>Makefile && git commit -q -a -m two) &&
	twins sm &&
	(cd sm/perl/hello && dgit -wn --quilt=smash quilt-fixup >../log 2>&1) &&
	(cd sm/ours/hello && "$DGIT" quilt-fixup --quilt=smash >../log 2>&1) &&
	p=$(tail -n 1 sm/perl/hello/debian/patches/series) &&
	o=$(tail -n 1 sm/ours/hello/debian/patches/series) &&
	case $o in auto-1.0-1-$(git -C sm/hello rev-parse HEAD)-*) ;; *) false ;; esac &&
	diff -u sm/perl/hello/debian/patches/$p sm/ours/hello/debian/patches/$o &&
	source_equals_head sm/ours
'

test_expect_success 'diff.noprefix set by the user: patches keep a/ and b/, as Perl dgit makes them' '
	new_repo np &&
	(cd np/hello && echo more >>README && git commit -q -a -m readme) &&
	twins np &&
	git -C np/perl/hello config diff.noprefix true &&
	git -C np/ours/hello config diff.noprefix true &&
	(cd np/perl/hello && dgit -wn quilt-fixup >../log 2>&1) &&
	(cd np/ours/hello && "$DGIT" quilt-fixup >../log 2>&1) &&
	diff -ru np/perl/hello/debian/patches np/ours/hello/debian/patches &&
	test_grep "^+++ b/README" np/ours/hello/debian/patches/readme.patch &&
	source_equals_head np/ours
'

test_expect_success 'single: every patch replaced by dgit-changes' '
	new_repo sg &&
	(cd sg/hello && echo 1 >>README && git commit -q -a -m one &&
	 "$DGIT" quilt-fixup --quilt=single) &&
	test "$(cat sg/hello/debian/patches/series)" = dgit-changes &&
	test "$(ls sg/hello/debian/patches)" = "dgit-changes
series" &&
	source_equals_head sg
'

test_expect_success 'nofix refuses naming the path, nocheck does nothing' '
	new_repo nf &&
	(cd nf/hello && echo 1 >>README && git commit -q -a -m one &&
	 before=$(git rev-parse HEAD) &&
	 test_must_fail "$DGIT" quilt-fixup --quilt=nofix 2>../err &&
	 "$DGIT" quilt-fixup --quilt=nocheck &&
	 test "$(git rev-parse HEAD)" = "$before") &&
	test_grep "content differs: README" nf/err
'

test_expect_success 'a mode-only change is refused naming the path' '
	new_repo mo &&
	(cd mo/hello && chmod +x Makefile && git commit -q -a -m "exec" &&
	 before=$(git rev-parse HEAD) &&
	 test_must_fail "$DGIT" quilt-fixup 2>../err &&
	 test "$(git rev-parse HEAD)" = "$before") &&
	test_grep "only the mode of .Makefile.*0 insertions" mo/err
'

test_expect_success 'a binary file is refused unless in include-binaries' '
	new_repo bin &&
	(cd bin/hello && printf "a\000b" >blob.dat && git add blob.dat &&
	 git commit -q -m binary &&
	 test_must_fail "$DGIT" quilt-fixup 2>../err) &&
	test_grep "binary file .blob.dat.*include-binaries" bin/err &&
	(cd bin/hello && echo blob.dat >debian/source/include-binaries &&
	 git add -A && git commit -q -m "include it" &&
	 "$DGIT" quilt-fixup) &&
	source_equals_head bin
'

test_expect_success 'no orig tarball: a clear error' '
	new_repo noorig &&
	rm noorig/hello_1.0.orig.tar.gz &&
	(cd noorig/hello && echo 1 >>README && git commit -q -a -m one &&
	 test_must_fail "$DGIT" quilt-fixup 2>../err) &&
	test_grep "no orig tarball .hello_1.0.orig.tar" noorig/err
'

# id_run CMD...: CMD with the identity from GIT_COMMITTER_NAME, both dates
# and user.* config (user.email only), as a user might have it.
id_run() {
	env -u GIT_AUTHOR_EMAIL -u GIT_COMMITTER_EMAIL GIT_COMMITTER_NAME=Env \
	    GIT_COMMITTER_DATE="1530000000 +0100" \
	    GIT_AUTHOR_DATE="Wed, 23 Dec 2015 10:30:40 +0100" "$@"
}

test_expect_success 'the fixup commit carries the author and committer git and Perl dgit record' '
	new_repo ident &&
	(cd ident/hello && echo more >>README && git commit -q -a -m "Change") &&
	twins ident &&
	(cd ident/perl/hello && id_run dgit -wn quilt-fixup >../log 2>&1) &&
	(cd ident/ours/hello && id_run "$DGIT" quilt-fixup >../log 2>&1) &&
	fmt="%an <%ae> %ad%n%cn <%ce> %cd%n%s" &&
	git -C ident/perl/hello log -1 --date=raw --format="$fmt" >ident/want &&
	git -C ident/ours/hello log -1 --date=raw --format="$fmt" >ident/got &&
	test_cmp ident/want ident/got &&
	cat >ident/expect <<-\EOF &&
	A Tester <tester@example.org> 1450863040 +0100
	Env <tester@example.org> 1530000000 +0100
	Commit Debian 3.0 (quilt) metadata
	EOF
	test_cmp ident/expect ident/got
'

test_expect_success 'author.name and committer.email config count, as git var says' '
	(cd ident/ours/hello && git reset -q --hard HEAD~1 &&
	 git config author.name "An Author" &&
	 git config committer.email c@example.org &&
	 id_run env -u GIT_AUTHOR_NAME "$DGIT" quilt-fixup >../log2 2>&1 &&
	 id_run env -u GIT_AUTHOR_NAME git var GIT_AUTHOR_IDENT >../want2 &&
	 id_run git var GIT_COMMITTER_IDENT >>../want2 &&
	 git log -1 --date=raw --format="%an <%ae> %ad%n%cn <%ce> %cd" >../got2) &&
	test_cmp ident/ours/want2 ident/ours/got2 &&
	test_grep "^An Author <tester@example.org> 1450863040 +0100" ident/ours/got2 &&
	test_grep "^Env <c@example.org> 1530000000 +0100" ident/ours/got2
'

test_expect_success 'no identity at all: a clear error naming what to set, HEAD unmoved' '
	new_repo noid &&
	(cd noid/hello && echo more >>README && git commit -q -a -m "Change" &&
	 before=$(git rev-parse HEAD) &&
	 git config --unset user.name && git config --unset user.email &&
	 ! env -u EMAIL -u GIT_AUTHOR_NAME -u GIT_COMMITTER_NAME HOME=/nonexistent \
	     XDG_CONFIG_HOME=/nonexistent GIT_CONFIG_NOSYSTEM=1 \
	     "$DGIT" quilt-fixup >../log 2>&1 &&
	 test "$(git rev-parse HEAD)" = "$before") &&
	test_grep "no author name for the commit (set git config user.name" noid/log
'

test_done
