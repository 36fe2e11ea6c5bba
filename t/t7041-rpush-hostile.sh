#!/bin/sh
test_description='rpush: a hostile build host (bad names, a .changes not matching the .dsc) gets nothing signed'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

# ssh HOST COMMAND: run the command here
mkdir bin &&
cat >bin/ssh <<'EOS' &&
#!/bin/sh
set -e
cd /
shift
exec sh -c "$*"
EOS
# the build host: says what $HOSTILE_STREAM holds, keeps what it gets
cat >bin/hostile <<'EOS' &&
#!/bin/sh
cat "$HOSTILE_STREAM"
cat >"$HOSTILE_GOT"
EOS
chmod +x bin/ssh bin/hostile || exit 1
PATH="$TRASH_DIRECTORY/bin:$PATH"
export PATH
HOSTILE_STREAM="$TRASH_DIRECTORY/stream"
HOSTILE_GOT="$TRASH_DIRECTORY/got"
export HOSTILE_STREAM HOSTILE_GOT

HEAD=0123456789abcdef0123456789abcdef01234567

# blk FILE: FILE as one data stream
blk() {
	printf 'data-block %d\n' "$(wc -c <"$1")" && cat "$1" && echo data-end
}

# the pieces of an upload of hostile 1.0 (SRC, VER, DSCNAME overridable)
make_pieces() {
	src=${SRC:-hostile} ver=${VER:-1.0}
	cat >clog <<-EOT &&
	Source: $src
	Version: $ver
	Distribution: unstable
	Urgency: medium
	Maintainer: A Tester <tester@example.org>
	Date: Sun, 17 Nov 2013 14:34:17 +0000
	Changes:
	 hostile (1.0) unstable; urgency=medium
	 .
	   * Upload.
	EOT
	tarsum=$(echo tar | sha256sum | cut -d" " -f1) &&
	tarmd5=$(echo tar | md5sum | cut -d" " -f1) &&
	cat >dsc <<-EOT &&
	Format: 3.0 (native)
	Source: hostile
	Binary: hostile
	Architecture: all
	Version: 1.0
	Maintainer: A Tester <tester@example.org>
	Standards-Version: 4.6.0
	Checksums-Sha256:
	 $tarsum 4 hostile_1.0.tar.xz
	Files:
	 $tarmd5 4 hostile_1.0.tar.xz
	EOT
	dsum=$(sha256sum <dsc | cut -d" " -f1) &&
	dmd5=$(md5sum <dsc | cut -d" " -f1) &&
	dsize=$(wc -c <dsc) &&
	cat >changes <<-EOT
	Format: 1.8
	Date: Sun, 17 Nov 2013 14:34:17 +0000
	Source: hostile
	Architecture: source
	Version: 1.0
	Distribution: unstable
	Maintainer: A Tester <tester@example.org>
	Changes:
	 hostile (1.0) unstable; urgency=medium
	Checksums-Sha256:
	 ${CSUM:-$dsum} ${CSIZE:-$dsize} ${DSCNAME:-hostile_1.0.dsc}
	 $tarsum 4 hostile_1.0.tar.xz${EXTRA_SHA:-}
	Files:
	 ${CMD5:-$dmd5} ${CSIZE:-$dsize} misc optional ${DSCNAME:-hostile_1.0.dsc}
	 $tarmd5 4 misc optional hostile_1.0.tar.xz${EXTRA_FILES:-}
	EOT
}

# stream VERB: the whole conversation, up to complete
stream() {
	{
		echo "dgit-remote-$1-ready 6" &&
		echo "file parsed-changelog" && blk clog &&
		echo "file dsc" && blk dsc &&
		echo "file changes" && blk changes &&
		echo "param head $HEAD" &&
		echo "param csuite unstable" &&
		echo "param isuite unstable" &&
		echo "param tagformat new" &&
		echo "param splitbrain 0" &&
		if [ -n "${BUILDINFO:-}" ]; then
			echo "param buildinfo-filename $BUILDINFO" &&
			echo "file buildinfo" && blk changes
		fi &&
		echo "want signed-tag" &&
		echo "want signed-dsc-changes" &&
		echo complete
	} >"$HOSTILE_STREAM"
}

rpush() {
	rm -f "$HOSTILE_GOT" &&
	(cd empty && "$DGIT" -d local -k "$(key_fpr uploader)" \
	    -cdgit-distro.local.git-url=file:///nowhere \
	    --dgit="$TRASH_DIRECTORY/bin/hostile" "$@" somehost:/build)
}

# refused MSG VERB: rpush-VERB fails with MSG and nothing was signed
refused() {
	test_must_fail rpush "rpush-$2" >out 2>err &&
	test_grep "$1" err &&
	! test_grep "BEGIN PGP" "$HOSTILE_GOT" &&
	! test_grep "data-block" "$HOSTILE_GOT" &&
	test -z "$(ls empty)" &&
	test -z "$(find / -maxdepth 1 -name "*evil*" 2>/dev/null)"
}

test_expect_success 'a well-behaved build host gets its tags and files signed' '
	gpg_import_key uploader &&
	mkdir empty &&
	make_pieces && stream push-source &&
	rpush rpush-source >out 2>err &&
	test "$(grep -c "BEGIN PGP SIGNATURE" "$HOSTILE_GOT")" = 4 &&
	test_grep "^tag archive/local/1.0\$" "$HOSTILE_GOT" &&
	test_grep "^Dgit: $HEAD local archive/local/1.0 file:///nowhere/hostile.git\$" "$HOSTILE_GOT"
'

test_expect_success 'a package name with "/" and ".." in the changelog' '
	SRC=../../evil make_pieces && stream push-source &&
	refused "bad package" source
'

test_expect_success 'a version with "/" in the changelog' '
	VER=1.0/../../evil make_pieces && stream push-source &&
	refused "version" source
'

test_expect_success 'a .buildinfo name with "/" or ".."' '
	make_pieces &&
	BUILDINFO=hostile_../../evil.buildinfo stream push &&
	refused "improper buildinfo filename" built &&
	BUILDINFO=../hostile_1.0.buildinfo stream push &&
	refused "improper buildinfo filename" built
'

test_expect_success 'a .changes that lists the .dsc with another size or checksum' '
	CSIZE=7 make_pieces && stream push-source &&
	refused "another size or checksum" source &&
	CMD5=00000000000000000000000000000000 make_pieces && stream push-source &&
	refused "another size or checksum" source &&
	CSUM=0000000000000000000000000000000000000000000000000000000000000000 \
	    make_pieces && stream push-source &&
	refused "another size or checksum" source
'

test_expect_success 'a .changes that does not list the .dsc' '
	DSCNAME=other_1.0.dsc make_pieces && stream push-source &&
	refused "does not list" source
'

test_expect_success 'a .changes listing a file name with "/"' '
	EXTRA_FILES="
 00000000000000000000000000000000 4 misc optional ../evil.deb" \
	    make_pieces && stream push-source &&
	refused "unsafe file name" source
'

test_expect_success 'rpush-source refuses a .changes with binaries' '
	EXTRA_FILES="
 00000000000000000000000000000000 4 misc optional hostile_1.0_all.deb" \
	    make_pieces && stream push-source &&
	refused "not source-only" source
'

test_expect_success 'protocol violations: a dsc first, a huge block, an unknown word' '
	make_pieces &&
	{ echo "dgit-remote-push-source-ready 6" && echo "file dsc" &&
	  blk dsc; } >"$HOSTILE_STREAM" &&
	refused "before parsed-changelog" source &&
	{ echo "dgit-remote-push-source-ready 6" &&
	  echo "file parsed-changelog" && echo "data-block 9999999"; } \
	    >"$HOSTILE_STREAM" &&
	refused "bad byte count" source &&
	{ echo "dgit-remote-push-source-ready 6" && echo "run rm -rf /"; } \
	    >"$HOSTILE_STREAM" &&
	refused "protocol violation" source &&
	{ echo "dgit-remote-push-source-ready 3"; } >"$HOSTILE_STREAM" &&
	refused "protocol violation" source
'

test_done
