#!/bin/sh
test_description='dgit-repos-server: pushes over file:// into a repository made by init-repo, accepted and refused'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-server.sh"

test_need_cmd gpg
test_need_cmd timeout

URL="file://$TRASH_DIRECTORY/srv/hello.git"

test_expect_success 'init-repo makes a bare repository with the hooks' '
	server_init srv &&
	"$SERVER_BIN" init-repo srv hello >out &&
	echo "$TRASH_DIRECTORY/srv/hello.git" >expect &&
	test_cmp expect out &&
	test "$(git -C srv/hello.git rev-parse --is-bare-repository)" = true &&
	test -x srv/hello.git/hooks/pre-receive &&
	test -x srv/hello.git/hooks/post-receive &&
	test_must_fail "$SERVER_BIN" init-repo srv hello 2>err &&
	test_grep "exists" err &&
	test_must_fail "$SERVER_BIN" init-repo srv "Bad_Name" 2>err &&
	test_grep "not a valid source package name" err &&
	test_path_is_missing srv/Bad_Name.git
'

test_expect_success 'a source tree with two versions' '
	git init -q src &&
	echo one >src/file &&
	git -C src add file &&
	git -C src commit -q -m one &&
	git -C src tag v1 &&
	echo two >src/file &&
	git -C src commit -q -a -m two &&
	git -C src tag v2 &&
	git -C src checkout -q -b other v1 &&
	echo other >src/file &&
	git -C src commit -q -a -m other &&
	git -C src tag vother &&
	git -C src checkout -q main
'

test_expect_success 'the first push of a version is accepted' '
	T_COMMIT=v1 make_dgit_tag src >tag1 &&
	git -C src push -q "$URL" v1^{commit}:refs/dgit/sid \
	    refs/tags/archive/debian/1.0-1 2>err &&
	test_grep "accepted hello 1.0-1 for sid" err &&
	git -C srv/hello.git rev-parse refs/dgit/sid >got &&
	git -C src rev-parse v1^{commit} >want &&
	test_cmp want got &&
	git -C srv/hello.git cat-file tag archive/debian/1.0-1 >/dev/null &&
	test_path_is_missing srv/hello.git/dgit-push.lock
'

# refused_push EXPECT [VAR=VALUE]...: make the tag from the variables
# (T_* of lib-server.sh; PUSH_REFSPECS replaces what is pushed) and push;
# it must fail saying EXPECT and leave the repository as it was.
refused_push() {
	expect=$1
	shift
	for a; do
		eval "${a%%=*}=\${a#*=}" || return 1
	done
	export T_PKG T_VERSION T_CLOG T_CSUITE T_DISTRO T_ITEMS T_KEY T_COMMIT \
	    T_NAME T_MANGLED T_HEADLINE T_TEXTMODE T_UNSIGNED T_FORGE \
	    T_PREVIOUSLY
	: "${T_VERSION:=1.1-1}" "${T_COMMIT:=v2}"
	export T_VERSION T_COMMIT
	repo_state srv/hello.git >before &&
	make_dgit_tag src >tag.id &&
	name=${T_NAME:-archive/debian/${T_MANGLED:-$T_VERSION}} &&
	: "${PUSH_REFSPECS:=+$T_COMMIT:refs/dgit/sid refs/tags/$name}" &&
	test_must_fail git -C src push "$URL" $PUSH_REFSPECS 2>err &&
	test_grep -e "$expect" err &&
	repo_state srv/hello.git >after &&
	test_cmp before after &&
	git -C src update-ref -d "refs/tags/$name"
}

while IFS='|' read -r what expect setup; do
	test_expect_success "refused: $what" "
		refused_push '$expect' $setup
	"
done <<'EOF'
signed by an unknown key|not signed by a key this server knows|T_KEY=wrong
forged signature|bad signature|T_FORGE=1
unsigned tag|not signed|T_UNSIGNED=1
text-mode signature (class 01)|of class 01, not 00|T_TEXTMODE=1
DM key, package not in its allow list|not allowed to upload .hello.|T_KEY=archive
wrong package|for package .other. but this is the repository of .hello.|T_PKG=other
tag suite is not the pushed suite|for suite .experimental. but was pushed to .refs/dgit/sid.|T_CSUITE=experimental T_CLOG=experimental
changelog suite not the suite or an alias|changelog suite .stable. is not .sid.|T_CLOG=stable
unknown suite|unknown suite .stable.|T_CSUITE=stable T_CLOG=stable PUSH_REFSPECS='+v2^{commit}:refs/dgit/stable refs/tags/archive/debian/1.1-1'
alias used as the branch|suite .unstable. is an alias; push to refs/dgit/sid|T_CSUITE=unstable PUSH_REFSPECS='+v2^{commit}:refs/dgit/unstable refs/tags/archive/debian/1.1-1'
wrong distro|for distro .ubuntu. but this server is .debian.|T_DISTRO=ubuntu
tag points at another commit|points at .*not at the pushed|PUSH_REFSPECS='+vother^{commit}:refs/dgit/sid refs/tags/archive/debian/1.1-1'
tag name does not match the version|must be named .archive/debian/1.1-1.|T_NAME=archive/debian/1.2-1
tag name not mangled as dgit does|must be named .archive/debian/1%1.1_rc1-1.|T_VERSION=1:1.1~rc1-1 T_NAME=archive/debian/1.1_rc1-1
headline not in dgit format|not in dgit.s format|T_HEADLINE='hello release 1.1-1 for unstable (sid)'
invalid version in the headline|invalid version|T_VERSION=a.1 T_NAME=archive/debian/a.1
unknown item in the tag|unknown dgit item .Bogus.|T_ITEMS='no-split Bogus'
an extra branch|.refs/heads/master. may not be pushed here|PUSH_REFSPECS='+v2^{commit}:refs/dgit/sid refs/tags/archive/debian/1.1-1 v2^{commit}:refs/heads/master'
two dgit branches|more than one dgit branch|PUSH_REFSPECS='+v2^{commit}:refs/dgit/sid v2^{commit}:refs/dgit/experimental refs/tags/archive/debian/1.1-1'
no tag|no archive/debian/VERSION tag|PUSH_REFSPECS='+v2^{commit}:refs/dgit/sid'
lightweight tag|not an annotated signed tag|PUSH_REFSPECS='+v2^{commit}:refs/dgit/sid v2^{commit}:refs/tags/archive/debian/1.1-1'
another distro's tag|.refs/tags/archive/ubuntu/1.1-1. may not be pushed|PUSH_REFSPECS='+v2^{commit}:refs/dgit/sid refs/tags/archive/debian/1.1-1 refs/tags/archive/debian/1.1-1:refs/tags/archive/ubuntu/1.1-1'
maintainer-view tag misnamed|maintainer-view tag of version .1.1-1. must be named .debian/1.1-1.|PUSH_REFSPECS='+v2^{commit}:refs/dgit/sid refs/tags/archive/debian/1.1-1 refs/tags/archive/debian/1.1-1:refs/tags/debian/1.2-1'
deleting the branch|deleting .refs/dgit/sid. is not allowed|PUSH_REFSPECS=':refs/dgit/sid'
replacing an existing tag|tag .archive/debian/1.0-1. already exists|T_VERSION=1.0-1 PUSH_REFSPECS='-f +v2^{commit}:refs/dgit/sid refs/tags/archive/debian/1.0-1'
EOF

test_expect_success 'refused: the old signed tag pushed again onto a rewound branch' '
	repo_state srv/hello.git >before &&
	git -C src fetch -q "$URL" refs/tags/archive/debian/1.0-1:refs/tags/old &&
	test_must_fail git -C src push "$URL" -f vother^{commit}:refs/dgit/sid \
	    refs/tags/old:refs/tags/archive/debian/1.0-1 2>err &&
	test_grep -e "already exists" -e "no archive/debian/VERSION tag" err &&
	repo_state srv/hello.git >after &&
	test_cmp before after
'

test_expect_success 'a DM may push a package dm.txt allows' '
	"$SERVER_BIN" init-repo srv dmpkg >/dev/null &&
	T_PKG=dmpkg T_KEY=archive T_COMMIT=v1 make_dgit_tag src >/dev/null &&
	git -C src push -q "file://$TRASH_DIRECTORY/srv/dmpkg.git" \
	    v1^{commit}:refs/dgit/sid refs/tags/archive/debian/1.0-1 2>err &&
	test_grep "accepted dmpkg 1.0-1" err &&
	git -C src tag -d archive/debian/1.0-1 >/dev/null &&
	git -C src tag archive/debian/1.0-1 "$(cat tag1)"
'

test_expect_success 'the next version, with a DEP-14 tag made by git tag -s, is accepted' '
	T_VERSION=1.1-1 T_COMMIT=v2 make_dgit_tag src >/dev/null &&
	GNUPGHOME=$ARCHIVE_GNUPGHOME git -C src tag -s -u "$(key_fpr uploader)" \
	    -m "hello release 1.1-1 for unstable (sid)" debian/1.1-1 v2 &&
	git -C src push -q "$URL" v2^{commit}:refs/dgit/sid \
	    refs/tags/archive/debian/1.1-1 refs/tags/debian/1.1-1 2>err &&
	test_grep "accepted hello 1.1-1 for sid" err &&
	git -C srv/hello.git for-each-ref --format="%(refname)" >got &&
	cat >want <<-\EOF &&
	refs/dgit/sid
	refs/tags/archive/debian/1.0-1
	refs/tags/archive/debian/1.1-1
	refs/tags/debian/1.1-1
	EOF
	test_cmp want got
'

while IFS='|' read -r what expect setup; do
	test_expect_success "refused: $what" "
		refused_push '$expect' $setup
	"
done <<'EOF'
rewind without --deliberately|not a fast forward|T_VERSION=1.2-1 T_COMMIT=vother
rewind, deliberately, server does not allow it|not a fast forward|T_VERSION=1.2-1 T_COMMIT=vother T_ITEMS='no-split --deliberately-not-fast-forward'
EOF

test_expect_success 'refused: a commit without a committer (#849041)' '
	git -C srv/hello.git config receive.fsckObjects false &&
	tree=$(git -C src rev-parse v2^{tree}) &&
	parent=$(git -C src rev-parse v2^{commit}) &&
	printf "tree %s\nparent %s\nauthor A <a@example.org> 1500000000 +0000\n\nbroken\n" \
	    "$tree" "$parent" >broken.txt &&
	bad=$(git -C src hash-object -t commit -w --literally --stdin <"$TRASH_DIRECTORY/broken.txt") &&
	git -C src update-ref refs/heads/broken "$bad" &&
	refused_push "corrupted commit $bad" T_VERSION=1.2-1 T_COMMIT=broken &&
	git -C srv/hello.git config receive.fsckObjects true
'

test_expect_success 'rewind with --deliberately-not-fast-forward where allowed, declaring the tags it replaces' '
	git config -f srv/dgit-repos.conf dgit-repos.allow-not-fast-forward true &&
	old=$(git -C srv/hello.git rev-parse refs/tags/archive/debian/1.1-1) &&
	oldm=$(git -C srv/hello.git rev-parse refs/tags/debian/1.1-1) &&
	refused_push "does not declare previously:tags/archive/debian/1.1-1" \
	    T_VERSION=1.2-1 T_COMMIT=vother \
	    T_ITEMS="no-split --deliberately-not-fast-forward" &&
	refused_push "declares previously:tags/archive/debian/1.1-1=0000000000000000000000000000000000000000 but it is" \
	    T_VERSION=1.2-1 T_COMMIT=vother \
	    T_ITEMS="no-split --deliberately-not-fast-forward" \
	    T_PREVIOUSLY="tags/archive/debian/1.1-1=0000000000000000000000000000000000000000 tags/debian/1.1-1=$oldm" &&
	T_VERSION=1.2-1 T_COMMIT=vother \
	    T_ITEMS="no-split --deliberately-not-fast-forward" \
	    T_PREVIOUSLY="tags/archive/debian/1.1-1=$old tags/debian/1.1-1=$oldm" \
	    make_dgit_tag src >/dev/null &&
	git -C src push -q -f "$URL" vother^{commit}:refs/dgit/sid \
	    refs/tags/archive/debian/1.2-1 2>err &&
	test_grep "accepted hello 1.2-1" err &&
	git -C src rev-parse vother^{commit} >want &&
	git -C srv/hello.git rev-parse refs/dgit/sid >got &&
	test_cmp want got
'

test_expect_success 'a push gate sees the pushed tree; its refusal and its log reach the pusher' '
	cat >gate <<-\EOF &&
	#!/bin/sh
	echo "gate checking $DGIT_PACKAGE $DGIT_VERSION in $(basename "$1")"
	test "$(cat "$1/file")" = other || { echo "file is not other"; exit 1; }
	EOF
	chmod +x gate &&
	git config -f srv/dgit-repos.conf suite.sid.gate "$PWD/gate" &&
	git -C src checkout -q -b v3branch vother &&
	echo more >src/file && git -C src commit -q -a -m more &&
	git -C src tag v3 &&
	refused_push "push gate for sid refused the push" T_VERSION=1.3-1 T_COMMIT=v3 &&
	test_grep "gate: gate checking hello 1.3-1 in hello" err &&
	test_grep "gate: file is not other" err &&
	git -C src checkout -q -b v4branch vother &&
	echo x >src/other && git -C src add other &&
	git -C src commit -q -m "v4: adds a file, file stays other" &&
	git -C src tag v4 &&
	T_VERSION=1.4-1 T_COMMIT=v4 make_dgit_tag src >/dev/null &&
	git -C src push -q "$URL" v4^{commit}:refs/dgit/sid \
	    refs/tags/archive/debian/1.4-1 2>err &&
	test_grep "gate: gate checking hello 1.4-1" err &&
	test_grep "accepted hello 1.4-1" err
'

test_expect_success 'a push gate that takes too long is stopped and the push refused' '
	printf "#!/bin/sh\nsleep 30\n" >slowgate && chmod +x slowgate &&
	git config -f srv/dgit-repos.conf suite.sid.gate "$PWD/slowgate" &&
	git config -f srv/dgit-repos.conf suite.sid.gate-timeout 1 &&
	echo y >src/other && git -C src commit -q -a -m v5 && git -C src tag v5 &&
	refused_push "took longer than 1 seconds" T_VERSION=1.5-1 T_COMMIT=v5 &&
	git config -f srv/dgit-repos.conf --unset suite.sid.gate &&
	git config -f srv/dgit-repos.conf --unset suite.sid.gate-timeout
'

test_expect_success 'the hook killed while its gate runs: the gate directory is removed' '
	mkdir gtmp &&
	cat >killgate <<-EOF &&
	#!/bin/sh
	echo "\$1" >"$PWD/gate.dir"
	sed "s/.*) //" /proc/\$PPID/stat | cut -d" " -f2 >"$PWD/gate.hook"
	echo \$\$ >"$PWD/gate.pid.new" && mv "$PWD/gate.pid.new" "$PWD/gate.pid"
	exec sleep 30
	EOF
	chmod +x killgate &&
	git config -f srv/dgit-repos.conf suite.sid.gate "$PWD/killgate" &&
	echo k >src/other && git -C src commit -q -a -m v5k &&
	T_VERSION=1.5-2 T_COMMIT=HEAD make_dgit_tag src >/dev/null || return 1
	git -C srv/hello.git for-each-ref >before
	(TMPDIR=$PWD/gtmp exec git -C src push -q "$URL" HEAD:refs/dgit/sid \
	    refs/tags/archive/debian/1.5-2 2>err) &
	push_pid=$!
	n=0 &&
	while ! test -f gate.pid && test $n -lt 300; do
		sleep 0.1 && n=$((n + 1))
	done &&
	gdir=$(dirname "$(cat gate.dir)") &&
	case "$gdir" in "$PWD/gtmp/dgit-gate."*) ;; *) false ;; esac &&
	test -d "$gdir/hello" &&
	kill -TERM "$(cat gate.hook)" || { kill "$(cat gate.pid)"; return 1; }
	kill "$(cat gate.pid)"
	! wait $push_pid &&
	test_path_is_missing "$gdir" &&
	test -z "$(ls -A gtmp)" &&
	git -C srv/hello.git for-each-ref >after &&
	test_cmp before after &&
	git -C src update-ref -d refs/tags/archive/debian/1.5-2 &&
	git -C src reset -q --hard HEAD^ &&
	git config -f srv/dgit-repos.conf --unset suite.sid.gate &&
	# the push lock names the receive-pack, gone now: stale, the next
	# push takes it over; removed so that repo_state compares below hold
	rm -f srv/hello.git/dgit-push.lock
'

test_expect_success 'policy hook: its refusal refuses; its arguments are dgit'"'"'s' '
	cat >policy <<-EOF &&
	#!/bin/sh
	echo "\$*" >>"$PWD/policy.log"
	test "\$5" = push || exit 0
	exit \${POLICY_EXIT:-0}
	EOF
	chmod +x policy &&
	git config -f srv/dgit-repos.conf dgit-repos.policy-hook "$PWD/policy" &&
	echo z >src/other && git -C src commit -q -a -m v6 && git -C src tag v6 &&
	POLICY_EXIT=1 && export POLICY_EXIT &&
	refused_push "policy refuses this push" T_VERSION=1.6-1 T_COMMIT=v6 &&
	srv=$(cd srv && pwd) &&
	echo "debian $srv $srv $srv push hello 1.6-1 sid archive/debian/1.6-1 " >want &&
	test_cmp want policy.log &&
	POLICY_EXIT=16 &&
	refused_push "policy refuses this push" T_VERSION=1.6-1 T_COMMIT=v6
'

test_expect_success 'policy hook FRESHREPO: old refs go, their tags are recorded and cannot come back' '
	POLICY_EXIT=4 && export POLICY_EXIT &&
	git -C srv/hello.git for-each-ref --format="%(refname)=%(objectname)" refs/tags refs/heads |
	    sed "s,^refs/,," >prev &&
	T_VERSION=1.6-1 T_COMMIT=v6 T_PREVIOUSLY="$(cat prev)" \
	    make_dgit_tag src >/dev/null &&
	git -C src push -q -f "$URL" v6^{commit}:refs/dgit/sid \
	    refs/tags/archive/debian/1.6-1 2>err &&
	git -C srv/hello.git for-each-ref --format="%(refname)" >got &&
	printf "refs/dgit/sid\nrefs/tags/archive/debian/1.6-1\n" >want &&
	test_cmp want got &&
	old=$(git -C src rev-parse refs/tags/archive/debian/1.1-1) &&
	grep "^$old archive/debian/1.1-1 \.\$" srv/_removed-tags/hello &&
	test_must_fail git -C srv/hello.git cat-file -e "$old" &&
	git -C srv/hello_garbage cat-file -e "$old" &&
	git -C srv/hello.git fsck --no-dangling &&
	test_path_is_missing srv/_tmp/hello_fresh.git &&
	POLICY_EXIT=0 &&
	repo_state srv/hello.git >before &&
	test_must_fail git -C src push -f "$URL" refs/tags/archive/debian/1.1-1 \
	    v2^{commit}:refs/dgit/sid 2>err &&
	test_grep "replay of a previously rewound upload" err &&
	repo_state srv/hello.git >after &&
	test_cmp before after
'

test_expect_success 'mirror hook runs after an accepted push' '
	git config -f srv/dgit-repos.conf --unset dgit-repos.policy-hook &&
	printf "#!/bin/sh\necho \"\$*\" >\"%s/mirror.log\"\n" "$PWD" >mirror &&
	chmod +x mirror &&
	git config -f srv/dgit-repos.conf dgit-repos.mirror-hook "$PWD/mirror" &&
	echo w >src/other && git -C src commit -q -a -m v7 && git -C src tag v7 &&
	T_VERSION=1.7-1 T_COMMIT=v7 make_dgit_tag src >/dev/null &&
	git -C src push -q "$URL" v7^{commit}:refs/dgit/sid \
	    refs/tags/archive/debian/1.7-1 2>err &&
	echo "$(cd srv && pwd) updated-hook hello" >want &&
	test_cmp want mirror.log
'

# Two pushes started together, each noting its exit status in X.rc.
race() {
	{ git -C src push "$URL" va^{commit}:refs/dgit/sid \
	    refs/tags/archive/debian/1.8-1 >a.out 2>a.err; echo $? >a.rc; } &
	{ git -C src push "$URL" vb^{commit}:refs/dgit/sid \
	    refs/tags/archive/debian/1.9-1 >b.out 2>b.err; echo $? >b.rc; } &
	wait
}

test_expect_success 'two pushes at once: one wins, the other is refused, refs stay consistent' '
	git -C src checkout -q -b race v7 &&
	echo a >src/other && git -C src commit -q -a -m a && git -C src tag va &&
	git -C src checkout -q v7 && git -C src checkout -q -b race2 &&
	echo b >src/other && git -C src commit -q -a -m b && git -C src tag vb &&
	T_VERSION=1.8-1 T_COMMIT=va make_dgit_tag src >/dev/null &&
	T_VERSION=1.9-1 T_COMMIT=vb make_dgit_tag src >/dev/null &&
	printf "#!/bin/sh\nsleep 2\n" >slowgate && chmod +x slowgate &&
	git config -f srv/dgit-repos.conf suite.sid.gate "$PWD/slowgate" &&
	race &&
	cat a.rc b.rc | sort >rcs &&
	printf "0\n1\n" >want && test_cmp want rcs &&
	if test "$(cat a.rc)" = 0; then w=va v=1.8-1 l=b n=1.9-1; else w=vb v=1.9-1 l=a n=1.8-1; fi &&
	test_grep -e "in progress" -e "changed since you fetched" -e "fetch first" -e "non-fast-forward" -e "failed to lock" $l.err &&
	git -C src rev-parse $w^{commit} >want &&
	git -C srv/hello.git rev-parse refs/dgit/sid >got &&
	test_cmp want got &&
	git -C srv/hello.git rev-parse -q --verify refs/tags/archive/debian/$v &&
	test_must_fail git -C srv/hello.git rev-parse -q --verify refs/tags/archive/debian/$n &&
	test_path_is_missing srv/hello.git/dgit-push.lock &&
	git config -f srv/dgit-repos.conf --unset suite.sid.gate
'

test_expect_success 'ssh forced command: only receive-pack and upload-pack of PKG.git' '
	SSH_ORIGINAL_COMMAND="git-upload-pack '"'"'/whatever/hello.git'"'"'" \
	    "$SERVER_BIN" ssh srv </dev/null >out 2>err || : &&
	test_grep "refs/dgit/sid" out &&
	for c in "ls" "git-upload-pack" \
	    "git-upload-pack Hello.git" "git-upload-archive hello.git" \
	    "git-receive-pack hello.git; rm -rf /" "git-upload-pack hello"; do
		test_must_fail env SSH_ORIGINAL_COMMAND="$c" "$SERVER_BIN" \
		    ssh srv </dev/null >out 2>err &&
		test_grep "command not understood" err || return 1
	done &&
	SSH_ORIGINAL_COMMAND="git-receive-pack nosuch.git" \
	    "$SERVER_BIN" ssh srv </dev/null >out 2>err || : &&
	test_path_is_missing srv/nosuch.git &&
	test_path_is_missing srv/_tmp/nosuch_prospective.git &&
	SSH_ORIGINAL_COMMAND="git-upload-pack ../../etc.git" \
	    "$SERVER_BIN" ssh srv </dev/null >out 2>err || : &&
	test_path_is_missing srv/etc.git &&
	test_path_is_missing etc.git &&
	test_must_fail grep -a refs/ out
'

test_expect_success 'push through the ssh dispatcher (git with a fake ssh)' '
	cat >fakessh <<-EOF &&
	#!/bin/sh
	# fakessh [-p PORT] [options] HOST COMMAND: run COMMAND as a forced command would
	while test \$# -gt 1; do case "\$1" in -*) shift;; *) break;; esac; done
	shift
	SSH_ORIGINAL_COMMAND="\$*" exec "$SERVER_BIN" ssh "$PWD/srv"
	EOF
	chmod +x fakessh &&
	if test "$(cat a.rc)" = 0; then base=va; else base=vb; fi &&
	git -C src checkout -q -b viassh2 $base &&
	echo d >src/other && git -C src commit -q -a -m d && git -C src tag vd &&
	T_VERSION=2.1-1 T_COMMIT=vd make_dgit_tag src >/dev/null &&
	GIT_SSH="$PWD/fakessh" GIT_SSH_VARIANT=simple git -C src push -q "ssh://server/srv/hello.git" \
	    vd^{commit}:refs/dgit/sid refs/tags/archive/debian/2.1-1 2>err &&
	test_grep "accepted hello 2.1-1" err &&
	GIT_SSH="$PWD/fakessh" GIT_SSH_VARIANT=simple \
	    git clone -q "ssh://server/hello.git" viassh 2>/dev/null &&
	git -C viassh rev-parse -q --verify refs/tags/archive/debian/2.1-1 &&
	git -C srv/hello.git rev-parse refs/dgit/sid >got &&
	git -C src rev-parse vd^{commit} >want &&
	test_cmp want got
'

test_expect_success 'doc/dgit-repos-server.1 renders without warnings and names every command' '
	groff -ww -man -Tutf8 "$SRC_DIR/doc/dgit-repos-server.1" >man.out 2>man.err &&
	test_must_fail test -s man.err &&
	for c in init-repo ssh receive-pack hook; do
		test_grep "$c" man.out >/dev/null || return 1
	done &&
	"$SERVER_BIN" --help >help &&
	for c in init-repo ssh receive-pack hook; do
		test_grep "$c" help >/dev/null || return 1
	done
'

test_done
