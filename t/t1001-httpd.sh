#!/bin/sh
test_description='t/helper/httpd: files, HEAD, ranges, faults, log'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test_need_cmd curl

ms_now() { echo $(($(date +%s%N) / 1000000)); }

# The server is started at the top level so that $HTTPD_URL is set for
# every test; it is stopped at exit.
mkdir www www/sub &&
printf 'hello world\n' >www/small.txt &&
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "line %06d of a large file\n", i }' \
    >www/big &&
printf 'x\n' >www/sub/file &&
httpd_start www || { echo "Bail out! httpd_start failed"; exit 1; }
U=$HTTPD_URL

test_expect_success 'the server listens on 127.0.0.1 and writes its port' '
	case $U in http://127.0.0.1:[0-9]*) ;; *) false ;; esac &&
	test "$(httpd_url)" = "$U"
'

test_expect_success 'GET serves files byte-identical' '
	curl -sSf -o got.small "$U/small.txt" &&
	cmp got.small www/small.txt &&
	curl -sSf -o got.big "$U/big" &&
	cmp got.big www/big &&
	curl -sSf -o got.sub "$U/sub/file" &&
	cmp got.sub www/sub/file
'

test_expect_success 'the archive served over HTTP is byte-identical' '
	archive_standard www/archive &&
	(cd www && find archive -type f ! -path "*/.lib-archive/*") >files &&
	test $(wc -l <files) -gt 30 &&
	while read -r f; do
		curl -sSf -o got "$U/$f" && cmp got "www/$f" || return 1
	done <files &&
	curl -sSf -o got "$U/archive/dists/unstable/InRelease" &&
	cmp got www/archive/dists/sid/InRelease
'

test_expect_success 'apt-get update and source work over HTTP (pipelining, by-hash)' '
	A=$PWD/aptroot &&
	: >apt.conf &&
	mkdir -p $A/etc/apt/sources.list.d $A/etc/apt/preferences.d \
	    $A/etc/apt/apt.conf.d $A/var/lib/apt/lists/partial \
	    $A/var/cache/apt/archives/partial $A/var/lib/dpkg &&
	: >$A/var/lib/dpkg/status &&
	for s in sid bookworm rc-buggy; do
		echo "deb-src [signed-by=$ARCHIVE_KEYRING] $U/archive $s main" ||
		    return 1
	done >$A/etc/apt/sources.list &&
	apt() {
		APT_CONFIG=$PWD/apt.conf apt-get -o Dir=$A/ \
		    -o Dir::State::status=$A/var/lib/dpkg/status \
		    -o Debug::NoLocking=1 -o APT::Sandbox::User="$(id -un)" \
		    -o Acquire::Languages=none -o Acquire::http::Pipeline-Depth=5 \
		    "$@"
	} &&
	apt update >apt.out 2>&1 &&
	! grep -E "^(W|E):" apt.out &&
	test_grep "^GET /archive/dists/sid/InRelease 200" "$(httpd_log)" &&
	test_grep "^GET /archive/dists/sid/main/source/by-hash/SHA256/" \
	    "$(httpd_log)" &&
	mkdir src && (cd src && apt source --download-only hello=1.0-2 \
	    >../src.out 2>&1) &&
	cmp src/hello_1.0-2.dsc www/archive/pool/main/h/hello/hello_1.0-2.dsc &&
	cmp src/hello_1.0.orig.tar.gz \
	    www/archive/pool/main/h/hello/hello_1.0.orig.tar.gz
'

test_expect_success 'HEAD: headers, Content-Length, no body' '
	curl -sSf -I "$U/big" >head &&
	test_grep "^HTTP/1.1 200" head &&
	test_grep "^Content-Length: $(wc -c <www/big)" head &&
	test_grep "^Accept-Ranges: bytes" head &&
	tail -n 1 "$(httpd_log)" >last &&
	echo "HEAD /big 200 0" >expect &&
	test_cmp expect last
'

test_expect_success 'Range: a middle slice' '
	curl -sSf -r 100-199 -D hdr -o part "$U/big" &&
	test_grep "^HTTP/1.1 206" hdr &&
	test_grep "^Content-Range: bytes 100-199/$(wc -c <www/big)" hdr &&
	dd if=www/big bs=1 skip=100 count=100 2>/dev/null >expect &&
	cmp expect part
'

test_expect_success 'Range: open-ended and suffix ranges' '
	size=$(wc -c <www/big) &&
	curl -sSf -r 1000- -o part "$U/big" &&
	tail -c $((size - 1000)) www/big >expect &&
	cmp expect part &&
	curl -sSf -r -7 -o part "$U/big" &&
	tail -c 7 www/big >expect &&
	cmp expect part
'

test_expect_success 'Range: past the end is 416' '
	test "$(curl -s -o /dev/null -w "%{http_code}" -r 999999999- "$U/big")" = 416
'

test_expect_success 'a partial download resumes with a range' '
	head -c 12345 www/big >resumed &&
	curl -sSf -C - -o resumed "$U/big" &&
	cmp resumed www/big &&
	tail -n 1 "$(httpd_log)" >last &&
	test_grep "^GET /big 206 .* bytes=12345-$" last
'

test_expect_success 'missing files and directories are 404' '
	test "$(curl -s -o /dev/null -w "%{http_code}" "$U/nope")" = 404 &&
	test "$(curl -s -o /dev/null -w "%{http_code}" "$U/sub")" = 404 &&
	test "$(curl -s -o /dev/null -w "%{http_code}" "$U/sub/")" = 404
'

test_expect_success 'paths with .. are refused' '
	test "$(curl -s -o /dev/null -w "%{http_code}" --path-as-is \
	    "$U/sub/../small.txt")" = 400 &&
	test "$(curl -s -o /dev/null -w "%{http_code}" --path-as-is \
	    "$U/../../etc/passwd")" = 400 &&
	test "$(curl -s -o /dev/null -w "%{http_code}" --path-as-is \
	    "$U/sub/%2e%2e/small.txt")" = 400
'

test_expect_success 'other methods are 405' '
	test "$(curl -s -o /dev/null -w "%{http_code}" -X POST "$U/small.txt")" = 405
'

test_expect_success 'the log has one line per request, none without one' '
	log=$(httpd_log) &&
	n1=$(wc -l <"$log") &&
	curl -sSf -o /dev/null "$U/small.txt" &&
	n2=$(wc -l <"$log") &&
	test $n2 = $((n1 + 1)) &&
	tail -n 1 "$log" >last &&
	echo "GET /small.txt 200 12" >expect &&
	test_cmp expect last &&
	sleep 0.2 &&
	test $(wc -l <"$log") = $n2
'

test_expect_success 'If-Modified-Since gives 304 for an unchanged file' '
	curl -sSf -D hdr -o /dev/null "$U/small.txt" &&
	lm=$(sed -n "s/^Last-Modified: //p" hdr | tr -d "\r") &&
	test -n "$lm" &&
	test "$(curl -s -o /dev/null -w "%{http_code}" \
	    -H "If-Modified-Since: $lm" "$U/small.txt")" = 304
'

test_expect_success 'persistent connections: two requests, one connection' '
	curl -sSf -v -o a1 "$U/small.txt" -o a2 "$U/big" 2>verbose &&
	cmp a1 www/small.txt &&
	cmp a2 www/big &&
	test_grep -i "re-using existing" verbose
'

test_expect_success 'concurrent clients: a slow one does not block others' '
	httpd_fault "delay /big 2000" &&
	start=$(ms_now) &&
	{ curl -sSf -o slow "$U/big" & } &&
	sleep 0.2 &&
	curl -sSf -o fast "$U/small.txt" &&
	fast_done=$(ms_now) &&
	wait &&
	slow_done=$(ms_now) &&
	httpd_faults_clear &&
	test $((fast_done - start)) -lt 1500 &&
	test $((slow_done - start)) -ge 2000 &&
	cmp slow www/big
'

test_expect_success 'fault: status' '
	httpd_fault "status /small.txt 404" &&
	test "$(curl -s -o /dev/null -w "%{http_code}" "$U/small.txt")" = 404 &&
	test "$(curl -s -o /dev/null -w "%{http_code}" "$U/small.txt")" = 404 &&
	test "$(curl -s -o /dev/null -w "%{http_code}" "$U/big")" = 200 &&
	httpd_faults_clear &&
	test "$(curl -s -o /dev/null -w "%{http_code}" "$U/small.txt")" = 200
'

test_expect_success 'fault: fail-once fails once, across connections' '
	httpd_fault "fail-once /small.txt 503" &&
	test "$(curl -s -o /dev/null -w "%{http_code}" "$U/small.txt")" = 503 &&
	test "$(curl -s -o /dev/null -w "%{http_code}" "$U/small.txt")" = 200 &&
	test "$(curl -s -o /dev/null -w "%{http_code}" "$U/small.txt")" = 200 &&
	httpd_faults_clear &&
	httpd_fault "fail-once /small.txt 503" &&
	test "$(curl -s -o /dev/null -w "%{http_code}" "$U/small.txt")" = 503 &&
	httpd_faults_clear
'

test_expect_success 'fault: a final * matches a prefix' '
	httpd_fault "status /sub/* 500" &&
	test "$(curl -s -o /dev/null -w "%{http_code}" "$U/sub/file")" = 500 &&
	test "$(curl -s -o /dev/null -w "%{http_code}" "$U/small.txt")" = 200 &&
	httpd_faults_clear
'

test_expect_success 'fault: truncate sends the full length, then N bytes' '
	httpd_fault "truncate /big 1000" &&
	test_expect_code 18 curl -sS -o trunc "$U/big" &&
	test $(wc -c <trunc) = 1000 &&
	head -c 1000 www/big >expect &&
	cmp expect trunc &&
	httpd_faults_clear
'

test_expect_success 'fault: oversize serves extra bytes' '
	httpd_fault "oversize /small.txt 5" &&
	curl -sSf -o over "$U/small.txt" &&
	test $(wc -c <over) = $(($(wc -c <www/small.txt) + 5)) &&
	head -c 12 over >start &&
	cmp start www/small.txt &&
	httpd_faults_clear
'

test_expect_success 'fault: corrupt flips one byte' '
	httpd_fault "corrupt /big 300" &&
	curl -sSf -o bad "$U/big" &&
	test $(wc -c <bad) = $(wc -c <www/big) &&
	cmp -l bad www/big >diffs ;
	test $(wc -l <diffs) = 1 &&
	test "$(awk "{print \$1}" diffs)" = 301 &&
	httpd_faults_clear
'

test_expect_success 'fault: no-range ignores Range' '
	httpd_fault "no-range /big" &&
	curl -sS -r 10-19 -D hdr -o whole "$U/big" &&
	test_grep "^HTTP/1.1 200" hdr &&
	cmp whole www/big &&
	httpd_faults_clear
'

test_expect_success 'fault: drop closes without an answer' '
	httpd_fault "drop /small.txt" &&
	test_expect_code 52 curl -sS -o /dev/null "$U/small.txt" &&
	httpd_faults_clear
'

test_expect_success 'fault: redirect' '
	httpd_fault "redirect /old /small.txt" &&
	curl -sS -D hdr -o /dev/null "$U/old" &&
	test_grep "^HTTP/1.1 302" hdr &&
	test_grep "^Location: /small.txt" hdr &&
	curl -sSfL -o moved "$U/old" &&
	cmp moved www/small.txt &&
	httpd_faults_clear
'

test_expect_success 'fault: delay' '
	httpd_fault "delay /small.txt 600" &&
	start=$(ms_now) &&
	curl -sSf -o /dev/null "$U/small.txt" &&
	test $(($(ms_now) - start)) -ge 600 &&
	httpd_faults_clear
'

test_expect_success 'a second server serves another directory' '
	mkdir other && echo other >other/f &&
	httpd_start other &&
	curl -sSf -o got "$(httpd_url)/f" &&
	cmp got other/f &&
	test "$(httpd_url)" != "$U" &&
	httpd_stop &&
	test_expect_code 7 curl -sS -o /dev/null "$(httpd_url)/f" 2>/dev/null
'

test_expect_success 'the first server still runs' '
	curl -sSf -o got "$U/small.txt"
'

test_done
