#!/bin/sh
test_description='dgit-repos-server: a push gate that builds the source package from the pushed tree (dpkg-source -b) and checks it unpacks (dpkg-source -x) to that tree; a push whose package does not build is refused with the log'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-server.sh"

test_need_cmd gpg dpkg-source timeout

URL="file://$TRASH_DIRECTORY/srv/hello.git"

# The gate as the README shows it: the pushed tree is $1, in a
# directory of its own the gate may write in.
test_expect_success 'a server whose sid gate builds the source package' '
	server_init srv &&
	"$SERVER_BIN" init-repo srv hello >/dev/null &&
	cat >gate-build-source <<-\EOF &&
	#!/bin/sh
	# push gate: the source package builds from the pushed tree and
	# unpacks to exactly that tree
	set -e
	tree=$1
	cd "$tree/.."
	dpkg-source -b "$(basename "$tree")"
	dpkg-source -x --no-check "${DGIT_PACKAGE}_${DGIT_VERSION#*:}.dsc" unpacked
	diff -r "$tree" unpacked
	echo "the source package builds and unpacks to the pushed tree"
	EOF
	chmod +x gate-build-source &&
	git config -f srv/dgit-repos.conf suite.sid.gate "$PWD/gate-build-source" &&
	git config -f srv/dgit-repos.conf suite.sid.gate-timeout 60
'

# a 3.0 (native) package hello in src, version $1
test_expect_success 'a native package' '
	mkdir -p src/debian/source &&
	(cd src &&
	 echo "3.0 (native)" >debian/source/format &&
	 cat >debian/control <<-\EOF &&
	Source: hello
	Maintainer: A Tester <tester@example.org>

	Package: hello
	Architecture: all
	Description: test
	 test
	EOF
	 cat >debian/changelog <<-\EOF &&
	hello (1.0) unstable; urgency=medium

	  * First.

	 -- A Tester <tester@example.org>  Fri, 14 Jul 2017 02:40:00 +0000
	EOF
	 echo hello >README &&
	 git init -q && git add -A && git commit -q -m 1.0 && git tag v1)
'

test_expect_success 'a package that builds is accepted; the gate'"'"'s log reaches the pusher' '
	T_VERSION=1.0 T_COMMIT=v1 make_dgit_tag src >/dev/null &&
	git -C src push "$URL" v1^{commit}:refs/dgit/sid \
	    refs/tags/archive/debian/1.0 2>err &&
	test_grep "remote: .*gate: dpkg-source: info: building hello in hello_1.0.dsc" err &&
	test_grep "remote: .*gate: the source package builds and unpacks to the pushed tree" err &&
	test_grep "accepted hello 1.0 for sid" err &&
	git -C src rev-parse v1^{commit} >want &&
	git -C srv/hello.git rev-parse refs/dgit/sid >got &&
	test_cmp want got
'

# refused_build VERSION EXPECT: commit what the caller changed in src as
# VERSION, push it with its tag; the gate refuses with EXPECT in its log,
# the repository is unchanged.  The commit is dropped afterwards.
refused_build() {
	(cd src &&
	 sed -i "1s/(1\.0)/($1)/" debian/changelog &&
	 git add -A && git commit -q -m "$1") &&
	T_VERSION=$1 make_dgit_tag src >/dev/null &&
	repo_state srv/hello.git >before &&
	test_must_fail git -C src push "$URL" HEAD:refs/dgit/sid \
	    "refs/tags/archive/debian/$1" 2>err &&
	test_grep "push gate for sid refused the push" err &&
	test_grep -e "remote: .*gate: .*$2" err &&
	repo_state srv/hello.git >after &&
	test_cmp before after &&
	git -C src tag -d "archive/debian/$1" >/dev/null &&
	git -C src reset -q --hard v1
}

while IFS='|' read -r what version expect setup; do
	test_expect_success "refused by the gate: $what" "
		(cd src && $setup) &&
		refused_build '$version' '$expect'
	"
done <<'EOF'
a 3.0 (quilt) package without its upstream tarball|1.1-1|dpkg-source: error: .*orig|echo "3.0 (quilt)" >debian/source/format
an unknown source format|1.1|dpkg-source: error: source package format .4.0 (bogus). is not supported|echo "4.0 (bogus)" >debian/source/format
a broken debian/control|1.1|dpkg-source: error: .*control|printf "Maintainer: x\n" >debian/control
no debian/control|1.1|dpkg-source: error: .*control|git rm -q debian/control
EOF

test_expect_success 'a gate that is too slow is stopped at its time limit and the push refused' '
	cat >gate-slow <<-EOF &&
	#!/bin/sh
	sleep 30
	exec "$PWD/gate-build-source" "\$@"
	EOF
	chmod +x gate-slow &&
	git config -f srv/dgit-repos.conf suite.sid.gate "$PWD/gate-slow" &&
	git config -f srv/dgit-repos.conf suite.sid.gate-timeout 2 &&
	(cd src && echo more >>README && sed -i "1s/(1\.0)/(1.2)/" debian/changelog &&
	 git commit -q -a -m 1.2) &&
	T_VERSION=1.2 make_dgit_tag src >/dev/null &&
	repo_state srv/hello.git >before &&
	start=$(date +%s) &&
	test_must_fail git -C src push "$URL" HEAD:refs/dgit/sid \
	    refs/tags/archive/debian/1.2 2>err &&
	end=$(date +%s) &&
	test $((end - start)) -lt 20 &&
	test_grep "took longer than 2 seconds" err &&
	repo_state srv/hello.git >after &&
	test_cmp before after &&
	git config -f srv/dgit-repos.conf suite.sid.gate "$PWD/gate-build-source" &&
	git config -f srv/dgit-repos.conf suite.sid.gate-timeout 60 &&
	git -C src push "$URL" HEAD:refs/dgit/sid refs/tags/archive/debian/1.2 2>err &&
	test_grep "accepted hello 1.2 for sid" err
'

test_done
