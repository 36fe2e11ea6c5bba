#!/bin/sh
test_description='dgit-repos-server under git'"'"'s stock git-http-backend behind lighttpd on 127.0.0.1: fetch, accepted and refused pushes, authentication for pushing'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-server.sh"

test_need_cmd gpg lighttpd curl python3
test -x "$(git --exec-path)/git-http-backend" ||
	test_skip_all "git-http-backend is missing"
test_atexit lighttpd_atexit_

test_expect_success 'a server directory with hello.git, served by lighttpd' '
	server_init srv &&
	"$SERVER_BIN" init-repo srv hello >/dev/null &&
	lighttpd_start srv &&
	git init -q src &&
	echo one >src/file && git -C src add file &&
	git -C src commit -q -m one && git -C src tag v1 &&
	echo two >src/file && git -C src commit -q -a -m two && git -C src tag v2 &&
	git -C src checkout -q -b other v1 &&
	echo other >src/file && git -C src commit -q -a -m other &&
	git -C src tag vother && git -C src checkout -q main
'

PORT=$(cat lighttpd.port 2>/dev/null)
ANON=http://127.0.0.1:$PORT/git
AUTH=http://uploader:secret@127.0.0.1:$PORT/git
GIT_TERMINAL_PROMPT=0 && export GIT_TERMINAL_PROMPT
unset GIT_ASKPASS SSH_ASKPASS

test_expect_success 'fetch over http: an empty repository' '
	git ls-remote "$ANON/hello.git" >out &&
	test_must_fail test -s out
'

test_expect_success 'a push without a user and password is refused by the web server' '
	T_COMMIT=v1 make_dgit_tag src >/dev/null &&
	repo_state srv/hello.git >before &&
	test_must_fail git -C src push "$ANON/hello.git" v1^{commit}:refs/dgit/sid \
	    refs/tags/archive/debian/1.0-1 2>err &&
	test_grep -e "401\|Authentication failed\|could not read Username" err &&
	repo_state srv/hello.git >after &&
	test_cmp before after
'

test_expect_success 'the first push, authenticated, is checked and accepted' '
	git -C src push "$AUTH/hello.git" v1^{commit}:refs/dgit/sid \
	    refs/tags/archive/debian/1.0-1 2>err &&
	test_grep "remote: .*accepted hello 1.0-1 for sid" err &&
	git -C src rev-parse v1^{commit} >want &&
	git -C srv/hello.git rev-parse refs/dgit/sid >got &&
	test_cmp want got
'

test_expect_success 'clone over http gets the pushed branch and tag' '
	git clone -q "$ANON/hello.git" c &&
	git -C c rev-parse refs/remotes/origin/HEAD >/dev/null 2>&1 || : &&
	git ls-remote "$ANON/hello.git" >got &&
	printf "%s\trefs/dgit/sid\n%s\trefs/tags/archive/debian/1.0-1\n%s\trefs/tags/archive/debian/1.0-1^{}\n" \
	    "$(git -C src rev-parse v1^{commit})" \
	    "$(git -C src rev-parse archive/debian/1.0-1)" \
	    "$(git -C src rev-parse v1^{commit})" >want &&
	test_cmp want got
'

# refused NAME EXPECT REFSPECS...: the push over http fails, the pusher
# is told EXPECT, the repository is as it was.
refused() {
	expect=$1
	shift
	repo_state srv/hello.git >before &&
	test_must_fail git -C src push "$AUTH/hello.git" "$@" 2>err &&
	test_grep -e "$expect" err &&
	repo_state srv/hello.git >after &&
	test_cmp before after
}

while IFS='|' read -r what expect setup refspecs; do
	test_expect_success "refused over http: $what" "
		git -C src tag -d archive/debian/1.1-1 >/dev/null 2>&1
		$setup &&
		refused '$expect' $refspecs
	"
done <<'EOF'
unknown key|remote: .*not signed by a key this server knows|T_KEY=wrong T_VERSION=1.1-1 T_COMMIT=v2 make_dgit_tag src >/dev/null|v2^{commit}:refs/dgit/sid refs/tags/archive/debian/1.1-1
forged signature|remote: .*bad signature|T_FORGE=1 T_VERSION=1.1-1 T_COMMIT=v2 make_dgit_tag src >/dev/null|v2^{commit}:refs/dgit/sid refs/tags/archive/debian/1.1-1
wrong suite|remote: .*unknown suite .stable.|T_CSUITE=stable T_CLOG=stable T_VERSION=1.1-1 T_COMMIT=v2 make_dgit_tag src >/dev/null|v2^{commit}:refs/dgit/stable refs/tags/archive/debian/1.1-1
the old tag pushed again|remote: .*no archive/debian/VERSION tag|:|+v2^{commit}:refs/dgit/sid +refs/tags/archive/debian/1.0-1
an extra branch|remote: .*may not be pushed here|T_VERSION=1.1-1 T_COMMIT=v2 make_dgit_tag src >/dev/null|v2^{commit}:refs/dgit/sid refs/tags/archive/debian/1.1-1 v2^{commit}:refs/heads/master
EOF

test_expect_success 'a package the server lacks: nothing is made over http' '
	T_PKG=newpkg T_VERSION=1.1-1 T_COMMIT=v2 make_dgit_tag src >/dev/null &&
	test_must_fail git -C src push "$AUTH/newpkg.git" v2^{commit}:refs/dgit/sid \
	    refs/tags/archive/debian/1.1-1 2>err &&
	test_path_is_missing srv/newpkg.git &&
	test_path_is_missing srv/_tmp/newpkg_prospective.git &&
	git -C src tag -d archive/debian/1.1-1 >/dev/null
'

test_expect_success 'the next version over http is accepted' '
	T_VERSION=1.1-1 T_COMMIT=v2 make_dgit_tag src >/dev/null &&
	git -C src push "$AUTH/hello.git" v2^{commit}:refs/dgit/sid \
	    refs/tags/archive/debian/1.1-1 2>err &&
	test_grep "remote: .*accepted hello 1.1-1 for sid" err &&
	git -C src rev-parse v2^{commit} >want &&
	git -C srv/hello.git rev-parse refs/dgit/sid >got &&
	test_cmp want got &&
	test_path_is_missing srv/hello.git/dgit-push.lock
'

test_expect_success 'refused over http: a rewind' '
	T_VERSION=1.2-1 T_COMMIT=vother make_dgit_tag src >/dev/null &&
	refused "remote: .*not a fast forward" +vother^{commit}:refs/dgit/sid \
	    refs/tags/archive/debian/1.2-1
'

test_expect_success 'stop lighttpd' '
	lighttpd_stop
'

test_done
