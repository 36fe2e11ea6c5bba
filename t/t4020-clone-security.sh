#!/bin/sh
test_description='security suites (updates/main layout, own mirror and key) and combined suites BASE,-security'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

# Two mirrors, as Debian has them: the main archive (signed with the
# archive key) and the security archive on its own server, laid out as
# the real one is ("Components: updates/main", indices in main/) and
# signed with another key (the uploader test key stands in for it).
#   main:     bookworm: hello 1.0-1, oldnative 1.2    trixie: hello 1.0-2
#   security: bookworm-security: hello 1.0-2          trixie-security: hello 1.0-1
test_expect_success 'set up the main and the security mirror' '
	archive_init main &&
	archive_add_suite main bookworm stable &&
	archive_add_suite main trixie testing &&
	archive_add_fixture main bookworm hello-1 &&
	archive_add_fixture main bookworm oldnative &&
	archive_add_fixture main trixie hello-2 &&
	archive_update main &&
	archive_init sec &&
	archive_add_suite sec bookworm-security stable-security &&
	archive_add_suite sec trixie-security testing-security &&
	archive_security_layout sec bookworm-security &&
	archive_security_layout sec trixie-security &&
	archive_add_fixture sec bookworm-security hello-2 updates/main &&
	archive_add_fixture sec trixie-security hello-1 updates/main &&
	ARCHIVE_KEY=uploader archive_update sec &&
	test_grep "^Components: updates/main$" sec/dists/bookworm-security/Release &&
	test_grep " main/source/Sources.xz$" sec/dists/bookworm-security/Release &&
	test_path_is_missing sec/dists/bookworm-security/updates &&
	test -d sec/pool/updates/main/h/hello &&
	httpd_start main && httpd_url >main.url &&
	httpd_start sec && httpd_url >sec.url
'
MAIN=$(cat main.url 2>/dev/null)
SEC=$(cat sec.url 2>/dev/null)

# The program under test with the two distros as Perl dgit has them:
# *-security suites are distro debian-security.
d() {
	"$DGIT" -c "dgit-distro.debian.mirror=$MAIN" \
	    -c "dgit-distro.debian.archive-keyring=$ARCHIVE_KEYRING" \
	    -c "dgit-distro.debian-security.mirror=$SEC" \
	    -c "dgit-distro.debian-security.archive-keyring=$UPLOADER_KEYRING" \
	    -c "dgit-distro.debian.keyring=$UPLOADER_KEYRING" \
	    -c "dgit-distro.debian.git-check=false" "$@"
}

ref_tree() { dsc_reference_tree "$(fixture_built "$1")"; }
tip() { git -C "$1" rev-parse "$2"; }

test_expect_success 'clone from the security suite: the tree of dpkg-source -x' '
	mkdir c1 && (cd c1 && d clone hello bookworm-security >../out 2>../err) &&
	test_grep "^dgit ok: ready for work in hello: hello 1.0-2 from bookworm-security" out &&
	test "$(git -C c1/hello symbolic-ref HEAD)" = refs/heads/dgit/bookworm-security &&
	test "$(tip c1/hello "HEAD^{tree}")" = "$(ref_tree hello-2)" &&
	test "$(tip c1/hello HEAD)" = \
	    "$(tip c1/hello refs/remotes/dgit/dgit/bookworm-security)" &&
	dsc=$(fixture_built hello-2) &&
	for f in $(dsc_files_ "$dsc"); do
		cmp "$(dirname "$dsc")/$f" "c1/$f" || return 1
	done &&
	grep "^GET /dists/bookworm-security/InRelease " "$HTTPD_STATE.2/log" &&
	! grep "bookworm-security" "$HTTPD_STATE.1/log"
'

test_expect_success 'a security suite alias (stable-security) is its codename' '
	mkdir c1a && (cd c1a && d clone hello stable-security >../out 2>../err) &&
	test "$(git -C c1a/hello symbolic-ref HEAD)" = refs/heads/dgit/bookworm-security
'

test_expect_success 'a package missing from the security suite is not found, with the components searched' '
	mkdir c1b && (cd c1b && test_must_fail d clone oldnative bookworm-security \
	    >../out 2>../err) &&
	test_grep "not found in suite .bookworm-security." err &&
	test_grep "updates/main" err &&
	test "$(ls -A c1b)" = ""
'

test_expect_success 'BASE,-security: each part from its own mirror; security is higher and wins' '
	mkdir c2 && (cd c2 && d clone hello bookworm,-security >../out 2>../err) &&
	r=c2/hello &&
	test_grep "hello 1.0-2 from bookworm,-security, dgit/bookworm,-security" out &&
	test "$(git -C $r symbolic-ref HEAD)" = "refs/heads/dgit/bookworm,-security" &&
	test "$(tip $r HEAD)" = "$(tip $r "refs/remotes/dgit/dgit/bookworm,-security")" &&
	test "$(tip $r "HEAD^{tree}")" = "$(ref_tree hello-2)" &&
	test "$(tip $r refs/remotes/dgit/dgit/bookworm^{tree})" = "$(ref_tree hello-1)" &&
	test "$(tip $r refs/remotes/dgit/dgit/bookworm-security^{tree})" = "$(ref_tree hello-2)" &&
	git -C $r log -1 --format=%P HEAD >parents &&
	echo "$(tip $r refs/remotes/dgit/dgit/bookworm) $(tip $r refs/remotes/dgit/dgit/bookworm-security)" >expect &&
	test_cmp expect parents &&
	grep "^GET /dists/bookworm/InRelease " "$HTTPD_STATE.1/log" &&
	! grep "^GET /dists/bookworm/" "$HTTPD_STATE.2/log"
'

# The text Perl dgit 10.7 writes (its multisuite merge), checked against
# what it made of this archive (see the Perl dgit test below).
test_expect_success 'the combine commit message is the one Perl dgit writes' '
	cat >expect <<-\EOF &&
	Combine archive branches bookworm,-security [dgit]

	Input branches:
	 +  1.0-1                     bookworm
	 *  1.0-2                     bookworm-security

	Key
	 * marks the highest version branch, which choose to use
	 + marks each branch which was not already an ancestor

	[dgit multi-suite bookworm,-security]
	EOF
	git -C c2/hello cat-file commit HEAD | sed "1,/^\$/d" >msg &&
	test_cmp expect msg
'

test_expect_success 'BASE,-security: the base is higher and wins' '
	mkdir c3 && (cd c3 && d clone hello trixie,-security >../out 2>../err) &&
	r=c3/hello &&
	test "$(git -C $r symbolic-ref HEAD)" = "refs/heads/dgit/trixie,-security" &&
	test "$(tip $r "HEAD^{tree}")" = "$(ref_tree hello-2)" &&
	git -C $r log -1 --format=%B HEAD >msg &&
	test_grep "^ \*  1.0-2  *trixie$" msg &&
	test_grep "^ +  1.0-1  *trixie-security$" msg
'

test_expect_success 'BASE,-security: a package only in the base is the base import' '
	mkdir c4 && (cd c4 && d clone oldnative bookworm,-security >../out 2>../err) &&
	r=c4/oldnative &&
	test "$(git -C $r symbolic-ref HEAD)" = "refs/heads/dgit/bookworm,-security" &&
	test "$(tip $r HEAD)" = "$(tip $r refs/remotes/dgit/dgit/bookworm)" &&
	test "$(tip $r "HEAD^{tree}")" = "$(ref_tree oldnative)"
'

test_expect_success 'a security suite that cannot be verified is an error, not a skipped suite' '
	mkdir c5 && (cd c5 && test_must_fail d \
	    -c "dgit-distro.debian-security.archive-keyring=$ARCHIVE_KEYRING" \
	    clone oldnative bookworm,-security >../out 2>../err) &&
	test_grep "bookworm-security" err &&
	test_path_is_missing c5/oldnative &&
	test "$(ls -A c5 | grep -c dgit)" = 0
'

test_expect_success 'the base suite is checked with the main key, not the security one' '
	mkdir c6 && (cd c6 && test_must_fail d \
	    -c "dgit-distro.debian.archive-keyring=$UPLOADER_KEYRING" \
	    clone hello bookworm,-security >../out 2>../err) &&
	test_grep "bookworm" err &&
	test "$(ls -A c6)" = ""
'

test_expect_success 'fetch and pull in a BASE,-security clone follow both parts' '
	archive_init sec2 &&
	archive_add_suite sec2 bookworm-security stable-security &&
	archive_security_layout sec2 bookworm-security &&
	ARCHIVE_KEY=uploader archive_update sec2 &&
	httpd_start sec2 && httpd_url >sec2.url &&
	mkdir c7 && (cd c7 && d -c "dgit-distro.debian-security.mirror=$(cat ../sec2.url)" \
	    clone hello bookworm,-security >../out 2>../err) &&
	r=c7/hello &&
	test "$(tip $r HEAD)" = "$(tip $r refs/remotes/dgit/dgit/bookworm)" &&
	before=$(tip $r HEAD) &&
	archive_add_fixture sec2 bookworm-security hello-2 updates/main &&
	ARCHIVE_KEY=uploader archive_update sec2 &&
	(cd $r && d -c "dgit-distro.debian-security.mirror=$(cat ../../sec2.url)" \
	    fetch >../../out 2>../../err) &&
	test_grep "fetched hello 1.0-2 from bookworm,-security" out &&
	lr="refs/remotes/dgit/dgit/bookworm,-security" &&
	test "$(tip $r "$lr^{tree}")" = "$(ref_tree hello-2)" &&
	test "$(tip $r HEAD)" = "$before" &&
	git -C $r merge-base --is-ancestor "$before" "$lr" &&
	(cd $r && d -c "dgit-distro.debian-security.mirror=$(cat ../../sec2.url)" \
	    pull >../../out 2>../../err) &&
	test "$(tip $r "HEAD^{tree}")" = "$(ref_tree hello-2)" &&
	test "$(git -C $r symbolic-ref HEAD)" = "refs/heads/dgit/bookworm,-security"
'

test_expect_success 'checkout of a combined suite makes its branch from all parts' '
	r=c2/hello &&
	(cd $r && d checkout trixie,-security >../../out 2>../../err) &&
	test "$(git -C $r symbolic-ref HEAD)" = "refs/heads/dgit/trixie,-security" &&
	test "$(tip $r HEAD)" = "$(tip $r "refs/remotes/dgit/dgit/trixie,-security")" &&
	test "$(tip $r "HEAD^{tree}")" = "$(ref_tree hello-2)" &&
	tip $r refs/remotes/dgit/dgit/trixie-security
'

# Perl dgit on the same two mirrors (archive query through apt-get, which
# reads the security Release as apt does): the same history shape, the
# same combine message, trees and dgit import commits.  (The gbp-pq patch
# commits on top of the imports are compared by the import tests; their
# ids differ while DEP-3 fields such as Last-Update are not kept.)
PERL_DGIT=/usr/bin/dgit
perl_dgit() {
	"$PERL_DGIT" -cdgit-distro.debian.archive-query=aptget: \
	    "-cdgit-distro.debian.mirror=[signed-by=$ARCHIVE_KEYRING] $MAIN/" \
	    -cdgit-distro.debian-security.archive-query=aptget: \
	    "-cdgit-distro.debian-security.mirror=[signed-by=$UPLOADER_KEYRING] $SEC/" \
	    -cdgit-distro.debian.git-check=false \
	    -cdgit-distro.debian-security.git-check=false "$@"
}

# shape REPO: per tracking ref its tree, the combine commit's parents
# counted, its message, and the ids of dgit's import commits.
shape() {
	for ref in "bookworm,-security" bookworm bookworm-security; do
		ref=refs/remotes/dgit/dgit/$ref &&
		echo "$ref tree $(tip "$1" "$ref^{tree}")" &&
		git -C "$1" log --format="%H import" --grep="^hello (" "$ref" ||
		return 1
	done &&
	c=refs/remotes/dgit/dgit/bookworm,-security &&
	echo "parents $(git -C "$1" log -1 --format=%P $c | wc -w)" &&
	git -C "$1" cat-file commit $c | sed "1,/^\$/d"
}

test_expect_success 'Perl dgit clone BASE,-security: the same history shape and imports' '
	test -x "$PERL_DGIT" && command -v apt-get >/dev/null &&
	mkdir p2 && (cd p2 && perl_dgit clone hello bookworm,-security >../out 2>../err) &&
	test "$(git -C p2/hello symbolic-ref HEAD)" = "refs/heads/dgit/bookworm,-security" &&
	shape p2/hello >perl.shape &&
	shape c2/hello >ours.shape &&
	test_cmp perl.shape ours.shape &&
	test_grep "^parents 2$" ours.shape &&
	test "$(grep -c " import$" ours.shape)" = 4
'

# A security mirror from apt's sources is fetched as apt's configuration
# says: Acquire::Check-Valid-Until and Acquire::http::Proxy(::HOST).
apt_dgit() {
	APT_CONFIG=$TRASH_DIRECTORY/apt/apt.conf "$DGIT" \
	    -c "dgit-distro.debian-security.archive-keyring=$UPLOADER_KEYRING" \
	    -c "dgit-distro.debian.keyring=$UPLOADER_KEYRING" \
	    -c "dgit-distro.debian.git-check=false" "$@"
}

test_expect_success 'apt sources: an expired security Release is refused, unless apt says Check-Valid-Until false' '
	archive_init secx &&
	archive_add_suite secx bookworm-security stable-security &&
	archive_security_layout secx bookworm-security &&
	archive_add_fixture secx bookworm-security hello-2 updates/main &&
	ARCHIVE_KEY=uploader ARCHIVE_VALID_UNTIL=$((SOURCE_DATE_EPOCH + 1)) \
	    archive_update secx &&
	httpd_start secx && httpd_url >secx.url &&
	mkdir apt apt/parts apt/conf.d &&
	: >apt/sources.list &&
	printf "Types: deb\nURIs: %s/\nSuites: bookworm-security\nComponents: main\n" \
	    "$(cat secx.url)" >apt/parts/sec.sources &&
	printf "Dir::Etc::sourcelist \"%s\";\nDir::Etc::sourceparts \"%s\";\nDir::Etc::parts \"%s\";\nDir::Etc::main \"/dev/null\";\n" \
	    "$PWD/apt/sources.list" "$PWD/apt/parts" "$PWD/apt/conf.d" >apt/apt.conf &&
	mkdir a1 && (cd a1 && test_must_fail apt_dgit clone hello bookworm-security \
	    >../out 2>../err) &&
	test_grep "Valid-Until" err &&
	test_path_is_missing a1/hello &&
	echo "Acquire::Check-Valid-Until \"false\";" >apt/conf.d/valid &&
	(cd a1 && apt_dgit clone hello bookworm-security >../out 2>../err) &&
	test "$(tip a1/hello "HEAD^{tree}")" = "$(ref_tree hello-2)"
'

test_expect_success 'apt sources: Acquire::http::Proxy is used, and ::HOST DIRECT overrides it and the environment' '
	echo "Acquire::http::Proxy \"http://127.0.0.1:1/\";" >apt/conf.d/proxy &&
	mkdir a2 && (cd a2 && test_must_fail apt_dgit --no-cache clone hello \
	    bookworm-security >../out 2>../err) &&
	test_grep "127.0.0.1:1\|proxy\|onnect" err &&
	test_path_is_missing a2/hello &&
	echo "Acquire::http::Proxy::127.0.0.1 \"DIRECT\";" >>apt/conf.d/proxy &&
	(cd a2 && http_proxy=http://127.0.0.1:1/ apt_dgit --no-cache clone hello \
	    bookworm-security >../out 2>../err) &&
	test "$(tip a2/hello "HEAD^{tree}")" = "$(ref_tree hello-2)"
'

test_expect_success 'archive-query aptget: with no archive keyring trusts the keyrings apt trusts' '
	mkdir apt/trusted.d &&
	cp "$UPLOADER_KEYRING" apt/trusted.d/sec.gpg &&
	printf "Dir::Etc::Trusted \"%s\";\nDir::Etc::TrustedParts \"%s\";\n" \
	    "$PWD/apt/none.gpg" "$PWD/apt/trusted.d" >apt/conf.d/trust &&
	mkdir a3 && (cd a3 && APT_CONFIG=$TRASH_DIRECTORY/apt/apt.conf "$DGIT" \
	    -d aptlocal -c dgit-distro.aptlocal.archive-query=aptget: \
	    -c "dgit-distro.aptlocal.mirror=$SEC" \
	    -c dgit-distro.aptlocal.git-check=false \
	    clone hello bookworm-security >../out 2>../err) &&
	test "$(tip a3/hello "HEAD^{tree}")" = "$(ref_tree hello-2)" &&
	rm apt/trusted.d/sec.gpg &&
	cp "$ARCHIVE_KEYRING" apt/trusted.d/other.gpg &&
	mkdir a4 && (cd a4 && test_must_fail env APT_CONFIG=$TRASH_DIRECTORY/apt/apt.conf \
	    "$DGIT" -d aptlocal -c dgit-distro.aptlocal.archive-query=aptget: \
	    -c "dgit-distro.aptlocal.mirror=$SEC" \
	    -c dgit-distro.aptlocal.git-check=false \
	    clone hello bookworm-security >../out 2>../err) &&
	test_grep "not in the keyring" err &&
	rm apt/trusted.d/other.gpg &&
	(cd a4 && test_must_fail env APT_CONFIG=$TRASH_DIRECTORY/apt/apt.conf \
	    "$DGIT" -d aptlocal -c dgit-distro.aptlocal.archive-query=aptget: \
	    -c "dgit-distro.aptlocal.mirror=$SEC" \
	    clone hello bookworm-security >../out 2>../err) &&
	test_grep "apt trusts no keyring" err &&
	test "$(ls -A a4)" = ""
'

test_done
