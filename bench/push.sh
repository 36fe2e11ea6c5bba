#!/bin/bash
# push-source speed on a real package, against Perl dgit's push-source.
#
# usage: bench/push.sh [-n RUNS] [X.dsc]
#   X.dsc defaults to the xen .dsc under /work/wt/realpkgs/xen*/ (any
#   3.0 (quilt) package will do); DGIT=path/to/our/dgit (default:
#   ./dgit/dgit of this tree).
#
# Once, untimed: X.dsc is imported with our `dgit import-dsc`, one new
# upstream change is committed (a new file) and a new changelog version
# (VERSION+bench1, unstable) on top.  Then RUNS times each (default 3),
# each run from a copy of that repository and the origs, with a fresh
# HOME and a fresh local archive (`dgit local-archive init`: a reprepro
# archive and a dgit git server with dgit-repos-server's hooks):
#   ours       dgit -d local push-source --new
#   dgit-perl  /usr/bin/dgit -d local push-source --new, pointed at the
#              same kind of archive with -c options (as t/t7003 does: it
#              asks apt what the archive has); its git server repository
#              is made beforehand (Perl dgit cannot make one on a file://
#              server), untimed; --ch:-sa, as its .changes would otherwise
#              lack the orig the new archive lacks (ours asks the archive)
# Both make the quilt patch for the change, build with dpkg-source, sign
# two tags and the .dsc and .changes, git push to the server (whose hook
# checks the push) and dput, whose post-upload command processes the
# upload with reprepro; each run checks the archive then lists the new
# version.  It prints the median wall time of each and the ratio, and for
# ours the median time spent in the programs it runs (timed by wrappers
# first on PATH): dpkg-source and dpkg-genchanges, git push (with the
# server's hook), dput (with reprepro's processing, also shown alone),
# other git commands, and gpg (gpgme runs gpg itself, not through PATH:
# estimated by timing gpg making the same four signatures).  "our own
# part" is the wall time less dpkg-*, gpg, git push and dput.
# Each archive starts with one small other package (apt reads an empty
# Sources as none).  Nothing touches the network.  Needs GNU time,
# reprepro, dput, devscripts (dch, debsign).

set -u
here=$(cd "$(dirname "$0")/.." && pwd)
: "${DGIT:=$here/dgit/dgit}"
SERVER=$here/dgit/dgit-repos-server
PERL_DGIT=/usr/bin/dgit
runs=3
if [ "${1:-}" = -n ]; then runs=$2; shift 2; fi
dsc=${1:-$(ls /work/wt/realpkgs/xen*/xen_*.dsc 2>/dev/null | head -n 1)}
[ -n "$dsc" ] && [ -f "$dsc" ] || { echo "usage: $0 [-n RUNS] X.dsc" >&2; exit 2; }
dsc=$(cd "$(dirname "$dsc")" && pwd)/$(basename "$dsc")
for c in /usr/bin/time reprepro dput dch debsign "$PERL_DGIT" "$DGIT" "$SERVER"; do
	command -v "$c" >/dev/null || { echo "$0: needs $c" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-push.XXXXXX")
export GNUPGHOME=$work/gnupg
cleanup() {
	gpgconf --homedir "$GNUPGHOME" --kill all >/dev/null 2>&1
	for la in "$work"/run/la; do
		[ -d "$la/gnupg" ] && gpgconf --homedir "$la/gnupg" --kill all >/dev/null 2>&1
	done
	rm -rf "$work"
}
trap cleanup EXIT
export LC_ALL=C.UTF-8 TZ=UTC GIT_CONFIG_NOSYSTEM=1 \
	DEBFULLNAME="dgit bench" DEBEMAIL=bench@example.org \
	GIT_AUTHOR_NAME="dgit bench" GIT_AUTHOR_EMAIL=bench@example.org \
	GIT_COMMITTER_NAME="dgit bench" GIT_COMMITTER_EMAIL=bench@example.org
export HOME=$work/home
mkdir -p "$HOME" "$GNUPGHOME" && chmod 700 "$GNUPGHOME"

say() { printf '%s\n' "$*" >&2; }
die() { say "$0: $*"; exit 1; }

# the uploader's key, made for this run only
gpg --batch --quiet --passphrase '' --quick-gen-key \
    "dgit bench <bench@example.org>" ed25519 sign never 2>/dev/null ||
	die "cannot make a key"
fpr=$(gpg --with-colons --list-secret-keys 2>/dev/null | awk -F: '/^fpr/ { print $10; exit }')

# ---- the repository to push, once
say "importing $(basename "$dsc") with our import-dsc"
tmpl=$work/tmpl
mkdir -p "$tmpl" && cd "$tmpl" && git init -q pkg && cd pkg || exit 1
git config --global init.defaultBranch main
git config --global user.name "dgit bench"
git config --global user.email bench@example.org
"$DGIT" import-dsc "$dsc" +import >/dev/null 2>"$work/import.err" ||
	{ cat "$work/import.err" >&2; die "import-dsc failed"; }
git checkout -q import || die "no import branch"
for f in "$(dirname "$dsc")"/*.orig*; do
	[ -e "../$(basename "$f")" ] || cp "$f" .. || exit 1
done
pkg=$(dpkg-parsechangelog -SSource)
ver=$(dpkg-parsechangelog -SVersion)
newver=$ver+bench1
echo "A change for the push benchmark." >BENCH-CHANGE
git add BENCH-CHANGE && git commit -q -m "Add BENCH-CHANGE" || exit 1
dch -v "$newver" -D unstable --force-distribution "Benchmark upload." 2>/dev/null &&
	git commit -q -a -m "$newver" || die "dch failed"
say "pushing $pkg $newver (from $ver), $runs runs each"

# a small other package every archive starts with (apt, which Perl dgit
# asks, reads an empty Sources as no source index at all)
seed=$work/seed
mkdir -p "$seed" && cp -a "$here/t/fixtures/newnative/tree" "$seed/newnative" &&
(cd "$seed" && dpkg-source -b newnative >/dev/null 2>&1 &&
 cd newnative && dpkg-genchanges -S -O../newnative_3.1_source.changes \
    >/dev/null 2>&1 && cd .. &&
 debsign -k"$fpr" --no-re-sign newnative_3.1_source.changes >/dev/null 2>&1) ||
	die "cannot build the seed package"

# ---- wrappers that time the programs ours runs
shim=$work/shim
mkdir -p "$shim"
for p in dpkg-source dpkg-genchanges git dput reprepro; do
	real=$(command -v "$p") || die "no $p"
	cat >"$shim/$p" <<EOF
#!/bin/bash
what=$p
[ $p = git ] && case " \$* " in *" push "*) what=git-push ;; esac
SHIM_DEPTH=\$(( \${SHIM_DEPTH:-0} + 1 )) /usr/bin/time -a -o "\$SHIM_LOG" \\
    -f "\${SHIM_DEPTH:-0} \$what %e %U %S" "$real" "\$@"
EOF
	chmod +x "$shim/$p"
done

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# setup: a fresh HOME, archive and copy of the repository
setup() {
	cd "$work" && rm -rf "$work/run" && mkdir -p "$work/run/home" &&
	cp -a "$tmpl/." "$work/run/" || exit 1
	export HOME=$work/run/home
	git config --global init.defaultBranch main
	git config --global user.name "dgit bench"
	git config --global user.email bench@example.org
	la=$work/run/la
	"$DGIT" local-archive init "$la" --key "$fpr" >/dev/null 2>"$work/init.err" ||
		{ cat "$work/init.err" >&2; die "local-archive init failed"; }
	cp "$seed"/newnative_3.1* "$la/reprepro/incoming/" &&
	"$DGIT" local-archive process "$la" >/dev/null 2>&1 ||
		die "cannot process the seed package"
}

published() {
	sed -n "/^Package: $pkg\$/,/^\$/s/^Version: //p" \
	    "$la/public/dists/sid/main/source/Sources" 2>/dev/null
}

# gpg's share: the same four signatures (two tags, .dsc, .changes)
gpg_estimate() {
	local s e t
	cd "$work/run/pkg" || return 1
	git cat-file tag "archive/local/$(echo "$newver" | tr '~:' '_%')" |
	    sed '/^-----BEGIN PGP SIGNATURE-----/,$d' >"$work/tag.txt"
	sed '1,/^$/d;/^-----BEGIN PGP SIGNATURE-----/,$d' \
	    "../${pkg}_${newver#*:}.dsc" >"$work/dsc.txt"
	sed '1,/^$/d;/^-----BEGIN PGP SIGNATURE-----/,$d' \
	    "../${pkg}_${newver#*:}_source.changes" >"$work/changes.txt"
	s=$(date +%s%N)
	for t in tag tag; do
		gpg --batch --yes -u "$fpr" -a --detach-sign -o /dev/null "$work/$t.txt" || return 1
	done
	for t in dsc changes; do
		gpg --batch --yes -u "$fpr" --clearsign -o /dev/null "$work/$t.txt" || return 1
	done
	e=$(date +%s%N)
	echo "$(( (e - s) / 1000 ))" | awk '{ printf "%.3f\n", $1 / 1e6 }'
}

: >"$work/ours" >"$work/perl" >"$work/ourcpu"
for p in dpkg git-push dput reprepro git-other gpg; do : >"$work/c.$p"; done
for i in $(seq "$runs"); do
	# ours
	setup
	export SHIM_LOG=$work/shim.log
	: >"$SHIM_LOG"
	cd "$work/run/pkg" || exit 1
	PATH=$shim:$PATH /usr/bin/time -o "$work/t" -f "%e %U %S" \
	    "$DGIT" -d local push-source --new >"$work/out" 2>&1 ||
		{ tail -20 "$work/out" >&2; die "ours: push-source failed"; }
	[ "$(published)" = "$newver" ] || die "ours: $newver is not in the archive"
	cut -d" " -f1 "$work/t" >>"$work/ours"
	awk -v dir="$work" '
		{ ms = $3 }
		$1 == 0 && ($2 == "dpkg-source" || $2 == "dpkg-genchanges") { d += ms }
		$1 == 0 && $2 == "git-push" { gp += ms }
		$1 == 0 && $2 == "git" { go += ms }
		$1 == 0 && $2 == "dput" { du += ms }
		$2 == "reprepro" { r += ms }
		END {
			printf "%.3f\n", d >>(dir "/c.dpkg")
			printf "%.3f\n", gp >>(dir "/c.git-push")
			printf "%.3f\n", go >>(dir "/c.git-other")
			printf "%.3f\n", du >>(dir "/c.dput")
			printf "%.3f\n", r >>(dir "/c.reprepro")
		}' "$SHIM_LOG"
	gpg_estimate >>"$work/c.gpg" || die "gpg estimate failed"
	cpu_children=$(awk '$1 == 0 { c += $4 + $5 } END { printf "%.3f", c }' "$SHIM_LOG")
	awk -v c="$cpu_children" '{ printf "%.3f\n", $2 + $3 - c }' "$work/t" >>"$work/ourcpu"
	say "run $i: ours $(cut -d" " -f1 "$work/t") s wall, $(cut -d" " -f2,3 "$work/t") s user/sys ($(awk '$1 == 0 { t[$2] += $3 } END { for (k in t) printf "%s %.2f ", k, t[k] }' "$SHIM_LOG"))"

	# Perl dgit, the same kind of archive, its repository made first
	setup
	"$SERVER" init-repo "$la/git" "$pkg" >/dev/null 2>&1 ||
		die "dgit-repos-server init-repo failed"
	cd "$work/run/pkg" || exit 1
	/usr/bin/time -o "$work/t" -f %e \
	    "$PERL_DGIT" -d local \
	    -cdgit-distro.local.archive-query=aptget: \
	    "-cdgit-distro.local.mirror=[signed-by=$la/archive-keyring.gpg] file://$la/public" \
	    -cdgit-distro.local.git-create=true \
	    -cdgit-distro.local.policy-query-supported-ssh=false \
	    --ch:-sa push-source --new >"$work/out" 2>&1 ||
		{ tail -20 "$work/out" >&2; die "Perl dgit: push-source failed"; }
	[ "$(published)" = "$newver" ] || die "Perl dgit: $newver is not in the archive"
	cat "$work/t" >>"$work/perl"
	say "run $i: Perl dgit $(cat "$work/t") s"
done

o=$(median <"$work/ours")
p=$(median <"$work/perl")
printf '%s %s -> %s, push-source --new into a local archive, median of %s runs\n' \
    "$pkg" "$ver" "$newver" "$runs"
printf '  %-34s %8.3f s\n' "ours" "$o" "Perl dgit" "$p"
awk -v o="$o" -v p="$p" 'BEGIN { printf "  %-34s %8.2fx\n", "Perl dgit / ours", p / o }'
echo "  of ours (medians):"
own=$o
for c in dpkg git-push dput gpg; do
	m=$(median <"$work/c.$c")
	own=$(awk -v a="$own" -v b="$m" 'BEGIN { printf "%.3f", a - b }')
	case $c in
	dpkg) label="dpkg-source -b, dpkg-genchanges" ;;
	git-push) label="git push (and the server's hook)" ;;
	dput) label="dput (and reprepro's processing)" ;;
	gpg) label="gpg, 4 signatures (estimated)" ;;
	esac
	printf '    %-32s %8.3f s\n' "$label" "$m"
done
printf '    %-32s %8.3f s\n' "  of which reprepro" "$(median <"$work/c.reprepro")"
printf '    %-32s %8.3f s\n' "other git commands" "$(median <"$work/c.git-other")"
printf '    %-32s %8.3f s\n' "our own part" "$own"
printf '  %-34s %8.3f s\n' "our own part, CPU (user+sys)" "$(median <"$work/ourcpu")"
echo "  (our own CPU: ours' user+sys less that of the programs it runs, gpg"
echo "   excepted; wall times depend on the machine's load: $(cut -d' ' -f1-3 /proc/loadavg))"
