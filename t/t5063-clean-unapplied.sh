#!/bin/sh
test_description='the rules clean target of a patches-unapplied branch (gbp, unapplied) runs with the patches applied, as Perl dgit runs it'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test_need_cmd dpkg-source
test_need_cmd dpkg-buildpackage
test_need_cmd dh
PERL_DGIT=/usr/bin/dgit
test -x "$PERL_DGIT" || test_skip "Perl dgit ($PERL_DGIT) is not installed"

# new_repo DIR: a patches-unapplied branch of hello 1.0-1 whose rules
# clean target fails unless the patches are applied (NEWS comes from
# 02-add-news.patch), origs beside it.
clean_needs_news() {
	printf "#!/usr/bin/make -f\n%%:\n\tdh \$@\nclean:\n\ttest -f NEWS\n\tdh clean\n" \
	    >debian/rules
}
new_repo() {
	gbp_repo "$1" clean_needs_news
}

# after DIR FILE: what the clean left: status, untracked and ignored
# files included.
after() {
	git -C "$1" status --porcelain --ignored >"$2"
}

test_expect_success '--quilt=gbp --clean=dpkg-source: the clean target sees the patches; the tree is left as it was, as by Perl dgit' '
	new_repo o &&
	cp -r o p &&
	(cd o/hello && "$DGIT" --quilt=gbp --clean=dpkg-source clean) \
	    >out 2>err &&
	test_grep "test -f NEWS" out &&
	after o/hello ours &&
	(cd p/hello && "$PERL_DGIT" --quilt=gbp --clean=dpkg-source clean) \
	    >pout 2>&1 &&
	after p/hello theirs &&
	test_cmp theirs ours &&
	test ! -s ours
'

test_expect_success '--quilt=unapplied too' '
	new_repo u &&
	(cd u/hello && "$DGIT" --quilt=unapplied --clean=dpkg-source clean) \
	    >out 2>err &&
	after u/hello ours &&
	test ! -s ours
'

test_expect_success 'a linear branch: the clean target runs as it is and fails, as with Perl dgit' '
	new_repo l &&
	cp -r l pl &&
	(cd l/hello && test_must_fail "$DGIT" --quilt=linear \
	    --clean=dpkg-source clean) >out 2>err &&
	test_grep "clean target failed" err &&
	(cd pl/hello && test_must_fail "$PERL_DGIT" --quilt=linear \
	    --clean=dpkg-source clean) >pout 2>&1
'

test_done
