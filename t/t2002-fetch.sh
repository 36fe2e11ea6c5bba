#!/bin/sh
test_description='lib/fetch over file://: sizes, hashes, cache, cleanup'
. "$(dirname "$0")/test-lib.sh"

F="$BUILD/t/helper/fetch"
C="$PWD/cache"

sum() { sha256sum <"$1" | cut -d" " -f1; }
size() { wc -c <"$1" | tr -d " "; }

test_expect_success 'set up' '
	mkdir src out &&
	head -c 300000 /dev/urandom >src/big &&
	head -c 10 /dev/urandom >src/small &&
	: >src/empty &&
	U=file://$PWD/src && echo "$U" >url
'

test_expect_success 'parallel download, checked, stored in the cache' '
	U=$(cat url) &&
	"$F" --cache "$C" --progress "$U/big" out/big $(size src/big) $(sum src/big) \
	    "$U/small" out/small 10 $(sum src/small) \
	    "$U/empty" out/empty 0 $(sum src/empty) >stdout 2>stderr &&
	cmp src/big out/big && cmp src/small out/small && cmp src/empty out/empty &&
	test_grep "^out/big 300000 $(sum src/big) net$" stdout &&
	test_grep "^progress 3/3 300010/300010 final$" stderr &&
	test -f "$C/sha256/$(sum src/big | cut -c1-2)/$(sum src/big)"
'

test_expect_success 'second download comes from the cache' '
	U=$(cat url) &&
	rm src/big.gone 2>/dev/null; mv src/big src/big.gone &&
	"$F" --cache "$C" "$U/big" out/big2 300000 $(sum src/big.gone) >stdout &&
	test_grep "^out/big2 300000 .* cache$" stdout &&
	cmp src/big.gone out/big2 &&
	mv src/big.gone src/big
'

test_expect_success 'a corrupt cache entry is dropped and downloaded again' '
	U=$(cat url) && h=$(sum src/big) &&
	chmod u+w "$C/sha256/$(echo $h | cut -c1-2)/$h" &&
	rm "$C/sha256/$(echo $h | cut -c1-2)/$h" &&
	cp src/small "$C/sha256/$(echo $h | cut -c1-2)/$h" &&
	"$F" --cache "$C" "$U/big" out/big3 300000 $h >stdout &&
	test_grep " net$" stdout && cmp src/big out/big3 &&
	cmp src/big "$C/sha256/$(echo $h | cut -c1-2)/$h"
'

test_expect_success 'hash mismatch: error, nothing left, not cached' '
	U=$(cat url) &&
	bad=$(sum src/small) &&
	test_must_fail "$F" --cache "$C" "$U/big" out/bad 300000 $bad 2>err &&
	test_grep "checksum mismatch for .*src/big. (expected sha256 $bad, got $(sum src/big))" err &&
	test_path_is_missing out/bad &&
	test_must_fail ls out/.bad* 2>/dev/null
'

test_expect_success 'a failure removes the batch files already finished' '
	U=$(cat url) &&
	test_must_fail "$F" --parallel 1 "$U/small" out/ok 10 - \
	    "$U/big" out/bad 299999 - 2>err &&
	test_grep "larger than the 299999 bytes expected" err &&
	test_path_is_missing out/ok && test_path_is_missing out/bad
'

test_expect_success 'shorter than declared: truncated after the retries' '
	U=$(cat url) &&
	test_must_fail "$F" --retries 2 "$U/small" out/s 11 - 2>err &&
	test_grep "truncated: got 10 of 11 bytes (after 3 attempts)" err &&
	test_path_is_missing out/s
'

test_expect_success 'not found, and a refused host, name the URL' '
	U=$(cat url) &&
	test_must_fail "$F" "$U/nosuch" out/n - - 2>err &&
	test_grep "src/nosuch. not found" err &&
	test_must_fail "$F" --retries 1 http://127.0.0.1:1/x out/n - - 2>err &&
	test_grep "cannot download .http://127.0.0.1:1/x.: .*127.0.0.1" err &&
	test_path_is_missing out/n
'

test_expect_success 'unknown size: capped, hash reported' '
	U=$(cat url) &&
	"$F" "$U/small" out/u - - >stdout &&
	test_grep "^out/u 10 $(sum src/small) net$" stdout
'

test_expect_success 'the final file gets the umask mode' '
	ls -l out/u | cut -c1-10 >mode &&
	echo "-rw-r--r--" >expect && test_cmp expect mode
'

test_expect_success 'clearing the cache' '
	"$F" --clear-cache "$C" &&
	test_path_is_missing "$C" &&
	"$F" --clear-cache "$C"
'

test_done
