#!/bin/bash
# `dgit clone` speed on a real package, against the tools people use instead.
#
# usage: bench/clone.sh [-n RUNS] [PACKAGE [SUITE]]     (default: xen bookworm)
#   DGIT=path/to/our/dgit (default: ./dgit/dgit of this tree)
#
# In one run, RUNS times each (default 3), each in a fresh directory:
#   clone-cold   our dgit clone with an empty download cache
#   clone-warm   our dgit clone with the cache filled by the cold runs
#   download     our dgit download-source alone (empty cache)
#   import       our dgit import-dsc of the downloaded files alone
#   git-checkout git checkout of the imported tree into an empty directory
#                (what a clone does after the import, by git itself)
#   apt-source   apt-get source PACKAGE (a temporary deb-src configuration
#                for the mirror this machine's apt sources name)
#   perl-import  Debian's dgit import-dsc (Perl) of the same files
# Prints median wall time, CPU and peak RSS, and the ratios the targets
# are stated in: warm clone / import (<= 1.3), cold clone /
# max(download, import) (<= 1.1: download and import overlap).
# TOOLS="clone-warm import" runs only those.
# DGIT_BEFORE=path/to/another/dgit adds clone-cold-before and
# clone-warm-before (the same with that binary), for before/after ratios
# measured in one run.
# Everything happens under ${TMPDIR:-/tmp}: TMPDIR=/dev/shm measures on
# tmpfs, where creating a file costs what it costs on an ordinary disk; on a
# file system with many recent deletions (ext4 without a journal skips
# recently deleted inodes one by one) every file created costs far more,
# and the checkout's share with it (git-checkout shows it).
# Needs the network (the mirror in apt's sources) and GNU time.
#
# LOCAL_RATE=BYTES-A-SECOND: clone-cold, clone-warm and download read
# instead a local archive of the same files (signed with the test keys in
# t/keys) served on 127.0.0.1 by t/helper/httpd with that bandwidth
# limit, so that the download takes a known time comparable to the
# import's (build the helper with make first).  OVERLAP=stream|files|none
# sets dgit.import.overlap for the clones (default: the program's).

set -u
here=$(cd "$(dirname "$0")/.." && pwd)
: "${DGIT:=$here/dgit/dgit}"
runs=3
if [ "${1:-}" = -n ]; then runs=$2; shift 2; fi
pkg=${1:-xen}
suite=${2:-bookworm}
[ -x /usr/bin/time ] || { echo "$0: needs GNU time (apt-get install time)" >&2; exit 2; }

# The mirror: first Debian URI in apt's sources (deb822 or one-line).
mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
	awk '/^URIs:/ { print $2; exit }')
[ -n "$mirror" ] || mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
	awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; exit } }')
[ -n "$mirror" ] || { echo "$0: no mirror in apt's sources" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-clone.XXXXXX")
trap 'rm -rf "$work"' EXIT
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.org \
	GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.org

median () { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# the source package's files, once, for the import-only runs
mkdir -p "$work/files"
XDG_CACHE_HOME=$work/cache-files "$DGIT" -q download-source --dir "$work/files" "$pkg" "$suite" ||
	{ echo "$0: cannot download $pkg from $suite" >&2; exit 1; }
dsc=$(ls "$work/files"/*.dsc)

# the local archive: the same files, our test keys, a bandwidth limit
local_opts=()
if [ -n "${LOCAL_RATE:-}" ]; then
	set +u    # lib-archive.sh is written for the tests' shell
	TEST_DIR=$here/t TRASH_DIRECTORY=$work/la-state BUILD=${BUILD:-$here/build}
	GNUPGHOME=$TRASH_DIRECTORY/.gnupg
	: "${SOURCE_DATE_EPOCH:=$(date +%s)}"
	export SOURCE_DATE_EPOCH
	mkdir -p "$TRASH_DIRECTORY" "$GNUPGHOME"
	atexit=
	test_atexit () { atexit="$atexit $1"; }
	test_expect_success () { echo "$0: lib-archive wants a test" >&2; exit 2; }
	# shellcheck source=../t/lib-archive.sh
	. "$TEST_DIR/lib-archive.sh"
	trap 'for f in $atexit; do $f; done; rm -rf "$work"' EXIT
	{ archive_init "$work/la" && archive_add_suite "$work/la" "$suite" &&
	  archive_add_dsc "$work/la" "$suite" "$dsc" &&
	  archive_update "$work/la" "$suite" && httpd_start "$work/la" &&
	  httpd_fault "rate /pool/* $LOCAL_RATE"; } >"$work/la.log" 2>&1 ||
		{ echo "$0: cannot set up the local archive" >&2; cat "$work/la.log" >&2; exit 1; }
	local_opts=(-c "dgit-distro.debian.mirror=$(httpd_url)"
		-c "dgit-distro.debian.archive-keyring=$ARCHIVE_KEYRING"
		-c "dgit-distro.debian.keyring=$UPLOADER_KEYRING"
		-c dgit-distro.debian.git-check=false)
fi
[ -n "${OVERLAP:-}" ] && local_opts+=(-c "dgit.import.overlap=$OVERLAP")

# apt-get with a private configuration: deb-src for the mirror only
aptroot=$work/apt
mkdir -p "$aptroot/lists/partial" "$aptroot/cache/archives/partial" "$aptroot/etc"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" \
	>"$aptroot/etc/sources.list"
aptopts=(-o "Dir::Etc::sourcelist=$aptroot/etc/sources.list"
	-o "Dir::Etc::sourceparts=-" -o "Dir::State::lists=$aptroot/lists"
	-o "Dir::Cache=$aptroot/cache" -o "APT::Sandbox::User=root")
case " ${TOOLS:-apt-source} " in *" apt-source "*)
	apt-get -q "${aptopts[@]}" update >"$work/apt-update.log" 2>&1 ||
		{ echo "$0: apt-get update failed (see below)" >&2; cat "$work/apt-update.log" >&2; } ;;
esac

run_tool () {
	name=$1
	: >"$work/times"
	for i in $(seq "$runs"); do
		rm -rf "$work/run" && mkdir "$work/run" && cd "$work/run" || exit 1
		T=(/usr/bin/time -o "$work/t" -f "%e %U %S %M")
		bin=$DGIT
		case $name in *-before) bin=$DGIT_BEFORE; name=${name%-before} ;; esac
		case $name in
		clone-cold)
			rm -rf "$work/cache-cold"
			XDG_CACHE_HOME=$work/cache-cold "${T[@]}" "$bin" -q "${local_opts[@]}" clone "$pkg" "$suite" >/dev/null 2>&1 ;;
		clone-warm)
			[ -d "$work/cache-warm" ] || XDG_CACHE_HOME=$work/cache-warm "$DGIT" -q "${local_opts[@]}" download-source --dir "$work/run" "$pkg" "$suite" >/dev/null 2>&1
			rm -f "$work/run"/*
			XDG_CACHE_HOME=$work/cache-warm "${T[@]}" "$bin" -q "${local_opts[@]}" clone "$pkg" "$suite" >/dev/null 2>&1 ;;
		download)
			rm -rf "$work/cache-dl"
			XDG_CACHE_HOME=$work/cache-dl "${T[@]}" "$DGIT" -q "${local_opts[@]}" download-source "$pkg" "$suite" >/dev/null 2>&1 ;;
		import)
			git init -q repo && cd repo &&
			"${T[@]}" "$DGIT" import-dsc "$dsc" +import >/dev/null 2>&1 ;;
		git-checkout)
			[ -d "$work/corepo" ] || { git init -q "$work/corepo" &&
				(cd "$work/corepo" && "$DGIT" import-dsc "$dsc" +import >/dev/null 2>&1); } &&
			mkdir wt &&
			GIT_INDEX_FILE=$work/run/index "${T[@]}" git --git-dir="$work/corepo/.git" \
				--work-tree="$work/run/wt" checkout -q -f import -- . >/dev/null 2>&1 ;;
		apt-source)
			"${T[@]}" apt-get -q "${aptopts[@]}" source "$pkg/$suite" >/dev/null 2>&1 ;;
		perl-import)
			git init -q repo && cd repo &&
			"${T[@]}" /usr/bin/dgit --no-chase-dsc-distro import-dsc "$dsc" +import >/dev/null 2>&1 ;;
		esac
		rc=$?
		name=$1
		cd "$work" || exit 1
		if [ $rc -ne 0 ]; then echo fail; return; fi
		tail -n 1 "$work/t" >>"$work/times"
	done
	wall=$(awk '{ print $1 }' "$work/times" | median)
	minwall=$(awk '{ print $1 }' "$work/times" | sort -g | head -n 1)
	cpu=$(awk '{ print $2 + $3 }' "$work/times" | median)
	rss=$(awk '{ print $4 }' "$work/times" | sort -n | tail -n 1)
	echo "$wall $cpu $rss $minwall"
}

tools=${TOOLS:-"clone-cold clone-warm download import git-checkout apt-source perl-import"}
if [ -n "${DGIT_BEFORE:-}" ]; then
	tools=${tools/clone-cold/clone-cold-before clone-cold}
	tools=${tools/clone-warm/clone-warm-before clone-warm}
fi
[ -x /usr/bin/dgit ] || tools=${tools/ perl-import/}

echo "$pkg from $suite${LOCAL_RATE:+ (local archive on 127.0.0.1 at $LOCAL_RATE bytes/s)}${OVERLAP:+, overlap $OVERLAP}; runs per tool: $runs; machine: $(nproc) cores, load $(cut -d" " -f1-3 /proc/loadavg); under ${TMPDIR:-/tmp}"
printf '%-18s %10s %10s %10s %12s\n' tool "wall(s)" "min(s)" "cpu(s)" "maxrss(MB)"
declare -A W M C
for t in $tools; do
	r=$(run_tool "$t")
	if [ "$r" = fail ]; then
		printf '%-18s %10s\n' "$t" failed
		continue
	fi
	set -- $r
	W[$t]=$1 C[$t]=$2 M[$t]=$4
	printf '%-18s %10s %10s %10s %12s\n' "$t" "$1" "$4" "$2" \
		"$(awk -v k="$3" 'BEGIN { printf "%.1f", k / 1024 }')"
done
ratio () { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
echo
[ -n "${W[clone-warm-before]:-}" ] && [ -n "${W[import]:-}" ] &&
	echo "before: warm clone / import:        $(ratio "${W[clone-warm-before]}" "${W[import]}")"
[ -n "${W[clone-cold-before]:-}" ] && [ -n "${W[download]:-}" ] && [ -n "${W[import]:-}" ] &&
	echo "before: cold clone / max(download, import): $(ratio "${W[clone-cold-before]}" "$(awk -v a="${W[download]}" -v b="${W[import]}" 'BEGIN { print (a > b) ? a : b }')")"
[ -n "${W[clone-warm]:-}" ] && [ -n "${W[import]:-}" ] &&
	echo "warm clone / import:                $(ratio "${W[clone-warm]}" "${W[import]}")   (target <= 1.3)"
[ -n "${W[clone-warm]:-}" ] && [ -n "${W[import]:-}" ] && [ -n "${W[git-checkout]:-}" ] &&
	echo "warm clone / (import + git checkout): $(ratio "${W[clone-warm]}" "$(awk -v a="${W[import]}" -v b="${W[git-checkout]}" 'BEGIN { print a + b }')")   (1.0: the rest costs nothing)"
[ -n "${W[clone-cold]:-}" ] && [ -n "${W[download]:-}" ] && [ -n "${W[import]:-}" ] && {
	echo "cold clone / max(download, import): $(ratio "${W[clone-cold]}" "$(awk -v a="${W[download]}" -v b="${W[import]}" 'BEGIN { print (a > b) ? a : b }')")   (target <= 1.1)"
	echo "cold clone / (download + import):   $(ratio "${W[clone-cold]}" "$(awk -v a="${W[download]}" -v b="${W[import]}" 'BEGIN { print a + b }')")   (1.0: no overlap)"
}
# On a loaded machine the median wall time swings; the fastest run and
# the CPU time are steadier.
for k in clone-warm-before clone-warm; do
	[ -n "${M[$k]:-}" ] && [ -n "${M[import]:-}" ] &&
		echo "$k / import, fastest runs: $(ratio "${M[$k]}" "${M[import]}"); CPU: $(ratio "${C[$k]}" "${C[import]}")"
done
for k in clone-cold-before clone-cold; do
	[ -n "${M[$k]:-}" ] && [ -n "${M[download]:-}" ] && [ -n "${M[import]:-}" ] &&
		echo "$k / max(download, import), fastest runs: $(ratio "${M[$k]}" "$(awk -v a="${M[download]}" -v b="${M[import]}" 'BEGIN { print (a > b) ? a : b }')")"
done
[ -n "${W[apt-source]:-}" ] && [ -n "${W[clone-cold]:-}" ] &&
	echo "apt-get source / cold clone:        $(ratio "${W[apt-source]}" "${W[clone-cold]}")"
[ -n "${W[perl-import]:-}" ] && [ -n "${W[clone-warm]:-}" ] &&
	echo "Perl dgit import-dsc / warm clone:  $(ratio "${W[perl-import]}" "${W[clone-warm]}")"
exit 0
