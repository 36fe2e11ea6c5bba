#!/bin/sh
test_description='push-source as dgit-repos-server'"'"'s tag2upload mode runs it

dgit-repos-server (tag2upload) runs, in a work tree whose origs git
deborig left in ..:
  dgit -wn -pPKG --build-products-dir=../bpd setup-gitattributes
  dgit -wn -pPKG --build-products-dir=../bpd --for-push fetch SUITE
  dgit -wn -pPKG --build-products-dir=../bpd --force-uploading-source-only
       --quilt=gbp push-source --new --overwrite SUITE
(here with the tree'"'"'s own quilt mode) on a tree whose DEP-14 tag the uploader (git-debpush) made.  As Perl
dgit: all options are taken whatever the command (Perl dgit'"'"'s options
are global); the origs .. has and the build products directory lacks
are hard-linked into it ("hardlinked orig from .."); the DEP-14 tag of
the commit pushed is replaced by the push'"'"'s own (Perl dgit update-refs
it; only the archive/ tag says the version was pushed).'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-localarchive.sh"

PERL_DGIT=/usr/bin/dgit
test -x "$PERL_DGIT" || test_skip "Perl dgit ($PERL_DGIT) is not installed"

test_expect_success 'setup: a local archive and hello as dpkg-source -x has it, origs in ..' '
	la_init >/dev/null &&
	dsc_tree hello-1 w &&
	mkdir w/bpd &&
	ls w/*.orig* >origs && test -s origs
'

test_expect_success 'setup-gitattributes after a build'"'"'s options: taken, as Perl dgit' '
	for r in o p; do git init -q s.$r || return 1; done &&
	(cd s.o && "$DGIT" -wn -phello --build-products-dir=../bpd \
		setup-gitattributes) &&
	(cd s.p && "$PERL_DGIT" -wn -phello --build-products-dir=../bpd \
		setup-gitattributes) &&
	sort s.p/.git/info/attributes >attrs.p &&
	sort s.o/.git/info/attributes >attrs.o &&
	test_cmp attrs.p attrs.o
'

test_expect_success 'fetch after -wn and --for-push: taken; a package not in the suite exits 4, as Perl dgit' '
	(cd w/hello && test_expect_code 4 "$DGIT" -d local -wn -phello \
		--build-products-dir=../bpd --for-push fetch sid) 2>fetch.err &&
	test_grep "hello" fetch.err
'

test_expect_success 'the uploader'"'"'s DEP-14 tag on HEAD, as git-debpush makes it' '
	(cd w/hello &&
	 git tag -a -m "hello release 1.0-1 for unstable" local/1.0-1 HEAD) &&
	git -C w/hello cat-file tag local/1.0-1 >tag.before
'

test_expect_success 'push-source with the tag2upload options: the origs go into the bpd, the push is made' '
	(cd w/hello && "$DGIT" -d local -wn -phello \
		--build-products-dir=../bpd --force-uploading-source-only \
		--quilt=linear push-source --new --overwrite sid) >out 2>err &&
	test_grep "hardlinked orig from ..: hello_1.0.orig.tar" err &&
	for f in $(cat origs); do
		b=$(basename "$f") &&
		test "$(stat -c %i "$f")" = "$(stat -c %i "w/bpd/$b")" ||
		return 1
	done &&
	test "$(sources_version hello)" = 1.0-1
'

test_expect_success 'the DEP-14 tag is the push'"'"'s own now, on the same commit' '
	git -C w/hello cat-file tag local/1.0-1 >tag.after &&
	! test_cmp tag.before tag.after &&
	test_grep "^\[dgit distro=local" tag.after &&
	test "$(git -C w/hello rev-parse "local/1.0-1^{commit}")" = \
	    "$(git -C w/hello rev-parse HEAD)" &&
	git -C w/hello rev-parse -q --verify refs/tags/archive/local/1.0-1
'

test_expect_success 'an uploaded .dsc that dpkg-source -x unpacks' '
	dpkg-source -x "$LA"/public/pool/main/h/hello/hello_1.0-1.dsc x \
		>/dev/null 2>&1 &&
	test -f x/debian/changelog
'

test_done
