#!/bin/sh
test_description='print-unapplied-treeish: the tree Perl dgit prints

dgit print-unapplied-treeish prints the tree of HEAD with its patches
unapplied: the origs in ".." unpacked and HEAD'"'"'s debian/.  Each 3.0
(quilt) fixture is imported and checked out; the tree must be the one
Debian'"'"'s Perl dgit prints, also after a commit changing debian/, and
without an orig both must fail.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test -x /usr/bin/dgit || test_skip "Perl dgit (/usr/bin/dgit) is not installed"

GIT_AUTHOR_NAME='Env Author' GIT_AUTHOR_EMAIL=env-author@example.org
GIT_COMMITTER_NAME='Env Committer' GIT_COMMITTER_EMAIL=env-committer@example.org
export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL

for name in hello-1 libmulti mailhdrs plain; do
	test_expect_success "fixture $name: the tree Perl dgit prints" '
		dsc=$(fixture_built '"$name"') &&
		rm -rf w && mkdir w && cp "$(dirname "$dsc")"/* w/ &&
		git init -q w/r &&
		(cd w/r && "$DGIT" import-dsc "../$(basename "$dsc")" +imp &&
		 git checkout -q imp) >/dev/null 2>&1 &&
		(cd w/r && "$DGIT" print-unapplied-treeish) >ours &&
		(cd w/r && /usr/bin/dgit print-unapplied-treeish) >perl 2>/dev/null &&
		test_cmp perl ours &&
		test "$(git -C w/r cat-file -t "$(cat ours)")" = tree &&
		echo more >w/r/debian/extra-file &&
		git -C w/r add debian/extra-file &&
		git -C w/r commit -q -m "debian: one more file" &&
		(cd w/r && "$DGIT" print-unapplied-treeish) >ours2 &&
		(cd w/r && /usr/bin/dgit print-unapplied-treeish) >perl2 2>/dev/null &&
		test_cmp perl2 ours2 &&
		! test_cmp ours ours2 >/dev/null
	'
done

test_expect_success 'no orig in ..: both fail' '
	rm -f w/*.orig*.tar.* &&
	(cd w/r && test_must_fail "$DGIT" print-unapplied-treeish) 2>err &&
	cat err &&
	test_grep -i "orig" err &&
	(cd w/r && test_must_fail /usr/bin/dgit print-unapplied-treeish) >/dev/null 2>&1
'

test_expect_success 'arguments are refused with exit 8, as Perl dgit does' '
	(cd w/r && test_expect_code 8 "$DGIT" print-unapplied-treeish x) 2>/dev/null &&
	(cd w/r && test_expect_code 8 /usr/bin/dgit print-unapplied-treeish x) 2>/dev/null
'

test_done
