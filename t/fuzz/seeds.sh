#!/bin/sh
# Seed corpora for the fuzz targets, made from the test fixtures:
#   sh t/fuzz/seeds.sh OUTDIR
# writes OUTDIR/TARGET/ for each target in t/fuzz/.  The source packages are
# the fixtures as t/lib-archive.sh builds them with dpkg-source -b (and
# clearsigns them with the committed test key), through its shared cache
# $BUILD/t/fixture-cache, so nothing binary is committed.  Without
# dpkg-source and gpg only the committed text files are used.
set -u
out=${1:?usage: seeds.sh OUTDIR}
TEST_DIR=$(cd "$(dirname "$0")/.." && pwd)
SRC_DIR=$(cd "$TEST_DIR/.." && pwd)
: "${BUILD:=$SRC_DIR/build}"
export TEST_DIR SRC_DIR BUILD
mkdir -p "$out" && out=$(cd "$out" && pwd) || exit 1

# What t/test-lib.sh pins, for lib-archive.sh's fixture builder.
TRASH_DIRECTORY=$(mktemp -d "${TMPDIR:-/tmp}/dgit-fuzz-seeds.XXXXXX") || exit 1
test_cleanup_cmds=
test_atexit() {
	test_cleanup_cmds="$1
$test_cleanup_cmds"
}
trap 'eval "$test_cleanup_cmds"; rm -rf "$TRASH_DIRECTORY"' EXIT
LC_ALL=C.UTF-8 TZ=UTC HOME="$TRASH_DIRECTORY/home"
GNUPGHOME="$HOME/gnupg" SOURCE_DATE_EPOCH=1500000000
DEBEMAIL="tester@example.org" DEBFULLNAME="A Tester"
export LC_ALL TZ HOME GNUPGHOME SOURCE_DATE_EPOCH DEBEMAIL DEBFULLNAME
umask 022
mkdir -p "$GNUPGHOME" && chmod 700 "$GNUPGHOME" || exit 1
. "$TEST_DIR/lib-archive.sh"

for t in deb822 dsc changelog patch unpack version tag; do
	rm -rf "$out/$t" && mkdir -p "$out/$t" || exit 1
done
F=$TEST_DIR/fixtures
seed() {	# seed TARGET < bytes: named by its SHA-1, as libFuzzer does
	cat >"$out/$1/.new" &&
	mv "$out/$1/.new" "$out/$1/$(sha1sum <"$out/$1/.new" | cut -c1-40)"
}

# Committed text: control files, changelogs, patches.
for f in "$F"/*/debian/control "$F"/*/tree/debian/control \
    "$F"/*/debian/source/format; do
	[ -f "$f" ] && seed deb822 <"$f"
done
for f in "$F"/*/debian/changelog "$F"/*/tree/debian/changelog; do
	[ -f "$f" ] || continue
	seed changelog <"$f"
	# versions of each entry, three to a seed (the comparator's laws)
	sed -n 's/^[^ ].* (\([^)]*\)).*/\1/p' "$f"
done | {
	set --
	while read -r v; do
		set -- "$@" "$v"
		if [ $# -eq 3 ]; then
			printf '%s\n%s\n%s\n' "$@" | seed version
			set --
		fi
	done
	[ $# -gt 0 ] && printf '%s\n' "$@" | seed version
	exit 0
}
for d in "$F"/*/fixture.conf; do
	v=$(fixture_var "$(basename "$(dirname "$d")")" version)
	printf '%s\n%s~rc1\n1:%s\n' "$v" "$v" "$v" | seed version
done
# A patch with the file it applies to: OLD NUL PATCH (see fuzz-patch.c).
for p in "$F"/*/debian/patches/*.patch; do
	[ -f "$p" ] || continue
	fx=${p%/debian/patches/*}
	file=$(sed -n 's|^--- a/\([^	 ]*\).*|\1|p' "$p" | head -1)
	up=$fx/upstream
	[ -d "$up" ] || up=$F/hello-1/upstream
	if [ -n "$file" ] && [ -f "$up/$file" ]; then
		{ cat "$up/$file"; printf '\0'; cat "$p"; } | seed patch
	fi
	seed patch <"$p"
done
# dgit's tag messages as dgit writes them (see dgit_tag.h and dgit(7)).
for d in "$F"/*/fixture.conf; do
	name=$(basename "$(dirname "$d")")
	src=$(fixture_var "$name" source) v=$(fixture_var "$name" version)
	printf '%s release %s for unstable (sid) [dgit]\n\n[dgit distro=debian split --quilt=linear]\n[dgit previously:tags/archive/debian/%s=0123456789abcdef0123456789abcdef01234567]\n' \
	    "$src" "$v" "$(printf %s "$v" | tr ':~' '%_')" | seed tag
	printf '%s release %s for bookworm (stable) [dgit]\n\n[dgit distro=debian no-split --deliberately-not-fast-forward]\n-----BEGIN PGP SIGNATURE-----\n\nxx\n-----END PGP SIGNATURE-----\n' \
	    "$src" "$v" | seed tag
done

# Source packages built by dpkg-source -b: .dsc files, tarballs, diffs.
if command -v dpkg-source >/dev/null 2>&1 && command -v gpg >/dev/null 2>&1
then
	for name in $(fixture_list); do
		fixture_built "$name" >/dev/null || {
			echo "seeds: cannot build fixture '$name'" >&2; exit 1; }
	done
	for f in "$FIXTURE_BUILD"/*; do
		case $f in
		*.dsc)
			seed dsc <"$f"
			seed deb822 <"$f" ;;
		*.tar|*.tar.gz|*.tar.xz|*.tar.bz2|*.tar.lzma|*.tar.zst)
			seed unpack <"$f"
			# the plain tar inside too: mutations of the tar
			# headers rather than of the compressed bytes
			case $f in
			*.gz) gzip -dc "$f" | seed unpack ;;
			*.xz) xz -dc "$f" | seed unpack ;;
			*.bz2) bzip2 -dc "$f" | seed unpack ;;
			esac ;;
		*.diff.gz)
			gzip -dc "$f" | seed patch ;;
		esac
	done
else
	echo "seeds: no dpkg-source or gpg: only the committed text files" >&2
	tar -cf - -C "$F/oldnative" tree | seed unpack
fi
exit 0
