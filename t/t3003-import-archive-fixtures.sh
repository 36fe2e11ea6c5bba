#!/bin/sh
test_description='import-dsc: every fixture of the test archive equals dpkg-source -x

For each fixture built by t/lib-archive.sh (dpkg-source -b), import its
.dsc and compare the final tree with the reference computed here from
dpkg-source --no-check -x (dsc_reference_tree, DESIGN.md).  Also: the
history is valid (git fsck), and importing is reproducible.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

for name in $(fixture_list); do
	test_expect_success "fixture $name: tree equals dpkg-source -x" '
		dsc=$(fixture_built '"$name"') &&
		ref=$(dsc_reference_tree "$dsc") &&
		rm -rf repo && git init -q repo &&
		(cd repo && "$DGIT" import-dsc "$dsc" +imported) 2>err &&
		got=$(git -C repo rev-parse "imported^{tree}") &&
		echo "import $got, reference $ref" &&
		test "$got" = "$ref" &&
		git -C repo fsck --strict --no-dangling &&
		rm -rf again && git init -q again &&
		(cd again && "$DGIT" import-dsc "$dsc" +imported) &&
		test "$(git -C repo rev-parse imported)" = \
			"$(git -C again rev-parse imported)"
	'
done

test_expect_success 'a .git in a tarball is dropped with a warning naming it' '
	dsc=$(fixture_built withgit) &&
	rm -rf repo && git init -q repo &&
	(cd repo && "$DGIT" import-dsc "$dsc" +imported) 2>err &&
	test_grep "warning: dropping .*\.git" err &&
	git -C repo ls-tree -r --name-only imported >files &&
	! grep "\.git/" files
'

test_expect_success 'unsigned .dsc refused with --require-valid-signature' '
	dsc=$(fixture_built plain) &&
	sed -n "/^-----BEGIN PGP SIGNED/,/^\$/d; /^-----BEGIN PGP SIGNATURE/,\$d; p" "$dsc" >unsigned.dsc &&
	# (earlier imports left symlinks to the fixtures here, as dgit does)
	for f in $(sed -n "/^Files:/,/^[^ ]/p" unsigned.dsc | awk "NF == 3 { print \$3 }"); do
		cp --remove-destination "$(dirname "$dsc")/$f" . || return 1
	done &&
	rm -rf repo && git init -q repo &&
	(cd repo && test_must_fail "$DGIT" import-dsc --require-valid-signature ../unsigned.dsc new) 2>err &&
	test_grep -i "signature\|signed" err &&
	test_must_fail git -C repo rev-parse -q --verify new
'

test_expect_success 'a signed .dsc: refused with an unknown key, accepted with it in trustedkeys.gpg' '
	dsc=$(fixture_built plain) &&
	rm -rf repo && git init -q repo &&
	(cd repo && test_must_fail "$DGIT" import-dsc --require-valid-signature "$dsc" new) 2>err &&
	test_grep "not in the keyring" err &&
	cp "$UPLOADER_KEYRING" "$GNUPGHOME/trustedkeys.gpg" &&
	(cd repo && "$DGIT" import-dsc --require-valid-signature "$dsc" new) &&
	git -C repo rev-parse -q --verify new
'

test_done
