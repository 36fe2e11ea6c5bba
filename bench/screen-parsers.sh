#!/bin/sh
# Screen real Debian source packages for verdicts of our parsers that
# disagree with dpkg's: the changelog parser (lib/changelog.c, through
# t/helper/changelog-dump) against dpkg-parsechangelog, and the patch
# reader (lib/patch.c, through t/helper/apply-patch --parse-series /
# --parse-only) against dpkg-source's own patch check
# (Dpkg::Source::Patch::analyze) followed by GNU patch --dry-run with
# dpkg-source's options.  Without the orig nothing can be applied, so
# only parse verdicts are compared: refused ("malformed patch", "only
# garbage", dpkg's "expected ^@@" ...) or accepted.  bench/import-fidelity.sh
# does the full comparison of trees for packages downloaded whole.
#
# The mirror is the first "URIs:" of apt's deb822 sources (or the first
# "deb" line of sources.list), read at run time.  Its InRelease is checked
# with gpgv against the Debian archive keyring, Sources.xz against the
# SHA256 there, and each downloaded .debian.tar.* / .diff.gz against
# Sources.  Only the Debian part of each package is fetched, never the
# orig.  A mirror holding part of the pool is fine: missing files are
# counted.
#
# usage: bench/screen-parsers.sh [-n N] [-s SUITE] DATADIR
#   -n N      screen about N packages, evenly spaced over the sorted list
#             of non-native packages (default 2000)
#   -s SUITE  default bookworm (main only)
#   -j J      parallel downloads (default 4)
#   -L        no downloading: screen what DATADIR already holds
#   SCREEN_JOBS=K packages screened in parallel (default 2)
# DATADIR (outside the repository) keeps the downloads between runs.
# Writes DATADIR/report.txt: one line per disagreement,
#   CL-VERDICT PKG (all|default|first): dpkg ok/refused, ours ok/refused
#   CL-FIELDS  PKG (all|default|first): outputs differ (diff in cl/PKG.*)
#   PATCH      PKG NAME: dpkg VERDICT | ours VERDICT
# and a summary on stdout.
set -u

here=$(cd "$(dirname "$0")/.." && pwd)
DUMP=$here/build/t/helper/changelog-dump
APPLY=$here/build/t/helper/apply-patch
N=2000 SUITE=bookworm J=4 LOCAL=
while getopts n:s:j:L o; do
	case $o in
	n) N=$OPTARG ;;
	s) SUITE=$OPTARG ;;
	j) J=$OPTARG ;;
	L) LOCAL=1 ;;
	*) echo "usage: $0 [-n N] [-s SUITE] [-j J] DATADIR" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || { echo "usage: $0 [-n N] [-s SUITE] [-j J] DATADIR" >&2; exit 2; }
D=$(mkdir -p "$1" && cd "$1" && pwd) || exit 2
[ -x "$DUMP" ] && [ -x "$APPLY" ] || { echo "run make first" >&2; exit 2; }

mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
    awk '/^URIs:/ { print $2; exit }')
[ -n "$mirror" ] || mirror=$(cat /etc/apt/sources.list 2>/dev/null |
    awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; exit } }')
[ -n "$mirror" ] || { echo "no mirror in apt's sources" >&2; exit 2; }
mirror=${mirror%/}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

# 1. The verified Sources index (not in the per-package children).
if [ -z "${SCREEN_ONE:-}" ]; then
if [ ! -s "$D/Sources" ]; then
	curl -fsS -o "$D/InRelease" "$mirror/dists/$SUITE/InRelease" || exit 1
	gpgv --keyring "$keyring" --output "$D/Release" "$D/InRelease" \
	    2>/dev/null || { echo "bad InRelease signature" >&2; exit 1; }
	want=$(awk '/^SHA256:/ { s = 1; next } /^[^ ]/ { s = 0 }
	    s && $3 == "main/source/Sources.xz" { print $1 }' "$D/Release")
	curl -fsS -o "$D/Sources.xz" "$mirror/dists/$SUITE/main/source/Sources.xz" || exit 1
	[ "$(sha256sum <"$D/Sources.xz" | cut -d' ' -f1)" = "$want" ] ||
	    { echo "Sources.xz checksum mismatch" >&2; exit 1; }
	xz -dc "$D/Sources.xz" >"$D/Sources" || exit 1
fi

# PKG FORMAT DIRECTORY FILE SHA256 SIZE ORIGSIZE for each non-native package.
awk -v RS= -v FS='\n' '{
	pkg = fmt = dir = file = ""; orig = 0; insha = 0
	for (i = 1; i <= NF; i++) {
		if ($i ~ /^Package: /) pkg = substr($i, 10)
		else if ($i ~ /^Format: /) fmt = substr($i, 9)
		else if ($i ~ /^Directory: /) dir = substr($i, 12)
		else if ($i ~ /^Checksums-Sha256:/) { insha = 1; continue }
		else if ($i !~ /^ /) insha = 0
		if (insha && $i ~ /^ /) {
			split($i, a, " ")
			if (a[3] ~ /\.debian\.tar\.[a-z0-9]+$|\.diff\.gz$/) {
				sha = a[1]; size = a[2]; file = a[3]
			} else if (a[3] !~ /\.dsc$/)
				orig += a[2]
		}
	}
	if (fmt != "3.0 (native)" && file != "")
		print pkg, (fmt == "1.0" ? "1.0" : "quilt"), dir, file, sha, size, orig
}' "$D/Sources" | sort -u -k1,1 >"$D/index.txt"
total=$(wc -l <"$D/index.txt")
step=$((total / N)); [ "$step" -ge 1 ] || step=1
awk -v s="$step" '(NR - 1) % s == 0' "$D/index.txt" >"$D/picked.txt"

# 2. Download the Debian parts (in parallel), checking each against Sources.
mkdir -p "$D/dl" "$D/x" "$D/cl" "$D/p"
export D mirror SUITE
[ -n "$LOCAL" ] || awk '{ print $3 "/" $4, $5 }' "$D/picked.txt" |
    xargs -P "$J" -L 1 sh -c '
	f=$(basename "$1")
	[ -s "$D/dl/$f" ] && exit 0
	[ -e "$D/dl/$f.missing" ] && exit 0
	if curl -fsS -o "$D/dl/$f.part" "$mirror/$1" 2>/dev/null; then
		if [ "$(sha256sum <"$D/dl/$f.part" | cut -d" " -f1)" = "$2" ]; then
			mv "$D/dl/$f.part" "$D/dl/$f"
		else
			echo "checksum mismatch: $f" >&2; rm -f "$D/dl/$f.part"
		fi
	else
		rm -f "$D/dl/$f.part"; : >"$D/dl/$f.missing"
	fi' sh
fi

# The reference patch verdict: dpkg-source's analyze on an empty tree,
# then GNU patch --dry-run as dpkg-source runs it.  Prints "ok NAME" or
# "error NAME: MESSAGE" for each patch of the series (or each file given).
ref_patches() {
	perl -e '
	use strict; use warnings;
	use Dpkg::Source::Patch; use Dpkg::Source::Quilt;
	use File::Temp qw(tempdir);
	my ($mode, $dir, @files) = @ARGV;
	my @todo;
	if ($mode eq "series") {
		my $q = Dpkg::Source::Quilt->new($dir);
		my $s = $q->get_series_file();
		@todo = map { [$_, "$dir/debian/patches/$_"] }
		    $q->read_patch_list($s);
	} else {
		@todo = map { [$_, $_] } @files;
	}
	my $rc = 0;
	for my $t (@todo) {
		my ($name, $f) = @$t;
		my $empty = tempdir(CLEANUP => 1);
		my $v = eval {
			local $SIG{__WARN__} = sub {};
			my $p = Dpkg::Source::Patch->new(filename => $f);
			$p->analyze($empty, verbose => 0);
			$p->close();
			1;
		};
		if (!$v) {
			my $e = $@; $e =~ s/\n.*//s;
			print "error $name: dpkg: $e\n"; $rc = 1; next;
		}
		my $pid = open(my $ph, "-|") // die "fork: $!";
		if ($pid == 0) {
			chdir $empty or die;
			open(STDIN, "<", $f) or die "$f: $!";
			open(STDERR, ">&", \*STDOUT) or die;
			$ENV{LC_ALL} = "C";
			exec("patch", "--dry-run", "-t", "-F", "0", "-N", "-p1",
			    "-u", "-V", "never", "-E", "-b", "-z", ".dpkg-orig");
			die "exec patch: $!";
		}
		my $out = do { local $/; <$ph> } // "";
		close($ph);
		my $st = $? >> 8;
		if ($out =~ /(malformed patch at line \d+|Only garbage was found in the patch input)/) {
			print "error $name: patch: $1\n"; $rc = 1;
		} elsif ($st == 2) {
			my ($m) = $out =~ /(\*\*\*\*.*)/;
			print "error $name: patch trouble: ", ($m // "exit 2"), "\n";
			$rc = 1;
		} else {
			print "ok $name\n";
		}
	}
	exit $rc;
	' "$@"
}

# dpkg-parsechangelog's output restricted to what changelog-dump prints,
# as t/t0300-changelog-vs-dpkg.sh does (per entry with --all).
dpkg_fields() {
	awk '
		/^$/ { print; next }
		/^[^ ]/ { f = $0; sub(/:.*/, "", f); skip = 0 }
		/^Changes:/ { print; skip = 2; next }
		/^ / && skip > 0 { skip--; next }
		f ~ /^(Source|Version|Distribution|Urgency|Maintainer|Timestamp|Date|Changes)$/ { print }' "$1"
}

# debian/changelog out of a 1.0 .diff.gz: the hunk creating it.
diff_changelog() {
	gzip -dc "$1" | awk '
		/^\+\+\+ [^\/]*\/debian\/changelog([\t ]|$)/ { want = 1; next }
		want && /^@@ -0,0 \+1/ { n = $3; sub(/^\+1,?/, "", n); if (n == "") n = 1; want = 0; take = n + 0; next }
		want { want = 0 }
		take > 0 { if (substr($0, 1, 1) == "+") { print substr($0, 2); take-- } else if (substr($0, 1, 1) != "\\") take = 0 }'
}

# Screen one package; its findings go to $D/r/PKG, its counts to $D/r/PKG.n
# ("CL" and "SERIES NPATCHES"), so that packages can be screened in parallel.
screen_one() {
	pkg=$1 fmt=$2 file=$3
	out=$D/r/$pkg
	x=$D/x/$pkg
	: >"$out"; : >"$out.n"
	if [ ! -d "$x" ]; then
		mkdir -p "$x.tmp"
		if [ "$fmt" = quilt ]; then
			tar -xf "$D/dl/$file" -C "$x.tmp" 2>/dev/null
		else
			mkdir -p "$x.tmp/debian"
			diff_changelog "$D/dl/$file" >"$x.tmp/debian/changelog"
			gzip -dc "$D/dl/$file" >"$x.tmp/diff"
		fi
		mv "$x.tmp" "$x"
	fi

	# (a) changelog: dpkg's per-entry stanzas (--format rfc822 --all)
	# against "all", its default output against ours whole and "first".
	c=$x/debian/changelog
	if [ -s "$c" ]; then
		echo CL >>"$out.n"
		for m in all default first; do
			w=$D/cl/$pkg.want.$m g=$D/cl/$pkg.got.$m
			case $m in
			all) dpkg-parsechangelog -l "$c" --format rfc822 --all >"$w.raw" 2>/dev/null; dv=$? ;;
			default) dpkg-parsechangelog -l "$c" >"$w.raw" 2>/dev/null; dv=$? ;;
			first) cp "$D/cl/$pkg.want.default.raw" "$w.raw" ;;
			esac
			dpkg_fields "$w.raw" >"$w"
			case $m in
			default) "$DUMP" "$c" >"$g" 2>/dev/null ;;
			*) "$DUMP" "$c" "$m" >"$g" 2>/dev/null ;;
			esac
			ov=$?
			if [ $dv -ne 0 ] || [ $ov -ne 0 ]; then
				if [ $((dv != 0)) -ne $((ov != 0)) ]; then
					echo "CL-VERDICT $pkg $m: dpkg $([ $dv = 0 ] && echo ok || echo refused), ours $([ $ov = 0 ] && echo ok || echo "refused: $(head -1 "$g")")" >>"$out"
				fi
			elif ! cmp -s "$w" "$g"; then
				echo "CL-FIELDS $pkg $m: $(diff "$w" "$g" | grep '^[<>]' | head -2 | tr '\n' ' ')" >>"$out"
			fi
		done
		for m in all default first; do
			grep -q " $pkg $m:" "$out" ||
			    rm -f "$D/cl/$pkg.want.$m" "$D/cl/$pkg.got.$m"
		done
		rm -f "$D/cl/$pkg".want.*.raw
	fi

	# (b) patches
	if [ "$fmt" = quilt ]; then
		[ -e "$x/debian/patches/series" ] ||
		    [ -e "$x/debian/patches/debian.series" ] || return 0
		ref_patches series "$x" >"$D/p/$pkg.want"
		"$APPLY" --parse-series "$x" >"$D/p/$pkg.got" 2>/dev/null
	else
		[ -s "$x/diff" ] || return 0
		ref_patches files "" "$x/diff" >"$D/p/$pkg.want"
		"$APPLY" --parse-only "$x/diff" >"$D/p/$pkg.got" 2>/dev/null
	fi
	echo "SERIES $(wc -l <"$D/p/$pkg.want")" >>"$out.n"
	# Compare verdicts name by name.
	awk -v pkg="$pkg" '
		FNR == NR { n = $2; sub(/:$/, "", n); w[n] = $0; next }
		{ n = $2; sub(/:$/, "", n); g[n] = $0 }
		END {
			for (n in w) {
				wv = substr(w[n], 1, 2); gv = (n in g) ? substr(g[n], 1, 2) : "--"
				if (wv != gv)
					print "PATCH " pkg " " n ": dpkg " w[n] " | ours " ((n in g) ? g[n] : "missing")
			}
		}' "$D/p/$pkg.want" "$D/p/$pkg.got" >>"$out"
}

if [ "${SCREEN_ONE:-}" ]; then
	screen_one "$SCREEN_PKG" "$SCREEN_FMT" "$SCREEN_FILE"
	exit 0
fi

mkdir -p "$D/r"
rm -f "$D"/r/*
awk -v d="$D/dl" '{ print $1, $2, $4 }' "$D/picked.txt" |
    while read -r pkg fmt file; do
	[ -s "$D/dl/$file" ] && echo "$pkg $fmt $file"
done | xargs -P "${SCREEN_JOBS:-2}" -L 1 sh -c '
	SCREEN_ONE=1 SCREEN_PKG=$1 SCREEN_FMT=$2 SCREEN_FILE=$3 \
	    sh "$0" -s "$SUITE" "$D"' "$0"

report=$D/report.txt
find "$D/r" -type f ! -name '*.n' -exec cat {} + | sort >"$report"
ndl=$(ls "$D"/r/*.n 2>/dev/null | wc -l)
nmiss=$(while read -r pkg fmt dir file rest; do
	[ -e "$D/dl/$file.missing" ] && echo
done <"$D/picked.txt" | wc -l)
ncl=$(cat "$D"/r/*.n 2>/dev/null | grep -c '^CL$')
nser=$(cat "$D"/r/*.n 2>/dev/null | grep -c '^SERIES')
npatch=$(cat "$D"/r/*.n 2>/dev/null | awk '/^SERIES/ { n += $2 } END { print n + 0 }')
picked=$(wc -l <"$D/picked.txt")
echo "packages: $total non-native in $SUITE main, $picked picked, $ndl screened, $nmiss missing on the mirror"
echo "changelogs screened: $ncl; patch series (or .diff.gz) screened: $nser, $npatch patches"
echo "disagreements: $(grep -c '^CL-VERDICT' "$report") changelog verdicts, $(grep -c '^CL-FIELDS' "$report") changelog fields, $(grep -c '^PATCH' "$report") patch verdicts (details in $report)"
