#!/bin/sh
test_description='SHA-256, SHA-1 and MD5 of generated files agree with sha256sum, sha1sum, md5sum'
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'generated files of many sizes' '
	for n in 0 1 55 56 63 64 65 119 120 127 128 1000 65535 65536 65537 300000 1048577; do
		head -c $n /dev/urandom >f$n || return 1
	done
'

for algo in sha256 sha1 md5; do
	test_expect_success "$algo agrees with ${algo}sum" '
		${algo}sum f* >expect &&
		"$BUILD"/t/helper/hash $algo f* >actual &&
		test_cmp expect actual
	'
done

test_expect_success 'missing file is an error naming it' '
	test_must_fail "$BUILD"/t/helper/hash sha256 nosuch 2>err &&
	test_grep "nosuch" err
'

test_done
