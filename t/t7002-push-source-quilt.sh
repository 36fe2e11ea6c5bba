#!/bin/sh
test_description='push-source of a 3.0 (quilt) package: quilt fixup, build, the same-tree check, clone back'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-localarchive.sh"



# tree_of REPO: HEAD's files as git would check them out (no .git)
tree_of() {
	rm -rf "$2" && mkdir "$2" &&
	git -C "$1" archive HEAD | tar -x -C "$2"
}

# unpack_pool PKG VERSION DIR: dpkg-source -x of the archive's .dsc
unpack_pool() {
	rm -rf "$3" &&
	dpkg-source -x "$LA/public/pool/main/h/$1/$1_$2.dsc" "$3" >/dev/null 2>&1 &&
	rm -rf "$3/.pc"
}

test_expect_success 'set up a local archive and hello 1.0-1 as dpkg-source -x has it' '
	la_init >/dev/null &&
	dsc_tree hello-1 w
'

# bin/git: logs its arguments to git.log, then runs git
test_expect_success 'push-source --new builds it (no fixup needed) and publishes it; the index is refreshed once' '
	mkdir bin &&
	cat >bin/git <<-EOF &&
	#!/bin/sh
	echo "\$*" >>"$PWD/git.log"
	exec $(command -v git) "\$@"
	EOF
	chmod +x bin/git &&
	head=$(git -C w/hello rev-parse HEAD) &&
	(cd w/hello && PATH=$TRASH_DIRECTORY/bin:$PATH \
	    "$DGIT" -d local push-source --new) >out 2>err &&
	test "$(grep -c "^update-index" git.log)" = 1 &&
	test "$(git -C w/hello rev-parse HEAD)" = "$head" &&
	test "$(git --git-dir="$LA/git/hello.git" rev-parse refs/dgit/sid)" = "$head" &&
	test -x "$LA/git/hello.git/hooks/pre-receive" &&
	unpack_pool hello 1.0-1 x1 && tree_of w/hello t1 &&
	diff -r x1 t1
'

test_expect_success 'clone it, change an upstream file, dch, push-source: a new patch' '
	mkdir c && (cd c && "$DGIT" -d local clone hello sid) >/dev/null 2>&1 &&
	(cd c/hello &&
	 echo "Hello, quilt." >>README &&
	 git commit -q -a -m "Greet quilt too" &&
	 echo "*.o" >debian/.gitignore && git add debian/.gitignore &&
	 git commit -q -m "Ignore objects" &&
	 dch -v 1.0-2 -D unstable --force-distribution "Greet quilt." &&
	 git commit -q -a -m "1.0-2") &&
	before=$(git -C c/hello rev-parse HEAD) &&
	(cd c/hello && "$DGIT" -d local push-source) >out 2>err &&
	head=$(git -C c/hello rev-parse HEAD) &&
	test "$(git -C c/hello rev-parse HEAD^)" = "$before" &&
	git -C c/hello log -1 --format=%s >subject &&
	echo "Commit Debian 3.0 (quilt) metadata" >expect &&
	test_cmp expect subject &&
	tail -n 1 c/hello/debian/patches/series >last &&
	echo greet-quilt-too.patch >expect &&
	test_cmp expect last &&
	test_grep "^+Hello, quilt\\.\$" c/hello/debian/patches/greet-quilt-too.patch &&
	test -z "$(git -C c/hello status --porcelain)" &&
	test "$(git --git-dir="$LA/git/hello.git" rev-parse refs/dgit/sid)" = "$head" &&
	git -C c/hello verify-tag archive/local/1.0-2 2>/dev/null &&
	git -C c/hello cat-file tag archive/local/1.0-2 >tag &&
	test_grep "^\[dgit distro=local no-split --quilt=linear\]\$" tag
'

test_expect_success 'dpkg-source -x of the published .dsc is the pushed tree, debian/.gitignore too (dgit'"'"'s dpkg-source ignores)' '
	unpack_pool hello 1.0-2 x2 && tree_of c/hello t2 &&
	diff -r x2 t2 &&
	test_grep "Hello, quilt" x2/README &&
	test -f x2/debian/.gitignore
'

test_expect_success 'a fresh clone gives exactly the pushed commit' '
	mkdir c2 && (cd c2 && "$DGIT" -d local clone hello sid) >/dev/null 2>&1 &&
	test "$(git -C c2/hello rev-parse HEAD)" = "$(git -C c/hello rev-parse HEAD)"
'

test_done
