#!/bin/sh
test_description='import-dsc links the .dsc'"'"'s files into the build products directory, as Perl dgit does'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

PERL_DGIT=/usr/bin/dgit
test -x "$PERL_DGIT" || test_skip_all "Perl dgit ($PERL_DGIT) is not installed"

# setup NAME: NAME/src holds hello-2's .dsc and files, NAME/bpd and an
# empty repository NAME/w/repo whose build products directory is ../../bpd
setup() {
	dsc=$(fixture_built hello-2) &&
	mkdir -p "$1/src" "$1/bpd" "$1/w" &&
	cp "$dsc" "$1/src/" &&
	for f in $(sed -n "/^Files:/,/^[^ ]/p" "$dsc" | awk "NF == 3 && \$1 ~ /^[0-9a-f]+\$/ { print \$3 }"); do
		cp "$(dirname "$dsc")/$f" "$1/src/" || return 1
	done &&
	git init -q "$1/w/repo" &&
	git -C "$1/w/repo" config dgit.default.build-products-dir ../../bpd
}

links() {
	(cd "$1" && for f in *; do
		if [ -L "$f" ]; then echo "$f -> $(basename "$(readlink "$f")")"
		else echo "$f file"; fi
	done)
}

test_expect_success 'the same links as Perl dgit, to files that resolve' '
	setup p && setup c &&
	cp p/src/hello_1.0.orig.tar.gz p/bpd/ && cp c/src/hello_1.0.orig.tar.gz c/bpd/ &&
	(cd p/w/repo && "$PERL_DGIT" import-dsc ../../src/hello_1.0-2.dsc +x) >p.out 2>&1 &&
	(cd c/w/repo && "$DGIT" import-dsc ../../src/hello_1.0-2.dsc +x) >c.out 2>&1 &&
	links p/bpd >p.links && links c/bpd >c.links &&
	test_cmp p.links c.links &&
	test_grep "made symlink" c.out &&
	test -f c/bpd/hello_1.0.orig.tar.gz && ! test -L c/bpd/hello_1.0.orig.tar.gz &&
	for f in c/bpd/*; do test -e "$f" || return 1; done &&
	cmp c/bpd/hello_1.0-2.debian.tar.xz c/src/hello_1.0-2.debian.tar.xz
'

test_expect_success 'a .dsc inside the working tree is refused when a file must be linked, as Perl dgit refuses it' '
	setup p2 && setup c2 &&
	cp -r p2/src p2/w/repo/in && cp -r c2/src c2/w/repo/in &&
	(cd p2/w/repo && test_must_fail "$PERL_DGIT" import-dsc in/hello_1.0-2.dsc +x) >p.out 2>&1 &&
	(cd c2/w/repo && test_must_fail "$DGIT" import-dsc in/hello_1.0-2.dsc +x) >c.out 2>&1 &&
	test_grep "inside working tree" p.out &&
	test_grep "inside working tree" c.out &&
	test_must_fail git -C c2/w/repo rev-parse -q --verify x
'

test_done
