# Helpers for the download-source tests (t20xx), on top of lib-archive.sh.
#
#   dl_dgit ARGS...       "$DGIT" configured for the test archive at
#                         $DL_MIRROR with the test keyrings
#   dl_dir_has_only DIR NAME...
#                         DIR holds exactly these names (no temporaries)
#   dl_expect_files DSC DIR
#                         DIR holds DSC and every file it lists, each
#                         byte-identical to the fixture build's copy
#   dl_sources_edit ARCHIVE SUITE COMP SED-EXPR
#                         edit one Sources index by hand, recompress it and
#                         re-sign the suite (a consistent, signed archive
#                         whose index says what the test wants)

dl_dgit() {
	"$DGIT" -c "dgit-distro.debian.mirror=$DL_MIRROR" \
	    -c "dgit-distro.debian-security.mirror=$DL_MIRROR" \
	    -c "dgit-distro.debian.archive-keyring=$ARCHIVE_KEYRING" \
	    -c "dgit-distro.debian.keyring=$UPLOADER_KEYRING" "$@"
}

dl_dir_has_only() {
	dl_d_=$1
	shift
	(cd "$dl_d_" && ls -A | LC_ALL=C sort) >"$TRASH_DIRECTORY/.has" &&
	printf "%s\n" "$@" | sed "/^$/d" | LC_ALL=C sort \
	    >"$TRASH_DIRECTORY/.want" &&
	test_cmp "$TRASH_DIRECTORY/.want" "$TRASH_DIRECTORY/.has"
}

dl_expect_files() {
	dl_dsc_=$1 dl_out_=$2
	dl_from_=$(dirname "$dl_dsc_")
	dl_names_="$(basename "$dl_dsc_") $(dsc_files_ "$dl_dsc_")"
	dl_dir_has_only "$dl_out_" $dl_names_ &&
	for f in $dl_names_; do
		cmp "$dl_from_/$f" "$dl_out_/$f" || return 1
	done
}

dl_sources_edit() {
	s="$1/dists/$2/$3/source"
	sed -i "$4" "$s/Sources" &&
	gzip -n -9 <"$s/Sources" >"$s/Sources.gz" &&
	xz -6 -T1 <"$s/Sources" >"$s/Sources.xz" &&
	archive_sign "$1" "$2"
}
