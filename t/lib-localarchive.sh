# A local archive (dgit local-archive init) for push tests.  Source after
# t/test-lib.sh and t/lib-archive.sh; needs reprepro, dput and dch.
#
#   $LA                    the archive's directory (made by la_init)
#   la_init                import the uploader key, make the archive
#                          signed-for by it
#   dsc_tree FIXTURE DIR   DIR/PKG: a git repository of what dpkg-source
#                          -x makes of the fixture (less .pc), one commit;
#                          the orig tarballs beside it, in DIR
#   dsc_tree_unapplied FIXTURE DIR
#                          the same with the patches unapplied
#                          (dpkg-source --skip-patches), on branch master
#   sources_version PKG    the version the archive's sid lists
#   la_snapshot REPO FILE  FILE: the state of everything a push from
#                          REPO may change (the git server's refs, the
#                          archive's files, REPO's refs and status, the
#                          files beside REPO), for before/after checks

test_need_cmd reprepro
test_need_cmd dput
test_need_cmd dch

LA="$TRASH_DIRECTORY/la"

la_cleanup_() {
	gpgconf --homedir "$LA/gnupg" --kill all >/dev/null 2>&1
	return 0
}
test_atexit la_cleanup_

la_init() {
	gpg_import_key uploader &&
	"$DGIT" local-archive init "$LA" --key "$(key_fpr uploader)" "$@"
}

# dsc_tree_ FIXTURE DIR BRANCH DPKG-SOURCE-OPTION...: dsc_tree's work
dsc_tree_() {
	dsc=$(fixture_built "$1") &&
	pkg=$(sed -n 's/^Source: //p' "$dsc") &&
	dt_dir_=$2 dt_branch_=$3 &&
	shift 3 &&
	mkdir -p "$dt_dir_" &&
	for f in $(dsc_files_ "$dsc"); do
		case "$f" in
		*.orig.*|*.orig-*) cp "$(dirname "$dsc")/$f" "$dt_dir_/" || return 1 ;;
		esac
	done &&
	dpkg-source "$@" -x "$dsc" "$dt_dir_/$pkg" >/dev/null 2>&1 &&
	rm -rf "$dt_dir_/$pkg/.pc" &&
	(cd "$dt_dir_/$pkg" && git init -q -b "$dt_branch_" &&
	 git config user.name "A Maintainer" &&
	 git config user.email maint@example.org &&
	 git add -A -f && git commit -q -m "$pkg as dpkg-source -x has it")
}

dsc_tree() {
	dsc_tree_ "$1" "$2" main
}

dsc_tree_unapplied() {
	dsc_tree_ "$1" "$2" master --no-check --skip-patches
}

sources_version() {
	sed -n "/^Package: $1\$/,/^\$/s/^Version: //p" \
	    "$LA/public/dists/sid/main/source/Sources"
}

# la_perl_dgit ARGS...: Perl dgit ($PERL_DGIT) on the local archive: it
# reads the dgit-distro.local.* config la_init wrote and learns what the
# archive has through apt-get (archive-query aptget:), which must trust
# the archive's key: apt's signed-by in the sources line dgit writes from
# the mirror setting (its -c takes NAME=VALUE in one word).
la_perl_dgit() {
	"$PERL_DGIT" -d local \
	    -cdgit-distro.local.archive-query=aptget: \
	    "-cdgit-distro.local.mirror=[signed-by=$LA/archive-keyring.gpg] file://$LA/public" \
	    "$@"
}

la_snapshot() {
	{
		echo "== server"
		for r in "$LA"/git/*.git; do
			[ -d "$r" ] && git --git-dir="$r" for-each-ref
		done
		echo "== archive"
		(cd "$LA/public" && find . -type f ! -path './dists/*/by-hash/*' \
		    -exec sha256sum {} + | sort)
		echo "== local"
		git -C "$1" for-each-ref
		git -C "$1" status --porcelain
		(cd "$1/.." && find . -maxdepth 1 -type f -exec sha256sum {} + |
		    sort)
	} >"$2"
}
