#!/bin/sh
test_description='build-source in the working tree itself when it is HEAD'"'"'s tree, from an export otherwise'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test_need_cmd dpkg-source
test_need_cmd dpkg-genchanges

new_repo() {
	hello_repo "$1" more
}

# by_hand NAME: dpkg-source -b and dpkg-genchanges -S, run here on git
# archive's export of NAME/hello's HEAD (after its quilt fixup), the
# products in NAME/hand.
by_hand() (
	mkdir "$1/hand" && cp "$1"/hello_1.0.orig.tar.gz* "$1/hand/" &&
	mkdir "$1/hand/hello-1.0" &&
	umask 022 &&
	git -C "$1/hello" archive HEAD |
	    tar -x --no-same-permissions -C "$1/hand/hello-1.0" &&
	cd "$1/hand" &&
	dpkg-source "-i(?:^|/)\\.git(?:/|$)" -I.git -b --include-removal \
	    --no-preparation -- hello-1.0 >/dev/null 2>&1 &&
	cd hello-1.0 && dpkg-genchanges -S -O../hello_1.0-1_source.changes \
	    >/dev/null 2>&1
)

test_expect_success 'a clean working tree is built in place: the products are those of dpkg-source -b on an export, the tree untouched' '
	new_repo a &&
	(cd a/hello && "$DGIT" -D build-source --no-check-archive >../out 2>&1) &&
	test_grep "the working tree, which is HEAD.s tree" a/out &&
	! grep -q "building from an export" a/out &&
	test -z "$(git -C a/hello status --porcelain --ignored)" &&
	by_hand a &&
	test_cmp a/hand/hello_1.0-1.dsc a/hello_1.0-1.dsc &&
	test_cmp a/hand/hello_1.0-1.debian.tar.xz a/hello_1.0-1.debian.tar.xz &&
	test_cmp a/hand/hello_1.0-1_source.changes a/hello_1.0-1_source.changes &&
	test -z "$(ls -A a | grep dgit-build)"
'

test_expect_success 'files the umask made group-writable: built from an export, whose modes are those of git' '
	new_repo u &&
	chmod -R g+w u/hello/debian &&
	(cd u/hello && "$DGIT" -D build-source --no-check-archive >../out 2>&1) &&
	! grep -q "the working tree, which is HEAD.s tree" u/out &&
	tar -tvJf u/hello_1.0-1.debian.tar.xz >u/list &&
	test_grep "^-rw-r--r-- .* debian/control\$" u/list &&
	test_grep "^-rwxr-xr-x .* debian/rules\$" u/list &&
	test_grep "^drwxr-xr-x .* debian/patches/\$" u/list
'

test_expect_success 'an ignored file: built from an export, without it' '
	new_repo i &&
	(cd i/hello && echo "*.o" >.git/info/exclude && echo x >a.o &&
	 "$DGIT" -D build-source --no-check-archive -wci >../out 2>&1) &&
	! grep -q "the working tree, which is HEAD.s tree" i/out &&
	rm -rf i/x && dpkg-source --no-check -x i/hello_1.0-1.dsc i/x \
	    >/dev/null 2>&1 &&
	test_path_is_missing i/x/a.o &&
	test "$(dsc_reference_tree i/hello_1.0-1.dsc)" = \
	    "$(git -C i/hello rev-parse HEAD^{tree})"
'

test_expect_success 'a difference git status cannot see (core.fileMode false): the check finds it, the export is built' '
	new_repo m &&
	(cd m/hello && git config core.fileMode false && chmod +x debian/control &&
	 test -z "$(git status --porcelain --ignored)" &&
	 "$DGIT" -D build-source --no-check-archive >../out 2>&1) &&
	test_grep "the working tree, which is HEAD.s tree" m/out &&
	test_grep "building from an export of HEAD" m/out &&
	rm -rf m/x && dpkg-source --no-check -x m/hello_1.0-1.dsc m/x \
	    >/dev/null 2>&1 &&
	test -f m/x/debian/control && ! test -x m/x/debian/control &&
	test "$(dsc_reference_tree m/hello_1.0-1.dsc)" = \
	    "$(git -C m/hello rev-parse HEAD^{tree})" &&
	test -z "$(ls -A m | grep dgit-build)"
'

test_done
