#!/bin/sh
test_description='dgit-repos-server as the forced command of a real sshd on 127.0.0.1 (a temporary host key, an authorized_keys line as the README shows): fetch, accepted and refused pushes, a new package, other commands refused'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-server.sh"

test_need_cmd gpg ssh ssh-keygen python3
SSHD=/usr/sbin/sshd
test -x "$SSHD" || test_skip_all "sshd is missing (make deps installs openssh-server)"

SSHD_PID="$TRASH_DIRECTORY/sshd.pid"
sshd_stop_() {
	test -f "$SSHD_PID" && kill "$(cat "$SSHD_PID")" 2>/dev/null
	return 0
}
test_atexit sshd_stop_

# sshd run by root needs its privilege separation directory, which the
# service makes at start; an ordinary user's sshd does not.
test "$(id -u)" != 0 || test -d /run/sshd || mkdir -p -m 0755 /run/sshd

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

test_expect_success 'a server directory and sshd with a forced command' '
	server_init srv &&
	"$SERVER_BIN" init-repo srv hello >/dev/null &&
	ssh-keygen -q -t ed25519 -N "" -C host -f hostkey &&
	ssh-keygen -q -t ed25519 -N "" -C uploader -f userkey &&
	ssh-keygen -q -t ed25519 -N "" -C other -f otherkey &&
	echo "command=\"$SERVER_BIN ssh $PWD/srv\",restrict $(cat userkey.pub)" >authorized_keys &&
	for try in 1 2 3 4 5; do
		port=$(free_port) &&
		cat >sshd_config <<-EOF &&
		Port $port
		ListenAddress 127.0.0.1
		HostKey $PWD/hostkey
		PidFile $PWD/sshd.pid
		AuthorizedKeysFile $PWD/authorized_keys
		StrictModes no
		PubkeyAuthentication yes
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		UsePAM no
		PermitRootLogin prohibit-password
		LogLevel VERBOSE
		EOF
		rm -f sshd.pid &&
		"$SSHD" -f "$PWD/sshd_config" -E "$PWD/sshd.log" &&
		for i in 1 2 3 4 5 6 7 8 9 10; do
			test -s sshd.pid && break
			sleep 0.2
		done &&
		test -s sshd.pid && break
	done &&
	echo "[127.0.0.1]:$port $(cat hostkey.pub)" >known_hosts &&
	echo "$port" >port &&
	git init -q src &&
	echo one >src/file && git -C src add file &&
	git -C src commit -q -m one && git -C src tag v1 &&
	echo two >src/file && git -C src commit -q -a -m two && git -C src tag v2
'

PORT=$(cat port 2>/dev/null)
USER_AT="$(id -un)@127.0.0.1"
URL="ssh://$USER_AT:$PORT"
sshopts="-F /dev/null -o IdentitiesOnly=yes -o BatchMode=yes -o UserKnownHostsFile=$TRASH_DIRECTORY/known_hosts -o StrictHostKeyChecking=yes"
GIT_SSH_COMMAND="ssh $sshopts -i $TRASH_DIRECTORY/userkey"
export GIT_SSH_COMMAND

test_expect_success 'fetch through sshd: an empty repository' '
	git ls-remote "$URL/hello.git" >out &&
	test_must_fail test -s out
'

test_expect_success 'the first push through sshd is checked and accepted' '
	T_COMMIT=v1 make_dgit_tag src >/dev/null &&
	git -C src push "$URL/hello.git" v1^{commit}:refs/dgit/sid \
	    refs/tags/archive/debian/1.0-1 2>err &&
	test_grep "remote: .*accepted hello 1.0-1 for sid" err &&
	git -C src rev-parse v1^{commit} >want &&
	git -C srv/hello.git rev-parse refs/dgit/sid >got &&
	test_cmp want got &&
	git clone -q "$URL/hello.git" c &&
	git -C c rev-parse -q --verify refs/tags/archive/debian/1.0-1
'

test_expect_success 'a push signed by an unknown key is refused; the repository is unchanged' '
	T_KEY=wrong T_VERSION=1.1-1 T_COMMIT=v2 make_dgit_tag src >/dev/null &&
	repo_state srv/hello.git >before &&
	test_must_fail git -C src push "$URL/hello.git" v2^{commit}:refs/dgit/sid \
	    refs/tags/archive/debian/1.1-1 2>err &&
	test_grep "remote: .*not signed by a key this server knows" err &&
	repo_state srv/hello.git >after &&
	test_cmp before after &&
	git -C src tag -d archive/debian/1.1-1 >/dev/null
'

test_expect_success 'a new package'"'"'s first push through sshd makes its repository' '
	T_PKG=newpkg T_COMMIT=v1 make_dgit_tag src >/dev/null &&
	git -C src push "$URL/srv/newpkg.git" v1^{commit}:refs/dgit/sid \
	    refs/tags/archive/debian/1.0-1 2>err &&
	test_grep "remote: .*accepted newpkg 1.0-1 for sid" err &&
	test -x srv/newpkg.git/hooks/pre-receive &&
	git -C src tag -d archive/debian/1.0-1 >/dev/null &&
	git -C src tag archive/debian/1.0-1 "$(git -C srv/hello.git rev-parse refs/tags/archive/debian/1.0-1)"
'

test_expect_success 'no shell and no other command through sshd' '
	(cd srv && find . | LC_ALL=C sort) >before &&
	for c in "ls" "sh -c id" "git-upload-archive hello.git" \
	    "git-receive-pack '"'"'hello.git'"'"'; touch x" \
	    "git-upload-pack '"'"'--help hello.git'"'"'"; do
		test_must_fail ssh $sshopts -i userkey -p "$PORT" "$USER_AT" "$c" \
		    </dev/null >out 2>err &&
		test_grep "command not understood" err &&
		test_must_fail test -s out || return 1
	done &&
	test_must_fail ssh $sshopts -i userkey -p "$PORT" "$USER_AT" </dev/null >out 2>err &&
	test_grep "no command given" err &&
	(cd srv && find . | LC_ALL=C sort) >after &&
	test_cmp before after &&
	test_path_is_missing x &&
	test_path_is_missing srv/x
'

test_expect_success 'a key not in authorized_keys gets nothing' '
	test_must_fail env GIT_SSH_COMMAND="ssh $sshopts -i $PWD/otherkey" \
	    git ls-remote "$URL/hello.git" 2>err &&
	test_grep "Permission denied" err
'

test_expect_success 'stop sshd' '
	pid=$(cat sshd.pid) &&
	kill "$pid" &&
	for i in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done &&
	test_must_fail kill -0 "$pid" 2>/dev/null &&
	rm -f sshd.pid
'

test_done
