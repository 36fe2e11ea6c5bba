#!/bin/sh
test_description='local-archive serve: its published archive, read-only, over HTTP on 127.0.0.1, nothing else'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-localarchive.sh"

test_need_cmd python3
test_need_cmd curl

serve_cleanup_() {
	[ -f "$TRASH_DIRECTORY/serve.pid" ] &&
	    kill "$(cat "$TRASH_DIRECTORY/serve.pid")" 2>/dev/null
	return 0
}
test_atexit serve_cleanup_

# start_serve: serve $LA on a free port (in ./port: test bodies run in
# subshells), wait until it answers
start_serve() {
	for try in 1 2 3 4 5 6 7 8; do
		PORT=$(( 20000 + ($$ * 7 + try * 131) % 30000 ))
		"$DGIT" local-archive serve "$LA" --port $PORT >serve.out 2>&1 &
		echo $! >serve.pid
		n=0
		while [ $n -lt 50 ]; do
			curl -s -o /dev/null "http://127.0.0.1:$PORT/" &&
			    echo $PORT >port && return 0
			kill -0 "$(cat serve.pid)" 2>/dev/null || break
			sleep 0.1; n=$((n + 1))
		done
		kill "$(cat serve.pid)" 2>/dev/null; wait "$(cat serve.pid)" 2>/dev/null
	done
	cat serve.out
	return 1
}

test_expect_success 'a local archive to serve' '
	la_init &&
	test -f "$LA/public/dists/unstable/InRelease" &&
	test -f "$LA/archive-keyring.gpg"
'

test_expect_success 'serve gives the published files byte for byte' '
	start_serve &&
	test_grep "http://127.0.0.1:$PORT/" serve.out &&
	curl -sf -o got "http://127.0.0.1:$PORT/dists/unstable/InRelease" &&
	cmp got "$LA/public/dists/unstable/InRelease" &&
	gpgv --keyring "$LA/archive-keyring.gpg" got 2>gpgv.out
'

# The archive key is published too (public/archive-keyring.gpg, the
# same bytes), so ../archive-keyring.gpg may be answered with that.
test_expect_success 'nothing outside the published archive is served' '
	PORT=$(cat port) &&
	for p in ../uploaders-keyring.gpg %2e%2e/uploaders-keyring.gpg \
	    ../gnupg/pubring.kbx ..%2fgnupg/pubring.kbx ../git/ \
	    ../reprepro/conf/distributions "%2e%2e%2freprepro/conf/incoming" \
	    /etc/passwd "%2fetc%2fpasswd" "../../../../../../etc/passwd"; do
		code=$(curl -s -o body -w "%{http_code}" \
		    --path-as-is "http://127.0.0.1:$PORT/$p") &&
		echo "$p $code" &&
		test "$code" = 404 || return 1
	done &&
	curl -s -o body --path-as-is \
	    "http://127.0.0.1:$PORT/../archive-keyring.gpg" &&
	cmp body "$LA/public/archive-keyring.gpg"
'

test_expect_success 'only GET and HEAD: a write is refused' '
	PORT=$(cat port) &&
	code=$(curl -s -o /dev/null -w "%{http_code}" -X PUT --data x \
	    "http://127.0.0.1:$PORT/dists/unstable/x") &&
	test "$code" = 501 &&
	code=$(curl -s -o /dev/null -w "%{http_code}" --data x \
	    "http://127.0.0.1:$PORT/dists/unstable/InRelease") &&
	test "$code" = 501 &&
	test_path_is_missing "$LA/public/dists/unstable/x" &&
	code=$(curl -s -I -o /dev/null -w "%{http_code}" \
	    "http://127.0.0.1:$PORT/dists/unstable/InRelease") &&
	test "$code" = 200
'

test_expect_success 'it listens on 127.0.0.1 by default' '
	PORT=$(cat port) &&
	test_grep "127.0.0.1:$PORT" serve.out &&
	kill "$(cat serve.pid)" && wait "$(cat serve.pid)" 2>/dev/null;
	rm -f serve.pid
'

test_expect_success 'a directory that is not a local archive, and a bad port, are usage errors' '
	mkdir notla &&
	test_expect_code 8 "$DGIT" local-archive serve notla --port 1 2>err &&
	test_grep "is not a local archive" err &&
	test_expect_code 8 "$DGIT" local-archive serve "$LA" --port 70000 2>err &&
	test_grep "not a port number" err &&
	test_expect_code 8 "$DGIT" local-archive serve 2>err
'

test_done
