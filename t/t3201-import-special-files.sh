#!/bin/sh
test_description='import-dsc: a file named by the .dsc that is not a regular file is refused at once

A fifo, or a symlink to /dev/zero, in place of a tarball would be read
for ever; each case must fail quickly (the timeout turns a hang into a
failure), name the file, and change nothing.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-import.sh"

test_need_cmd timeout mkfifo

test_expect_success 'setup: a package, and a repository' '
	mkdir -p src && echo hello >src/hello &&
	debian_dir src sp 1 "3.0 (native)" &&
	tarball src sp_1.tar.gz &&
	make_dsc "3.0 (native)" sp 1 sp_1.tar.gz &&
	mv sp_1.tar.gz real.tar.gz &&
	git init -q repo
'

# refused WHAT: import-dsc fails within 30 s naming sp_1.tar.gz as WHAT,
# and leaves no ref and no pack
refused () {
	(cd repo && test_must_fail timeout 30 "$DGIT" import-dsc ../sp_1.dsc \
		+imported) 2>err &&
	cat err >&2 &&
	test_grep "sp_1.tar.gz.* is not a regular file (it is $1)" err &&
	test_must_fail git -C repo rev-parse --verify -q imported &&
	ls repo/.git/objects/pack >left &&
	test ! -s left
}

test_expect_success 'a fifo is refused' '
	rm -f sp_1.tar.gz && mkfifo sp_1.tar.gz &&
	refused "a fifo"
'

test_expect_success 'a symlink to /dev/zero is refused' '
	rm -f sp_1.tar.gz && ln -s /dev/zero sp_1.tar.gz &&
	refused "a device"
'

test_expect_success 'a directory is refused' '
	rm -f sp_1.tar.gz && mkdir sp_1.tar.gz &&
	refused "a directory" &&
	rmdir sp_1.tar.gz
'

test_expect_success 'a file of another size is refused before it is read' '
	head -c 100 real.tar.gz >sp_1.tar.gz &&
	(cd repo && test_must_fail "$DGIT" import-dsc ../sp_1.dsc +imported) 2>err &&
	test_grep "size mismatch for .sp_1.tar.gz." err
'

test_expect_success 'a symlink to the real file is followed and imported' '
	rm -f sp_1.tar.gz && ln -s real.tar.gz sp_1.tar.gz &&
	(cd repo && "$DGIT" import-dsc ../sp_1.dsc +imported) &&
	git -C repo rev-parse imported:hello
'

test_done
