#!/bin/sh
test_description='dgit-repos-server under git'"'"'s stock git-http-backend behind lighttpd on 127.0.0.1: fetch, accepted and refused pushes, authentication for pushing'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-server.sh"

test_need_cmd gpg lighttpd curl python3
BACKEND=$(git --exec-path)/git-http-backend
test -x "$BACKEND" || test_skip_all "git-http-backend is missing"

# lighttpd as git-http-backend(1) shows it: the CGI under /git, anyone
# may fetch, pushing (git-receive-pack) needs a user and password
# (REMOTE_USER set is what lets git-http-backend run receive-pack).  The
# checks are the repositories' own hooks, which receive-pack runs.
LIGHTTPD_PID="$TRASH_DIRECTORY/lighttpd.pid"
lighttpd_stop_() {
	test -f "$LIGHTTPD_PID" && kill "$(cat "$LIGHTTPD_PID")" 2>/dev/null
	return 0
}
test_atexit lighttpd_stop_

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

test_expect_success 'a server directory with hello.git, served by lighttpd' '
	server_init srv &&
	"$SERVER_BIN" init-repo srv hello >/dev/null &&
	echo "uploader:secret" >users &&
	mkdir www &&
	for try in 1 2 3 4 5; do
		port=$(free_port) &&
		cat >lighttpd.conf <<-EOF &&
		server.modules = ( "mod_alias", "mod_auth", "mod_authn_file",
		                   "mod_cgi", "mod_setenv" )
		server.document-root = "$PWD/www"
		server.bind = "127.0.0.1"
		server.port = $port
		server.pid-file = "$PWD/lighttpd.pid"
		server.errorlog = "$PWD/lighttpd.err"
		alias.url = ( "/git" => "$BACKEND" )
		\$HTTP["url"] =~ "^/git" {
			cgi.assign = ( "" => "" )
			setenv.add-environment = (
				"GIT_PROJECT_ROOT" => "$PWD/srv",
				"GIT_HTTP_EXPORT_ALL" => "",
				"PATH" => "$PATH"
			)
		}
		auth.backend = "plain"
		auth.backend.plain.userfile = "$PWD/users"
		\$HTTP["querystring"] =~ "service=git-receive-pack" {
			auth.require = ( "" => ( "method" => "basic",
			    "realm" => "dgit", "require" => "valid-user" ) )
		}
		\$HTTP["url"] =~ "^/git/.*/git-receive-pack\$" {
			auth.require = ( "" => ( "method" => "basic",
			    "realm" => "dgit", "require" => "valid-user" ) )
		}
		EOF
		rm -f lighttpd.pid &&
		lighttpd -f lighttpd.conf &&
		for i in 1 2 3 4 5 6 7 8 9 10; do
			test -s lighttpd.pid && curl -s -o /dev/null \
			    "http://127.0.0.1:$port/" && break
			sleep 0.2
		done &&
		test -s lighttpd.pid && break
	done &&
	echo "$port" >port &&
	git init -q src &&
	echo one >src/file && git -C src add file &&
	git -C src commit -q -m one && git -C src tag v1 &&
	echo two >src/file && git -C src commit -q -a -m two && git -C src tag v2 &&
	git -C src checkout -q -b other v1 &&
	echo other >src/file && git -C src commit -q -a -m other &&
	git -C src tag vother && git -C src checkout -q main
'

PORT=$(cat port 2>/dev/null)
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
	kill "$(cat lighttpd.pid)" &&
	rm lighttpd.pid
'

test_done
