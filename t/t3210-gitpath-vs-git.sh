#!/bin/sh
test_description='paths git refuses: our rules against the installed git, and import refusals

t/unit/test-gitpath.c holds a table of paths and whether git takes each
(as a file and as a symlink).  Here the installed git is asked again about
every row, and packages holding such paths must be refused by import-dsc
with the path named and no ref changed.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-import.sh"

UNIT="$BUILD/t/unit/test-gitpath"

test_expect_success 'every row of the table is what the installed git says' '
	test -x "$UNIT" &&
	git init -q q &&
	blob=$(git -C q hash-object -w /dev/null) &&
	"$UNIT" --list >list &&
	perl -e '"'"'
		local $/; $_ = <STDIN>; my @f = split /\0/;
		my ($blob, $bad, $n) = (shift, 0, 0);
		while (@f) {
			my ($path, $mode, $want) = splice @f, 0, 3;
			$mode = $mode eq "120000" ? "120000" : "100644";
			my $ok = system("git", "-C", "q", "-c",
			    "core.protectNTFS=true", "-c", "core.protectHFS=true",
			    "update-index", "--add", "--cacheinfo",
			    "$mode,$blob,$path") == 0 ? 1 : 0;
			system("git", "-C", "q", "rm", "-q", "--cached", "-r",
			    "--ignore-unmatch", ".") == 0 or die;
			$n++;
			next if $ok == $want;
			$bad++;
			print "git says $ok, the table $want: $path ($mode)\n";
		}
		print "$n rows\n";
		exit($bad ? 1 : 0);
	'"'"' "$blob" <list 2>/dev/null >result;
	rc=$? && cat result && test $rc = 0 &&
	test "$(tail -n 1 result | cut -d" " -f1)" -gt 500
'

test_expect_success 'setup: a repository with a branch' '
	git init -q repo &&
	git -C repo commit -q --allow-empty -m base &&
	git -C repo branch keep
'

pkg_with_orig () {
	rm -rf pkg && mkdir pkg &&
	tarball "$1" pkg/bad_1.orig.tar.gz &&
	debian_dir pkg/d bad 1-1 "3.0 (quilt)" &&
	tarball pkg/d pkg/bad_1-1.debian.tar.xz &&
	(cd pkg && make_dsc "3.0 (quilt)" bad 1-1 bad_1.orig.tar.gz \
		bad_1-1.debian.tar.xz)
}

must_refuse () {
	refs_snapshot repo >before &&
	(cd repo && test_must_fail "$DGIT" import-dsc ../pkg/bad_1-1.dsc new) 2>err &&
	cat err >&2 &&
	test_grep -F -e "$1" err &&
	test_grep "git refuses" err &&
	refs_snapshot repo >after &&
	test_cmp before after &&
	git -C repo fsck
}

# PATH (a file in the orig tarball) and the part of it the message names
while read -r P W; do
	export P W
	test_expect_success "a file at '$P' is refused, naming it" '
		rm -rf o && mkdir -p "o/top/$(dirname "$P")" &&
		echo x >"o/top/$P" && echo y >o/top/ok &&
		pkg_with_orig o &&
		must_refuse "$W"
	'
done <<'EOF2'
a\.git a\.git
.git\x .git\x
.git::$INDEX_ALLOCATION/x .git::$INDEX_ALLOCATION/x
.GIT:stream .GIT:stream
a/.git\x/y .git\x/y
GIT~1/config GIT~1
.git./config .git.
EOF2

test_expect_success 'HFS+ ignorable code points in .git are refused' '
	p=$(printf ".g\342\200\214it") &&
	rm -rf o && mkdir -p "o/top/$p" && echo x >"o/top/$p/config" &&
	pkg_with_orig o &&
	must_refuse "$p/config"
'

for name in .gitmodules .GitModules gitmod~1 ".gitmodules "; do
	test_expect_success "a symlink named '$name' is refused, a file is not" "
		rm -rf o && mkdir -p o/top && ln -s elsewhere \"o/top/$name\" &&
		pkg_with_orig o &&
		must_refuse '$name' &&
		rm \"o/top/$name\" && echo '[x]' >\"o/top/$name\" &&
		pkg_with_orig o &&
		(cd repo && \"\$DGIT\" import-dsc ../pkg/bad_1-1.dsc +ok$$) &&
		git -C repo fsck
	"
done

test_done
