#!/bin/sh
test_description='push: the git server'"'"'s policy, asked before anything is signed

dgit asks the git host (through dgit-distro.DISTRO.ssh) the rune
": dgit DISTRO policy-client-query PACKAGE tainted-objects SUITE ; true"
(Perl dgit'"'"'s, which dgit-ssh-dispatch runs); a history containing an
object of its JSON answer that no --deliberately given overrides fails
before signing with dgit'"'"'s tainted_objects_message text and
"You can retry the push"; --force-push-tainted only warns.  A push that
may rewind the server declares in its tag the server'"'"'s tags and heads
as `git ls-remote` lists them ("previously"); dep14tag=no makes only
the archive/ tag.'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-localarchive.sh"

SERVER="$LA/git/newnative.git"

test_expect_success 'a local archive with newnative 3.1, a clone, a policy on the git host' '
	la_init >/dev/null &&
	mkdir w && cp -a "$FIXTURES_DIR/newnative/tree" w/newnative &&
	(cd w/newnative && git init -q && git add -A &&
	 git commit -q -m "newnative as the maintainer has it" &&
	 "$DGIT" -d local push-source --new) >out 2>err &&
	mkdir c && (cd c && "$DGIT" -d local clone newnative sid) >/dev/null 2>&1 &&
	(cd c/newnative &&
	 echo FORBIDDEN >debian/some-file && git add debian/some-file &&
	 git commit -q -m forbidden &&
	 dch -v 3.2 -D unstable --force-distribution "Forbidden." &&
	 git commit -q -a -m 3.2) &&
	bad=$(git -C c/newnative rev-parse HEAD:debian/some-file) &&
	mkdir bin &&
	cat >bin/policy-ssh <<-EOF &&
	#!/bin/sh
	echo "\$1 \$2" >>"$TRASH_DIRECTORY/runes"
	cat "$TRASH_DIRECTORY/answer"
	EOF
	chmod +x bin/policy-ssh &&
	printf "[{\"gitobjid\":\"%s\",\"gitobjtype\":\"blob\",\"time\":1704067200,\"comment\":\"forbidden for testing\",\"overrides\":[\"--deliberately-include-questionable-history\"]}]\n" \
	    "$bad" >answer
'

p() {
	"$DGIT" -d local -c dgit-distro.local.git-host=githost \
	    -c "dgit-distro.local.ssh=$TRASH_DIRECTORY/bin/policy-ssh" "$@"
}

test_expect_success 'a tainted blob in HEAD: refused before signing, as dgit says it' '
	bad=$(git -C c/newnative rev-parse HEAD:debian/some-file) &&
	(cd c/newnative && test_must_fail p push-source) >out 2>err &&
	test_grep "^githost : dgit local policy-client-query newnative tainted-objects sid ; true$" runes &&
	test_grep "^dgit: error: pushing tainted objects (which server would reject)$" err &&
	test_grep "^History contains tainted blob $bad$" err &&
	test_grep "^Taint recorded at time 2024-01-01 00:00:00 Z for any package$" err &&
	test_grep "^Reason: forbidden for testing$" err &&
	test_grep "^Could perhaps be forced using --deliberately.  Consult documentation.$" err &&
	test_grep "^dgit: Push failed, while preparing your push.$" err &&
	test_grep "^dgit: You can retry the push, after fixing the problem, if you like.$" err &&
	test -z "$(git -C c/newnative tag -l "*3.2*")" &&
	test_must_fail git --git-dir="$SERVER" cat-file -e "$bad"
'

test_expect_success '--force-push-tainted: a warning, and the push goes on (-L signs)' '
	(cd c/newnative && p -L push-source --force-push-tainted) >out 2>err &&
	test_grep "warning: overriding problem due to --force:" err &&
	test_grep "Reason: forbidden for testing" err &&
	git -C c/newnative tag -d archive/local/3.2 local/3.2 >/dev/null
'

test_expect_success 'the --deliberately the taint names: no complaint, said in the tag' '
	(cd c/newnative && p -L push-source \
	    --deliberately-include-questionable-history) >out 2>err &&
	! test_grep "tainted" err &&
	git -C c/newnative cat-file tag archive/local/3.2 >tag &&
	test_grep "^\[dgit distro=local .*--deliberately-include-questionable-history\]$" tag &&
	git -C c/newnative tag -d archive/local/3.2 local/3.2 >/dev/null
'

test_expect_success 'any --deliberately-WORD: said in the tag, in order; a TEST-dgit-only- form acts here only' '
	(cd c/newnative && p -L --deliberately-frob-1.0 push-source \
	    --deliberately-TEST-dgit-only-include-questionable-history) \
	    >out 2>err &&
	! test_grep "tainted" err &&
	git -C c/newnative cat-file tag archive/local/3.2 >tag &&
	test_grep "^\[dgit distro=local no-split --deliberately-frob-1.0 --deliberately-TEST-dgit-only-include-questionable-history\]$" tag &&
	git -C c/newnative tag -d archive/local/3.2 local/3.2 >/dev/null
'

test_expect_success 'a --deliberately- not followed by a word: a usage error' '
	(cd c/newnative && test_must_fail p -L push-source \
	    --deliberately-Bad) >out 2>err &&
	test_grep "^dgit: push-source: bad option .--deliberately-Bad." err &&
	test -z "$(git -C c/newnative tag -l "*3.2*")"
'

test_expect_success 'policy-query-supported-ssh=false: the host is not asked' '
	rm -f runes &&
	(cd c/newnative && p -c dgit-distro.local.policy-query-supported-ssh=false \
	    -L push-source) >out 2>err &&
	test_path_is_missing runes &&
	git -C c/newnative tag -d archive/local/3.2 local/3.2 >/dev/null
'

test_expect_success 'a query that fails: ignored when "unknown", an error when "true"' '
	printf "#!/bin/sh\nexit 3\n" >bin/policy-ssh &&
	(cd c/newnative && p -L push-source) >out 2>err &&
	git -C c/newnative tag -d archive/local/3.2 local/3.2 >/dev/null &&
	(cd c/newnative && test_must_fail p \
	    -c dgit-distro.local.policy-query-supported-ssh=true \
	    -L push-source) >out 2>err &&
	test_grep "policy-client-query exited with status 3" err &&
	test -z "$(git -C c/newnative tag -l "*3.2*")"
'

test_expect_success 'a malformed answer is an error' '
	printf "#!/bin/sh\necho \"{not json\"\n" >bin/policy-ssh &&
	(cd c/newnative && test_must_fail p -L push-source) >out 2>err &&
	test_grep "tainted objects" err &&
	test -z "$(git -C c/newnative tag -l "*3.2*")"
'

test_expect_success '--deliberately-not-fast-forward: the tag declares the server'"'"'s refs as git ls-remote lists them' '
	(cd c/newnative && "$DGIT" -d local -L push-source \
	    --deliberately-not-fast-forward) >out 2>err &&
	git ls-remote "$SERVER" "refs/tags/*" "refs/heads/*" "refs/dgit/sid" |
	    sed -n "/\^{}\$/d; s,^\([0-9a-f]*\)	refs/\(.*\),[dgit previously:\2=\1],p" |
	    LC_ALL=C sort -t: -k2 >want &&
	test -s want &&
	git -C c/newnative cat-file tag archive/local/3.2 |
	    grep "^\[dgit previously:" >got &&
	test_cmp want got &&
	git -C c/newnative tag -d archive/local/3.2 local/3.2 >/dev/null
'

test_expect_success 'dep14tag=no: only the archive/ tag' '
	(cd c/newnative && "$DGIT" -d local -c dgit-distro.local.dep14tag=no \
	    -L push-source) >out 2>err &&
	git -C c/newnative rev-parse -q --verify refs/tags/archive/local/3.2 &&
	test_must_fail git -C c/newnative rev-parse -q --verify refs/tags/local/3.2 &&
	(cd c/newnative && test_must_fail "$DGIT" -d local \
	    -c dgit-distro.local.dep14tag=sometimes -L push-source) 2>err &&
	test_grep "unknown dep14tag setting .sometimes." err
'

test_done
