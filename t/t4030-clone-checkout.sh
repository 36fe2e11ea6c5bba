#!/bin/sh
test_description='clone checkout: the work tree is what git checks out, with and without defused attributes'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-import.sh"

# bigfile 1: a native package holding a file of 1 GiB + 1 MiB, nearly
# all hole (a tarball of a few KiB), with bytes at its start and end.
big_package() {
	mkdir -p big &&
	size=$(( (1 << 30) + (1 << 20) )) &&
	truncate -s $size big/huge &&
	printf start | dd of=big/huge conv=notrunc 2>/dev/null &&
	printf end | dd of=big/huge bs=1 seek=$((size - 3)) conv=notrunc \
		2>/dev/null &&
	echo small >big/small &&
	debian_dir big bigfile 1 "3.0 (native)" &&
	tarball big bigfile_1.tar.gz --sparse &&
	rm -rf big &&
	make_dsc "3.0 (native)" bigfile 1 bigfile_1.tar.gz &&
	mv bigfile_1.dsc bigfile_1.unsigned &&
	gpg_archive -u "$(key_fpr uploader)" --clearsign -o bigfile_1.dsc \
		bigfile_1.unsigned
}

test_expect_success 'set up the archive and the server' '
	archive_standard archive &&
	mkdir bigsrc && (cd bigsrc && big_package) &&
	archive_add_dsc archive sid bigsrc/bigfile_1.dsc &&
	archive_update archive sid &&
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

# type, permission bits and symlink target of each path but .git
listing() {
	(cd "$1" && find . -path ./.git -prune -o -printf '%p %y %m %l\n' | sort)
}

# the clone against git's own checkout of its HEAD: bytes, modes, symlinks,
# directories (an empty one is absent in both), index entries, and stat
# data good enough that git diff-files (which does not refresh) sees no
# change
same_as_git() {
	git_checkout_of "$1" "$2" &&
	diff -r -x .git "$1" "$2" &&
	listing "$1" >"$2.ours" && listing "$2" >"$2.git" &&
	test_cmp "$2.git" "$2.ours" &&
	git -C "$1" ls-files -s >"$2.ours-index" &&
	git -C "$2" ls-files -s >"$2.git-index" &&
	test_cmp "$2.git-index" "$2.ours-index" &&
	git -C "$1" diff-files --quiet &&
	test -z "$(git -C "$1" status --porcelain)"
}

test_expect_success 'symlinks and executables as git checks them out (hello, 3.0 quilt)' '
	mkdir c3 &&
	(cd c3 && d clone hello bookworm >../out 2>../err) &&
	test -h c3/hello/$(cd c3/hello && git ls-files -s | awk "\$1 == 120000 { print \$4; exit }") &&
	git -C c3/hello ls-files -s | grep -q "^100755" &&
	same_as_git c3/hello g3
'

test_expect_success 'symlinks and executables as git checks them out (newnative)' '
	mkdir c4 &&
	(cd c4 && d clone newnative sid >../out 2>../err) &&
	same_as_git c4/newnative g4
'

test_expect_success 'oddities: the empty directory is absent, as in git, and the index is clean' '
	test_path_is_missing c1/oddities/empty-dir &&
	same_as_git c1/oddities g5
'

test_expect_success 'under umask 077 the files are as git makes them under it' '
	mkdir c6 &&
	(umask 077 && cd c6 && d clone hello bookworm >../out 2>../err &&
	 cd .. && same_as_git c6/hello g6)
'

# The clone's checkout writes a file of 1 GiB from the pack the import
# made: under an address-space limit far below its size, so reading it
# whole fails (libgit2 1.5 cannot stream a packed blob; it comes from
# git cat-file in pieces).  Not in the ASan pass (see t3200).
test_expect_success 'a file over 1 GiB is checked out in bounded memory' '
	mkdir c7 &&
	if [ "${DGIT_TEST_FLAVOUR:-}" = asan ]; then
		(cd c7 && d clone bigfile sid >../out 2>../err)
	else
		(ulimit -v 600000 && cd c7 && d clone bigfile sid >../out 2>../err)
	fi &&
	git -C c7/bigfile cat-file -s HEAD:huge >expect &&
	echo $(( (1 << 30) + (1 << 20) )) >expect.size &&
	test_cmp expect.size expect &&
	stat -c %s c7/bigfile/huge >actual &&
	test_cmp expect actual &&
	git -C c7/bigfile cat-file blob HEAD:huge | cmp - c7/bigfile/huge &&
	git -C c7/bigfile hash-object huge >actual &&
	git -C c7/bigfile rev-parse HEAD:huge >expect &&
	test_cmp expect actual &&
	test -z "$(git -C c7/bigfile status --porcelain)"
'

test_done
