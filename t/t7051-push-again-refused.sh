#!/bin/sh
test_description='push-source of a version already pushed and uploaded is refused, as dgit refuses it

Perl dgit refuses to push a version it has tagged already ("Version ...
has already been tagged (pushed?) ... add a new changelog stanza for a
new version number and try again"): an upload the archive rejected
needs a new version.  This dgit resumes a push that was interrupted
(the tags made, the git push or the upload not done), so it refuses
only once dput has recorded the upload (PACKAGE_VERSION_source.HOST.upload):
then the push is complete.  Without that record the same rerun resumes
and uploads.'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-localarchive.sh"

LA="$TRASH_DIRECTORY/la"

la_cleanup_() {
	gpgconf --homedir "$LA/gnupg" --kill all >/dev/null 2>&1
	return 0
}
test_atexit la_cleanup_

# the state a push may change
snapshot() {
	{
		for r in "$LA"/git/*.git; do
			[ -d "$r" ] && git --git-dir="$r" for-each-ref
		done
		git -C w/newnative for-each-ref
		(cd w && find . -maxdepth 1 -type f -exec sha256sum {} + | sort)
	} >"$1"
}

test_expect_success 'setup: newnative pushed, its upload only recorded as dput records it' '
	la_init >/dev/null &&
	mkdir w && cp -a "$FIXTURES_DIR/newnative/tree" w/newnative &&
	(cd w/newnative && git init -q && git add -A &&
	 git commit -q -m "newnative as the maintainer has it") &&
	cat >fake-dput <<-\EOS &&
	#!/bin/sh
	# what dput leaves behind after an upload, and nothing more
	while [ $# -gt 2 ]; do shift; done
	echo "uploaded to $1" >"${2%.changes}.$1.upload"
	EOS
	chmod +x fake-dput &&
	(cd w/newnative && "$DGIT" -d local --dput="$TRASH_DIRECTORY/fake-dput" \
	    push-source --new) >out 2>err &&
	test -f w/newnative_3.1_source.local.upload &&
	test -z "$(sources_version newnative)"
'

test_expect_success 'the same push again: refused with dgit'"'"'s advice, nothing changed' '
	snapshot before &&
	(cd w/newnative && test_must_fail "$DGIT" -d local push-source --new) \
	    >out 2>err &&
	test_grep "has already been tagged" err &&
	test_grep "add a new changelog stanza for a new version number and try again" err &&
	snapshot after &&
	test_cmp before after &&
	test -z "$(sources_version newnative)"
'

test_expect_success 'without the record of the upload: the rerun resumes the push and uploads' '
	rm w/*.upload &&
	(cd w/newnative && "$DGIT" -d local push-source --new) >out 2>err &&
	test_grep "already made" err &&
	test_grep "uploading" err &&
	test -n "$(sources_version newnative)"
'

test_done
