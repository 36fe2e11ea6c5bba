#!/bin/sh
test_description='dgit-repos-server: the same pushes to ours and to Debian'"'"'s (Perl) dgit-repos-server get the same decisions'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-server.sh"

test_need_cmd gpg gpgv
PERL_DRS=/usr/bin/dgit-repos-server
POLICY=/usr/bin/dgit-repos-policy-trusting
test -x "$PERL_DRS" && test -x "$POLICY" ||
	test_skip_all "Debian's dgit-repos-server is missing (make deps installs dgit-infrastructure)"

# Both servers behind an ssh forced command; both use Debian's
# dgit-repos-policy-trusting as policy hook (ours runs it with the same
# arguments as Perl's).
test_expect_success 'set up both servers' '
	server_init ours &&
	git config -f ours/dgit-repos.conf dgit-repos.policy-hook "$POLICY" &&
	"$SERVER_BIN" init-repo ours hello >/dev/null &&
	mkdir -p perl/repos &&
	printf "sid\nexperimental\n" >perl/suites &&
	ln -s "$POLICY" perl/policy-hook &&
	git init -q --bare perl/repos/_template &&
	cp ours/dm.txt perl/dm.txt &&
	cat >ssh-ours <<-EOF &&
	#!/bin/sh
	shift
	SSH_ORIGINAL_COMMAND="\$*" exec "$SERVER_BIN" ssh "$PWD/ours"
	EOF
	cat >ssh-perl <<-EOF &&
	#!/bin/sh
	shift
	SSH_ORIGINAL_COMMAND="\$*" exec "$PERL_DRS" debian "$PWD/perl" \
	    "$KEYS_DIR/uploader-keyring.gpg,a:$KEYS_DIR/archive-keyring.gpg,m$PWD/perl/dm.txt" --ssh
	EOF
	chmod +x ssh-ours ssh-perl &&
	git init -q src &&
	echo one >src/file && git -C src add file && git -C src commit -q -m one &&
	git -C src tag v1 &&
	echo two >src/file && git -C src commit -q -a -m two && git -C src tag v2 &&
	git -C src checkout -q -b other v1 &&
	echo other >src/file && git -C src commit -q -a -m other &&
	git -C src tag vother && git -C src checkout -q main
'

# push_both NAME REFSPECS...: push to both; note "NAME accepted|refused"
# for each in ours.log and perl.log.
push_both() {
	name=$1
	shift
	for s in ours perl; do
		if GIT_SSH="$PWD/ssh-$s" GIT_SSH_VARIANT=simple \
		    git -C src push "ssh://server/hello.git" "$@" \
		    >"$s.$name.out" 2>&1; then
			echo "$name accepted" >>$s.log
		else
			echo "$name refused" >>$s.log
		fi
	done
}

# case NAME [VAR=VALUE]... -- REFSPECS: make the tag and push it to both.
case_() {
	name=$1
	shift
	(
		while test "$1" != --; do
			eval "${1%%=*}=\${1#*=}"
			export "${1%%=*}"
			shift
		done
		make_dgit_tag src >/dev/null
	) || return 1
	while test "$1" != --; do shift; done
	shift
	push_both "$name" "$@"
}

test_expect_success 'the same pushes, one after another' '
	case_ first T_COMMIT=v1 -- v1^{commit}:refs/dgit/sid refs/tags/archive/debian/1.0-1 &&
	case_ wrongkey T_KEY=wrong T_VERSION=1.1-1 T_COMMIT=v2 -- \
	    v2^{commit}:refs/dgit/sid refs/tags/archive/debian/1.1-1 &&
	case_ forged T_FORGE=1 T_VERSION=1.1-1 T_COMMIT=v2 -- \
	    v2^{commit}:refs/dgit/sid refs/tags/archive/debian/1.1-1 &&
	case_ dm-not-allowed T_KEY=archive T_VERSION=1.1-1 T_COMMIT=v2 -- \
	    v2^{commit}:refs/dgit/sid refs/tags/archive/debian/1.1-1 &&
	case_ wrongpkg T_PKG=other T_VERSION=1.1-1 T_COMMIT=v2 -- \
	    v2^{commit}:refs/dgit/sid refs/tags/archive/debian/1.1-1 &&
	case_ wrongsuite T_CSUITE=experimental T_VERSION=1.1-1 T_COMMIT=v2 -- \
	    v2^{commit}:refs/dgit/sid refs/tags/archive/debian/1.1-1 &&
	case_ unknownsuite T_CSUITE=stable T_VERSION=1.1-1 T_COMMIT=v2 -- \
	    v2^{commit}:refs/dgit/stable refs/tags/archive/debian/1.1-1 &&
	case_ elsewhere T_VERSION=1.1-1 T_COMMIT=v2 -- \
	    +vother^{commit}:refs/dgit/sid refs/tags/archive/debian/1.1-1 &&
	case_ badname T_VERSION=1.1-1 T_COMMIT=v2 T_NAME=archive/debian/1.2-1 -- \
	    v2^{commit}:refs/dgit/sid refs/tags/archive/debian/1.2-1 &&
	case_ extraref T_VERSION=1.1-1 T_COMMIT=v2 -- \
	    v2^{commit}:refs/dgit/sid refs/tags/archive/debian/1.1-1 \
	    v2^{commit}:refs/heads/master &&
	case_ notag T_VERSION=1.1-1 T_COMMIT=v2 -- v2^{commit}:refs/dgit/sid &&
	case_ second T_VERSION=1.1-1 T_COMMIT=v2 -- \
	    v2^{commit}:refs/dgit/sid refs/tags/archive/debian/1.1-1 &&
	case_ rewind T_VERSION=1.2-1 T_COMMIT=vother -- \
	    +vother^{commit}:refs/dgit/sid refs/tags/archive/debian/1.2-1 &&
	case_ replace T_VERSION=1.1-1 T_COMMIT=vother -- \
	    +vother^{commit}:refs/dgit/sid +refs/tags/archive/debian/1.1-1 &&
	old=$(git -C ours/hello.git rev-parse refs/tags/archive/debian/1.1-1) &&
	case_ rewind-undeclared T_VERSION=1.3-1 T_COMMIT=vother \
	    T_ITEMS="no-split --deliberately-not-fast-forward" -- \
	    +vother^{commit}:refs/dgit/sid refs/tags/archive/debian/1.3-1 &&
	git -C src tag -d archive/debian/1.3-1 >/dev/null &&
	case_ rewind-declared T_VERSION=1.3-1 T_COMMIT=vother \
	    T_ITEMS="no-split --deliberately-not-fast-forward" \
	    T_PREVIOUSLY="tags/archive/debian/1.1-1=$old" -- \
	    +vother^{commit}:refs/dgit/sid refs/tags/archive/debian/1.3-1
'

test_expect_success 'ours decides as Perl dgit-repos-server does' '
	cat >want <<-\EOF &&
	first accepted
	wrongkey refused
	forged refused
	dm-not-allowed refused
	wrongpkg refused
	wrongsuite refused
	unknownsuite refused
	elsewhere refused
	badname refused
	extraref refused
	notag refused
	second accepted
	rewind refused
	replace refused
	rewind-undeclared refused
	rewind-declared accepted
	EOF
	test_cmp want perl.log &&
	test_cmp perl.log ours.log
'

test_expect_success 'both servers end with the same refs' '
	git -C ours/hello.git for-each-ref --format="%(objectname) %(refname)" \
	    refs/dgit refs/tags >ours.refs &&
	git -C perl/repos/hello.git for-each-ref --format="%(objectname) %(refname)" \
	    refs/dgit refs/tags >perl.refs &&
	test_cmp perl.refs ours.refs &&
	test $(wc -l <ours.refs) = 4
'

test_done
