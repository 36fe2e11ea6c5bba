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
