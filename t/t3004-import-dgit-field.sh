#!/bin/sh
test_description='import-dsc: a .dsc with a Dgit: field

The commit the field names is used when the repository has it and its
tree is the one dpkg-source -x gives; otherwise the import is made from
the .dsc, saying so in one line.  --force-import-dsc-with-dgit-field
always imports.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-import.sh"

# with_dgit_field COMMIT: foo_1.0-1.dsc gains "Dgit: COMMIT ..."
with_dgit_field () {
	sed "/^Checksums-Sha1:/i\\
Dgit: $1 debian archive/debian/1.0-1 https://git.example.org/foo" \
		pkg/foo_1.0-1.dsc.orig >pkg/foo_1.0-1.dsc
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
	git init -q repo &&
	(cd repo && "$DGIT" import-dsc ../pkg/foo_1.0-1.dsc plain) &&
	tree=$(git -C repo rev-parse "plain^{tree}") &&
	git -C repo commit-tree -m "the uploader" $tree >uploader &&
	git -C repo commit-tree -m "wrong tree" \
		$(git -C repo rev-parse "plain~1^{tree}") >wrong
'

test_expect_success 'the named commit is used when present with the same tree' '
	with_dgit_field $(cat uploader) &&
	(cd repo && "$DGIT" import-dsc ../pkg/foo_1.0-1.dsc a) &&
	test "$(git -C repo rev-parse a)" = "$(cat uploader)"
'

test_expect_success '--force-import-dsc-with-dgit-field imports anyway' '
	(cd repo && "$DGIT" import-dsc --force-import-dsc-with-dgit-field \
		../pkg/foo_1.0-1.dsc b) &&
	test "$(git -C repo rev-parse b)" = "$(git -C repo rev-parse plain)"
'

test_expect_success 'a commit with another tree: import, and say so' '
	with_dgit_field $(cat wrong) &&
	(cd repo && "$DGIT" import-dsc ../pkg/foo_1.0-1.dsc c) 2>err &&
	test_grep "differs from the source package" err &&
	test $(grep -v "warning: importing unsigned .dsc" err | grep -c .) = 2 &&
	test "$(git -C repo rev-parse c)" = "$(git -C repo rev-parse plain)"
'

test_expect_success 'a commit not in the repository: import, and say so' '
	with_dgit_field 0123456789abcdef0123456789abcdef01234567 &&
	(cd repo && "$DGIT" import-dsc ../pkg/foo_1.0-1.dsc d) 2>err &&
	test_grep "not in this repository" err &&
	test "$(git -C repo rev-parse d)" = "$(git -C repo rev-parse plain)"
'

test_done
