# Local test archive: source packages built from t/fixtures with the
# reference tool (dpkg-source -b), laid out like a Debian mirror, signed
# with the committed test keys, and served over file:// or HTTP on
# 127.0.0.1.  Source it after t/test-lib.sh:
#
#	. "$(dirname "$0")/test-lib.sh"
#	. "$TEST_DIR/lib-archive.sh"
#
# Every function keeps its state on disk, so it works inside
# test_expect_success (which runs its body in a subshell).  Functions
# return non-zero on failure; nothing here exits the test script, and
# none changes the caller's variables except httpd_start (HTTPD_URL).
#
# Keys (t/keys/, see t/keys/README): NAME is archive, wrong or uploader.
#   $ARCHIVE_KEYRING   binary public keyring of the archive key, usable as a
#                      distro's archive keyring (like debian-archive-keyring)
#   $WRONG_KEYRING     keyring of an unrelated key (forgery tests)
#   $UPLOADER_KEYRING  keyring of the key that signs fixture .dsc files
#   key_fpr NAME       print the fingerprint of test key NAME
#   gpg_archive ARGS   run gpg in the private GNUPGHOME holding all three
#                      secret keys (inside the trash directory; never the
#                      user's); e.g. gpg_archive -u "$(key_fpr wrong)" ...
#   gpg_import_key NAME [GNUPGHOME]
#                      import secret key NAME into $GNUPGHOME (default the
#                      test's), e.g. so the program under test can sign;
#                      the agent it starts is stopped at exit
#
# Fixtures (t/fixtures/NAME/fixture.conf describes each):
#   fixture_list       print the names of all fixtures
#   fixture_build NAME OUTDIR
#                      build NAME's source package with dpkg-source -b into
#                      OUTDIR (origs made deterministically from committed
#                      trees; the .dsc clearsigned with the uploader key
#                      unless FIXTURE_SIGN=no).  Origs already in OUTDIR
#                      are reused if identical, an error if not.
#   fixture_dsc NAME   print the .dsc file name NAME builds (no directory)
#   fixture_var NAME VAR
#                      print a fixture.conf variable (source, version, ...)
#   dsc_reference_tree DSC [OBJDIR]
#                      print the git tree id of what dpkg-source -x makes
#                      of DSC, exactly as DESIGN.md defines the reference
#                      tree (.pc and .git removed, attributes neutralised);
#                      the import of DSC must produce this tree.  The
#                      objects go to a throwaway repository, or into the
#                      git objects directory OBJDIR (e.g. repo/.git/objects)
#   fixture_built NAME print the path of NAME's .dsc in the shared build
#                      directory $FIXTURE_BUILD, building it on first use
#                      (through $FIXTURE_CACHE, default $BUILD/t/fixture-cache,
#                      shared by all scripts; FIXTURE_CACHE=none disables)
#   hello_repo DIR [more]
#                      DIR/hello: hello 1.0-1 as dgit clone gives it
#                      (dpkg-source -x, patches applied, .pc removed),
#                      committed on master as "import" by A Tester, its
#                      origs in DIR; with "more", a change to README
#                      committed on top (a quilt fixup has a patch to make)
#   gbp_repo DIR [CMD ARGS...]
#                      DIR/hello: a patches-unapplied branch of hello 1.0-1
#                      (upstream plus debian/, the four patches not
#                      applied: what the gbp and unapplied views work
#                      on), committed as hello_repo does; CMD, when
#                      given, runs in DIR/hello first (its changes are in
#                      the commit)
#
# Archive (ARCHIVE is a directory; served as is):
#   archive_init ARCHIVE
#   archive_add_suite ARCHIVE CODENAME [SUITE]
#                      a suite; dists/SUITE becomes a symlink to
#                      dists/CODENAME (as unstable -> sid)
#   archive_security_layout ARCHIVE CODENAME
#                      lay CODENAME out as a Debian security archive is:
#                      its components are given as updates/COMP (add with
#                      COMPONENT updates/main: pool/updates/main/...), the
#                      Release says "Components: updates/main ..." but its
#                      indices are COMP/source/Sources*
#   archive_add_dsc ARCHIVE CODENAME DSC [COMPONENT]
#                      copy DSC and its files into pool/COMPONENT/PREFIX/SRC/
#                      (PREFIX: first letter, or lib + one letter) and list
#                      it in CODENAME/COMPONENT (default main).  The same
#                      file name with other contents is refused, as in a
#                      real archive
#   archive_add_fixture ARCHIVE CODENAME NAME [COMPONENT]
#                      fixture_built + archive_add_dsc
#   archive_remove ARCHIVE CODENAME SOURCE
#                      delist every version of SOURCE from CODENAME
#   archive_update ARCHIVE [CODENAME...]
#                      write Sources, Sources.gz, Sources.xz (dpkg-scansources),
#                      by-hash copies, Release, InRelease and Release.gpg
#                      for the suites given (default all)
#   archive_sign ARCHIVE CODENAME
#                      only Release, InRelease and Release.gpg, from the
#                      index files as they are now (for tampering tests)
#   archive_pool_dir SOURCE [COMPONENT]
#                      print pool/COMPONENT/PREFIX/SOURCE
#   archive_configure_dgit URL [DISTRO]
#                      point the program under test at the archive: sets
#                      dgit-distro.DISTRO.mirror=URL, .archive-keyring and
#                      .keyring (uploader) in the test's global git config
#   archive_standard ARCHIVE
#                      the standard test archive (copied from a cache when
#                      possible; its .dsc files also land in $FIXTURE_BUILD):
#                        sid (alias unstable): hello 1.0-2, oldnative,
#                          olddiff, newnative, libmulti, oddities
#                        bookworm (alias stable): hello 1.0-1, oldnative
#                        bookworm-security (alias stable-security): olddiff
#                        rc-buggy (alias experimental): plain, withgit,
#                          mailhdrs
#   Knobs for archive_update/archive_sign (environment):
#     ARCHIVE_KEY=archive|wrong|uploader   key that signs (default archive)
#     ARCHIVE_DATE=EPOCH         Release Date (default $SOURCE_DATE_EPOCH)
#     ARCHIVE_SIGN_TIME=EPOCH    signature time (default ARCHIVE_DATE);
#                                with fixed times the output is reproducible
#     ARCHIVE_VALID_UNTIL=EPOCH  add Valid-Until (default: none)
#     ARCHIVE_BY_HASH=no         no Acquire-By-Hash and no by-hash copies
#     ARCHIVE_COMPONENTS="main contrib"  components listed even if empty
#     ARCHIVE_ORIGIN, ARCHIVE_LABEL  (default Debian)
#
# HTTP (t/helper/httpd, built by make into $BUILD/t/helper/httpd):
#   httpd_start DIR    serve DIR on 127.0.0.1, ephemeral port; sets and
#                      exports HTTPD_URL (http://127.0.0.1:PORT) when called
#                      outside a subshell; stopped at exit in any case
#   httpd_url          print the URL of the last server started
#   httpd_log          print the path of its request log: one line per
#                      request, "METHOD PATH STATUS BODY-BYTES [RANGE]"
#   httpd_fault RULE   add a fault rule (re-read on every request):
#                        status PATH CODE     always answer CODE
#                        fail-once PATH CODE  answer CODE once, then normally
#                        truncate PATH N      full Content-Length, close after
#                                             N body bytes
#                        truncate-once PATH N the same, the first time only
#                        oversize PATH N      serve N extra bytes (counted
#                                             in Content-Length)
#                        corrupt PATH OFFSET  flip the byte at OFFSET
#                        delay PATH MS        wait MS milliseconds first
#                        trickle PATH N       send the body N bytes a second
#                        rate PATH N          a bandwidth limit: N bytes a
#                                             second, paced in 1/50 s slices
#                        no-range PATH        ignore Range headers
#                        drop PATH            close without answering
#                        redirect PATH TARGET 302 to TARGET
#                      PATH is the URL path; a final * matches a prefix
#   httpd_faults_clear remove all rules and re-arm fail-once
#   httpd_stop         stop the last server started
#   Note: httpd_fault and httpd_log act on the last server started.

: "${TEST_DIR:?source test-lib.sh first}"
FIXTURES_DIR="$TEST_DIR/fixtures"
KEYS_DIR="$TEST_DIR/keys"
ARCHIVE_KEYRING="$KEYS_DIR/archive-keyring.gpg"
WRONG_KEYRING="$KEYS_DIR/wrong-keyring.gpg"
UPLOADER_KEYRING="$KEYS_DIR/uploader-keyring.gpg"
FIXTURE_BUILD="$TRASH_DIRECTORY/fixture-build"
HTTPD_BIN="$BUILD/t/helper/httpd"
export ARCHIVE_KEYRING WRONG_KEYRING UPLOADER_KEYRING FIXTURES_DIR KEYS_DIR

# gpg's agent socket must fit in a sockaddr_un; fall back to /tmp when the
# trash directory's path is too long.
ARCHIVE_GNUPGHOME="$TRASH_DIRECTORY/.gnupg-archive"
if [ ${#ARCHIVE_GNUPGHOME} -gt 70 ]; then
	ARCHIVE_GNUPGHOME="/tmp/dgit-c-gpg.$(printf '%s' "$TRASH_DIRECTORY" |
	    cksum | cut -d' ' -f1)"
fi

archive_cleanup_() (
	httpd_stop_all_
	if [ -e "$GNUPGHOME/.lib-archive-agent" ]; then
		gpgconf --homedir "$GNUPGHOME" --kill all >/dev/null 2>&1
	fi
	if [ -d "$ARCHIVE_GNUPGHOME" ]; then
		gpgconf --homedir "$ARCHIVE_GNUPGHOME" --kill all \
		    >/dev/null 2>&1
		case $ARCHIVE_GNUPGHOME in
		/tmp/*) rm -rf "$ARCHIVE_GNUPGHOME" ;;
		esac
	fi
)
test_atexit archive_cleanup_

# ---------------------------------------------------------------- keys

key_fpr() {
	cat "$KEYS_DIR/$1.fpr"
}

archive_gnupg_init_() (
	[ -f "$ARCHIVE_GNUPGHOME/.ready" ] && return 0
	mkdir -p "$ARCHIVE_GNUPGHOME" && chmod 700 "$ARCHIVE_GNUPGHOME" &&
	for k in archive wrong uploader; do
		gpg --homedir "$ARCHIVE_GNUPGHOME" --batch --quiet \
		    --pinentry-mode loopback --passphrase '' \
		    --import "$KEYS_DIR/$k-secret.asc" 2>/dev/null || return 1
	done &&
	: >"$ARCHIVE_GNUPGHOME/.ready"
)

gpg_archive() {
	archive_gnupg_init_ || return 1
	# quiet unless it fails (--faked-system-time always warns)
	gpg --homedir "$ARCHIVE_GNUPGHOME" --batch --quiet --yes \
	    --no-auto-check-trustdb --trust-model always \
	    --pinentry-mode loopback --passphrase '' "$@" \
	    2>"$ARCHIVE_GNUPGHOME/.stderr" || {
		cat "$ARCHIVE_GNUPGHOME/.stderr" >&2
		return 1
	}
}

gpg_import_key() {
	: >"${2:-$GNUPGHOME}/.lib-archive-agent"
	gpg --homedir "${2:-$GNUPGHOME}" --batch --quiet \
	    --pinentry-mode loopback --passphrase '' \
	    --import "$KEYS_DIR/$1-secret.asc"
}

# ------------------------------------------------------------ fixtures

fixture_list() {
	for f in "$FIXTURES_DIR"/*/fixture.conf; do
		basename "$(dirname "$f")"
	done
}

fixture_var() {
	(
		source= version= format= upstream= orig_comp= orig_topdir=
		upstream_sig= components= debian_comp=
		. "$FIXTURES_DIR/$1/fixture.conf" || exit 1
		eval "printf '%s\n' \"\$$2\""
	)
}

# VERSION without epoch; upstream part of VERSION.
version_noepoch_() { printf '%s\n' "${1#*:}"; }
version_upstream_() (
	v=${1#*:}
	case $v in *-*) v=${v%-*} ;; esac
	printf '%s\n' "$v"
)

fixture_dsc() {
	printf '%s_%s.dsc\n' "$(fixture_var "$1" source)" \
	    "$(version_noepoch_ "$(fixture_var "$1" version)")"
}

# compress_ KIND: gzip -n, bzip2, xz, all deterministic, stdin to stdout.
compress_() {
	case $1 in
	gz) gzip -n -9 ;;
	bz2) bzip2 -9 ;;
	xz) xz -6 -T1 ;;
	*) echo "lib-archive: unknown compression '$1'" >&2; return 1 ;;
	esac
}

# make_tarball_ SRCDIR TOPDIR COMP OUT: a deterministic tarball of SRCDIR's
# contents, under TOPDIR/ when TOPDIR is not empty.  Permissions are
# normalised (no group or other write, whatever the checkout's umask);
# symlinks keep lrwxrwxrwx.
make_tarball_() {
	(
		src=$1 top=$2 comp=$3 out=$4
		tmp=$(mktemp -d "${TMPDIR:-/tmp}/lib-archive.XXXXXX") || exit 1
		trap 'rm -rf "$tmp"' EXIT
		mkdir "$tmp/t" && cp -a "$src/." "$tmp/t/" &&
		find "$tmp/t" ! -type l -exec chmod u+rw,go-w,go+r {} + ||
		    exit 1
		if [ -n "$top" ]; then
			mv "$tmp/t" "$tmp/$top" && echo "$top" >"$tmp/.list" &&
			cd "$tmp" || exit 1
		else
			(cd "$tmp/t" && ls -A | LC_ALL=C sort) >"$tmp/.list" &&
			cd "$tmp/t" || exit 1
		fi
		tar --sort=name --mtime=@1500000000 --owner=0 --group=0 \
		    --numeric-owner --format=gnu \
		    -cf - --verbatim-files-from -T "$tmp/.list" |
		    compress_ "$comp" >"$out.tmp" || exit 1
		mv "$out.tmp" "$out"
	)
}

# put_orig_ BUILT OUT: move a freshly made tarball into place, keeping an
# identical existing one, refusing a different one.
put_orig_() {
	if [ -e "$2" ]; then
		if ! cmp -s "$1" "$2"; then
			echo "lib-archive: '$2' exists with other contents" >&2
			rm -f "$1"
			return 1
		fi
		rm -f "$1"
	else
		mv "$1" "$2"
	fi
}

# copy_component_ SRC DEST: place a component tree as dpkg-source -x does
# (a single top-level directory is stripped).
copy_component_ () (
	mkdir -p "$2" || return 1
	set -- "$1" "$2" "$(ls -A "$1")"
	if [ -n "$3" ] && [ "$(ls -A "$1" | wc -l)" -eq 1 ] &&
	   [ -d "$1/$3" ] && ! [ -L "$1/$3" ]; then
		cp -a "$1/$3/." "$2/"
	else
		cp -a "$1/." "$2/"
	fi
)

fixture_build() {
	(
		name=$1 outdir=$2
		fx="$FIXTURES_DIR/$name"
		[ -f "$fx/fixture.conf" ] || {
			echo "lib-archive: no fixture '$name'" >&2; exit 1; }
		source= version= format= upstream= orig_comp= orig_topdir=
		upstream_sig= components= debian_comp=
		unset -f fixture_prepare upstream_prepare 2>/dev/null
		. "$fx/fixture.conf"
		mkdir -p "$outdir" && outdir=$(cd "$outdir" && pwd) || exit 1
		up=$(version_upstream_ "$version")
		zopt=
		[ -n "$debian_comp" ] && zopt="-Z$debian_comp"
		work="$outdir/.work-$name"
		rm -rf "$work" && mkdir -p "$work" || exit 1
		trap 'rm -rf "$work"' EXIT
		# 1.0 is native or not; a fixture with tree/ is native.
		native=
		[ -d "$fx/tree" ] && native=yes
		if [ -n "$native" ]; then
			dir="$source-$(version_noepoch_ "$version")"
			cp -a "$fx/tree" "$work/$dir" || exit 1
		else
			dir="$source-$up"
			usrc="$FIXTURES_DIR/${upstream:-$name/upstream}"
			orig="${source}_$up.orig.tar.$orig_comp"
			# upstream_prepare (fixture.conf) may add to a copy of
			# the upstream tree what this repository cannot hold.
			stage="$work/.upstream"
			cp -a "$usrc" "$stage" || exit 1
			if command -v upstream_prepare >/dev/null 2>&1; then
				(cd "$stage" && upstream_prepare) || exit 1
			fi
			usrc=$stage
			make_tarball_ "$usrc" "$orig_topdir" "$orig_comp" \
			    "$work/$orig" &&
			put_orig_ "$work/$orig" "$outdir/$orig" || exit 1
			if [ "$upstream_sig" = yes ] &&
			   ! [ -e "$outdir/$orig.asc" ]; then
				gpg_archive -u "$(key_fpr uploader)" \
				    --faked-system-time "$SOURCE_DATE_EPOCH!" \
				    --armor --detach-sign \
				    -o "$outdir/$orig.asc" "$outdir/$orig" ||
				    exit 1
			fi
			mkdir "$work/$dir" && cp -a "$usrc/." "$work/$dir/" &&
			rm -rf "$stage" || exit 1
			for c in $components; do
				cname=${c%%:*} ccomp=${c#*:}
				corig="${source}_$up.orig-$cname.tar.$ccomp"
				csrc="$fx/../${upstream%/*}"
				[ -z "$upstream" ] && csrc=$fx
				make_tarball_ "$csrc/upstream-$cname" "" \
				    "$ccomp" "$work/$corig" &&
				put_orig_ "$work/$corig" "$outdir/$corig" &&
				copy_component_ "$csrc/upstream-$cname" \
				    "$work/$dir/$cname" || exit 1
			done
			if [ -d "$fx/overlay" ]; then
				cp -a "$fx/overlay/." "$work/$dir/" || exit 1
			fi
		fi
		if [ -z "$native" ]; then
			cp -a "$fx/debian" "$work/$dir/" || exit 1
		fi
		if command -v fixture_prepare >/dev/null 2>&1; then
			(cd "$work/$dir" && fixture_prepare) || exit 1
		fi
		# Modes as a umask of 022 gives, whatever the checkout's was.
		find "$work/$dir" ! -type l -exec chmod u+rw,go-w,go+r {} + ||
		    exit 1
		# dpkg-source -b looks for the origs beside the source tree.
		for f in "$outdir/${source}_$up.orig"*; do
			[ -e "$f" ] && ln -sf "$f" "$work/"
		done
		(cd "$work" && dpkg-source $zopt -b "$dir") \
		    >"$work/.log" 2>&1 || {
			cat "$work/.log" >&2
			exit 1
		}
		dsc="${source}_$(version_noepoch_ "$version").dsc"
		for f in "$work"/*; do
			[ -f "$f" ] && ! [ -L "$f" ] || continue
			mv "$f" "$outdir/" || exit 1
		done
		if [ "${FIXTURE_SIGN:-yes}" = yes ]; then
			gpg_archive -u "$(key_fpr uploader)" --clearsign \
			    --faked-system-time "$SOURCE_DATE_EPOCH!" \
			    -o "$outdir/$dsc.signed" "$outdir/$dsc" &&
			mv "$outdir/$dsc.signed" "$outdir/$dsc" || exit 1
		fi
	)
}

dsc_reference_tree() {
	(
		umask 022
		dsc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") || exit 1
		tmp=$(mktemp -d "${TMPDIR:-/tmp}/lib-archive-ref.XXXXXX") ||
		    exit 1
		trap 'rm -rf "$tmp"' EXIT
		dpkg-source --no-check -x "$dsc" "$tmp/src" >"$tmp/log" 2>&1 || {
			cat "$tmp/log" >&2
			exit 1
		}
		rm -rf "$tmp/src/.pc" &&
		find "$tmp/src" -name .git -prune -exec rm -rf {} + &&
		git init -q "$tmp/repo" &&
		git -C "$tmp/repo" config core.autocrlf false &&
		git -C "$tmp/repo" config core.fileMode true &&
		git -C "$tmp/repo" config core.symlinks true &&
		echo "* -text -eol -crlf -ident -filter -working-tree-encoding -export-subst" \
		    >"$tmp/repo/.git/info/attributes" &&
		if [ -n "$2" ]; then
			GIT_OBJECT_DIRECTORY=$(cd "$2" && pwd) || exit 1
			export GIT_OBJECT_DIRECTORY
		fi
		git -C "$tmp/repo" --work-tree="$tmp/src" add -A -f &&
		git -C "$tmp/repo" write-tree
	)
}

# The cache of built fixtures, shared by all test scripts of a build:
# keyed by the fixture's files, the keys and this file, so any change
# rebuilds.  Builds are deterministic (fixed dates, deterministic
# signatures), so a cached build is the same bytes as a fresh one.
FIXTURE_CACHE="${FIXTURE_CACHE:-$BUILD/t/fixture-cache}"

fixture_key_() (
	up=$(fixture_var "$1" upstream)
	{
		cat "$TEST_DIR/lib-archive.sh" "$KEYS_DIR"/*.fpr &&
		tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
		    -cf - -C "$FIXTURES_DIR" "$1" ${up:+"${up%/*}"}
	} | sha256sum | cut -c1-16
)

# hello_git_ DIR [DPKG-SOURCE-OPTION...]: DIR/hello unpacked by
# dpkg-source -x (.pc removed), its origs in DIR, a git repository on
# master with A Tester's identity, nothing committed yet.
hello_git_() {
	hg_dir=$1 && shift &&
	hg_dsc=$(fixture_built hello-1) &&
	mkdir "$hg_dir" &&
	cp "$(dirname "$hg_dsc")"/hello_1.0.orig.tar.gz* "$hg_dir/" &&
	dpkg-source --no-check "$@" -x "$hg_dsc" "$hg_dir/hello" \
	    >/dev/null 2>&1 &&
	rm -rf "$hg_dir/hello/.pc" &&
	(cd "$hg_dir/hello" && git init -q -b master &&
	 git config user.name "A Tester" &&
	 git config user.email tester@example.org)
}

hello_repo() {
	hello_git_ "$1" &&
	(cd "$1/hello" && git add -A && git commit -q -m import &&
	 if [ "${2:-}" = more ]; then
		echo more >>README && git commit -q -a -m "More README"
	 fi)
}

gbp_repo() {
	gr_dir=$1 && shift &&
	hello_git_ "$gr_dir" --skip-patches &&
	(cd "$gr_dir/hello" && { test $# -eq 0 || "$@"; } &&
	 git add -A && git commit -q -m import)
}

fixture_built() (
	dsc="$FIXTURE_BUILD/$(fixture_dsc "$1")" || return 1
	if [ -f "$dsc" ]; then
		printf '%s\n' "$dsc"
		return 0
	fi
	if [ "$FIXTURE_CACHE" = none ]; then
		fixture_build "$1" "$FIXTURE_BUILD" || return 1
		printf '%s\n' "$dsc"
		return 0
	fi
	c="$FIXTURE_CACHE/$1-$(fixture_key_ "$1")" || return 1
	if ! [ -d "$c" ]; then
		mkdir -p "$FIXTURE_CACHE" &&
		fixture_build "$1" "$c.tmp.$$" || { rm -rf "$c.tmp.$$"; return 1; }
		# Another script may have won the race; either copy is good.
		mv -T "$c.tmp.$$" "$c" 2>/dev/null || rm -rf "$c.tmp.$$"
	fi
	mkdir -p "$FIXTURE_BUILD" || return 1
	for f in "$c"/*; do
		b=$(basename "$f")
		cp "$f" "$FIXTURE_BUILD/.$b.new" &&
		put_orig_ "$FIXTURE_BUILD/.$b.new" "$FIXTURE_BUILD/$b" || return 1
	done
	printf '%s\n' "$dsc"
)

# ------------------------------------------------------------- archive

archive_init() {
	mkdir -p "$1/pool" "$1/dists" "$1/.lib-archive"
}

archive_add_suite() {
	archive_init "$1" &&
	mkdir -p "$1/dists/$2" || return 1
	if [ -n "$3" ] && [ "$3" != "$2" ]; then
		ln -sfn "$2" "$1/dists/$3" || return 1
	fi
	grep -v "^$2 " "$1/.lib-archive/suites" 2>/dev/null \
	    >"$1/.lib-archive/suites.new"
	echo "$2 ${3:-$2}" >>"$1/.lib-archive/suites.new" &&
	mv "$1/.lib-archive/suites.new" "$1/.lib-archive/suites" &&
	touch "$1/.lib-archive/list.$2"
}

archive_security_layout() {
	[ -f "$1/.lib-archive/list.$2" ] || {
		echo "lib-archive: no suite '$2' (archive_add_suite)" >&2
		return 1; }
	touch "$1/.lib-archive/security.$2"
}

archive_pool_dir() (
	case $1 in
	lib?*) p=$(printf '%s' "$1" | cut -c1-4) ;;
	*) p=$(printf '%s' "$1" | cut -c1) ;;
	esac
	printf 'pool/%s/%s/%s\n' "${2:-main}" "$p" "$1"
)

# Print the file names listed in a .dsc's Files field.
dsc_files_() {
	sed -n '/^Files:/,/^[^ ]/{/^ /{s/^ [^ ]* [^ ]* //;p}}' "$1"
}

dsc_field_() {
	sed -n "s/^$2: *//p" "$1" | head -n 1
}

archive_add_dsc() {
	(
		archive=$1 suite=$2 dsc=$3 comp=${4:-main}
		[ -f "$archive/.lib-archive/list.$suite" ] || {
			echo "lib-archive: no suite '$suite' (archive_add_suite)" >&2
			exit 1; }
		src=$(dsc_field_ "$dsc" Source)
		[ -n "$src" ] || { echo "lib-archive: '$dsc': no Source" >&2
			exit 1; }
		pool=$(archive_pool_dir "$src" "$comp")
		mkdir -p "$archive/$pool" || exit 1
		dir=$(dirname "$dsc")
		for f in $(dsc_files_ "$dsc") "$(basename "$dsc")"; do
			if [ -e "$archive/$pool/$f" ]; then
				cmp -s "$dir/$f" "$archive/$pool/$f" || {
					echo "lib-archive: '$pool/$f' already in the archive with other contents" >&2
					exit 1; }
			else
				cp "$dir/$f" "$archive/$pool/$f" || exit 1
			fi
		done
		echo "$comp $pool/$(basename "$dsc")" \
		    >>"$archive/.lib-archive/list.$suite"
	)
}

archive_add_fixture() (
	dsc=$(fixture_built "$3") &&
	archive_add_dsc "$1" "$2" "$dsc" "$4"
)

archive_remove() {
	(
		list="$1/.lib-archive/list.$2"
		: >"$list.new"
		while read -r comp path; do
			[ "$(dsc_field_ "$1/$path" Source)" = "$3" ] && continue
			echo "$comp $path" >>"$list.new"
		done <"$list"
		mv "$list.new" "$list"
	)
}

# Sources for one suite and component: dpkg-scansources over the
# component's pool, keeping only the versions listed in the suite.
archive_sources_() {
	(
		archive=$1 suite=$2 comp=$3
		cd "$archive" || exit 1
		want=$(mktemp) && trap 'rm -f "$want"' EXIT
		while read -r c path; do
			[ "$c" = "$comp" ] || continue
			printf '%s %s\n' "$(dsc_field_ "$path" Source)" \
			    "$(dsc_field_ "$path" Version)"
		done <".lib-archive/list.$suite" >"$want"
		[ -s "$want" ] || exit 0
		dpkg-scansources "pool/$comp" 2>/dev/null | awk -v want="$want" '
			BEGIN { while ((getline l < want) > 0) ok[l] = 1; RS = "" }
			{
				p = ""; v = ""
				n = split($0, line, "\n")
				for (i = 1; i <= n; i++) {
					if (line[i] ~ /^Package: /) p = substr(line[i], 10)
					if (line[i] ~ /^Version: /) v = substr(line[i], 10)
				}
				if ((p " " v) in ok && !seen[p " " v]++) print $0 "\n"
			}'
	)
}

archive_components_() {
	{
		dc=main
		[ -e "$1/.lib-archive/security.$2" ] && dc=updates/main
		for c in ${ARCHIVE_COMPONENTS:-$dc}; do echo "$c"; done
		cut -d' ' -f1 "$1/.lib-archive/list.$2"
	} | awk '!seen[$0]++'
}

archive_update() (
	archive=$1
	shift
	[ $# -gt 0 ] || set -- $(cut -d' ' -f1 "$archive/.lib-archive/suites")
	for suite; do
		(
			d="$archive/dists/$suite"
			for comp in $(archive_components_ "$archive" "$suite"); do
				idir=$comp
				[ -e "$archive/.lib-archive/security.$suite" ] &&
				    idir=${comp#updates/}
				s="$d/$idir/source"
				rm -rf "$s" && mkdir -p "$s" || exit 1
				archive_sources_ "$archive" "$suite" "$comp" \
				    >"$s/Sources" || exit 1
				gzip -n -9 <"$s/Sources" >"$s/Sources.gz" &&
				xz -6 -T1 <"$s/Sources" >"$s/Sources.xz" ||
				    exit 1
			done
		) || return 1
		archive_sign "$archive" "$suite" || return 1
	done
)

# rfc2822_ EPOCH: the date format of Release files.
rfc2822_() {
	LC_ALL=C date -u -d "@$1" '+%a, %d %b %Y %H:%M:%S UTC'
}

archive_sign() {
	(
		archive=$(cd "$1" && pwd) || exit 1
		suite=$2
		d="$archive/dists/$suite"
		line=$(grep "^$suite " "$archive/.lib-archive/suites") || {
			echo "lib-archive: no suite '$suite'" >&2; exit 1; }
		alias=${line#* }
		cd "$d" || exit 1
		rm -f Release InRelease Release.gpg
		find . -path '*/by-hash' -prune -exec rm -rf {} +
		files=$(find . -type f ! -path '*/by-hash/*' | sed 's|^\./||' |
		    LC_ALL=C sort)
		comps=$(archive_components_ "$archive" "$suite" | tr '\n' ' ')
		{
			echo "Origin: ${ARCHIVE_ORIGIN:-Debian}"
			echo "Label: ${ARCHIVE_LABEL:-Debian}"
			echo "Suite: $alias"
			echo "Codename: $suite"
			echo "Date: $(rfc2822_ "${ARCHIVE_DATE:-$SOURCE_DATE_EPOCH}")"
			[ -n "$ARCHIVE_VALID_UNTIL" ] &&
			    echo "Valid-Until: $(rfc2822_ "$ARCHIVE_VALID_UNTIL")"
			[ "${ARCHIVE_BY_HASH:-yes}" = yes ] &&
			    echo "Acquire-By-Hash: yes"
			echo "Architectures: all amd64"
			echo "Components: ${comps% }"
			echo "Description: dgit-c test archive, suite $suite"
			echo "MD5Sum:"
			for f in $files; do
				printf ' %s %8d %s\n' "$(md5sum <"$f" | cut -c1-32)" \
				    "$(wc -c <"$f")" "$f"
			done
			echo "SHA256:"
			for f in $files; do
				printf ' %s %8d %s\n' "$(sha256sum <"$f" | cut -c1-64)" \
				    "$(wc -c <"$f")" "$f"
			done
		} >Release || exit 1
		if [ "${ARCHIVE_BY_HASH:-yes}" = yes ]; then
			for f in $files; do
				h=$(sha256sum <"$f" | cut -c1-64)
				mkdir -p "$(dirname "$f")/by-hash/SHA256" &&
				cp "$f" "$(dirname "$f")/by-hash/SHA256/$h" ||
				    exit 1
			done
		fi
		fpr=$(key_fpr "${ARCHIVE_KEY:-archive}") || exit 1
		when="${ARCHIVE_SIGN_TIME:-${ARCHIVE_DATE:-$SOURCE_DATE_EPOCH}}!"
		gpg_archive -u "$fpr" --digest-algo SHA512 --clearsign \
		    --faked-system-time "$when" -o InRelease Release &&
		gpg_archive -u "$fpr" --digest-algo SHA512 --armor \
		    --faked-system-time "$when" --detach-sign -o Release.gpg \
		    Release
	)
}

archive_configure_dgit() (
	d=${2:-debian}
	git config --global "dgit-distro.$d.mirror" "$1" &&
	git config --global "dgit-distro.$d.archive-keyring" "$ARCHIVE_KEYRING" &&
	git config --global "dgit-distro.$d.keyring" "$UPLOADER_KEYRING"
)

archive_standard_build_() {
	archive_init "$1" &&
	archive_add_suite "$1" sid unstable &&
	archive_add_suite "$1" bookworm stable &&
	archive_add_suite "$1" bookworm-security stable-security &&
	archive_add_suite "$1" rc-buggy experimental &&
	archive_add_fixture "$1" sid hello-2 &&
	archive_add_fixture "$1" sid oldnative &&
	archive_add_fixture "$1" sid olddiff &&
	archive_add_fixture "$1" sid newnative &&
	archive_add_fixture "$1" sid libmulti &&
	archive_add_fixture "$1" sid oddities &&
	archive_add_fixture "$1" rc-buggy plain &&
	archive_add_fixture "$1" rc-buggy withgit &&
	archive_add_fixture "$1" rc-buggy mailhdrs &&
	archive_add_fixture "$1" bookworm hello-1 &&
	archive_add_fixture "$1" bookworm oldnative &&
	archive_add_fixture "$1" bookworm-security olddiff &&
	archive_update "$1"
}

# The standard archive is deterministic (fixed dates, deterministic
# signatures), so a copy from the cache is the same bytes as a fresh build;
# with any ARCHIVE_* knob set it is built afresh.
archive_standard() (
	if [ "$FIXTURE_CACHE" = none ] || [ -e "$1" ] ||
	   [ -n "$ARCHIVE_KEY$ARCHIVE_DATE$ARCHIVE_SIGN_TIME$ARCHIVE_VALID_UNTIL$ARCHIVE_BY_HASH$ARCHIVE_COMPONENTS$ARCHIVE_ORIGIN$ARCHIVE_LABEL" ]
	then
		archive_standard_build_ "$1"
		exit
	fi
	key=$({
		cat "$TEST_DIR/lib-archive.sh" "$KEYS_DIR"/*.fpr &&
		tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
		    -cf - -C "$TEST_DIR" fixtures
	} | sha256sum | cut -c1-16) || exit 1
	c="$FIXTURE_CACHE/standard-$key"
	if ! [ -d "$c" ]; then
		mkdir -p "$FIXTURE_CACHE" &&
		FIXTURE_BUILD="$c.tmp.$$/fixture-build" \
		    archive_standard_build_ "$c.tmp.$$/archive" || {
			rm -rf "$c.tmp.$$"
			exit 1
		}
		mv -T "$c.tmp.$$" "$c" 2>/dev/null || rm -rf "$c.tmp.$$"
	fi
	cp -R "$c/archive" "$1" && mkdir -p "$FIXTURE_BUILD" || exit 1
	for f in "$c/fixture-build"/*; do
		b=$(basename "$f")
		cp "$f" "$FIXTURE_BUILD/.$b.new" &&
		put_orig_ "$FIXTURE_BUILD/.$b.new" "$FIXTURE_BUILD/$b" || exit 1
	done
)

# ---------------------------------------------------------------- httpd

HTTPD_STATE="$TRASH_DIRECTORY/.httpd"

# d ARGS...: the dgit under test with the debian distro pointed at the
# local archive $MIRROR (a test sets it, usually from httpd_url), trusting
# the test keys, and without asking a dgit git server.  A test that needs
# other settings defines its own d after sourcing this file.
d() {
	"$DGIT" -c "dgit-distro.debian.mirror=$MIRROR" \
	    -c "dgit-distro.debian.archive-keyring=$ARCHIVE_KEYRING" \
	    -c "dgit-distro.debian.keyring=$UPLOADER_KEYRING" \
	    -c "dgit-distro.debian.git-check=false" "$@"
}

httpd_start() {
	[ -x "$HTTPD_BIN" ] || {
		echo "lib-archive: '$HTTPD_BIN' missing; run make" >&2
		return 1; }
	hs_root=$(cd "$1" && pwd) || return 1
	hs_n=1
	while [ -d "$HTTPD_STATE.$hs_n" ]; do hs_n=$((hs_n + 1)); done
	hs_st="$HTTPD_STATE.$hs_n"
	mkdir -p "$hs_st" && echo "$hs_root" >"$hs_st/root" || return 1
	"$HTTPD_BIN" -p "$hs_st/port" -l "$hs_st/log" -r "$hs_root/.httpd-faults" \
	    -s "$hs_st/fault-state" -P $$ -t 900 "$hs_root" \
	    >"$hs_st/stderr" 2>&1 </dev/null &
	echo $! >"$hs_st/pid"
	hs_i=0
	while ! [ -s "$hs_st/port" ]; do
		hs_i=$((hs_i + 1))
		if [ $hs_i -gt 100 ] || ! kill -0 "$(cat "$hs_st/pid")" 2>/dev/null
		then
			echo "lib-archive: httpd did not start" >&2
			cat "$hs_st/stderr" >&2
			return 1
		fi
		sleep 0.05
	done
	echo "http://127.0.0.1:$(cat "$hs_st/port")" >"$hs_st/url"
	ln -sfn "$hs_st" "$HTTPD_STATE"
	HTTPD_URL=$(cat "$hs_st/url")
	export HTTPD_URL
}

httpd_url() { cat "$HTTPD_STATE/url"; }
httpd_log() { echo "$HTTPD_STATE/log"; }

httpd_fault() {
	echo "$*" >>"$(cat "$HTTPD_STATE/root")/.httpd-faults"
}

httpd_faults_clear() {
	rm -f "$(cat "$HTTPD_STATE/root")/.httpd-faults" &&
	rm -rf "$HTTPD_STATE/fault-state"
}

httpd_kill_() (
	pid=$(cat "$1/pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	rm -f "$1/pid"
)

httpd_stop() {
	[ -e "$HTTPD_STATE" ] && httpd_kill_ "$HTTPD_STATE/."
}

httpd_stop_all_() (
	for st in "$HTTPD_STATE".*; do
		[ -d "$st" ] && httpd_kill_ "$st"
	done
	return 0
)
