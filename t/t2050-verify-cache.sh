#!/bin/sh
test_description='the verification cache: a hit only for the very same bytes, judged against gpgv'
. "$(dirname "$0")/test-lib.sh"

V="$BUILD/t/helper/verify"
test_need_cmd gpgv
test_need_cmd cc

# gpgv_good FILE [SIG] -- KEYRING...: gpgv's verdict as apt reads it
# (a GOODSIG status line; EXPKEYSIG, EXPSIG, REVKEYSIG, BADSIG are not);
# the signed text of a clearsigned FILE in gpgv.text.
gpgv_good() {
	f=$1 s=
	shift
	if test "$1" != --; then s=$1; shift; fi
	shift
	kr=
	for k in "$@"; do kr="$kr --keyring $k"; done
	if test -n "$s"; then
		gpgv --status-fd 1 $kr "$s" "$f" >gpgv.status 2>/dev/null
	else
		gpgv --status-fd 1 $kr -o gpgv.text "$f" >gpgv.status 2>/dev/null
	fi
	grep -q "^\[GNUPG:\] GOODSIG " gpgv.status
}

# v CACHE KEYRINGS FILE [SIG]: ours through the cache in CACHE; stdout to
# text, stderr to err.
v() {
	c=$1
	shift
	"$V" --cache "$PWD/$c" "$@" >text 2>err
}

# entry CACHE: the names of the verdict entries (not those that remember
# a key's expiry, whose not-before is 0).
entry() {
	for f in "$1"/verify/*; do
		grep -q "^not-before 0$" "$f" 2>/dev/null || basename "$f"
	done
}

test_expect_success 'set up keys and signed messages' '
	for k in good other; do
		mkdir -m 700 "$k.home" &&
		GNUPGHOME=$PWD/$k.home gpg --batch -q --passphrase "" \
		    --quick-gen-key "$k <$k@example.org>" ed25519 sign never \
		    2>/dev/null &&
		GNUPGHOME=$PWD/$k.home gpg --batch -q --export >$k.gpg &&
		GNUPGHOME=$PWD/$k.home gpg --batch --with-colons \
		    --list-keys | sed -n "s/^fpr:*\([0-9A-F]*\):.*/\1/p" |
		    head -n 1 >$k.fpr || return 1
	done &&
	GNUPGHOME=$PWD/good.home gpg --batch -q --armor --export >good.asc &&
	cat good.gpg other.gpg >both.gpg &&
	printf "Origin: Test\nLabel: Test\n-dash line\nSHA256:\n 00 1 main/x\n" >msg &&
	GNUPGHOME=$PWD/good.home gpg --batch -q --clearsign -o msg.good msg &&
	GNUPGHOME=$PWD/other.home gpg --batch -q --clearsign -o msg.other msg &&
	GNUPGHOME=$PWD/good.home gpg --batch -q --detach-sign -o msg.sig msg
'

test_expect_success 'a miss, then a hit with the same text and key as gpgv' '
	gpgv_good msg.good -- "$PWD/good.gpg" &&
	v c1 "$PWD/good.gpg" msg.good &&
	test_cmp gpgv.text text &&
	printf "fpr %s\ncache miss\n" "$(cat good.fpr)" >expect &&
	test_cmp expect err &&
	v c1 "$PWD/good.gpg" msg.good &&
	test_cmp gpgv.text text &&
	printf "fpr %s\ncache hit\n" "$(cat good.fpr)" >expect &&
	test_cmp expect err &&
	test "$(entry c1 | wc -l)" -eq 1 &&
	test "$(stat -c %a c1/verify)" = 700 &&
	test "$(stat -c %a "c1/verify/$(entry c1)")" = 600
'

test_expect_success 'the hit is the same result as no cache at all' '
	"$V" "$PWD/good.gpg" msg.good >text.nocache 2>err.nocache &&
	v c1 "$PWD/good.gpg" msg.good &&
	test_cmp text.nocache text &&
	test_grep "^cache hit" err &&
	head -n 1 err >err.fpr &&
	test_cmp err.nocache err.fpr
'

test_expect_success 'armored keyring: a miss, then a hit' '
	v c1 "$PWD/good.asc" msg.good &&
	test_grep "^cache miss" err &&
	v c1 "$PWD/good.asc" msg.good &&
	test_grep "^cache hit" err &&
	test_cmp gpgv.text text
'

test_expect_success 'detached signature: a miss, then a hit; changed data refused' '
	gpgv_good msg msg.sig -- "$PWD/good.gpg" &&
	v c2 "$PWD/good.gpg" msg msg.sig &&
	test_grep "^cache miss" err &&
	v c2 "$PWD/good.gpg" msg msg.sig &&
	test_grep "^cache hit" err &&
	test_grep "^fpr $(cat good.fpr)" err &&
	sed "s/Label: Test/Label: Tesu/" msg >msg.changed &&
	! gpgv_good msg.changed msg.sig -- "$PWD/good.gpg" &&
	test_must_fail v c2 "$PWD/good.gpg" msg.changed msg.sig &&
	test_grep "bad signature" err
'

test_expect_success 'a changed byte in the signed text: refused as gpgv refuses' '
	sed "s/Label: Test/Label: Tesu/" msg.good >msg.bad &&
	! gpgv_good msg.bad -- "$PWD/good.gpg" &&
	test_must_fail v c1 "$PWD/good.gpg" msg.bad &&
	test_grep "^verify: bad signature: " err &&
	test "$(entry c1 | wc -l)" -eq 2
'

test_expect_success 'a changed byte the signature does not cover: a miss, still good' '
	sed "s/^Label: Test$/Label: Test  /" msg.good >msg.spaces &&
	! cmp msg.good msg.spaces &&
	gpgv_good msg.spaces -- "$PWD/good.gpg" &&
	v c1 "$PWD/good.gpg" msg.spaces &&
	test_grep "^cache miss" err &&
	test_cmp gpgv.text text
'

test_expect_success 'another keyring: a miss; one without the key: refused as by gpgv' '
	v c1 "$PWD/both.gpg" msg.good &&
	test_grep "^cache miss" err &&
	gpgv_good msg.good -- "$PWD/both.gpg" &&
	test_cmp gpgv.text text &&
	! gpgv_good msg.good -- "$PWD/other.gpg" &&
	test_must_fail v c1 "$PWD/other.gpg" msg.good &&
	test_grep "^verify: signed by an unknown key: " err
'

test_expect_success 'the same keyring file with other bytes: refused as by gpgv' '
	cp good.gpg ring.gpg &&
	v c3 "$PWD/ring.gpg" msg.good &&
	v c3 "$PWD/ring.gpg" msg.good &&
	test_grep "^cache hit" err &&
	cp other.gpg ring.gpg &&
	! gpgv_good msg.good -- "$PWD/ring.gpg" &&
	test_must_fail v c3 "$PWD/ring.gpg" msg.good &&
	test_grep "^verify: signed by an unknown key: " err
'

test_expect_success 'a missing keyring is an error before any lookup' '
	test_must_fail v c1 "$PWD/nosuch.gpg" msg.good &&
	test_grep "^verify: not found: cannot read keyring .*nosuch.gpg" err
'

# tamper T CMD: a fresh good entry in cache T, changed by CMD (run in the
# entry's directory with $e its name), is a miss; the result is still
# gpgv's, and the entry is good again after.
tamper() {
	rm -rf "$1" &&
	v "$1" "$PWD/good.gpg" msg.good &&
	e=$(entry "$1") &&
	(cd "$1/verify" && eval "$2") &&
	v "$1" "$PWD/good.gpg" msg.good &&
	test_grep "^cache miss" err &&
	gpgv_good msg.good -- "$PWD/good.gpg" &&
	test_cmp gpgv.text text
}

while read -r name cmd; do
	test_expect_success "a tampered cache entry is a miss: $name" "
		tamper c4 '$cmd'
	"
done <<\EOF
fingerprint sed -i "s/^fpr .*/fpr $(cat ../../other.fpr)/" $e
checksum sed -i "s/^check .*/check $(printf %064d 0)/" $e
key-line sed -i "s/^key .*/key $(printf %064d 0)/" $e
text-hash sed -i "s/^text-sha256 .*/text-sha256 $(printf %064d 0)/" $e
not-after sed -i "s/^not-after .*/not-after 1/" $e
bad-format sed -i "s/^fpr ./fpr X/" $e
truncated truncate -s 100 $e
empty : >$e
garbage head -c 300 /dev/urandom >$e
extra-line echo more >>$e
symlink mv $e x && ln -s "$PWD/x" $e
group-writable chmod g+w $e
world-writable chmod o+w $e
directory rm $e && mkdir $e
EOF

test_expect_success 'an entry copied to another message'\''s name is a miss' '
	rm -rf c5 &&
	v c5 "$PWD/good.gpg" msg.good &&
	good=$(entry c5) &&
	v c5 "$PWD/both.gpg" msg.good &&
	other=$(entry c5 | grep -v "^$good$") &&
	cp "c5/verify/$good" "c5/verify/$other" &&
	v c5 "$PWD/both.gpg" msg.good &&
	test_grep "^cache miss" err
'

test_expect_success 'a group-writable cache directory is a miss, and not written' '
	rm -rf c6 &&
	v c6 "$PWD/good.gpg" msg.good &&
	chmod g+w c6/verify &&
	v c6 "$PWD/good.gpg" msg.good &&
	test_grep "^cache miss" err &&
	test_cmp gpgv.text text &&
	v c6 "$PWD/good.gpg" msg.spaces &&
	test "$(entry c6 | wc -l)" -eq 1 &&
	chmod g-w c6/verify &&
	v c6 "$PWD/good.gpg" msg.good &&
	test_grep "^cache hit" err
'

test_expect_success 'a symlinked cache directory is a miss' '
	rm -rf c7 c7real &&
	v c7real "$PWD/good.gpg" msg.good &&
	mkdir c7 && ln -s "$PWD/c7real/verify" c7/verify &&
	v c7 "$PWD/good.gpg" msg.good &&
	test_grep "^cache miss" err
'

if test "$(id -u)" = 0; then
	test_expect_success 'a cache directory owned by someone else is a miss' '
		rm -rf c8 &&
		v c8 "$PWD/good.gpg" msg.good &&
		chown -R nobody c8/verify &&
		v c8 "$PWD/good.gpg" msg.good &&
		test_grep "^cache miss" err &&
		test_cmp gpgv.text text &&
		v c8 "$PWD/good.gpg" msg.spaces &&
		test "$(entry c8 | wc -l)" -eq 1
	'

	test_expect_success 'an entry owned by someone else is a miss' '
		rm -rf c9 &&
		v c9 "$PWD/good.gpg" msg.good &&
		chown nobody "c9/verify/$(entry c9)" &&
		v c9 "$PWD/good.gpg" msg.good &&
		test_grep "^cache miss" err
	'
else
	test_skip 'a cache directory owned by someone else is a miss' 'needs root to give it away'
	test_skip 'an entry owned by someone else is a miss' 'needs root to give it away'
fi

# Expiry: a key that expires in a few seconds, and a signature that does.
# The second message by a key in the same keyrings takes the key's expiry
# from the cache (no key listing): its entry must end the same.
test_expect_success 'a store killed half-way: its temporary is removed once a minute old' '
	cc -shared -fPIC -o shim.so "$TEST_DIR/preload/signal-at-open.c" -ldl &&
	{ SIGNAL_AT_OPEN=".*.tmp" SIGNAL_AT_OPEN_SIG=9 ASAN_OPTIONS=verify_asan_link_order=0 \
	    LD_PRELOAD="$PWD/shim.so" "$V" --cache "$PWD/c20" \
	    "$PWD/good.gpg" msg.good >text 2>err; rc=$?; } &&
	test "$rc" = 137 &&
	ls -A c20/verify >left &&
	test "$(wc -l <left)" = 1 &&
	test_grep "^\..*\.tmp$" left &&
	v c20 "$PWD/good.gpg" msg.good &&
	test_grep "^cache miss" err &&
	test -f "c20/verify/$(cat left)" &&
	touch -d "2 minutes ago" "c20/verify/$(cat left)" &&
	v c20 "$PWD/other.gpg" msg.other &&
	test_grep "^cache miss" err &&
	test_path_is_missing "c20/verify/$(cat left)" &&
	test "$(ls -A c20/verify | grep -c "^\\.")" = 0
'

test_expect_success 'set up a key and a signature that expire soon' '
	mkdir -m 700 short.home &&
	GNUPGHOME=$PWD/short.home gpg --batch -q --passphrase "" \
	    --quick-gen-key "short <short@example.org>" ed25519 sign \
	    seconds=6 2>/dev/null &&
	GNUPGHOME=$PWD/short.home gpg --batch -q --export >short.gpg &&
	GNUPGHOME=$PWD/short.home gpg --batch --with-colons --list-keys |
	    awk -F: "\$1 == \"pub\" { print \$7 }" >short.expires &&
	test -n "$(cat short.expires)" &&
	GNUPGHOME=$PWD/short.home gpg --batch -q --clearsign -o msg.short msg &&
	GNUPGHOME=$PWD/short.home gpg --batch -q --clearsign -o msg.short2 msg.good &&
	GNUPGHOME=$PWD/good.home gpg --batch -q --default-sig-expire \
	    seconds=6 --clearsign -o msg.sigexp msg &&
	gpgv --status-fd 1 --keyring "$PWD/good.gpg" msg.sigexp 2>/dev/null |
	    awk "\$2 == \"VALIDSIG\" { print \$6 }" >sigexp.expires &&
	test "$(cat sigexp.expires)" -gt 0
'

test_expect_success 'before expiry: hits, the entry ends when gpg says the key and signature do' '
	gpgv_good msg.short -- "$PWD/short.gpg" &&
	v c10 "$PWD/short.gpg" msg.short &&
	v c10 "$PWD/short.gpg" msg.short &&
	test_grep "^cache hit" err &&
	grep "^not-after $(cat short.expires)$" "c10/verify/$(entry c10)" &&
	gpgv_good msg.sigexp -- "$PWD/good.gpg" &&
	v c11 "$PWD/good.gpg" msg.sigexp &&
	v c11 "$PWD/good.gpg" msg.sigexp &&
	test_grep "^cache hit" err &&
	grep "^not-after $(cat sigexp.expires)$" "c11/verify/$(entry c11)"
'

test_expect_success 'a second message by the same keys: the same ends' '
	gpgv_good msg.short2 -- "$PWD/short.gpg" &&
	test "$(entry c10 | wc -l)" -eq 1 &&
	v c10 "$PWD/short.gpg" msg.short2 &&
	test_grep "^cache miss" err &&
	test "$(entry c10 | wc -l)" -eq 2 &&
	test_cmp gpgv.text text &&
	test "$(grep -l "^not-after $(cat short.expires)$" c10/verify/* | wc -l)" -eq 3 &&
	v c1 "$PWD/good.gpg" msg.sigexp &&
	test_grep "^cache miss" err &&
	grep -l "^not-after $(cat sigexp.expires)$" c1/verify/* >found &&
	test "$(wc -l <found)" -eq 1 &&
	test_grep "^not-before [1-9]" $(cat found)
'

test_expect_success 'after expiry: refused as gpgv refuses, whatever the cache holds' '
	end=$(cat short.expires sigexp.expires | sort -n | tail -n 1) &&
	while test "$(date +%s)" -le "$end"; do sleep 1; done &&
	! gpgv_good msg.short -- "$PWD/short.gpg" &&
	grep "^\[GNUPG:\] EXPKEYSIG " gpgv.status &&
	test_must_fail v c10 "$PWD/short.gpg" msg.short &&
	test_grep "^verify: signed by an unknown key: no valid signature" err &&
	test_must_fail v c10 "$PWD/short.gpg" msg.short2 &&
	test_grep "^verify: signed by an unknown key: no valid signature" err &&
	! gpgv_good msg.sigexp -- "$PWD/good.gpg" &&
	grep "^\[GNUPG:\] EXPSIG " gpgv.status &&
	test_must_fail v c11 "$PWD/good.gpg" msg.sigexp &&
	test_grep "^verify: signed by an unknown key: no valid signature" err
'

test_done
