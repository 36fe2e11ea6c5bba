#!/bin/sh
test_description='dgit-repos-server ssh (the forced command): which SSH_ORIGINAL_COMMAND lines it serves and which it refuses, the same as Debian'"'"'s dgit-repos-server --ssh; nothing outside PACKAGE.git in the server directory is ever reached'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-server.sh"

test_need_cmd gpg
PERL_DRS=/usr/bin/dgit-repos-server
test -x "$PERL_DRS" ||
	test_skip_all "Debian's dgit-repos-server is missing (make deps installs dgit-infrastructure)"

# Both servers have hello.git with one ref (made directly, as an
# administrator would, not through a push), and a file beside the server
# directories (secret.git) that no command may reach.
test_expect_success 'both servers with hello.git' '
	mkdir top &&
	server_init top/ours &&
	"$SERVER_BIN" init-repo top/ours hello >/dev/null &&
	mkdir -p top/perl/repos &&
	echo sid >top/perl/suites &&
	printf "#!/bin/sh\nexit 0\n" >top/perl/policy-hook &&
	chmod +x top/perl/policy-hook &&
	git init -q --bare top/perl/repos/_template &&
	cp -a top/perl/repos/_template top/perl/repos/hello.git &&
	: >top/perl/dm.txt &&
	git init -q --bare top/secret.git &&
	git init -q --bare top/ours/_secret.git &&
	for r in top/ours/hello.git top/perl/repos/hello.git top/secret.git \
	    top/ours/_secret.git; do
		t=$(git --git-dir=$r mktree </dev/null) &&
		c=$(echo x | git --git-dir=$r commit-tree "$t") &&
		case $r in
		*secret*) ref=refs/heads/secret ;;
		*) ref=refs/dgit/sid ;;
		esac &&
		git --git-dir=$r update-ref $ref "$c" || return 1
	done
'

# run SERVER COMMAND: the forced command with SSH_ORIGINAL_COMMAND, as
# sshd runs it; prints "served" (hello's refs advertised), "empty" (an
# empty repository advertised: no refs, a flush packet) or "refused"
# (nothing advertised, failed).
run() {
	if test "$1" = ours; then
		set -- env "SSH_ORIGINAL_COMMAND=$2" "$SERVER_BIN" ssh top/ours
	else
		set -- env "SSH_ORIGINAL_COMMAND=$2" "$PERL_DRS" debian \
		    top/perl "$KEYS_DIR/uploader-keyring.gpg,m$PWD/top/perl/dm.txt" --ssh
	fi
	"$@" </dev/null >run.out 2>run.err
	rc=$?
	if grep -a -q secret run.out; then
		echo reached-secret
	elif grep -a -q refs/dgit/sid run.out; then
		echo served
	elif test "$(cat run.out)" = 0000; then
		echo empty
	elif test $rc != 0 && ! test -s run.out; then
		echo refused
	else
		echo "other (exit $rc)"
	fi
}

# the server directories less what each makes on first need: the lock
# files Perl's server leaves, the empty repository both serve for a
# package they lack
tree() {
	(cd top && find . | grep -v -e "^./perl/.*\.lock\$" \
	    -e "^./ours/_empty.git" -e "^./perl/repos/_empty" | LC_ALL=C sort)
}

# COMMAND|OURS|PERL: what each server does with the line.  The one
# difference: a quote on one side only, which Perl's pattern lets through
# and ours refuses.
while IFS='|' read -r cmd ours perl; do
	test_expect_success "ssh command: $cmd" '
		tree >before &&
		echo "$ours" >want &&
		run ours "$cmd" >got &&
		test_cmp want got &&
		if test "$ours" = refused; then
			test_must_fail test -s run.out
		fi &&
		echo "$perl" >want &&
		run perl "$cmd" >got &&
		test_cmp want got &&
		tree >after &&
		test_cmp before after
	'
done <<'EOF'
git-upload-pack hello.git|served|served
git-upload-pack 'hello.git'|served|served
git-upload-pack '/srv/dgit/hello.git'|served|served
/usr/bin/git-upload-pack 'hello.git'|served|served
git-upload-pack 'x/../hello.git'|served|served
git-upload-pack '../hello.git'|served|served
git-upload-pack '../../secret.git'|empty|empty
git-upload-pack '../secret.git'|empty|empty
git-upload-pack '/etc/secret.git'|empty|empty
git-upload-pack '_secret.git'|refused|refused
git-upload-pack '../ours/_secret.git'|refused|refused
git-upload-pack 'hello.git|refused|served
|refused|refused
ls|refused|refused
git-upload-pack|refused|refused
git-upload-archive 'hello.git'|refused|refused
git-upload-pack 'Hello.git'|refused|refused
git-upload-pack 'hello'|refused|refused
git-upload-pack 'hello.git/'|refused|refused
git-upload-pack "hello.git"|refused|refused
git-upload-pack --help 'hello.git'|refused|refused
git-upload-pack '--upload-pack=touch hello.git'|refused|refused
git-upload-pack 'hello.git' --strict|refused|refused
git-receive-pack 'hello.git'; rm -rf top|refused|refused
git-upload-pack '$(touch x).git'|refused|refused
git-upload-pack 'hel lo.git'|refused|refused
EOF

test_expect_success 'a command line with a newline is refused by both' '
	nl="git-upload-pack hello.git
git-upload-pack hello.git" &&
	echo refused >want &&
	run ours "$nl" >got && test_cmp want got &&
	run perl "$nl" >got && test_cmp want got
'

test_expect_success 'ours: receive-pack of a package it lacks, with no push made, makes no repository' '
	run ours "git-receive-pack '"'"'newpkg.git'"'"'" >/dev/null &&
	test_path_is_missing top/ours/newpkg.git &&
	test_path_is_missing top/ours/_tmp/newpkg_prospective.git
'

test_done
