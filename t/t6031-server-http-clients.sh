#!/bin/sh
test_description='whole push-source runs of ours and of Debian'"'"'s (Perl) dgit to the local archive'"'"'s git server under git-http-backend behind lighttpd: accepted, a wrong key refused by the server, the next version accepted'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-localarchive.sh"
. "$TEST_DIR/lib-server.sh"

test_need_cmd apt-get lighttpd curl python3
PERL_DGIT=/usr/bin/dgit
test -x "$PERL_DGIT" ||
	test_skip_all "Perl dgit ($PERL_DGIT) is missing (make deps installs dgit)"
test -x "$(git --exec-path)/git-http-backend" ||
	test_skip_all "git-http-backend is missing"
test_atexit lighttpd_atexit_

# Over http a package's repository must exist before its first push: the
# administrator makes it with init-repo.
test_expect_success 'a local archive whose git server lighttpd serves' '
	la_init >/dev/null &&
	gpg_import_key wrong &&
	lighttpd_start "$LA/git" &&
	for p in hours hperl; do
		"$SERVER_BIN" init-repo "$LA/git" $p >/dev/null &&
		mkdir -p w/$p/debian/source &&
		(cd w/$p &&
		 echo "3.0 (native)" >debian/source/format &&
		 printf "Source: $p\nSection: misc\nPriority: optional\nMaintainer: A Tester <tester@example.org>\n\nPackage: $p\nArchitecture: all\nDescription: test\n test\n" >debian/control &&
		 printf "$p (1.0) unstable; urgency=medium\n\n  * First.\n\n -- A Tester <tester@example.org>  Fri, 14 Jul 2017 02:40:00 +0000\n" >debian/changelog &&
		 echo one >file &&
		 git init -q && git add -A && git commit -q -m 1.0) || return 1
	done
'

PORT=$(cat lighttpd.port 2>/dev/null)
URL=http://uploader:secret@127.0.0.1:$PORT/git
GIT_TERMINAL_PROMPT=0 && export GIT_TERMINAL_PROMPT

# push CLIENT PKG [OPTIONS]
push() {
	c=$1 pkg=$2
	shift 2
	if test $c = ours; then
		(cd w/$pkg && "$DGIT" -d local -cdgit-distro.local.git-url=$URL \
		    -cdgit-distro.local.git-create=true push-source "$@")
	else
		(cd w/$pkg && "$PERL_DGIT" -d local \
		    -cdgit-distro.local.archive-query=aptget: \
		    "-cdgit-distro.local.mirror=[signed-by=$LA/archive-keyring.gpg] file://$LA/public" \
		    -cdgit-distro.local.git-create=true -cdgit-distro.local.git-host=127.0.0.1 \
		    -cdgit-distro.local.git-url=$URL push-source "$@")
	fi
}

newversion() {
	(cd w/$1 && echo "$2" >>file &&
	 DEBEMAIL=tester@example.org DEBFULLNAME="A Tester" \
	     dch -v "$2" -D unstable --force-distribution "Version $2." &&
	 git commit -q -a -m "$2")
}

for c in ours perl; do
	p=h$c
	test_expect_success "$c: the first push-source over http is accepted" "
		push $c $p --new >$c-first.out 2>&1 &&
		git -C w/$p rev-parse HEAD >want &&
		git --git-dir=\"\$LA/git/$p.git\" rev-parse refs/dgit/sid >got &&
		test_cmp want got &&
		test \"\$(sources_version $p)\" = 1.0
	"

	# (the tags and the files signed by the wrong key are removed after,
	# so that the next run signs them anew)
	test_expect_success "$c: a push-source signed by a key the server does not know is refused by it" "
		newversion $p 1.1 &&
		repo_state \"\$LA/git/$p.git\" >before &&
		test_must_fail push $c $p -k \"\$(key_fpr wrong)\" >err 2>&1 &&
		test_grep '^remote: dgit-repos-server: refused: .*not signed by a key this server knows' err &&
		repo_state \"\$LA/git/$p.git\" >after &&
		test_cmp before after &&
		test \"\$(sources_version $p)\" = 1.0 &&
		git -C w/$p tag -d archive/local/1.1 local/1.1 >/dev/null 2>&1
		rm -f w/${p}_1.1*
	"

	test_expect_success "$c: the next version over http is accepted" "
		push $c $p >$c-next.out 2>&1 &&
		git -C w/$p rev-parse HEAD >want &&
		git --git-dir=\"\$LA/git/$p.git\" rev-parse refs/dgit/sid >got &&
		test_cmp want got &&
		test \"\$(sources_version $p)\" = 1.1
	"
done

test_expect_success 'stop lighttpd' '
	lighttpd_stop
'

test_done
