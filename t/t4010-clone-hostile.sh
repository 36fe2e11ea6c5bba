#!/bin/sh
test_description='clone against hostile packages: attributes defused, nothing left behind'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test_expect_success 'set up the archive and the server' '
	archive_standard archive &&
	httpd_start archive
'
MIRROR=$(httpd_url 2>/dev/null)

d() {
	"$DGIT" -c "dgit-distro.debian.mirror=$MIRROR" \
	    -c "dgit-distro.debian.archive-keyring=$ARCHIVE_KEYRING" \
	    -c "dgit-distro.debian.keyring=$UPLOADER_KEYRING" \
	    -c "dgit-distro.debian.git-check=false" "$@"
}

# Every file of HEAD's tree in the work tree $1 has its blob's bytes.
bytes_equal_blobs() (
	cd "$1" &&
	git ls-tree -r -z HEAD | tr '\0' '\n' >../lstree &&
	while IFS="	" read -r info path; do
		set -- $info
		test "$1" = 100644 || test "$1" = 100755 || continue
		git cat-file blob "$3" >../blob &&
		cmp ../blob "$path" || return 1
	done <../lstree
)

test_expect_success 'a package with * text eol=crlf and ident: checkout is the tree' '
	dsc=$(fixture_built oddities) &&
	ref=$(dsc_reference_tree "$dsc") &&
	mkdir c1 &&
	(cd c1 && d clone oddities sid >../out 2>../err) &&
	r=c1/oddities &&
	test "$(git -C $r rev-parse "HEAD^{tree}")" = "$ref" &&
	test_grep "eol=crlf" $r/.gitattributes &&
	bytes_equal_blobs $r &&
	test -z "$(git -C $r status --porcelain)" &&
	! grep "contains .gitattributes" err
'

test_expect_success 'the defusing macro is defined before it is used' '
	head -n 1 c1/oddities/.git/info/attributes >first &&
	test_grep "^\[attr\]dgit-defuse-attrs	-text -eol -crlf -ident -filter -working-tree-encoding$" first &&
	sed -n 2p c1/oddities/.git/info/attributes >second &&
	printf "*\tdgit-defuse-attrs\n" >expect &&
	test_cmp expect second
'

test_expect_success 'git reads our attributes file as it reads Perl dgit'"'"'s' '
	git -C c1/oddities check-attr -a crlf.txt >ours &&
	test_grep "text: unset" ours &&
	test_grep "ident: unset" ours &&
	test_grep "eol: unset" ours &&
	git init -q perl && (cd perl && dgit setup-gitattributes >/dev/null 2>&1) &&
	cp c1/oddities/.gitattributes c1/oddities/crlf.txt perl/ &&
	git -C perl check-attr -a crlf.txt >theirs &&
	test_cmp theirs ours
'

test_expect_success 'without set-up, clone warns as Perl dgit does' '
	mkdir c2 &&
	(cd c2 && d -c dgit.default.setup-gitattributes=false \
	    clone oddities sid >../out 2>../err) &&
	test_grep "^dgit: warning: fetched source tree contains .gitattributes$" err &&
	test_grep "^dgit: .gitattributes not (fully) defused.  Recommended: dgit setup-new-tree.$" err
'

test_expect_success 'a package without .gitattributes: no warning' '
	mkdir c3 &&
	(cd c3 && d -c dgit.default.setup-gitattributes=false \
	    clone hello sid >../out 2>../err) &&
	! grep "gitattributes" err
'

test_done
