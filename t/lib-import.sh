# Helpers for the import tests (t30xx): build source packages by hand, so
# that tests control every byte of every tarball, and write their .dsc.
# Source after t/test-lib.sh.

. "$TEST_DIR/lib-reftree.sh"

# make_dsc FORMAT SOURCE VERSION FILE... : write SOURCE_VERSION.dsc
# (epoch-less VERSION) in the current directory, unsigned, listing FILEs
# (names in the current directory) with their sizes and checksums.
make_dsc () {
	md_format=$1 md_source=$2 md_version=$3
	shift 3
	{
		echo "Format: $md_format"
		echo "Source: $md_source"
		echo "Binary: $md_source"
		echo "Architecture: all"
		echo "Version: $md_version"
		echo "Maintainer: Jane Doe <jane@example.org>"
		echo "Standards-Version: 4.6.2"
		echo "Checksums-Sha1:"
		for f; do echo " $(sha1sum <"$f" | cut -d' ' -f1) $(wc -c <"$f") $f"; done
		echo "Checksums-Sha256:"
		for f; do echo " $(sha256sum <"$f" | cut -d' ' -f1) $(wc -c <"$f") $f"; done
		echo "Files:"
		for f; do echo " $(md5sum <"$f" | cut -d' ' -f1) $(wc -c <"$f") $f"; done
	} >"${md_source}_${md_version#*:}.dsc"
}

# debian_dir DIR SOURCE VERSION [FORMAT]: a minimal debian/ in DIR.
debian_dir () {
	mkdir -p "$1/debian/source"
	cat >"$1/debian/changelog" <<-EOF
	$2 ($3) unstable; urgency=medium

	  * Test release.

	 -- Jane Doe <jane@example.org>  Mon, 01 Jan 2024 12:00:00 +0100
	EOF
	cat >"$1/debian/control" <<-EOF
	Source: $2
	Maintainer: Jane Doe <jane@example.org>
	Section: misc
	Priority: optional
	Standards-Version: 4.6.2

	Package: $2
	Architecture: all
	Description: test package
	 A test package.
	EOF
	printf '#!/usr/bin/make -f\n%%:\n\tdh $@\n' >"$1/debian/rules"
	chmod 755 "$1/debian/rules"
	if [ -n "$4" ]; then echo "$4" >"$1/debian/source/format"; fi
}

# tarball DIR OUT [tar options...]: tar DIR's contents (as "./...")
# compressed by OUT's suffix.  Numeric owner, sorted names, so it is
# reproducible.
tarball () {
	tb_dir=$1 tb_out=$2
	shift 2
	tar -C "$tb_dir" --sort=name --owner=0 --group=0 --numeric-owner \
		--mtime=@1500000000 "$@" -cf "$tb_out.tmp" . || return 1
	compress_to "$tb_out.tmp" "$tb_out"
}

# tarball_top PARENT TOP OUT: tar PARENT/TOP as TOP/... (one top dir).
tarball_top () {
	tt_parent=$1 tt_top=$2 tt_out=$3
	shift 3
	tar -C "$tt_parent" --sort=name --owner=0 --group=0 --numeric-owner \
		--mtime=@1500000000 "$@" -cf "$tt_out.tmp" "$tt_top" || return 1
	compress_to "$tt_out.tmp" "$tt_out"
}

compress_to () {
	case $2 in
	*.tar.gz) gzip -n -c "$1" >"$2" ;;
	*.tar.bz2) bzip2 -c "$1" >"$2" ;;
	*.tar.xz) xz -c "$1" >"$2" ;;
	*.tar.lzma) lzma -c "$1" >"$2" ;;
	*.tar.zst) zstd -q -c "$1" >"$2" ;;
	*.tar) cat "$1" >"$2" ;;
	*) echo "compress_to: unknown suffix: $2" >&2; return 1 ;;
	esac
	rc=$?
	rm -f "$1"
	return $rc
}

# import_matches DSC: import DSC into a fresh repository and compare the
# result's tree with the reference tree; leaves the repo in ./imp-NAME.
import_matches () {
	im_dsc=$1
	im_repo=imp-$(basename "$im_dsc" .dsc)
	rm -rf "$im_repo"
	git init -q "$im_repo" || return 1
	im_ref=$(reference_tree "$PWD/$im_dsc") || return 1
	(cd "$im_repo" && "$DGIT" import-dsc "../$im_dsc" +imported) ||
		return 1
	im_got=$(git -C "$im_repo" rev-parse 'imported^{tree}') || return 1
	if [ "$im_got" != "$im_ref" ]; then
		echo "tree mismatch for $im_dsc: import $im_got, reference $im_ref" >&2
		return 1
	fi
	git -C "$im_repo" fsck --strict --no-dangling >&2 || return 1
}

# refs_snapshot REPO: every ref and the pack directory's listing, for
# checking that a failed import changed nothing.
refs_snapshot () {
	git -C "$1" for-each-ref --format='%(refname) %(objectname)'
	ls "$1/.git/objects/pack" 2>/dev/null
	find "$1/.git/objects" -type f | sort
}
