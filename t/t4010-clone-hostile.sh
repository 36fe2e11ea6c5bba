#!/bin/sh
test_description='clone against hostile packages: attributes defused, nothing left behind'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test_expect_success 'set up the archive and the server' '
	archive_standard archive &&
	httpd_start archive
'
MIRROR=$(httpd_url 2>/dev/null)

# Every file of HEAD's tree in the work tree $1 has its blob's bytes.
bytes_equal_blobs() (
	cd "$1" &&
	git ls-tree -r -z HEAD | tr '\0' '\n' >../lstree &&
	while IFS="	" read -r info path; do
		set -- $info
		test "$1" = 100644 || test "$1" = 100755 || continue
		git cat-file blob "$3" >../blob &&
		cmp ../blob "$path" || return 1
	done <../lstree
)

test_expect_success 'a package with * text eol=crlf and ident: checkout is the tree' '
	dsc=$(fixture_built oddities) &&
	ref=$(dsc_reference_tree "$dsc") &&
	mkdir c1 &&
	(cd c1 && d clone oddities sid >../out 2>../err) &&
	r=c1/oddities &&
	test "$(git -C $r rev-parse "HEAD^{tree}")" = "$ref" &&
	test_grep "eol=crlf" $r/.gitattributes &&
	bytes_equal_blobs $r &&
	test -z "$(git -C $r status --porcelain)" &&
	! grep "contains .gitattributes" err
'

test_expect_success 'the defusing macro is defined before it is used' '
	head -n 1 c1/oddities/.git/info/attributes >first &&
	test_grep "^\[attr\]dgit-defuse-attrs	-text -eol -crlf -ident -filter -working-tree-encoding$" first &&
	sed -n 2p c1/oddities/.git/info/attributes >second &&
	printf "*\tdgit-defuse-attrs\n" >expect &&
	test_cmp expect second
'

test_expect_success 'git reads our attributes file as it reads Perl dgit'"'"'s' '
	git -C c1/oddities check-attr -a crlf.txt >ours &&
	test_grep "text: unset" ours &&
	test_grep "ident: unset" ours &&
	test_grep "eol: unset" ours &&
	git init -q perl && (cd perl && dgit setup-gitattributes >/dev/null 2>&1) &&
	cp c1/oddities/.gitattributes c1/oddities/crlf.txt perl/ &&
	git -C perl check-attr -a crlf.txt >theirs &&
	test_cmp theirs ours
'

test_expect_success 'without set-up, clone warns as Perl dgit does' '
	mkdir c2 &&
	(cd c2 && d -c dgit.default.setup-gitattributes=false \
	    clone oddities sid >../out 2>../err) &&
	test_grep "^dgit: warning: fetched source tree contains .gitattributes$" err &&
	test_grep "^dgit: .gitattributes not (fully) defused.  Recommended: dgit setup-new-tree.$" err
'

test_expect_success 'a package without .gitattributes: no warning' '
	mkdir c3 &&
	(cd c3 && d -c dgit.default.setup-gitattributes=false \
	    clone hello sid >../out 2>../err) &&
	! grep "gitattributes" err
'

# Run "$@" in the background with SIGINT, SIGTERM and SIGHUP at their
# defaults (a shell without job control starts background jobs with
# SIGINT ignored, and dgit keeps an ignored signal ignored); its pid in
# file pid.
# The program under test runs in directory $1, output to ../out, ../err.
bg_clone() {
	dir=$1 && shift &&
	(cd "$dir" && exec perl -e \
	    '$SIG{$_} = "DEFAULT" for qw(INT TERM HUP); exec @ARGV or die' \
	    "$DGIT" -c "dgit-distro.debian.mirror=$MIRROR" \
	    -c "dgit-distro.debian.archive-keyring=$ARCHIVE_KEYRING" \
	    -c "dgit-distro.debian.keyring=$UPLOADER_KEYRING" \
	    -c "dgit-distro.debian.git-check=false" \
	    "$@" >../out 2>../err) &
	echo $! >pid
}

# Wait (up to 10 s) until the glob $1 matches something.
wait_for_glob() {
	n=0
	while [ $n -lt 200 ]; do
		for f in $1; do test -e "$f" && return 0; done
		sleep 0.05
		n=$((n + 1))
	done
	return 1
}

test_expect_success 'a clone failing after it placed the origs removes them, not the user'"'"'s' '
	dsc=$(fixture_built hello-2) &&
	orig=$(basename "$(ls "$(dirname "$dsc")"/hello_1.0.orig.tar.gz)") &&
	mkdir race &&
	cp "$(dirname "$dsc")/$orig" race/ &&
	httpd_fault "delay /pool/main/h/hello/* 1500" &&
	bg_clone race clone --no-cache hello sid &&
	wait_for_glob "race/.hello.dgit-*" &&
	mkdir race/hello &&
	test_expect_code 255 wait $(cat pid) &&
	httpd_faults_clear &&
	test_grep "appeared while working" err &&
	printf "%s\n" hello "$orig" >expect &&
	ls -A race >actual &&
	test_cmp expect actual &&
	cmp "$(dirname "$dsc")/$orig" "race/$orig"
'

for sig in INT TERM HUP; do
	test_expect_success "SIG$sig during clone leaves nothing" "
		rm -rf sig && mkdir sig &&
		httpd_fault 'delay /pool/main/h/hello/* 3000' &&
		bg_clone sig clone --no-cache hello sid &&
		wait_for_glob 'sig/.hello.dgit-*/.git/dgit/fetch*' &&
		sleep 0.2 &&
		kill -$sig \$(cat pid) &&
		{ wait \$(cat pid); rc=\$?; } ;
		httpd_faults_clear &&
		test \$rc -gt 128 &&
		test \"\$(ls -A sig)\" = ''
	"
done

test_expect_success 'SIGINT as the origs are placed: all or nothing' '
	rm -rf sig && mkdir sig &&
	bg_clone sig clone hello sid &&
	wait_for_glob "sig/hello_1.0-2.debian.tar.*" &&
	kill -INT $(cat pid) &&
	{ wait $(cat pid); rc=$?; } ;
	if test -d sig/hello
	then
		echo >&2 "the clone was complete (exit $rc)" &&
		git -C sig/hello fsck &&
		test -z "$(git -C sig/hello status --porcelain)"
	else
		test $rc -gt 128 &&
		test "$(ls -A sig)" = ""
	fi
'

test_expect_success 'a server trickling 2 bytes a second: the download is abandoned' '
	rm -rf slow && mkdir slow &&
	httpd_fault "trickle /pool/main/h/hello/* 2" &&
	start=$(date +%s) &&
	(cd slow && test_must_fail d -c dgit.fetch.low-speed-limit=100 \
	    -c dgit.fetch.low-speed-time=1 \
	    clone --no-cache hello sid >../out 2>../err) &&
	end=$(date +%s) &&
	httpd_faults_clear &&
	cat err >&2 &&
	test_grep "hello_" err &&
	test $((end - start)) -lt 30 &&
	test "$(ls -A slow)" = ""
'

test_expect_success 'dgit.fetch.max-time caps a download that is merely slow' '
	rm -rf slow && mkdir slow &&
	httpd_fault "trickle /pool/main/h/hello/* 300" &&
	start=$(date +%s) &&
	(cd slow && test_must_fail d -c dgit.fetch.low-speed-limit=10 \
	    -c dgit.fetch.max-time=1 \
	    clone --no-cache hello sid >../out 2>../err) &&
	end=$(date +%s) &&
	httpd_faults_clear &&
	cat err >&2 &&
	test_grep -i "timeout\|timed out" err &&
	test $((end - start)) -lt 30 &&
	test "$(ls -A slow)" = ""
'

test_expect_success 'a bad download limit is refused' '
	test_must_fail d -c dgit.fetch.max-time=soon clone hello sid 2>err &&
	test_grep "bad value .soon. for dgit.fetch.max-time" err
'

test_done
