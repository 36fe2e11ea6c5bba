#!/bin/sh
test_description='patch headers give the commits gbp pq import makes

dgit makes one commit per quilt patch with gbp pq import, the changelog
maintainer and date standing in for a missing author.  Each header here
goes through the real gbp pq import and through dgit_quilt_header_parse +
dgit_quilt_commit_message (t/helper/quilt-header): author, date and the
exact commit message must agree.'
. "$(dirname "$0")/test-lib.sh"

HDR="$BUILD/t/helper/quilt-header"

test_need_cmd gbp

MAINT_NAME='Maint Ainer'
MAINT_EMAIL='m@example.org'
MAINT_DATE='1514764800 +0000'

n=0
# addpatch NAME HEADER: a patch changing its own line of f.
addpatch() {
	n=$((n + 1))
	l=$((n * 4))
	mkdir -p "pp/$(dirname "$1")"
	printf -- "$2--- a/f\n+++ b/f\n@@ -$l,3 +$l,3 @@\n $l\n-$((l + 1))\n+X\n $((l + 2))\n" \
	    >"pp/$1"
	echo "$1" >>pp/series
}

# addbig NAME HEADER: a patch that adds a file of 1.5 MB (over any cap
# on a header's size), so the header is read from a big patch.
addbig() {
	n=$((n + 1))
	lines=24000
	{ printf -- "$2--- /dev/null\n+++ b/big$n\n@@ -0,0 +1,$lines @@\n"
	  seq 1 $lines | sed "s/.*/+line & of a big file, long enough to be 64 bytes wide/"
	} >"pp/$1"
	echo "$1" >>pp/series
}

mkdir pp
addpatch dep3.patch 'Description: Fix the frobnicator\n The frobnicator broke on Tuesdays.\n .\n Now it does not.\nAuthor: Jane Doe <jane@example.org>\nForwarded: no\nLast-Update: 2020-01-01\n\n'
addpatch mail.patch 'From 1234abcd Mon Sep 17 00:00:00 2001\nFrom: Jane Roe <roe@example.org>\nDate: Tue, 1 Jan 2019 10:00:00 +0100\nSubject: [PATCH 2/3] Do the\n thing\n\nBody line 1\n\nBody line 2\n---\n f | 2 +-\n\n'
addpatch bare-one.diff ''
addpatch subj.patch 'Subject: Short one\nFrom: bob@example.org\n\n'
addpatch text.patch 'This patch just has text.\nAnd more.\n\n'
addpatch nameonly.patch 'Description:\n Real subject\n more\nAuthor: Just A Name\n\n'
addpatch fields.patch 'Origin: upstream\nDescription: d\n long\nAuthor: A B <a@b>\nBug: y\n\nfree text\n\n'
addpatch fields2.patch 'Description: d\nOrigin: upstream\nAuthor: A B <a@b>\n\n'
addpatch long.patch 'Description: d\n long1\n .\n long2\nAuthor: A B <a@b>\n\nfree\n'
addpatch freefirst.patch 'free first\n\nDescription: d\nAuthor: A B <a@b>\n\n'
addpatch sob.patch 'Author: A B <a@b>\nDescription: d\nSigned-off-by: X <x@y>\n'
addpatch extra.patch 'Description: d\nAuthor: A <a@b>\n\nExtra text\n\n'
addpatch index.patch 'Description: d\nAuthor: A <a@b>\n\nIndex: f\n===================================================================\n'
addpatch date.patch 'Description: d\nAuthor: A <a@b>\nDate: Wed, 5 May 2021 10:00:00 +0200\n\n'
addpatch date2.patch 'Description: d\nAuthor: A <a@b>\nDate: 5 May 2021 10:00 -0130\n\n'
addpatch sub/dir/topic.patch 'Description: in sub\nAuthor: A <a@b>\n\n'
addpatch dep3subj.patch 'Subject: [PATCH] dep3 subject\nAuthor: A <a@b>\n\n'
addpatch quoted.patch 'Description: d\nFrom: "Doe, Jane" <j@e>\n\n'
addpatch 0001-Do-thing.patch 'From: A <a@b>\nSubject: Do thing\n\n'
addpatch noname.patch 'Description: d\nAuthor: <a@b>\n\n'
addpatch frombeats.patch 'Description: d\nAuthor: A <a@b>\nFrom: C <c@d>\n\n'
addpatch freeinpara.patch 'Description: d\nFree line in para\nAuthor: A <a@b>\n\n'
addpatch secondpara.patch 'Author: A <a@b>\n\nDescription: d\n\n'
addpatch mime.patch 'From 1234 Mon Sep 17 00:00:00 2001\nFrom: A <a@b>\nDate: Wed, 5 May 2021 10:00:00 +0200\nSubject: [PATCH] s\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n\nbody\n---\n'
addpatch subjfold.patch 'Subject: subj\n long\nOrigin: o\nFrom: A <a@b>\n\n'
addpatch subjwins.patch 'Subject: subj\nDescription: desc\n more\nAuthor: A <a@b>\n\n'
addpatch fieldcont.patch 'Description: d\nAuthor: A <a@b>\nOrigin: x\n  continued\n\n'
addpatch blanks.patch 'Description: d\nAuthor: A <a@b>\n\n\n\nfree\n\n\nmore\n\n\n'
addpatch crlf.patch 'Description: d\r\nAuthor: A <a@b>\r\n\r\nfree\r\n'
addpatch spaced.patch 'Description:   spaced subject  \nAuthor:   A   <a@b>  \n\n'
addpatch lower.patch 'description: lower\nauthor: L <l@x>\n\n'
addbig big.patch 'Description: a big one\n long text\nAuthor: B <b@x>\n\nfree text\n\n'
addbig bigcr.patch 'Description: big, CRLF\r\nAuthor: C <c@x>\r\n\r\n'
addbig bigbare.patch ''

test_expect_success 'gbp pq import of the series' '
	mkdir -p w/debian/source && cd w && git init -q &&
	seq 1 $((n * 4 + 10)) >f &&
	printf "Source: pkg\nMaintainer: $MAINT_NAME <$MAINT_EMAIL>\n\nPackage: pkg\nArchitecture: all\nDescription: x\n y\n" >debian/control &&
	printf "pkg (1.0-1) unstable; urgency=medium\n\n  * x\n\n -- $MAINT_NAME <$MAINT_EMAIL>  Mon, 01 Jan 2018 00:00:00 +0000\n" >debian/changelog &&
	echo "3.0 (quilt)" >debian/source/format &&
	cp -R ../pp debian/patches &&
	git add -A && git commit -q -m base &&
	GIT_AUTHOR_NAME=$MAINT_NAME GIT_AUTHOR_EMAIL=$MAINT_EMAIL \
	GIT_AUTHOR_DATE=$MAINT_DATE GIT_COMMITTER_NAME=$MAINT_NAME \
	GIT_COMMITTER_EMAIL=$MAINT_EMAIL GIT_COMMITTER_DATE=$MAINT_DATE \
	    gbp pq import &&
	git rev-list --reverse main..HEAD >../commits &&
	test $(wc -l <../commits) = $n
'

i=0
while read -r name; do
	i=$((i + 1))
	test_expect_success "commit for $name" '
		c=$(sed -n "${i}p" commits) &&
		git -C w log -1 --date=raw --format="%an|%ae|%ad" $c >want &&
		git -C w cat-file commit $c | sed "1,/^\$/d" >>want &&
		"$HDR" "pp/$name" "$name" "$MAINT_NAME" "$MAINT_EMAIL" \
		    "$MAINT_DATE" >got &&
		test_cmp want got
	'
done <pp/series

test_done
