#!/bin/sh
test_description='a fetch from a git repository on this machine brings only what was asked for

The dgit git server is often a path (dgit-distro.DISTRO.git-url, or a
.dsc'"'"'s Dgit: hint URL).  A fetch of one tag from it must bring the
objects that tag reaches and no others, as git fetch does: after a
history rewrite the server keeps the old commits under refs/original/,
and those must not appear here (Debian'"'"'s dgit test downstream-gitless
relies on it).  Checked against git fetch and Perl dgit on the same
repositories.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-import.sh"

PERL_DGIT=/usr/bin/dgit
test -x "$PERL_DGIT" || test_skip "Perl dgit ($PERL_DGIT) is not installed"

test_expect_success 'setup: a server with the upload tagged and an unrelated commit under refs/original/' '
	mkdir -p pkg/foo-1.0 && echo a >pkg/foo-1.0/a &&
	(cd pkg && tarball_top . foo-1.0 foo_1.0.orig.tar.gz) &&
	debian_dir pkg/d foo 1.0-1 "3.0 (quilt)" &&
	(cd pkg && tarball d foo_1.0-1.debian.tar.xz &&
	 make_dsc "3.0 (quilt)" foo 1.0-1 foo_1.0.orig.tar.gz \
		foo_1.0-1.debian.tar.xz) &&
	cp pkg/foo_1.0-1.dsc pkg/foo_1.0-1.dsc.orig &&
	git init -q w &&
	(cd w && "$DGIT" import-dsc ../pkg/foo_1.0-1.dsc plain) &&
	tree=$(git -C w rev-parse "plain^{tree}") &&
	c=$(git -C w commit-tree -m "the uploader" $tree) &&
	echo $c >uploader &&
	echo other >w/other && git -C w add other &&
	git -C w commit -q -m "an old history" &&
	git -C w rev-parse HEAD >old &&
	git init -q --bare server.git &&
	git -C w push -q ../server.git $c:refs/tags/archive/elsewhere/1.0-1 \
		HEAD:refs/original/refs/dgit/sid &&
	sed "/^Checksums-Sha1:/i\\
Dgit: $c elsewhere archive/elsewhere/1.0-1 $TRASH_DIRECTORY/server.git" \
		pkg/foo_1.0-1.dsc.orig >pkg/foo_1.0-1.dsc
'

test_expect_success 'git fetch of the tag alone does not bring the old history' '
	git init -q g &&
	git -C g fetch -q ../server.git refs/tags/archive/elsewhere/1.0-1 &&
	git -C g cat-file -e "$(cat uploader)" &&
	test_must_fail git -C g cat-file -e "$(cat old)"
'

test_expect_success 'import-dsc fetching the Dgit: commit from the path: the commit and not the old history, as Perl dgit' '
	for r in o p; do git init -q i.$r || return 1; done &&
	(cd i.o && "$DGIT" -cdgit.dsc-url-proto-ok.file=true import-dsc \
		../pkg/foo_1.0-1.dsc +x) &&
	(cd i.p && "$PERL_DGIT" -cdgit.dsc-url-proto-ok.file=true import-dsc \
		../pkg/foo_1.0-1.dsc +x) &&
	test "$(git -C i.o rev-parse x)" = "$(cat uploader)" &&
	test "$(git -C i.p rev-parse x)" = "$(cat uploader)" &&
	test_must_fail git -C i.p cat-file -e "$(cat old)" &&
	test_must_fail git -C i.o cat-file -e "$(cat old)" &&
	git -C i.o fsck --no-dangling --strict
'

test_expect_success 'so a later import of a .dsc naming the old commit, not chasing, says it is missing, as Perl dgit' '
	sed "/^Checksums-Sha1:/i\\
Dgit: $(cat old) elsewhere archive/elsewhere/1.0-1 $TRASH_DIRECTORY/server.git" \
		pkg/foo_1.0-1.dsc.orig >pkg/foo_1.0-1.dsc &&
	(cd i.o && test_must_fail "$DGIT" --no-chase-dsc-distro import-dsc \
		../pkg/foo_1.0-1.dsc +y) 2>o.err &&
	(cd i.p && test_must_fail "$PERL_DGIT" --no-chase-dsc-distro \
		import-dsc ../pkg/foo_1.0-1.dsc +y) 2>p.err &&
	test_grep "Your git tree does not have that object" o.err &&
	test_grep "Your git tree does not have that object" p.err
'

test_done
