#!/bin/sh
test_description='dgit-repos-server: a new package'"'"'s repository is made on its first push (ssh and file://), a refused first push leaves nothing, two first pushes at once, a fresh start refused by push-confirm'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-server.sh"

test_need_cmd gpg

# A forced command as sshd runs it: the command line in SSH_ORIGINAL_COMMAND.
write_fakessh() {
	cat >fakessh <<-EOF &&
	#!/bin/sh
	while test \$# -gt 1; do case "\$1" in -*) shift;; *) break;; esac; done
	shift
	SSH_ORIGINAL_COMMAND="\$*" exec "$SERVER_BIN" ssh "$PWD/srv"
	EOF
	chmod +x fakessh
}

sshgit() {
	GIT_SSH="$PWD/fakessh" GIT_SSH_VARIANT=simple git "$@"
}

test_expect_success 'a server and a source tree' '
	server_init srv &&
	write_fakessh &&
	git init -q src &&
	echo one >src/file && git -C src add file &&
	git -C src commit -q -m one && git -C src tag v1 &&
	echo two >src/file && git -C src commit -q -a -m two &&
	git -C src tag v2
'

test_expect_success 'a package the server lacks fetches as an empty repository' '
	sshgit ls-remote ssh://server/newpkg.git >out &&
	test_must_fail test -s out &&
	test_path_is_missing srv/newpkg.git &&
	git -C srv/_empty.git rev-parse --is-bare-repository
'

test_expect_success 'a refused first push (unsigned tag) leaves no repository' '
	T_PKG=newpkg T_COMMIT=v1 T_UNSIGNED=1 make_dgit_tag src >/dev/null &&
	test_must_fail sshgit -C src push ssh://server/newpkg.git \
	    v1^{commit}:refs/dgit/sid refs/tags/archive/debian/1.0-1 2>err &&
	test_grep "is not signed" err &&
	test_path_is_missing srv/newpkg.git &&
	test_path_is_missing srv/_tmp/newpkg_prospective.git &&
	git -C src tag -d archive/debian/1.0-1 >/dev/null
'

test_expect_success 'the first push of a new package over ssh makes its repository' '
	T_PKG=newpkg T_COMMIT=v1 make_dgit_tag src >/dev/null &&
	sshgit -C src push ssh://server/newpkg.git \
	    v1^{commit}:refs/dgit/sid refs/tags/archive/debian/1.0-1 2>err &&
	test_grep "accepted newpkg 1.0-1 for sid" err &&
	git -C srv/newpkg.git rev-parse refs/dgit/sid >got &&
	git -C src rev-parse v1^{commit} >want &&
	test_cmp want got &&
	test_path_is_missing srv/_tmp/newpkg_prospective.git &&
	test -x srv/newpkg.git/hooks/pre-receive &&
	test "$(git -C srv/newpkg.git config dgit-repos.package)" = newpkg &&
	git -C src tag -d archive/debian/1.0-1 >/dev/null
'

test_expect_success 'the new repository'"'"'s hooks check the next push' '
	repo_state srv/newpkg.git >before &&
	T_PKG=newpkg T_VERSION=1.1-1 T_COMMIT=v2 T_KEY=wrong \
	    make_dgit_tag src >/dev/null &&
	test_must_fail sshgit -C src push ssh://server/newpkg.git \
	    v2^{commit}:refs/dgit/sid refs/tags/archive/debian/1.1-1 2>err &&
	test_grep "not signed by a key this server knows" err &&
	repo_state srv/newpkg.git >after &&
	test_cmp before after &&
	git -C src tag -d archive/debian/1.1-1 >/dev/null
'

test_expect_success 'file:// with the server as receive-pack makes the repository too' '
	T_PKG=filepkg T_COMMIT=v1 make_dgit_tag src >/dev/null &&
	git -C src push --receive-pack="$SERVER_BIN receive-pack" \
	    "file://$PWD/srv/filepkg.git" \
	    v1^{commit}:refs/dgit/sid refs/tags/archive/debian/1.0-1 2>err &&
	test_grep "accepted filepkg 1.0-1 for sid" err &&
	git -C srv/filepkg.git rev-parse refs/tags/archive/debian/1.0-1 &&
	git -C src tag -d archive/debian/1.0-1 >/dev/null &&
	T_PKG=badpkg T_COMMIT=v1 T_DISTRO=ubuntu make_dgit_tag src >/dev/null &&
	test_must_fail git -C src push --receive-pack="$SERVER_BIN receive-pack" \
	    "file://$PWD/srv/badpkg.git" \
	    v1^{commit}:refs/dgit/sid refs/tags/archive/debian/1.0-1 2>err &&
	test_path_is_missing srv/badpkg.git &&
	git -C src tag -d archive/debian/1.0-1 >/dev/null
'

test_expect_success 'two first pushes of one new package at once: one wins, the other is refused' '
	git -C src checkout -q -b a v1 && echo a >src/file &&
	git -C src commit -q -a -m a && git -C src tag va &&
	git -C src checkout -q -b b v1 && echo b >src/file &&
	git -C src commit -q -a -m b && git -C src tag vb &&
	T_PKG=race T_VERSION=1.0-1 T_COMMIT=va make_dgit_tag src >/dev/null &&
	T_PKG=race T_VERSION=1.0-2 T_COMMIT=vb make_dgit_tag src >/dev/null &&
	printf "#!/bin/sh\nsleep 2\n" >slowgate && chmod +x slowgate &&
	git config -f srv/dgit-repos.conf suite.sid.gate "$PWD/slowgate" &&
	{ sshgit -C src push ssh://server/race.git va^{commit}:refs/dgit/sid \
	    refs/tags/archive/debian/1.0-1 >a.out 2>a.err; echo $? >a.rc; } &
	{ sshgit -C src push ssh://server/race.git vb^{commit}:refs/dgit/sid \
	    refs/tags/archive/debian/1.0-2 >b.out 2>b.err; echo $? >b.rc; } &
	wait &&
	git config -f srv/dgit-repos.conf --unset suite.sid.gate &&
	cat a.rc b.rc | sort >rcs &&
	test "$(cat rcs | tr "\n" " ")" != "0 0 " &&
	grep -x 0 rcs &&
	if test "$(cat a.rc)" = 0; then w=va wt=1.0-1 l=b
	else w=vb wt=1.0-2 l=a; fi &&
	git -C srv/race.git rev-parse refs/dgit/sid >got &&
	git -C src rev-parse $w^{commit} >want &&
	test_cmp want got &&
	git -C srv/race.git for-each-ref --format="%(refname)" >got &&
	printf "refs/dgit/sid\nrefs/tags/archive/debian/$wt\n" >want &&
	test_cmp want got &&
	test_grep -e "error\|rejected\|refused" $l.err &&
	test_path_is_missing srv/race.git/dgit-push.lock
'

test_expect_success 'FRESHREPO refused by push-confirm: the live repository is as it was, no fresh one is left' '
	cat >policy <<-EOF &&
	#!/bin/sh
	echo "\$*" >>"$PWD/policy.log"
	case "\$5" in push) exit 4;; push-confirm) exit 1;; esac
	EOF
	chmod +x policy &&
	git config -f srv/dgit-repos.conf dgit-repos.policy-hook "$PWD/policy" &&
	git -C srv/newpkg.git for-each-ref --format="%(refname)=%(objectname)" \
	    refs/tags refs/heads | sed "s,^refs/,," >prev &&
	T_PKG=newpkg T_VERSION=1.2-1 T_COMMIT=vb T_PREVIOUSLY="$(cat prev)" \
	    make_dgit_tag src >/dev/null &&
	repo_state srv/newpkg.git >before &&
	test_must_fail sshgit -C src push -f ssh://server/newpkg.git \
	    vb^{commit}:refs/dgit/sid refs/tags/archive/debian/1.2-1 2>err &&
	test_grep "policy refuses this push" err &&
	repo_state srv/newpkg.git >after &&
	test_cmp before after &&
	test_path_is_missing srv/_tmp/newpkg_fresh.git &&
	test_path_is_missing srv/newpkg_garbage &&
	grep "push-confirm newpkg 1.2-1 sid archive/debian/1.2-1  $(cd srv && pwd)/_tmp/newpkg_fresh.git\$" policy.log
'

test_expect_success 'FRESHREPO accepted over ssh: the live repository holds only the new push' '
	cat >policy <<-EOF &&
	#!/bin/sh
	case "\$5" in push) exit 4;; esac
	exit 0
	EOF
	old=$(git -C srv/newpkg.git rev-parse refs/tags/archive/debian/1.0-1) &&
	sshgit -C src push -f ssh://server/newpkg.git \
	    vb^{commit}:refs/dgit/sid refs/tags/archive/debian/1.2-1 2>err &&
	git -C srv/newpkg.git for-each-ref --format="%(refname)" >got &&
	printf "refs/dgit/sid\nrefs/tags/archive/debian/1.2-1\n" >want &&
	test_cmp want got &&
	test_must_fail git -C srv/newpkg.git cat-file -e "$old" &&
	grep "^$old archive/debian/1.0-1 \.\$" srv/_removed-tags/newpkg &&
	git -C srv/newpkg_garbage rev-parse refs/tags/archive/debian/1.0-1 &&
	sshgit ls-remote ssh://server/newpkg.git >refs &&
	test_grep refs/dgit/sid refs
'

test_done
