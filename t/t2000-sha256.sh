#!/bin/sh
test_description='SHA-256 of generated files agrees with sha256sum'
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'generated files of many sizes' '
	for n in 0 1 55 56 63 64 65 119 120 127 128 1000 65535 65536 65537 300000; do
		head -c $n /dev/urandom >f$n || return 1
	done &&
	sha256sum f* >expect &&
	"$BUILD"/t/helper/sha256 f* >actual &&
	test_cmp expect actual
'

test_expect_success 'missing file is an error naming it' '
	test_must_fail "$BUILD"/t/helper/sha256 nosuch 2>err &&
	test_grep "nosuch" err
'

test_done
