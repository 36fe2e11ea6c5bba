#!/bin/sh
test_description='gpgme verification against keyring files, in an ephemeral home'
. "$(dirname "$0")/test-lib.sh"

V="$BUILD/t/helper/verify"

# Two throwaway signing keys: "good" is in the keyring, "other" is not.
test_expect_success 'set up keys' '
	for k in good other; do
		mkdir -m 700 "$k.home" &&
		GNUPGHOME=$PWD/$k.home gpg --batch -q --passphrase "" \
		    --quick-gen-key "$k <$k@example.org>" ed25519 sign never \
		    2>/dev/null &&
		GNUPGHOME=$PWD/$k.home gpg --batch -q --export >$k.gpg &&
		GNUPGHOME=$PWD/$k.home gpg --batch -q --armor --export >$k.asc &&
		GNUPGHOME=$PWD/$k.home gpg --batch --with-colons \
		    --list-keys | sed -n "s/^fpr:*\([0-9A-F]*\):.*/\1/p" |
		    head -n 1 >$k.fpr || return 1
	done &&
	printf "Origin: Test\nLabel: Test\n-dash line\nDate: now\n" >msg &&
	GNUPGHOME=$PWD/good.home gpg --batch -q --clearsign -o msg.good msg &&
	GNUPGHOME=$PWD/other.home gpg --batch -q --clearsign -o msg.other msg &&
	GNUPGHOME=$PWD/good.home gpg --batch -q --detach-sign -o msg.sig msg &&
	(cd "$GNUPGHOME" && find . -type f | sort | xargs -r sha256sum) >home.before
'

test_expect_success 'good clearsigned message: exact signed text and fingerprint' '
	"$V" "$PWD/good.gpg" msg.good >text 2>err &&
	test_cmp msg text &&
	echo "fpr $(cat good.fpr)" >expect &&
	test_cmp expect err
'

test_expect_success 'armored keyring works too' '
	"$V" "$PWD/good.asc" msg.good >text &&
	test_cmp msg text
'

test_expect_success 'several keyrings: any of them may hold the key' '
	"$V" "$PWD/other.gpg:$PWD/good.gpg" msg.good >text &&
	test_cmp msg text
'

test_expect_success 'signed by a key not in the keyring' '
	test_must_fail "$V" "$PWD/good.gpg" msg.other >text 2>err &&
	test_grep "^verify: signed by an unknown key: .*not in the keyring" err &&
	test_grep "$(cat other.fpr | cut -c 25-)" err
'

test_expect_success 'a changed byte in the signed text' '
	sed "s/Label: Test/Label: Tesu/" msg.good >msg.bad &&
	! cmp msg.good msg.bad &&
	test_must_fail "$V" "$PWD/good.gpg" msg.bad >text 2>err &&
	test_grep "^verify: bad signature: bad signature on .msg.bad." err
'

test_expect_success 'an unsigned file' '
	test_must_fail "$V" "$PWD/good.gpg" msg >text 2>err &&
	test_grep "^verify: bad signature: " err
'

test_expect_success 'text outside the signed part is not returned' '
	{ echo "Injected: yes"; cat msg.good; echo "Trailer: yes"; } >msg.wrapped &&
	if "$V" "$PWD/good.gpg" msg.wrapped >text 2>err; then
		test_cmp msg text
	fi
'

test_expect_success 'detached signature: good, and over changed data' '
	"$V" "$PWD/good.gpg" msg msg.sig 2>err &&
	test_grep "^fpr $(cat good.fpr)" err &&
	echo extra >>msg &&
	test_must_fail "$V" "$PWD/good.gpg" msg msg.sig 2>err &&
	test_grep "bad signature" err
'

test_expect_success 'missing keyring file' '
	test_must_fail "$V" "$PWD/nosuch.gpg" msg.good 2>err &&
	test_grep "^verify: not found: cannot read keyring .*nosuch.gpg" err
'

test_expect_success 'the user GnuPG home is untouched and no temporary home is left' '
	(cd "$GNUPGHOME" && find . -type f | sort | xargs -r sha256sum) >home.after &&
	test_cmp home.before home.after &&
	mkdir tmp &&
	TMPDIR=$PWD/tmp "$V" "$PWD/good.gpg" msg.good >/dev/null &&
	TMPDIR=$PWD/tmp test_must_fail "$V" "$PWD/good.gpg" msg.other 2>/dev/null &&
	rmdir tmp
'

test_done
