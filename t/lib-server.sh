# A dgit git server for tests: a server directory made with
# dgit-repos-server's config and init-repo, and dgit tags made by hand
# exactly as Perl dgit's push_mktags makes them (the tag object written
# out, signed with gpg --detach-sign --armor, stored with git mktag).
# Source after t/test-lib.sh and t/lib-archive.sh.
#
# Keys (t/keys/README): uploader is in the maintainer keyring; archive is
# a DM key (DM keyring) allowed only the package "dmpkg"; wrong is in no
# keyring.
#
#   server_init DIR          write DIR/dgit-repos.conf and DIR/dm.txt
#   repo_state REPO          every file of a repository with its checksum,
#                            and its refs (to compare before and after)
#   make_dgit_tag SRC        make the dgit tag in repository SRC from the
#                            variables below (prints the tag object id)
#   lighttpd_start DIR       serve the server directory DIR with git's
#                            git-http-backend behind lighttpd on 127.0.0.1
#                            (an ephemeral port, in ./lighttpd.port), as
#                            git-http-backend(1) and the README show it:
#                            anyone may fetch at http://127.0.0.1:PORT/git/,
#                            pushing needs the user uploader, password
#                            secret; the caller registers
#                            test_atexit lighttpd_atexit_
#   lighttpd_stop            stop it (and wait until it has gone)
#
# make_dgit_tag variables (defaults in brackets):
#   T_PKG [hello]  T_VERSION [1.0-1]  T_CLOG [unstable]  T_CSUITE [sid]
#   T_DISTRO [debian]  T_ITEMS [no-split --quilt=linear]  T_PREVIOUSLY
#   (lines "REF=OBJID")  T_KEY [uploader]  T_COMMIT [HEAD]
#   T_NAME [archive/debian/MANGLED, MANGLED given in T_MANGLED or T_VERSION]
#   T_HEADLINE (replaces the headline)  T_TEXTMODE (sign in text mode)
#   T_UNSIGNED (no signature)  T_FORGE (alter the message after signing)

SERVER_BIN="$(dirname "$DGIT")/dgit-repos-server"

server_init() {
	mkdir -p "$1" &&
	cat >"$1/dgit-repos.conf" <<-EOF &&
	[dgit-repos]
		distro = debian
		suite = sid
		suite = experimental
		maintainer-keyring = $KEYS_DIR/uploader-keyring.gpg
		dm-keyring = $KEYS_DIR/archive-keyring.gpg
		dm-txt = dm.txt
	[suite "sid"]
		alias = unstable
	EOF
	cat >"$1/dm.txt" <<-EOF
	Fingerprint: $(key_fpr archive)
	Uid: dgit-c test archive signing key <archive@example.org>
	Allow: dmpkg (0123456789ABCDEF0123456789ABCDEF01234567),
	  otherdm (0123456789ABCDEF0123456789ABCDEF01234567)

	Fingerprint: 0123456789ABCDEF0123456789ABCDEF01234567
	Uid: Someone Else <else@example.org>
	Allow: hello (0123456789ABCDEF0123456789ABCDEF01234567)
	EOF
}

repo_state() (
	cd "$1" &&
	find . -type f | LC_ALL=C sort | xargs sha256sum &&
	git for-each-ref --format='%(objectname) %(refname)'
)

make_dgit_tag() (
	src=$1
	pkg=${T_PKG:-hello} v=${T_VERSION:-1.0-1}
	name=${T_NAME:-archive/debian/${T_MANGLED:-$v}}
	commit=$(git -C "$src" rev-parse "${T_COMMIT:-HEAD}^{commit}") &&
	{
		printf 'object %s\ntype commit\ntag %s\n' "$commit" "$name" &&
		printf 'tagger A Tester <tester@example.org> 1500000000 +0000\n\n' &&
		printf '%s\n' "${T_HEADLINE:-$pkg release $v for ${T_CLOG:-unstable} (${T_CSUITE:-sid}) [dgit]}" &&
		printf '\n[dgit distro=%s %s]\n' "${T_DISTRO:-debian}" \
		    "${T_ITEMS:-no-split --quilt=linear}" &&
		for p in $T_PREVIOUSLY; do
			printf '[dgit previously:%s]\n' "$p" || return 1
		done
	} >tag.tmp &&
	if [ -n "$T_UNSIGNED" ]; then
		cp tag.tmp tag.signed
	else
		rm -f tag.tmp.asc &&
		gpg_archive -u "$(key_fpr "${T_KEY:-uploader}")" \
		    ${T_TEXTMODE:+--textmode} --detach-sign --armor tag.tmp &&
		if [ -n "$T_FORGE" ]; then
			sed "s/no-split/split/" tag.tmp >tag.forged &&
			mv tag.forged tag.tmp
		fi &&
		cat tag.tmp tag.tmp.asc >tag.signed
	fi &&
	id=$(git -C "$src" mktag <tag.signed) &&
	git -C "$src" update-ref "refs/tags/$name" "$id" &&
	echo "$id"
)

LIGHTTPD_PID="$TRASH_DIRECTORY/lighttpd.pid"

lighttpd_atexit_() {
	test -f "$LIGHTTPD_PID" && kill "$(cat "$LIGHTTPD_PID")" 2>/dev/null
	return 0
}

lighttpd_start() {
	srvdir=$(cd "$1" && pwd) &&
	backend=$(git --exec-path)/git-http-backend &&
	echo "uploader:secret" >lighttpd.users &&
	mkdir -p lighttpd.www &&
	for try in 1 2 3 4 5; do
		port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') &&
		cat >lighttpd.conf <<-EOF &&
		server.modules = ( "mod_alias", "mod_auth", "mod_authn_file",
		                   "mod_cgi", "mod_setenv" )
		server.document-root = "$PWD/lighttpd.www"
		server.bind = "127.0.0.1"
		server.port = $port
		server.pid-file = "$LIGHTTPD_PID"
		server.errorlog = "$PWD/lighttpd.err"
		alias.url = ( "/git" => "$backend" )
		\$HTTP["url"] =~ "^/git" {
			cgi.assign = ( "" => "" )
			setenv.add-environment = (
				"GIT_PROJECT_ROOT" => "$srvdir",
				"GIT_HTTP_EXPORT_ALL" => "",
				"PATH" => "$PATH"
			)
		}
		auth.backend = "plain"
		auth.backend.plain.userfile = "$PWD/lighttpd.users"
		\$HTTP["querystring"] =~ "service=git-receive-pack" {
			auth.require = ( "" => ( "method" => "basic",
			    "realm" => "dgit", "require" => "valid-user" ) )
		}
		\$HTTP["url"] =~ "^/git/.*/git-receive-pack\$" {
			auth.require = ( "" => ( "method" => "basic",
			    "realm" => "dgit", "require" => "valid-user" ) )
		}
		EOF
		rm -f "$LIGHTTPD_PID" &&
		lighttpd -f lighttpd.conf &&
		for i in 1 2 3 4 5 6 7 8 9 10; do
			test -s "$LIGHTTPD_PID" && curl -s -o /dev/null \
			    "http://127.0.0.1:$port/" && break
			sleep 0.2
		done &&
		test -s "$LIGHTTPD_PID" && echo "$port" >lighttpd.port && return 0
	done
	return 1
}

lighttpd_stop() {
	pid=$(cat "$LIGHTTPD_PID") &&
	kill "$pid" &&
	for i in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done &&
	rm -f "$LIGHTTPD_PID"
}
