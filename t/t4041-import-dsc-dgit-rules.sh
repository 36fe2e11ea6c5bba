#!/bin/sh
test_description='import-dsc: the branch rules and the Dgit: field'"'"'s hint URL

As dgit(1) and Debian'"'"'s dgit have them: a plain BRANCH that exists is
refused ("Branch ... already exists"); a Dgit: commit that does not
fast-forward the branch is refused ("Not fast forward") unless +BRANCH;
a .dsc whose Dgit: field names a distro with no git URL may be fetched
from through the field'"'"'s hint URL only when dgit.dsc-url-proto-ok.PROTO
allows its protocol ("hinted url with protocol file which is unsafe").
Each is checked against Perl dgit (/usr/bin/dgit) on the same files.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-import.sh"

PERL_DGIT=/usr/bin/dgit
test -x "$PERL_DGIT" || test_skip "Perl dgit ($PERL_DGIT) is not installed"

# with_dgit_field FIELD: foo_1.0-1.dsc gains "Dgit: FIELD"
with_dgit_field () {
	sed "/^Checksums-Sha1:/i\\
Dgit: $1" pkg/foo_1.0-1.dsc.orig >pkg/foo_1.0-1.dsc
}

# both DIR ARGS...: ours in DIR.o, Perl dgit in DIR.p; exit statuses in
# DIR.rc ("OURS PERL"), output in DIR.o.err and DIR.p.err
both () {
	d=$1; shift
	(cd $d.o && "$DGIT" "$@") >$d.o.err 2>&1; ro=$?
	(cd $d.p && "$PERL_DGIT" "$@") >$d.p.err 2>&1; rp=$?
	echo "$ro $rp" >$d.rc
}

both_failed () {
	read ro rp <$1.rc && test "$ro" != 0 && test "$rp" != 0
}

test_expect_success 'setup' '
	mkdir -p pkg/foo-1.0 && echo a >pkg/foo-1.0/a &&
	(cd pkg && tarball_top . foo-1.0 foo_1.0.orig.tar.gz) &&
	debian_dir pkg/d foo 1.0-1 "3.0 (quilt)" &&
	(cd pkg && tarball d foo_1.0-1.debian.tar.xz &&
	 make_dsc "3.0 (quilt)" foo 1.0-1 foo_1.0.orig.tar.gz \
		foo_1.0-1.debian.tar.xz) &&
	mv pkg/foo_1.0-1.dsc pkg/foo_1.0-1.dsc.orig &&
	cp pkg/foo_1.0-1.dsc.orig pkg/foo_1.0-1.dsc &&
	for r in a.o a.p; do
		git init -q $r &&
		git -C $r commit -q --allow-empty -m "unrelated" &&
		git -C $r branch other ||
		return 1
	done &&
	(cd a.o && "$DGIT" import-dsc ../pkg/foo_1.0-1.dsc plain) &&
	tree=$(git -C a.o rev-parse "plain^{tree}") &&
	git init -q --bare server.git &&
	git -C a.o push -q ../server.git plain:refs/heads/plain &&
	c=$(git -C a.o commit-tree -m "the uploader" $tree) &&
	git -C a.o push -q ../server.git $c:refs/tags/archive/elsewhere/1.0-1 &&
	echo $c >uploader &&
	git -C a.p fetch -q ../server.git refs/heads/plain:refs/heads/plain \
		refs/tags/archive/elsewhere/1.0-1
'

test_expect_success 'an existing plain BRANCH: refused, as Perl dgit' '
	cp pkg/foo_1.0-1.dsc.orig pkg/foo_1.0-1.dsc &&
	both a import-dsc ../pkg/foo_1.0-1.dsc other &&
	both_failed a &&
	test_grep "Branch refs/heads/other already exists" a.o.err &&
	test_grep "Branch refs/heads/other already exists" a.p.err
'

test_expect_success 'a Dgit: commit that is not fast forward: refused unless +BRANCH, as Perl dgit' '
	with_dgit_field "$(cat uploader) elsewhere archive/elsewhere/1.0-1 file:///nonexistent" &&
	both a --no-chase-dsc-distro import-dsc ../pkg/foo_1.0-1.dsc other &&
	both_failed a &&
	test_grep "Not fast forward to $(cat uploader)" a.o.err &&
	test_grep "Not fast forward to $(cat uploader)" a.p.err &&
	both a --no-chase-dsc-distro import-dsc ../pkg/foo_1.0-1.dsc +other &&
	test "$(cat a.rc)" = "0 0" &&
	test_grep "Not fast forward, forced update" a.o.err &&
	test_grep "Not fast forward, forced update" a.p.err &&
	test "$(git -C a.o rev-parse other)" = "$(cat uploader)" &&
	test "$(git -C a.p rev-parse other)" = "$(cat uploader)"
'

test_expect_success 'a file: hint URL for a distro without a git URL: refused, as Perl dgit' '
	with_dgit_field "$(cat uploader) elsewhere archive/elsewhere/1.0-1 $TRASH_DIRECTORY/server.git" &&
	git init -q h.o && git init -q h.p &&
	both h import-dsc ../pkg/foo_1.0-1.dsc +x &&
	both_failed h &&
	test_grep "hinted url with protocol file which is unsafe" h.o.err &&
	test_grep "hinted url with protocol file which is unsafe" h.p.err &&
	test_must_fail git -C h.o rev-parse -q --verify x
'

test_expect_success 'allowed by dgit.dsc-url-proto-ok.file: the commit comes from the hint URL, as with Perl dgit' '
	both h -cdgit.dsc-url-proto-ok.file=true import-dsc \
		../pkg/foo_1.0-1.dsc +x &&
	test "$(cat h.rc)" = "0 0" &&
	test "$(git -C h.o rev-parse x)" = "$(cat uploader)" &&
	test "$(git -C h.p rev-parse x)" = "$(cat uploader)"
'

test_done
