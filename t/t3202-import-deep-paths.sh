#!/bin/sh
test_description='import-dsc: very deep paths are refused without a crash, and a failure leaves no pack

A path 200 000 directories deep fits in a 1 KB tarball; the import must
refuse it with a message (git itself refuses trees deeper than its
core.maxTreeDepth, 4096 by default), not overflow the stack, and leave
no temporary pack behind.  A path 4000 deep is imported, and git fsck
and git ls-tree (the independent readers) accept it.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-import.sh"

test_need_cmd perl

# deep_pkg NAME DEPTH: 3.0 (native) package NAME 1 whose tarball (made
# by perl's Archive::Tar, so no directory that deep is ever made here)
# holds README, debian/ and the file a/a/.../a/f, DEPTH directories deep.
deep_pkg () {
	debian_dir "d-$1" "$1" 1 "3.0 (native)" &&
	perl -MArchive::Tar -e '
		my ($name, $depth) = @ARGV;
		my $t = Archive::Tar->new;
		$t->add_data("README", "top\n");
		for my $f ("debian/changelog", "debian/control", "debian/rules",
		    "debian/source/format") {
			open my $in, "<", "d-$name/$f" or die "$f: $!";
			local $/;
			$t->add_data($f, scalar <$in>, { mode => 0644 });
		}
		$t->add_data(("a/" x $depth) . "f", "x\n");
		$t->write("$name.tar", 0) or die $t->error;
	' "$1" "$2" &&
	gzip -n -9 -c "$1.tar" >"$1_1.tar.gz" &&
	rm -f "$1.tar" &&
	make_dsc "3.0 (native)" "$1" 1 "$1_1.tar.gz"
}

test_expect_success 'a path 200 000 directories deep is refused, not a crash' '
	deep_pkg deep 200000 &&
	test $(wc -c <deep_1.tar.gz) -lt 2000 &&
	git init -q repo &&
	(cd repo && test_must_fail "$DGIT" import-dsc ../deep_1.dsc +imported) 2>err &&
	test_grep "more than 4096 directories deep" err &&
	test_must_fail git -C repo rev-parse --verify -q imported
'

test_expect_success 'the failed import left no temporary pack' '
	ls -a repo/.git/objects/pack >left &&
	! grep tmp_dgit_pack left &&
	ls repo/.git/objects/pack >left &&
	test ! -s left
'

test_expect_success 'a path 4000 directories deep is imported' '
	deep_pkg deepok 4000 &&
	git init -q ok &&
	(cd ok && "$DGIT" import-dsc ../deepok_1.dsc +imported) &&
	git -C ok ls-tree -r --name-only imported >names &&
	test_grep "^a/a/a/.*/a/f\$" names &&
	git -C ok fsck --strict --no-dangling
'

test_expect_success 'other failures leave no temporary pack either' '
	mkdir -p src && head -c 9000000 /dev/urandom >src/big && echo x >src/x &&
	debian_dir src cut 1 "3.0 (native)" &&
	tarball src cut_1.tar.gz &&
	size=$(wc -c <cut_1.tar.gz) &&
	head -c $((size / 2)) cut_1.tar.gz >t && mv t cut_1.tar.gz &&
	make_dsc "3.0 (native)" cut 1 cut_1.tar.gz &&
	git init -q cut &&
	(cd cut && test_must_fail "$DGIT" import-dsc ../cut_1.dsc +imported) 2>err &&
	test_grep "cut_1.tar.gz" err &&
	ls -a cut/.git/objects/pack >left &&
	! grep tmp_dgit_pack left
'

test_done
