#!/bin/sh
test_description='patch headers read as git mailinfo -k reads them

gbp pq import (which Perl dgit runs for the patch commits) reads each
patch header with git mailinfo -k.  Each input here goes through the real
git mailinfo -k and through dgit_mailhdr_mailinfo (t/helper/mailinfo):
what it prints and the message it writes must be byte for byte equal, and
both must fail on the same inputs.'
. "$(dirname "$0")/test-lib.sh"

MI="$BUILD/t/helper/mailinfo"

n=0
check() {
	n=$((n + 1))
	printf '%b' "$2" >"in.$n"
	test_expect_success "$1" '
		if git mailinfo -k want.msg /dev/null <in.'$n' >want 2>/dev/null
		then
			"$MI" in.'$n' got.msg >got &&
			test_cmp want got &&
			test_cmp want.msg got.msg
		else
			test_must_fail "$MI" in.'$n' got.msg >got
		fi
	'
}

check 'RFC 2047 Q word, folded From' 'From: =?utf-8?q?Marek_Marczykowski-G=C3=B3recki?=\n <m@example.org>\nDate: Tue, 8 Oct 2024 23:32:23 +0200\nSubject: s\n\nbody\n'
check 'RFC 2047 B words in Latin-1 and UTF-8, white space between dropped' 'From: =?ISO-8859-1?B?SvZyZw==?= Schilling <js@example.org>\nSubject: =?utf-8?b?Rml4IHRoZSDigJxxdW90ZXPigJ0=?=\n =?utf-8?q?_in_the_manual?=\n\n'
check 'a broken encoded word fails' 'From: =?utf-8?x?abc?= <a@b>\n\nx\n'
check 'format-patch mail with [PATCH n/m] and a folded Subject' 'From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\nFrom: Jane Roe <roe@example.org>\nDate: Tue, 1 Jan 2019 10:00:00 +0100\nSubject: [PATCH 3/7] Do the\n thing\n\nBody line 1\n\nBody line 2\n'
check 'DEP-3 fields are headers mailinfo ignores' 'Description: d\n long\nAuthor: A B <a@b>\nLast-Update: 2020-01-01\n\nfree text\n'
check 'headers to the end of the input' 'Description: d\nBug-Debian: https://example.org/1\nBug-Debian: https://example.org/2\n'
check 'in-body headers before a diff' 'Subject: outer\n\nFrom: Inner <in@example.org>\nSubject: inner\n\nbody\ndiff --git a/f b/f\n'
check 'in-body headers without a diff are not used' 'Subject: outer\n\nFrom: Inner <in@example.org>\n\nbody\n'
check 'quoted names, comments and bare addresses' 'From: "Doe, \\"J\\" Jane" (the (real) one) <j@e>\n\n'
check 'an address as the name' 'From: a@b (Jo)\n\n'
check 'no address' 'From: Just A Name\n\nx\n'
check 'a name that is an address' 'From: x@y <a@b>\n\nx\n'
check 'body in Latin-1 declared' 'Subject: s\nContent-Type: text/plain; charset=ISO-8859-1\n\nG\xf6del\n'
check 'leading blank lines, CRLF' '\n\n  \r\nSubject: crlf\r\nFrom: C <c@d>\r\n\r\nline\r\n'
check 'text only' 'This patch just has text.\nAnd more.\n\n'
check 'patch break kinds' 'Subject: s\n\nbody\n---  \nmore\nIndex: x\n'
check 'a NUL ends a header value' 'Subject: a\0b\n\nx\n'

test_done
