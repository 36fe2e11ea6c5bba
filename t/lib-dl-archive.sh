# A small signed archive for the download-source tests (t20xx), built
# with dpkg-source and dpkg-scansources; the Release is written here from
# sha256sum output, so nothing in it comes from the code under test.
#
#   dl_keys                  make keys: archive, uploader, stranger
#   dl_pkg NAME VERSION      build a 3.0 (quilt) package into the pool
#   dl_native NAME VERSION   build a 3.0 (native) package into the pool
#   dl_publish [OPTS]        write Sources, Release and InRelease for
#                            suite "unstable" codename "sid"; OPTS:
#                            --date EPOCH, --valid-until EPOCH,
#                            --key NAME (signing key), --no-by-hash,
#                            --keep-sources (do not regenerate Sources)
#   dl_dgit ARGS...          "$DGIT" with the archive configured
#
# The archive lives in $PWD/archive, keys in $PWD/keys/NAME.{home,gpg}.

DL_TOP=$PWD
DL_ARCHIVE=$DL_TOP/archive
DL_MIRROR="file://$DL_ARCHIVE"

dl_keys() {
	mkdir -p "$DL_TOP/keys" &&
	for k in archive uploader stranger; do
		mkdir -m 700 "$DL_TOP/keys/$k.home" &&
		GNUPGHOME=$DL_TOP/keys/$k.home gpg --batch -q --passphrase "" \
		    --quick-gen-key "$k <$k@example.org>" ed25519 sign never \
		    2>/dev/null &&
		GNUPGHOME=$DL_TOP/keys/$k.home gpg --batch -q --export \
		    >"$DL_TOP/keys/$k.gpg" || return 1
	done
}

dl_sign() {	# dl_sign KEY IN OUT: clearsign
	GNUPGHOME=$DL_TOP/keys/$1.home gpg --batch -q --yes --clearsign \
	    -o "$3" "$2"
}

dl_build_() {	# dl_build_ NAME VERSION FORMAT
	name=$1 ver=$2 fmt=$3
	upver=${ver%-*}
	first=$(printf %s "$name" | cut -c1)
	pool=$DL_ARCHIVE/pool/main/$first/$name
	work=$DL_TOP/build/$name-$ver
	mkdir -p "$pool" "$work/src/debian/source" &&
	(
		cd "$work/src" &&
		printf "hello from %s %s\n" "$name" "$ver" >README &&
		printf "#!/bin/sh\necho %s\n" "$name" >run.sh &&
		chmod 755 run.sh &&
		if [ "$fmt" = quilt ]; then
			tar --owner=0 --group=0 --sort=name --mtime=@1500000000 \
			    --transform "s,^,$name-$upver/," \
			    -cJf "../${name}_$upver.orig.tar.xz" README run.sh
		fi &&
		echo "3.0 ($fmt)" >debian/source/format &&
		cat >debian/control <<-CTL &&
		Source: $name
		Maintainer: A Tester <tester@example.org>
		Section: misc
		Priority: optional

		Package: $name
		Architecture: all
		Description: test package $name
		 test

		Package: $name-doc
		Architecture: all
		Description: test package $name docs
		 test
		CTL
		cat >debian/changelog <<-CL &&
		$name ($ver) unstable; urgency=medium

		  * Test.

		 -- A Tester <tester@example.org>  Fri, 14 Jul 2017 02:40:00 +0000
		CL
		cd .. && mv src "$name-$upver" &&
		dpkg-source -q -b "$name-$upver" >/dev/null 2>&1 &&
		dsc=${name}_$ver.dsc &&
		dl_sign uploader "$dsc" "$dsc.signed" &&
		mv "$dsc.signed" "$dsc" &&
		for f in $(sed -n "/^Files:/,/^[^ ]/s/^ [0-9a-f]* [0-9]* //p" "$dsc") "$dsc"; do
			cp "$f" "$pool/" || exit 1
		done
	)
}

dl_pkg() { dl_build_ "$1" "$2" quilt; }
dl_native() { dl_build_ "$1" "$2" native; }

dl_rfc2822() { date -u -R -d "@$1" | sed 's/+0000$/UTC/'; }

dl_publish() {
	date=$(( $(date +%s) - 3600 )) until= key=archive byhash=yes keep=
	while [ $# -gt 0 ]; do
		case $1 in
		--date) date=$2; shift ;;
		--valid-until) until=$2; shift ;;
		--key) key=$2; shift ;;
		--no-by-hash) byhash= ;;
		--keep-sources) keep=1 ;;
		esac
		shift
	done
	d=$DL_ARCHIVE/dists/sid
	if [ -n "$keep" ]; then
		cp "$d/main/source/Sources" "$DL_TOP/.Sources"
	else
		(cd "$DL_ARCHIVE" && dpkg-scansources pool/main 2>/dev/null) \
		    >"$DL_TOP/.Sources"
	fi &&
	rm -rf "$d" "$DL_ARCHIVE/dists/unstable" && mkdir -p "$d/main/source" &&
	ln -s sid "$DL_ARCHIVE/dists/unstable" &&
	mv "$DL_TOP/.Sources" "$d/main/source/Sources" &&
	xz -k "$d/main/source/Sources" && gzip -k -n "$d/main/source/Sources" &&
	{
		echo "Origin: Test"
		echo "Label: Test"
		echo "Suite: unstable"
		echo "Codename: sid"
		echo "Date: $(dl_rfc2822 "$date")"
		[ -n "$until" ] && echo "Valid-Until: $(dl_rfc2822 "$until")"
		[ -n "$byhash" ] && echo "Acquire-By-Hash: yes"
		echo "Architectures: all source"
		echo "Components: main"
		echo "SHA256:"
		(cd "$d" && for f in main/source/Sources*; do
			printf " %s %s %s\n" "$(sha256sum <"$f" | cut -d" " -f1)" \
			    "$(wc -c <"$f" | tr -d " ")" "$f"
		done)
	} >"$d/Release" &&
	if [ -n "$byhash" ]; then
		mkdir -p "$d/main/source/by-hash/SHA256" &&
		for f in "$d"/main/source/Sources*; do
			cp "$f" "$d/main/source/by-hash/SHA256/$(sha256sum <"$f" | cut -d" " -f1)" || return 1
		done
	fi &&
	dl_sign "$key" "$d/Release" "$d/InRelease"
}

dl_dgit() {
	"$DGIT" -c "dgit-distro.debian.mirror=$DL_MIRROR" \
	    -c "dgit-distro.debian.archive-keyring=$DL_TOP/keys/archive.gpg" \
	    -c "dgit-distro.debian.keyring=$DL_TOP/keys/uploader.gpg" "$@"
}

# No file but the expected ones in DIR (no temporaries left behind).
dl_dir_has_only() {
	dir=$1
	shift
	(cd "$dir" && ls -A | sort) >"$DL_TOP/.has" &&
	printf "%s\n" "$@" | sed "/^$/d" | sort >"$DL_TOP/.want" &&
	test_cmp "$DL_TOP/.want" "$DL_TOP/.has"
}
