#!/bin/sh
test_description='clone --force-import-gitapply-no-absurd: the patches must apply with gbp pq import (git apply); --force-import-gitapply-absurd changes nothing'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test_need_cmd dpkg-source
test_need_cmd gbp

# gapp 1.0-1, 3.0 (quilt): a git-format patch that git apply refuses (it
# creates a file without saying "new file mode"), which dpkg-source (GNU
# patch) applies; as the absurd-gitapply package of Debian dgit's tests.
make_gapp() (
	mkdir -p pkg/gapp-1.0/debian/patches pkg/gapp-1.0/debian/source &&
	cd pkg/gapp-1.0 &&
	echo "upstream file" >README &&
	(cd .. && tar --sort=name --mtime=@1500000000 --owner=0 --group=0 \
	    --numeric-owner -cf - gapp-1.0/README | gzip -n \
	    >gapp_1.0.orig.tar.gz) &&
	cat >debian/changelog <<-\EOF &&
	gapp (1.0-1) unstable; urgency=medium

	  * A patch git apply refuses.

	 -- Test Maintainer <maint@example.org>  Sat, 04 Feb 2023 13:44:42 +0000
	EOF
	cat >debian/control <<-\EOF &&
	Source: gapp
	Maintainer: Test Maintainer <maint@example.org>
	Standards-Version: 4.6.2

	Package: gapp
	Architecture: all
	Description: test package
	 A test package.
	EOF
	printf '#!/usr/bin/make -f\n%%:\n\tdh $@\n' >debian/rules &&
	chmod +x debian/rules &&
	echo "3.0 (quilt)" >debian/source/format &&
	cat >debian/patches/add-moo <<-\EOF &&
	From: Patch Author <patch@example.org>
	Subject: add moo

	---
	diff --git a/moo b/moo
	--- /dev/null
	+++ b/moo
	@@ -0,0 +1 @@
	+moo
	EOF
	echo add-moo >debian/patches/series &&
	cd .. &&
	dpkg-source -b gapp-1.0 >/dev/null 2>&1
)

test_expect_success 'set up an archive with gapp and hello, and the server' '
	make_gapp &&
	test -f pkg/gapp_1.0-1.dsc &&
	cat >fakegbp <<-\EOF &&
	#!/bin/sh
	echo "fake gbp pq $*" >&2
	exit 3
	EOF
	chmod +x fakegbp &&
	archive_init archive &&
	archive_add_suite archive sid unstable &&
	archive_add_dsc archive sid pkg/gapp_1.0-1.dsc &&
	archive_add_fixture archive sid hello-2 &&
	archive_update archive &&
	httpd_start archive
'
MIRROR=$(httpd_url 2>/dev/null)

test_expect_success 'git apply refuses the patch, dpkg-source applies it' '
	rm -rf ga && mkdir ga && git -C ga init -q &&
	test_must_fail git -C ga apply --index \
	    ../pkg/gapp-1.0/debian/patches/add-moo 2>err &&
	dpkg-source -x pkg/gapp_1.0-1.dsc x >/dev/null 2>&1 &&
	echo moo >expect &&
	test_cmp expect x/moo
'

test_expect_success '--force-import-gitapply-no-absurd: refused as dgit refuses it, nothing left' '
	mkdir c1 &&
	(cd c1 && test_must_fail d --force-import-gitapply-no-absurd \
	    clone gapp sid >../out 2>../err) &&
	test_grep "gbp pq import failed" err &&
	test_grep "force-import-gitapply-no-absurd" err &&
	test "$(ls -A c1)" = ""
'

test_expect_success 'without it, and with --force-import-gitapply-absurd: the tree dpkg-source -x makes, one commit id' '
	ref=$(dsc_reference_tree pkg/gapp_1.0-1.dsc) &&
	mkdir c2 c3 &&
	(cd c2 && d clone gapp sid >../out 2>../err) &&
	(cd c3 && d --force-import-gitapply-absurd clone gapp sid \
	    >../out 2>../err) &&
	test "$(git -C c2/gapp rev-parse "HEAD^{tree}")" = "$ref" &&
	test_cmp x/moo c2/gapp/moo &&
	test "$(git -C c2/gapp rev-parse HEAD)" = \
	    "$(git -C c3/gapp rev-parse HEAD)"
'

test_expect_success '--force-import-gitapply-no-absurd where git apply takes the patches: gbp pq import makes them, the same commits' '
	mkdir c4 c5 &&
	(cd c4 && d clone hello sid >../out 2>../err) &&
	(cd c5 && d -D --force-import-gitapply-no-absurd clone hello sid \
	    >../out 2>../err) &&
	test_grep "importing the patches with gbp pq import" err &&
	test "$(git -C c4/hello rev-parse HEAD)" = \
	    "$(git -C c5/hello rev-parse HEAD)" &&
	test "$(ls -A c5/hello/.git | grep -c gbp-pq)" = 0
'

test_expect_success '--force-import-gitapply-no-absurd runs the gbp pq dgit is told to use' '
	mkdir c6 &&
	(cd c6 && test_must_fail d --gbp-pq="$PWD/../fakegbp" \
	    --force-import-gitapply-no-absurd clone hello sid \
	    >../out 2>../err) &&
	test_grep "fake gbp pq import" err &&
	test_grep "fakegbp import failed" err &&
	test "$(ls -A c6)" = ""
'

test_expect_success 'import-dsc --force-import-gitapply-no-absurd: refused, no branch; with git apply'"'"'s patches the same commit' '
	git init -q imp &&
	(cd imp && test_must_fail "$DGIT" --force-import-gitapply-no-absurd \
	    import-dsc ../pkg/gapp_1.0-1.dsc +g 2>../err) &&
	test_grep "gbp pq import failed" err &&
	test_must_fail git -C imp rev-parse -q --verify refs/heads/g &&
	(cd imp && "$DGIT" import-dsc ../pkg/gapp_1.0-1.dsc +g2 &&
	 "$DGIT" --force-import-gitapply-absurd import-dsc \
	    ../pkg/gapp_1.0-1.dsc +g3) >out 2>err &&
	test "$(git -C imp rev-parse g2)" = "$(git -C imp rev-parse g3)" &&
	dsc=$(fixture_built hello-2) &&
	(cd imp && "$DGIT" import-dsc "$dsc" +h1 &&
	 "$DGIT" --force-import-gitapply-no-absurd import-dsc "$dsc" +h2) \
	    >out 2>err &&
	test "$(git -C imp rev-parse h1)" = "$(git -C imp rev-parse h2)" &&
	(cd imp && test_must_fail "$DGIT" --gbp-pq="$PWD/../fakegbp" \
	    --force-import-gitapply-no-absurd import-dsc "$dsc" +h3 \
	    2>../err) &&
	test_grep "fake gbp pq import" err &&
	test_must_fail git -C imp rev-parse -q --verify refs/heads/h3
'

test_done
