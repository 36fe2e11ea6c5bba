#!/bin/sh
test_description='clone checkout: the work tree is what git checks out, with and without defused attributes'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test_expect_success 'set up the archive and the server' '
	archive_standard archive &&
	httpd_start archive
'
MIRROR=$(httpd_url 2>/dev/null)

# git's own checkout of the clone's HEAD, with the clone's attributes.
git_checkout_of() {
	rm -rf "$2" &&
	git clone -q --no-checkout "$1" "$2" &&
	if test -f "$1/.git/info/attributes"
	then
		cp "$1/.git/info/attributes" "$2/.git/info/attributes"
	fi &&
	git -C "$2" checkout -q -f HEAD
}

test_expect_success 'defused: every file is its blob, as git checks it out' '
	dsc=$(fixture_built oddities) &&
	mkdir c1 &&
	(cd c1 && d clone oddities sid >../out 2>../err) &&
	git_checkout_of c1/oddities g1 &&
	diff -r -x .git c1/oddities g1 &&
	git -C c1/oddities cat-file blob HEAD:keywords.sh >blob &&
	cmp blob c1/oddities/keywords.sh &&
	test -z "$(git -C c1/oddities status --porcelain)"
'

test_expect_success 'not defused: the package'"'"'s attributes apply, as in git'"'"'s checkout' '
	mkdir c2 &&
	(cd c2 && d -c dgit.default.setup-gitattributes=false \
	    clone oddities sid >../out 2>../err) &&
	git_checkout_of c2/oddities g2 &&
	# git converts .gitattributes by the rules it holds, libgit2 does not
	diff -r -x .git -x .gitattributes c2/oddities g2 &&
	git -C c2/oddities cat-file blob HEAD:keywords.sh >blob &&
	! cmp blob c2/oddities/keywords.sh &&
	test_grep "[$]Id: [0-9a-f]* [$]" c2/oddities/keywords.sh
'

test_done
