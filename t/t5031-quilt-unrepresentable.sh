#!/bin/sh
test_description='quilt-fixup: changes 3.0 (quilt) cannot represent are refused as dgit refuses them'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test_need_cmd dpkg-source

# new_repo DIR: hello 1.0-1 patches-applied as dpkg-source -x makes it
# (its origs have a symlink, link-to-readme), origs beside it.
new_repo() {
	hello_repo "$1"
}

# the "cannot represent change" lines, without dgit's prefix
lines() {
	sed -n 's/^.*cannot represent change: /cannot represent change: /p' "$1"
}

for mode in smash single; do
	test_expect_success "$mode: a new symlink is refused, with Perl dgit's reason" '
		test_need_cmd /usr/bin/dgit &&
		rm -rf p perl &&
		new_repo p &&
		(cd p/hello && ln -s README new-link && git add new-link &&
		 git commit -q -m "a symlink") &&
		cp -r p perl &&
		(cd p/hello && test_must_fail "$DGIT" --quilt='$mode' quilt-fixup \
		    >../out 2>&1) &&
		(cd perl/hello && test_must_fail /usr/bin/dgit --quilt='$mode' \
		    quilt-fixup >../out 2>&1) &&
		lines perl/out >perl/lines &&
		lines p/out >p/lines &&
		test -s perl/lines &&
		test_cmp perl/lines p/lines &&
		test_grep "not representable by .3.0 (quilt)." p/out &&
		git -C p/hello log -1 --format=%s >p/subject &&
		echo "a symlink" >p/want &&
		test_cmp p/want p/subject
	'
done

test_expect_success 'a file turned into a symlink: the same reason as Perl dgit' '
	test_need_cmd /usr/bin/dgit &&
	new_repo t &&
	(cd t/hello && rm README && ln -s hello.c README && git add README &&
	 git commit -q -m "README a link") &&
	cp -r t tperl &&
	(cd t/hello && test_must_fail "$DGIT" --quilt=smash quilt-fixup \
	    >../out 2>&1) &&
	(cd tperl/hello && test_must_fail /usr/bin/dgit --quilt=smash \
	    quilt-fixup >../out 2>&1) &&
	lines tperl/out >tperl/lines &&
	lines t/out >t/lines &&
	test -s t/lines &&
	test_cmp tperl/lines t/lines
'

for change in "ln -sf NEWS link-to-readme" "git rm -q link-to-readme"; do
	test_expect_success "$change: the same reason as Perl dgit" '
		test_need_cmd /usr/bin/dgit &&
		rm -rf l lperl &&
		new_repo l &&
		(cd l/hello && '"$change"' && git add -A &&
		 git commit -q -m "the link") &&
		cp -r l lperl &&
		(cd l/hello && test_must_fail "$DGIT" --quilt=smash quilt-fixup \
		    >../out 2>&1) &&
		(cd lperl/hello && test_must_fail /usr/bin/dgit --quilt=smash \
		    quilt-fixup >../out 2>&1) &&
		lines lperl/out >lperl/lines &&
		lines l/out >l/lines &&
		test -s l/lines &&
		test_cmp lperl/lines l/lines
	'
done

test_expect_success 'an executable bit and a deleted file are representable' '
	new_repo x &&
	(cd x/hello && chmod +x README && git rm -q NEWS &&
	 git commit -q -a -m "chmod, rm" &&
	 "$DGIT" --quilt=smash quilt-fixup >../out 2>&1) &&
	! grep -q "cannot represent" x/out
'

test_done
