#!/bin/sh
test_description='clone through a JSON archive query service (dummycatapi, the test-dummy distro)'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

# The layout Debian dgit's test suite (tests/lib, t-archive-none-aq)
# writes: $DGIT_TEST_DUMMY_DIR/aq/suites, aq/dsc_in_suite/SUITE/PKG and
# a mirror holding only pool/, no Release.
DUMMY=$(pwd)/dummy
export DUMMY

# aq_entry VERSION DSC_IN_POOL_MAIN [SHA256]: one JSON entry.
aq_entry() {
	sha=${3:-$(sha256sum <"$DUMMY/mirror/pool/main/$2" | cut -d" " -f1)}
	printf '{"component":"main","filename":"%s","sha256sum":"%s","version":"%s"}' \
	    "$2" "$sha" "$1"
}

d() {
	DGIT_TEST_DUMMY_DIR=$DUMMY "$DGIT" -d test-dummy \
	    -c dgit-distro.test-dummy.git-check=false "$@"
}

h1=$(fixture_dsc hello-1) h2=$(fixture_dsc hello-2)
v1=$(fixture_var hello-1 version) v2=$(fixture_var hello-2 version)
export h1 h2 v1 v2

test_expect_success 'set up a dummycatapi tree with hello 1 and 2' '
	test -n "$h1" && test -n "$h2" && test -n "$v1" && test -n "$v2" &&
	mkdir -p "$DUMMY/aq/dsc_in_suite/sid" "$DUMMY/mirror/pool/main" &&
	ln -s sid "$DUMMY/aq/dsc_in_suite/unstable" &&
	cat >"$DUMMY/aq/suites" <<-\END &&
	[ { "archive" : "ftp-master", "codename" : "sid",
	    "components" : [ "main" ], "name" : "unstable",
	    "dakname" : "unstable" } ]
	END
	for fx in hello-1 hello-2; do
		dsc=$(fixture_built $fx) &&
		for f in $(dsc_files_ "$dsc") "$(basename "$dsc")"; do
			cp "$(dirname "$dsc")/$f" "$DUMMY/mirror/pool/main/" ||
			    return 1
		done || return 1
	done &&
	printf "[%s,%s]\n" "$(aq_entry $v1 $h1)" "$(aq_entry $v2 $h2)" \
	    >"$DUMMY/aq/dsc_in_suite/sid/hello"
'

test_expect_success 'clone takes the newest version; its tree is dpkg-source -x'"'"'s' '
	ref=$(dsc_reference_tree "$(fixture_built hello-2)") &&
	mkdir c1 && (cd c1 && d clone hello >../out 2>../err) &&
	test_grep "^dgit ok: ready for work in hello" out &&
	test "$(git -C c1/hello rev-parse "HEAD^{tree}")" = "$ref" &&
	test "$(git -C c1/hello rev-parse HEAD)" = \
	    "$(git -C c1/hello rev-parse refs/remotes/dgit/dgit/sid)"
'

test_expect_success 'a suite named by its name is canonicalised to its codename' '
	mkdir c2 && (cd c2 && d clone hello unstable >../out 2>../err) &&
	git -C c2/hello rev-parse --verify -q refs/remotes/dgit/dgit/sid
'

test_expect_success 'archive skew: the newest .dsc missing from the mirror, the older is used' '
	mv "$DUMMY/mirror/pool/main/$h2" "$DUMMY/h2.dsc" &&
	ref=$(dsc_reference_tree "$(fixture_built hello-1)") &&
	mkdir c3 && (cd c3 && d clone --no-cache hello >../out 2>../err) &&
	mv "$DUMMY/h2.dsc" "$DUMMY/mirror/pool/main/$h2" &&
	test_grep "Warning: archive skew detected" err &&
	test_grep "We were able to obtain only   $v1\$" err &&
	test "$(git -C c3/hello rev-parse "HEAD^{tree}")" = "$ref"
'

test_expect_success 'a .dsc whose SHA-256 is not the one the service gives is refused' '
	cp "$DUMMY/aq/dsc_in_suite/sid/hello" good.json &&
	bad=0000000000000000000000000000000000000000000000000000000000000000 &&
	printf "[%s]\n" "$(aq_entry $v2 $h2 $bad)" \
	    >"$DUMMY/aq/dsc_in_suite/sid/hello" &&
	mkdir c4 && (cd c4 && test_must_fail d clone hello >../out 2>../err) &&
	cp good.json "$DUMMY/aq/dsc_in_suite/sid/hello" &&
	test_grep -i "sha-\?256\|checksum\|hash" err &&
	test_must_fail test -e c4/hello
'

# bad_answer NAME JSON PATTERN: the answer is refused with PATTERN.
while IFS="|" read -r name json pattern; do
	test_expect_success "a bad answer is refused: $name" '
		printf "%s\n" "$json" >"$DUMMY/aq/dsc_in_suite/sid/hello" &&
		rm -rf cb && mkdir cb &&
		(cd cb && test_must_fail d clone hello >../out 2>../err) &&
		cp good.json "$DUMMY/aq/dsc_in_suite/sid/hello" &&
		test_grep "$pattern" err &&
		test_must_fail test -e cb/hello
	'
done <<\END
not JSON|[{"version":"2.10-2",|is not valid JSON
trailing garbage|[] x|is not valid JSON
duplicate key|[{"version":"1","version":"2"}]|duplicate key
not a list|{"version":"2.10-2"}|is not a list
no version|[{"component":"main","filename":"x.dsc","sha256sum":"00"}]|no valid version
bad filename|[{"component":"main","filename":"../x.dsc","sha256sum":"0000000000000000000000000000000000000000000000000000000000000000","version":"1.0-1"}]|no valid .dsc filename
bad component|[{"component":"../main","filename":"x.dsc","sha256sum":"0000000000000000000000000000000000000000000000000000000000000000","version":"1.0-1"}]|no valid component
short sha256sum|[{"component":"main","filename":"x.dsc","sha256sum":"abc","version":"1.0-1"}]|no valid sha256sum
END

test_expect_success 'a package the service does not list is not found' '
	mkdir c5 && (cd c5 && test_must_fail d clone nosuch >../out 2>../err) &&
	test_grep "not in suite" err
'

test_expect_success 'a suite the service does not list is not found' '
	mkdir c6 && (cd c6 && test_must_fail d clone hello nosuite >../out 2>../err) &&
	test_grep "nosuite" err
'

test_done
