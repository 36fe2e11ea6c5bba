#!/bin/sh
test_description='import-dsc: the permission, compression and checksum rules of dpkg-source 1.21

Each package is given to dpkg-source -x as well: an accepted one must give
the tree dpkg-source gives (the reference tree), a refused one must be
refused by dpkg-source too, and by us with a message naming the problem
and with nothing in the repository changed.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-import.sh"

test_expect_success 'setup: a repository' '
	git init -q repo &&
	git -C repo commit -q --allow-empty -m base
'

# dpkg_refuses DSC: dpkg-source -x fails on DSC
dpkg_refuses () {
	rm -rf dpkg-x &&
	test_must_fail dpkg-source -x "$1" dpkg-x >dpkg-out 2>&1 &&
	cat dpkg-out >&2
}

# we_refuse DSC PATTERN: the import fails with PATTERN, nothing changed
we_refuse () {
	refs_snapshot repo >before &&
	(cd repo && test_must_fail "$DGIT" import-dsc "../$1" +new) 2>err &&
	cat err >&2 &&
	test_grep -e "$2" err &&
	refs_snapshot repo >after &&
	test_cmp before after
}

test_expect_success '3.0 (quilt) orig: any execute bit makes a file executable, as dpkg-source fixes it' '
	mkdir -p perm/o &&
	for m in 0655 0645 0745 0644 0600 0700 0111; do
		echo $m >perm/o/f$m && chmod $m perm/o/f$m || return 1
	done &&
	(cd perm &&
	 tarball o perm_1.orig.tar.gz &&
	 debian_dir d perm 1-1 "3.0 (quilt)" &&
	 tarball d perm_1-1.debian.tar.xz &&
	 make_dsc "3.0 (quilt)" perm 1-1 perm_1.orig.tar.gz \
		perm_1-1.debian.tar.xz) &&
	import_matches perm/perm_1-1.dsc &&
	git -C imp-perm_1-1 ls-tree imported >tree &&
	test_grep "^100755 .*	f0655\$" tree &&
	test_grep "^100755 .*	f0645\$" tree &&
	test_grep "^100644 .*	f0644\$" tree
'

test_expect_success '3.0 (quilt) orig component: the same permission fix' '
	mkdir -p perm/c/sub &&
	echo c >perm/c/sub/tool && chmod 0654 perm/c/sub/tool &&
	(cd perm && tarball c perm_1.orig-extra.tar.gz &&
	 make_dsc "3.0 (quilt)" perm 1-1 perm_1.orig.tar.gz \
		perm_1.orig-extra.tar.gz perm_1-1.debian.tar.xz) &&
	import_matches perm/perm_1-1.dsc &&
	git -C imp-perm_1-1 ls-tree -r imported >tree &&
	test_grep "^100755 .*	extra/tool\$" tree
'

test_expect_success 'git patch modes: patch takes a regular file type and the owner execute bit' '
	mkdir -p modes/o &&
	ms="104755 106755 107777 100700 100744 100654 100645 100655 100600 100000 102644 755 1755 644" &&
	for m in $ms; do echo x >modes/o/f$m || return 1; done &&
	echo y >modes/o/exe && chmod 755 modes/o/exe &&
	debian_dir modes/d modes 1-1 "3.0 (quilt)" &&
	mkdir -p modes/d/debian/patches &&
	for m in $ms; do
		printf "diff --git a/f%s b/f%s\nold mode 100644\nnew mode %s\n" \
			$m $m $m || return 1
	done >modes/d/debian/patches/p.patch &&
	printf "diff --git a/exe b/exe\nold mode 100755\nnew mode 644\n" \
		>>modes/d/debian/patches/p.patch &&
	echo p.patch >modes/d/debian/patches/series &&
	(cd modes && tarball o modes_1.orig.tar.gz &&
	 tarball d modes_1-1.debian.tar.xz &&
	 make_dsc "3.0 (quilt)" modes 1-1 modes_1.orig.tar.gz \
		modes_1-1.debian.tar.xz) &&
	import_matches modes/modes_1-1.dsc &&
	git -C imp-modes_1-1 ls-tree imported >tree &&
	test_grep "^100755 .*	f104755\$" tree &&
	test_grep "^100644 .*	f100654\$" tree &&
	test_grep "^100755 .*	exe\$" tree
'

# type_change MODE FILE: a package whose patch sets FILE (a file, or
# the symlink "link") to MODE
type_change () {
	rm -rf tc && mkdir -p tc/o &&
	echo x >tc/o/file && ln -s file tc/o/link &&
	debian_dir tc/d tc 1-1 "3.0 (quilt)" &&
	mkdir -p tc/d/debian/patches &&
	printf "diff --git a/%s b/%s\nold mode %s\nnew mode %s\n" "$2" "$2" \
		"$3" "$1" >tc/d/debian/patches/p.patch &&
	echo p.patch >tc/d/debian/patches/series &&
	(cd tc && tarball o tc_1.orig.tar.gz &&
	 tarball d tc_1-1.debian.tar.xz &&
	 make_dsc "3.0 (quilt)" tc 1-1 tc_1.orig.tar.gz tc_1-1.debian.tar.xz)
}

test_expect_success 'git patch modes: a file type change is refused, as patch refuses it' '
	type_change 040755 file 100644 &&
	dpkg_refuses tc/tc_1-1.dsc &&
	test_grep "change file type" dpkg-out &&
	we_refuse tc/tc_1-1.dsc "cannot change the file type of .file. from 100000 to 040000" &&
	type_change 120000 file 100644 &&
	dpkg_refuses tc/tc_1-1.dsc &&
	we_refuse tc/tc_1-1.dsc "cannot change the file type of .file. from 100000 to 120000" &&
	type_change 100644 link 120000 &&
	dpkg_refuses tc/tc_1-1.dsc &&
	we_refuse tc/tc_1-1.dsc "cannot change the file type of .link. from 120000 to 100000"
'

test_expect_success 'setup: a 1.0 package with a diff' '
	mkdir -p one/o/foo-1.0 one/n &&
	echo hello >one/o/foo-1.0/a &&
	cp -r one/o/foo-1.0 one/n/ &&
	echo changed >one/n/foo-1.0/a &&
	debian_dir one/n/foo-1.0 foo 1.0-1 &&
	(cd one &&
	 tarball_top o foo-1.0 foo_1.0.orig.tar.gz &&
	 (cd n && diff -ruN ../o/foo-1.0 foo-1.0 >../diff; test $? = 1) &&
	 gzip -n -c diff >good.gz &&
	 cp good.gz foo_1.0-1.diff.gz &&
	 make_dsc 1.0 foo 1.0-1 foo_1.0.orig.tar.gz foo_1.0-1.diff.gz &&
	 cp foo_1.0-1.dsc good.dsc) &&
	import_matches one/foo_1.0-1.dsc
'

# with_diff: write one/foo_1.0-1.diff.gz from stdin and its .dsc
with_diff () {
	cat >one/foo_1.0-1.diff.gz &&
	(cd one && make_dsc 1.0 foo 1.0-1 foo_1.0.orig.tar.gz foo_1.0-1.diff.gz)
}

test_expect_success '1.0: a .diff.gz that is not gzip is refused, as gunzip refuses it' '
	with_diff <one/diff &&
	dpkg_refuses one/foo_1.0-1.dsc &&
	we_refuse one/foo_1.0-1.dsc "foo_1.0-1.diff.gz. is not in gzip format"
'

test_expect_success '1.0: an empty .diff.gz is refused' '
	with_diff </dev/null &&
	dpkg_refuses one/foo_1.0-1.dsc &&
	we_refuse one/foo_1.0-1.dsc "foo_1.0-1.diff.gz. is not in gzip format"
'

test_expect_success '1.0: trailing garbage after the gzip data is refused' '
	{ cat one/good.gz && echo trailing-garbage; } | with_diff &&
	dpkg_refuses one/foo_1.0-1.dsc &&
	test_grep "trailing garbage" dpkg-out &&
	we_refuse one/foo_1.0-1.dsc "foo_1.0-1.diff.gz. has trailing garbage"
'

test_expect_success '1.0: zero bytes and then garbage after the data are refused' '
	{ cat one/good.gz && head -c 100 /dev/zero && echo x; } | with_diff &&
	dpkg_refuses one/foo_1.0-1.dsc &&
	we_refuse one/foo_1.0-1.dsc "foo_1.0-1.diff.gz. has trailing garbage"
'

test_expect_success '1.0: a truncated .diff.gz is refused' '
	head -c 60 one/good.gz | with_diff &&
	dpkg_refuses one/foo_1.0-1.dsc &&
	we_refuse one/foo_1.0-1.dsc "foo_1.0-1.diff.gz. is corrupt"
'

test_expect_success '1.0: zero padding after the data is accepted, as gunzip ignores it' '
	{ cat one/good.gz && head -c 1000 /dev/zero; } | with_diff &&
	import_matches one/foo_1.0-1.dsc
'

test_expect_success '1.0: a second gzip member is read on, as gunzip reads it' '
	{ cat one/good.gz && printf "\n" | gzip -n -c; } | with_diff &&
	import_matches one/foo_1.0-1.dsc
'

# with_wrong ALGO: one/foo_1.0-1.dsc from good.dsc with the diff's
# ALGO digest (md5sum, sha1sum, sha256sum) replaced by zeros
with_wrong () {
	cp one/good.gz one/foo_1.0-1.diff.gz &&
	ww_h=$($1 <one/foo_1.0-1.diff.gz | cut -d" " -f1) &&
	ww_z=$(echo "$ww_h" | tr 0-9a-f 0) &&
	sed "s/$ww_h/$ww_z/" one/good.dsc >one/foo_1.0-1.dsc &&
	! cmp -s one/good.dsc one/foo_1.0-1.dsc
}

for algo in md5 sha1 sha256; do
	test_expect_success "a wrong $algo digest is noticed with every other digest right" "
		with_wrong ${algo}sum &&
		dpkg_refuses one/foo_1.0-1.dsc &&
		test_grep 'algorithm $algo' dpkg-out &&
		we_refuse one/foo_1.0-1.dsc \"checksum mismatch for .foo_1.0-1.diff.gz. (expected $algo 0000\"
	"
done

test_expect_success 'Checksums-Sha1 with another size than Files is refused' '
	cp one/good.gz one/foo_1.0-1.diff.gz &&
	size=$(wc -c <one/good.gz) &&
	awk -v s=$size "/^Checksums-Sha1:/ { f = 1; print; next }
		/^[^ ]/ { f = 0 }
		f && / foo_1.0-1.diff.gz\$/ { \$2 = s + 1; print \" \" \$0; next }
		{ print }" one/good.dsc >one/foo_1.0-1.dsc &&
	! cmp -s one/good.dsc one/foo_1.0-1.dsc &&
	dpkg_refuses one/foo_1.0-1.dsc &&
	we_refuse one/foo_1.0-1.dsc "in .Checksums-Sha1."
'

test_done
