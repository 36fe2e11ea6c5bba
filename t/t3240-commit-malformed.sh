#!/bin/sh
test_description='commits with malformed headers: read, walked and built on as git does

git reads commits that git fsck calls badly formed ("commiter" for
"committer", an author line with no email) and so does Perl dgit, which
parses git cat-file commit itself; libgit2 refuses them.  The commit reader
(t/helper/commit-read) must report what git cat-file and git log report,
walk such history as git rev-list does, and refuse only what git refuses;
dgit build-source must build on such a HEAD.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test_need_cmd dpkg-source

CR="$BUILD/t/helper/commit-read"

# literal FILE: write FILE as a commit object as it is, print its id
literal() {
	git -C r hash-object -w -t commit --literally --stdin <"$1"
}

# fields ID: what git says the commit holds, as commit-read prints it
fields() {
	git -C r log -1 --format="%T%n%P" "$1" >f.tp &&
	sed -n 1p f.tp | sed "s/^/tree /" &&
	sed -n 2p f.tp | tr " " "\n" | sed "/^$/d; s/^/parent /" &&
	git -C r cat-file commit "$1" >f.raw &&
	sed -n "/^$/q; /^author /{p;q;}" f.raw &&
	sed -n "/^$/q; /^committer /{p;q;}" f.raw &&
	echo message &&
	sed "1,/^$/d" f.raw
}

test_expect_success 'setup: history with a "commiter" commit and a bad author' '
	test -x "$CR" &&
	git init -q r &&
	(cd r && echo one >a && git add a && git commit -q -m one &&
	 echo two >a && git commit -q -a -m two) &&
	git -C r cat-file commit HEAD | sed "s/^committer /commiter /" >bad1 &&
	bad1=$(literal bad1) &&
	git -C r cat-file commit HEAD |
	    sed "s/^author .*/author No Email 1530000000 +0100/" >bad2 &&
	bad2=$(literal bad2) &&
	child=$(git -C r commit-tree -p "$bad1" -p "$bad2" -m "merge of both" \
	    "$(git -C r rev-parse HEAD^{tree})") &&
	printf "tree %s\nparent %s\nauthor A <a@b> 1 +0000\nparent %s\ncommitter C <c@d> 2 +0000\n\nlate parent\n" \
	    "$(git -C r rev-parse HEAD^{tree})" "$(git -C r rev-parse HEAD~1)" \
	    "$(git -C r rev-parse HEAD)" >bad3 &&
	literal bad3 >bad3.id &&
	echo "$bad1 $bad2 $child" >ids &&
	test_must_fail git -C r fsck --strict 2>fsck.err &&
	test_grep "$bad1" fsck.err
'

test_expect_success 'the fields of each commit are what git cat-file and git log say' '
	read bad1 bad2 child <ids &&
	for c in "$bad1" "$bad2" "$child" $(cat bad3.id) \
	    $(git -C r rev-parse HEAD HEAD~1); do
		fields "$c" >want &&
		"$CR" r/.git "$c" >got &&
		test_cmp want got || return 1
	done &&
	"$CR" r/.git "$bad1" >got &&
	! grep "^committer " got
'

test_expect_success 'the walk reaches what git rev-list reaches, each once' '
	read bad1 bad2 child <ids &&
	git -C r rev-list "$child" | sort >want &&
	"$CR" r/.git -w "$child" >walk &&
	sort walk >got &&
	test_cmp want got &&
	test "$(wc -l <walk)" = "$(wc -l <want)" &&
	test "$(head -n 1 walk)" = "$child"
'

test_expect_success 'ancestry through a malformed commit is what git merge-base says' '
	read bad1 bad2 child <ids &&
	root=$(git -C r rev-list --max-parents=0 HEAD) &&
	for pair in "$child $root" "$child $bad2" "$bad1 $root" \
	    "$root $child" "$bad1 $bad2" "$bad2 $bad2"; do
		set -- $pair &&
		if git -C r merge-base --is-ancestor "$2" "$1"; then
			want=1
		else
			want=0
		fi &&
		test "$("$CR" r/.git -d "$1" "$2")" = "$want" || return 1
	done
'

test_expect_success 'commits git cannot read either are refused with the problem named' '
	tree=$(git -C r rev-parse HEAD^{tree}) &&
	printf "author A <a@b> 1 +0000\ntree %s\n\nm\n" "$tree" >nt &&
	printf "tree %s\nparent 1234\n\nm\n" "$tree" >bp &&
	printf "tree %s\nparent %.39sz\n\nm\n" "$tree" "$tree" >bt &&
	for f in nt bp bt; do
		id=$(literal $f) &&
		test_must_fail git -C r log -1 "$id" >/dev/null 2>&1 &&
		test_must_fail "$CR" r/.git "$id" 2>err &&
		test_grep "commit" err || return 1
	done &&
	test_must_fail "$CR" r/.git "$tree" 2>err &&
	test_grep "is a tree, not a commit" err &&
	test_must_fail "$CR" r/.git 0123456789012345678901234567890123456789 2>err &&
	test_grep "not found" err
'

test_expect_success 'build-source builds on a HEAD with a "commiter" line' '
	dsc=$(fixture_built newnative) &&
	mkdir nat && dpkg-source --no-check -x "$dsc" nat/src >/dev/null 2>&1 &&
	(cd nat/src && git init -q && git config user.name T &&
	 git config user.email t@example.org && git add -A &&
	 git commit -q -m import &&
	 bad=$(git cat-file commit HEAD | sed "s/^committer /commiter /" |
	     git hash-object -w -t commit --literally --stdin) &&
	 git reset -q --hard "$bad" &&
	 "$DGIT" build-source --no-check-archive >../out 2>../err) &&
	test "$(dsc_reference_tree nat/newnative_3.1.dsc)" = \
	    "$(git -C nat/src rev-parse HEAD^{tree})"
'

test_done
