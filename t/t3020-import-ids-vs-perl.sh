#!/bin/sh
test_description='import-dsc: commit ids equal to Perl dgit'"'"'s

Every fixture of the test archive is imported by our import-dsc and by
Debian'"'"'s Perl dgit (/usr/bin/dgit import-dsc, which runs gbp pq import
for the patch commits), each in a throwaway repository under the same
identity and environment; the commit ids must be equal.  On a mismatch the
first commit (oldest first) whose text differs is shown from both.  Perl
dgit writes changelog dates in the local zone, so this runs under two
zones.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test_need_cmd gbp
test -x /usr/bin/dgit || test_skip "Perl dgit (/usr/bin/dgit) is not installed"

GIT_AUTHOR_NAME='Env Author' GIT_AUTHOR_EMAIL=env-author@example.org
GIT_COMMITTER_NAME='Env Committer' GIT_COMMITTER_EMAIL=env-committer@example.org
DEBEMAIL=debemail@example.org DEBFULLNAME='Env Debemail'
export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL
export DEBEMAIL DEBFULLNAME

# first_difference REPO_A REPO_B: cat-file -p of the first commit pair,
# oldest first, whose texts differ (parents aside).
first_difference () {
	git -C "$1" rev-list --reverse --topo-order imported >la &&
	git -C "$2" rev-list --reverse --topo-order imported >lb &&
	paste la lb | while read -r a b; do
		git -C "$1" cat-file commit "$a" | grep -v "^parent " >ca
		git -C "$2" cat-file commit "$b" | grep -v "^parent " >cb
		if ! cmp -s ca cb; then
			echo "first differing commit: ours $a, Perl dgit $b"
			echo "--- ours"; git -C "$1" cat-file -p "$a"
			echo "--- Perl dgit"; git -C "$2" cat-file -p "$b"
			break
		fi
	done
}

for zone in UTC Asia/Kolkata; do
for name in $(fixture_list); do
	test_expect_success "fixture $name, TZ=$zone: our commit id is Perl dgit's" '
		dsc=$(fixture_built '"$name"') &&
		rm -rf ours perl && mkdir ours perl &&
		git init -q ours/r && git init -q perl/r &&
		(cd ours/r && TZ='"$zone"' "$DGIT" import-dsc "$dsc" +imported) \
			>ours.log 2>&1 &&
		(cd perl/r && TZ='"$zone"' /usr/bin/dgit \
			--force-import-dsc-with-dgit-field \
			import-dsc "$dsc" +imported) >perl.log 2>&1 &&
		o=$(git -C ours/r rev-parse imported) &&
		p=$(git -C perl/r rev-parse imported) &&
		echo "ours $o, Perl dgit $p" &&
		if test "$o" != "$p"; then
			first_difference ours/r perl/r; false
		fi
	'
done
done

test_done
