#!/bin/sh
test_description='whole push-source runs of ours and of Debian'"'"'s (Perl) dgit against ours and Debian'"'"'s dgit-repos-server, over file:// and an ssh forced command: each accepts the valid pushes of both and both refuse the same bad ones'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"
. "$TEST_DIR/lib-localarchive.sh"
. "$TEST_DIR/lib-server.sh"

test_need_cmd apt-get
PERL_DGIT=/usr/bin/dgit
PERL_DRS=/usr/bin/dgit-repos-server
test -x "$PERL_DGIT" ||
	test_skip_all "Perl dgit ($PERL_DGIT) is missing (make deps installs dgit)"
test -x "$PERL_DRS" ||
	test_skip_all "Debian's dgit-repos-server is missing (make deps installs dgit-infrastructure)"

# One local archive (distro "local", suites sid and experimental; its
# uploads go through dput and reprepro) and three git servers the
# clients push to in turn:
#   ours-file  the archive's own server (la/git, ours), over file://
#   ours-ssh   the same server behind the ssh forced command
#   perl-ssh   Debian's dgit-repos-server behind its ssh forced command,
#              with the same keyring
# Both servers list only sid, have no DM keyring, and run the same policy
# hook (perl-ssh needs one), which allows nothing special: no rewinds.
# The fake ssh runs the forced command as sshd does: the command line
# git gave it in SSH_ORIGINAL_COMMAND, the forced command run by sh.
test_expect_success 'the archive, the servers and the fake ssh' '
	la_init --suite sid --suite experimental >/dev/null &&
	gpg_import_key wrong &&
	git config -f "$LA/git/dgit-repos.conf" --unset-all dgit-repos.suite &&
	git config -f "$LA/git/dgit-repos.conf" dgit-repos.suite sid &&
	git config -f "$LA/git/dgit-repos.conf" dgit-repos.policy-hook "$PWD/policy" &&
	printf "#!/bin/sh\nexit 0\n" >policy && chmod +x policy &&
	mkdir -p perl/repos &&
	echo sid >perl/suites &&
	ln -s "$PWD/policy" perl/policy-hook &&
	git init -q --bare perl/repos/_template &&
	: >perl/dm.txt &&
	cat >ssh-ours <<-EOF &&
	#!/bin/sh
	while test \$# -gt 1; do case "\$1" in -*) shift;; *) break;; esac; done
	shift
	export SSH_ORIGINAL_COMMAND="\$*"
	exec sh -c "\\"$SERVER_BIN\\" ssh \\"$LA/git\\""
	EOF
	cat >ssh-perl <<-EOF &&
	#!/bin/sh
	while test \$# -gt 1; do case "\$1" in -*) shift;; *) break;; esac; done
	shift
	export SSH_ORIGINAL_COMMAND="\$*"
	exec sh -c "\\"$PERL_DRS\\" local \\"$PWD/perl\\" \\"$LA/uploaders-keyring.gpg,a:$PWD/perl/dm.txt\\" --ssh"
	EOF
	chmod +x ssh-ours ssh-perl
'

# mkpkg PKG: a git tree of a small 3.0 (native) package PKG 1.0 in w/PKG.
mkpkg() {
	mkdir -p "w/$1/debian/source" &&
	(cd "w/$1" &&
	 echo "3.0 (native)" >debian/source/format &&
	 printf "#!/usr/bin/make -f\n%%:\n\tdh \$@\n" >debian/rules &&
	 chmod +x debian/rules &&
	 cat >debian/control <<-EOF &&
	Source: $1
	Section: misc
	Priority: optional
	Maintainer: Fixture Maintainer <fixture@example.org>
	Build-Depends: debhelper-compat (= 13)
	Standards-Version: 4.6.2

	Package: $1
	Architecture: all
	Description: test package $1
	 A package for the dgit-c test suite.
	EOF
	 cat >debian/changelog <<-EOF &&
	$1 (1.0) unstable; urgency=medium

	  * First.

	 -- Fixture Maintainer <fixture@example.org>  Fri, 14 Jul 2017 02:40:00 +0000
	EOF
	 echo "Copyright: none" >debian/copyright &&
	 echo one >file &&
	 git init -q && git add -A && git commit -q -m "$1 1.0")
}

# newversion PKG VERSION [SUITE]: a commit with a changelog entry.
newversion() {
	(cd "w/$1" &&
	 echo "$2" >>file &&
	 DEBEMAIL=fixture@example.org DEBFULLNAME="Fixture Maintainer" \
	     dch -v "$2" -D "${3:-unstable}" --force-distribution "Version $2." &&
	 git commit -q -a -m "$1 $2")
}

# Perl dgit asks apt what the archive has; apt finds no source index for
# a suite with no package at all, so experimental gets one (put in by
# reprepro, as an archive administrator would).
test_expect_success 'a package in the archive'"'"'s experimental' '
	mkpkg filler &&
	(cd w/filler && dpkg-source -b . >/dev/null) &&
	reprepro -b "$LA/reprepro" -S misc -P optional includedsc experimental \
	    w/filler_1.0.dsc >/dev/null &&
	test_grep "^Package: filler" "$LA/public/dists/experimental/main/source/Sources"
'

# push CLIENT SERVER PKG [OPTIONS]: push-source of w/PKG by CLIENT (ours
# or perl) to SERVER (ours-file, ours-ssh, perl-ssh).
push() {
	client=$1 server=$2 pkg=$3
	shift 3
	case $server in
	ours-file) url= ;;
	ours-ssh) url=ssh://server ; GIT_SSH=$PWD/ssh-ours ;;
	perl-ssh) url=ssh://server ; GIT_SSH=$PWD/ssh-perl ;;
	esac
	export GIT_SSH
	GIT_SSH_VARIANT=simple && export GIT_SSH_VARIANT
	if test $client = ours; then
		(cd "w/$pkg" && "$DGIT" -d local ${url:+-cdgit-distro.local.git-url=$url} \
		    ${url:+-cdgit-distro.local.git-create=true} push-source "$@")
	else
		(cd "w/$pkg" && "$PERL_DGIT" -d local \
		    -cdgit-distro.local.archive-query=aptget: \
		    "-cdgit-distro.local.mirror=[signed-by=$LA/archive-keyring.gpg] file://$LA/public" \
		    -cdgit-distro.local.git-create=true -cdgit-distro.local.git-host=server \
		    ${url:+-cdgit-distro.local.git-url=$url} push-source "$@")
	fi
}

# the state of a server's repository of PKG and of the archive
state() {
	case $2 in
	ours-*) r=$LA/git/$1.git ;;
	perl-ssh) r=$PWD/perl/repos/$1.git ;;
	esac
	if test -d "$r"; then repo_state "$r"; else echo "no $r"; fi &&
	sed -n "/^Package: $1\$/,/^\$/p" "$LA/public/dists/sid/main/source/Sources"
}

WRONG=$(key_fpr wrong)

# case_ NAME CLIENT SERVER PKG EXPECT OPTIONS: a push; note the decision
# in CLIENT-SERVER.log; a refused push must have been refused by the
# server (saying EXPECT), and leave its repository and the archive as
# they were.
case_() {
	name=$1 c=$2 s=$3 pkg=$4 expect=$5
	shift 5
	state "$pkg" "$s" >before &&
	if push "$c" "$s" "$pkg" "$@" >"$c-$s-$name.out" 2>&1; then
		echo "$name accepted" >>"$c-$s.log"
	else
		echo "$name refused" >>"$c-$s.log" &&
		state "$pkg" "$s" >after &&
		test_cmp before after &&
		{ test -z "$expect" ||
		  test_grep -e "^remote: .*$expect" "$c-$s-$name.out"; }
	fi
}

# The pushes, in order, the same for every client and server (NAME;OURS;PERL;SETUP;OPTIONS,
# OURS and PERL what each server says when it refuses):
#   first       the package's first push (--new): accepted
#   wrongkey    1.1 signed by a key the server does not know: refused
#   wrongsuite  1.1 for experimental, which the archive has and the git
#               servers do not list: refused
#   second      1.1 for unstable: accepted
#   rewind      1.2 on top of 1.0, --deliberately-not-fast-forward,
#               which the policy does not allow: refused
#   third       1.2 on top of 1.1: accepted
# A refused push's tags are deleted from the client before the next.
PUSHES='first;;;:;--new
wrongkey;not signed by a key this server knows;gpgv: Can.t check signature: No public key;newversion $p 1.1;-k '"$WRONG"'
wrongsuite;refused: unknown suite .experimental.;reject: unknown suite;git -C w/$p reset -q --hard HEAD^ && newversion $p 1.1 experimental;--new
second;;;git -C w/$p reset -q --hard HEAD^ && newversion $p 1.1;
rewind;refused: not a fast forward on .refs/dgit/sid.;reject: not fast forward on dgit branch;git -C w/$p checkout -q -b rw HEAD^ && newversion $p 1.2;--deliberately-not-fast-forward
third;;;git -C w/$p checkout -q main && newversion $p 1.2;'

for c in ours perl; do
	for s in ours-file ours-ssh perl-ssh; do
		p=p-$c-$s
		test_expect_success "client $c, server $s: the same pushes" "
			mkpkg $p &&
			if test $c-$s = perl-ours-file; then
				\"\$SERVER_BIN\" init-repo \"\$LA/git\" $p >/dev/null
			fi &&
			echo \"\$PUSHES\" | while IFS=';' read -r name eours eperl setup opts; do
				case $s in ours-*) expect=\$eours ;; *) expect=\$eperl ;; esac &&
				eval \"\$setup\" &&
				case_ \$name $c $s $p \"\$expect\" \$opts || return 1
				case \$(tail -n 1 $c-$s.log) in *refused)
					v=\$(cd w/$p && dpkg-parsechangelog -SVersion) &&
					git -C w/$p tag -d archive/local/\$v local/\$v >/dev/null 2>&1
				esac
			done
		"
	done
done

test_expect_success 'every server decides as Debian'"'"'s for every client' '
	cat >want <<-\EOF &&
	first accepted
	wrongkey refused
	wrongsuite refused
	second accepted
	rewind refused
	third accepted
	EOF
	for c in ours perl; do
		for s in ours-file ours-ssh perl-ssh; do
			echo "== $c $s" && cat "$c-$s.log" || return 1
		done
	done >got &&
	for c in ours perl; do
		for s in ours-file ours-ssh perl-ssh; do
			echo "== $c $s" && cat want || return 1
		done
	done >expect &&
	test_cmp expect got
'

test_expect_success 'each server holds what each client pushed last, with its tags' '
	for c in ours perl; do
		for s in ours-file ours-ssh perl-ssh; do
			p=p-$c-$s &&
			case $s in
			ours-*) r=$LA/git/$p.git ;;
			perl-ssh) r=perl/repos/$p.git ;;
			esac &&
			git -C w/$p rev-parse main >want &&
			git --git-dir="$r" rev-parse refs/dgit/sid >got &&
			test_cmp want got &&
			git --git-dir="$r" for-each-ref --format="%(refname)" \
			    refs/tags/archive >got &&
			printf "refs/tags/archive/local/%s\n" 1.0 1.1 1.2 >want &&
			test_cmp want got &&
			test "$(sources_version $p)" = 1.2 || return 1
		done
	done
'

# race_clients PKG: push-source of w/PKG by ours and of w/PKG-b by Perl
# dgit, started together, each noting its exit status in race-X.rc.
race_clients() {
	{ push ours ours-ssh $1 >race-a.out 2>&1; echo $? >race-a.rc; } &
	{ push perl ours-ssh $1-b >race-b.out 2>&1; echo $? >race-b.rc; } &
	wait
}

# Two whole push-source runs at once, ours and Perl dgit's, of two new
# versions on the same commit, to the same repository over ssh; the gate
# holds the first push long enough for the second to arrive.
test_expect_success 'two push-source runs at once: one wins, the other is refused, nothing half-done' '
	p=p-ours-ours-ssh &&
	cp -a w/$p w/$p-b &&
	newversion $p 1.3 &&
	newversion $p-b 1.4 &&
	printf "#!/bin/sh\nsleep 5\n" >slowgate && chmod +x slowgate &&
	git config -f "$LA/git/dgit-repos.conf" suite.sid.gate "$PWD/slowgate" &&
	race_clients $p &&
	git config -f "$LA/git/dgit-repos.conf" --unset suite.sid.gate &&
	cat race-a.rc race-b.rc | sort >rcs &&
	test "$(head -n 1 rcs)" = 0 &&
	test "$(tail -n 1 rcs)" != 0 &&
	if test "$(cat race-a.rc)" = 0; then w=$p v=1.3 l=b lv=1.4
	else w=$p-b v=1.4 l=a lv=1.3; fi &&
	git -C w/$w rev-parse HEAD >want &&
	git --git-dir="$LA/git/$p.git" rev-parse refs/dgit/sid >got &&
	test_cmp want got &&
	git --git-dir="$LA/git/$p.git" rev-parse -q --verify refs/tags/archive/local/$v &&
	test_must_fail git --git-dir="$LA/git/$p.git" rev-parse -q --verify \
	    refs/tags/archive/local/$lv &&
	test "$(sources_version $p)" = $v &&
	test_grep -e "in progress\|changed since you fetched\|fetch first\|non-fast-forward\|rejected\|refused" race-$l.out &&
	test_path_is_missing "$LA/git/$p.git/dgit-push.lock"
'

test_done
