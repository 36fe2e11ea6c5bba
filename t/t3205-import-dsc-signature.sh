#!/bin/sh
test_description='import-dsc: an unsigned .dsc, or one whose signature cannot be verified, is imported with the warning Perl dgit prints

Perl dgit'"'"'s import-dsc has dpkg-source check the signature: it warns
and goes on, unless --require-valid-signature.  Its warning lines are
taken from Perl dgit and dpkg-source themselves, run on the same .dsc.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test_need_cmd dpkg-source perl

test_expect_success 'setup: a signed fixture, unsigned and tampered copies' '
	dsc=$(fixture_built plain) &&
	dir=$(dirname "$dsc") &&
	base=$(basename "$dsc") &&
	mkdir -p pkg &&
	for f in $(sed -n "/^Files:/,/^[^ ]/p" "$dsc" | awk "NF == 3 && \$1 ~ /^[0-9a-f]+\$/ { print \$3 }"); do
		cp "$dir/$f" pkg/ || return 1
	done &&
	cp "$dsc" pkg/signed.dsc &&
	sed -n "/^-----BEGIN PGP SIGNED/,/^-----BEGIN PGP SIGNATURE/p" "$dsc" |
		sed "1,/^\$/d; \$d" >pkg/unsigned.dsc &&
	test_grep "^Files:" pkg/unsigned.dsc &&
	sed "s/^Standards-Version: .*/Standards-Version: 0.0.1/" "$dsc" \
		>pkg/tampered.dsc &&
	! cmp -s "$dsc" pkg/tampered.dsc &&
	git init -q repo
'

# import DSC REF [options]: import pkg/DSC as REF, stderr in err
import () {
	im_dsc=$1 im_ref=$2
	shift 2
	(cd repo && "$DGIT" import-dsc "$@" "../pkg/$im_dsc" "+$im_ref") 2>err &&
	cat err >&2 &&
	git -C repo rev-parse -q --verify "$im_ref"
}

# perl_says DSC: Perl dgit import-dsc's warning lines for pkg/DSC, in
# perl-warn (its other output and its repository are thrown away)
perl_says () {
	rm -rf perl-repo && git init -q perl-repo &&
	(cd perl-repo && perl /usr/bin/dgit import-dsc "../pkg/$1" +p) \
		>/dev/null 2>perl-err
	grep "^dgit: warning" perl-err >perl-warn
	cat perl-err >&2
	test -s perl-warn
}

test_expect_success 'unsigned: imported with Perl dgit'"'"'s warning' '
	import unsigned.dsc unsigned &&
	perl_says unsigned.dsc &&
	grep "^dgit: warning" err >ours &&
	test_cmp perl-warn ours
'

test_expect_success 'unsigned: refused with --require-valid-signature' '
	(cd repo && test_must_fail "$DGIT" import-dsc --require-valid-signature \
		../pkg/unsigned.dsc +u2) 2>err &&
	test_grep "not signed\|no signature\|signature" err &&
	test_must_fail git -C repo rev-parse -q --verify u2
'

test_expect_success 'signed by a key no keyring has: imported with the warning dgit and dpkg-source print' '
	rm -f "$GNUPGHOME/trustedkeys.gpg" &&
	import signed.dsc unknown &&
	perl_says signed.dsc &&
	grep "^dgit: warning" err >ours &&
	test_cmp perl-warn ours &&
	(cd pkg && dpkg-source -x signed.dsc ../dpkg-x) 2>dpkg-err &&
	rm -rf dpkg-x &&
	test_grep "warning: cannot verify inline signature for ./signed.dsc: no acceptable signature found" dpkg-err
'

test_expect_success 'a bad signature by a known key: imported with the warning, refused with --require-valid-signature' '
	cp "$UPLOADER_KEYRING" "$GNUPGHOME/trustedkeys.gpg" &&
	import tampered.dsc bad &&
	test_grep "^dgit: warning: cannot verify inline signature for ../pkg/tampered.dsc: no acceptable signature found\$" err &&
	(cd repo && test_must_fail "$DGIT" import-dsc --require-valid-signature \
		../pkg/tampered.dsc +bad2) 2>err &&
	test_grep "bad signature on .../pkg/tampered.dsc." err &&
	test_must_fail git -C repo rev-parse -q --verify bad2
'

test_expect_success 'a good signature by a known key: no warning' '
	import signed.dsc good &&
	! grep warning err &&
	import signed.dsc good2 --require-valid-signature
'

test_done
