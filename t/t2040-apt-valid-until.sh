#!/bin/sh
test_description='a mirror from apt sources: its own check-valid-until, as apt-get update judges it

The archive'"'"'s Release files have a Valid-Until long past.  apt accepts
such a Release for one source only when that source says so: the one-line
option [check-valid-until=no], the deb822 field "Check-Valid-Until: no";
a source'"'"'s "yes" wins over Acquire::Check-Valid-Until "false".  For each
sources configuration, apt-get update (rootless, under an APT_CONFIG of
the test'"'"'s own) says which suites it accepts, and dgit must accept
exactly those when it takes the mirror from the same apt sources.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-archive.sh"

test_need_cmd apt-get

# sid: newnative; bookworm-security: olddiff; both Releases expired
# (Valid-Until one second after their Date, which is in 2017).
test_expect_success 'set up an archive whose Releases have expired' '
	archive_init arch &&
	archive_add_suite arch sid unstable &&
	archive_add_suite arch bookworm-security stable-security &&
	archive_add_fixture arch sid newnative &&
	archive_add_fixture arch bookworm-security olddiff &&
	ARCHIVE_VALID_UNTIL=$((SOURCE_DATE_EPOCH + 1)) archive_update arch &&
	test_grep "^Valid-Until: " arch/dists/sid/Release &&
	test_grep "^Valid-Until: " arch/dists/bookworm-security/Release &&
	httpd_start arch && httpd_url >arch.url
'
URL=$(cat arch.url 2>/dev/null)
K=$ARCHIVE_KEYRING

# apt_setup NAME: a private apt configuration in NAME/ (sources written
# by the caller into NAME/sources.list and NAME/parts/, apt.conf.d
# snippets into NAME/conf.d/), and NAME/root for apt-get's state.
apt_setup() {
	c=$TRASH_DIRECTORY/$1 &&
	mkdir -p "$c/parts" "$c/conf.d" "$c/trusted.d" "$c/prefs.d" \
	    "$c/root/state/lists/partial" "$c/root/cache/archives/partial" &&
	: >"$c/sources.list" &&
	: >"$c/root/status" &&
	cat >"$c/apt.conf" <<-EOF
	Dir "$c/root/";
	Dir::State "$c/root/state/";
	Dir::State::status "$c/root/status";
	Dir::Cache "$c/root/cache/";
	Dir::Etc::sourcelist "$c/sources.list";
	Dir::Etc::sourceparts "$c/parts";
	Dir::Etc::parts "$c/conf.d";
	Dir::Etc::main "/dev/null";
	Dir::Etc::Trusted "$c/none.gpg";
	Dir::Etc::TrustedParts "$c/trusted.d";
	Dir::Etc::preferencesparts "$c/prefs.d";
	Debug::NoLocking "true";
	APT::Sandbox::User "$(id -un)";
	EOF
}

# judge NAME: for sid and bookworm-security, "SUITE accepted" or "SUITE
# refused" by apt-get update (into NAME/apt.judged) and by dgit taking the
# mirror from the same sources (into NAME/dgit.judged).  A refusal by
# dgit must say Valid-Until, exit 255 and leave no file behind.
judge() {
	c=$TRASH_DIRECTORY/$1 &&
	{ APT_CONFIG=$c/apt.conf apt-get -q update >"$c/apt.out" 2>&1; true; } &&
	cat "$c/apt.out" >&2 &&
	for s in sid bookworm-security; do
		if grep "dists/$s/InRelease is expired" "$c/apt.out" >/dev/null
		then
			echo "$s refused"
		elif ls "$c/root/state/lists/" | grep "_dists_${s}_main_source_Sources" >/dev/null
		then
			echo "$s accepted"
		else
			echo "$s: apt-get update neither took nor refused it"
		fi
	done >"$c/apt.judged" &&
	for s in sid bookworm-security; do
		case $s in
		sid) p=newnative ;;
		*) p=olddiff ;;
		esac &&
		rm -rf "$c/dl" && mkdir "$c/dl" &&
		rc=0 &&
		APT_CONFIG=$c/apt.conf "$DGIT" --no-cache \
		    -c "dgit-distro.debian.archive-keyring=$K" \
		    -c "dgit-distro.debian-security.archive-keyring=$K" \
		    -c "dgit-distro.debian.keyring=$UPLOADER_KEYRING" \
		    -c "dgit-distro.debian-security.keyring=$UPLOADER_KEYRING" \
		    download-source --dir "$c/dl" $p $s \
		    >"$c/dgit-$s.out" 2>"$c/dgit-$s.err" || rc=$?
		cat "$c/dgit-$s.err" >&2
		if [ $rc = 0 ] && [ -n "$(ls "$c/dl")" ]; then
			echo "$s accepted"
		elif [ $rc = 255 ] &&
		    grep "Valid-Until" "$c/dgit-$s.err" >/dev/null &&
		    [ -z "$(ls -A "$c/dl")" ]; then
			echo "$s refused"
		else
			echo "$s: dgit exited $rc"
		fi
	done >"$c/dgit.judged" &&
	cat "$c/apt.judged" "$c/dgit.judged" >&2 &&
	test_cmp "$c/apt.judged" "$c/dgit.judged"
}

# expect NAME SID BOOKWORM-SECURITY: what apt said, so that each case is
# the case it is meant to be.
expect() {
	printf "sid %s\nbookworm-security %s\n" "$2" "$3" >"$1/expected" &&
	test_cmp "$1/expected" "$1/apt.judged"
}

test_expect_success 'one-line: [check-valid-until=no] accepts that source only' '
	apt_setup one &&
	cat >one/sources.list <<-EOF &&
	deb-src [signed-by=$K check-valid-until=no] $URL sid main
	deb-src [signed-by=$K] $URL bookworm-security main
	EOF
	judge one &&
	expect one accepted refused
'

test_expect_success 'one-line: the option on the security source, spaced, with "false"' '
	apt_setup one2 &&
	cat >one2/sources.list <<-EOF &&
	deb-src [signed-by=$K] $URL sid main
	deb-src [ check-valid-until=false signed-by=$K ] $URL bookworm-security main
	EOF
	judge one2 &&
	expect one2 refused accepted
'

test_expect_success 'deb822: Check-Valid-Until: no accepts that stanza'"'"'s source only' '
	apt_setup d822 &&
	cat >d822/parts/arch.sources <<-EOF &&
	Types: deb-src
	URIs: $URL
	Suites: sid
	Components: main
	Signed-By: $K

	Types: deb-src
	URIs: $URL
	Suites: bookworm-security
	Components: main
	Signed-By: $K
	Check-Valid-Until: no
	EOF
	judge d822 &&
	expect d822 refused accepted
'

test_expect_success 'deb822: on the first stanza, with a comment in between' '
	apt_setup d822b &&
	cat >d822b/parts/arch.sources <<-EOF &&
	Types: deb-src
	URIs: $URL
	Suites: sid
	Components: main
	Signed-By: $K
	Check-Valid-Until: no

	# the security suite
	Types: deb-src
	URIs: $URL
	Suites: bookworm-security
	Components: main
	Signed-By: $K
	EOF
	judge d822b &&
	expect d822b accepted refused
'

test_expect_success 'Acquire::Check-Valid-Until false: a source'"'"'s own "yes" still refuses' '
	apt_setup glob &&
	echo "Acquire::Check-Valid-Until \"false\";" >glob/conf.d/valid &&
	cat >glob/sources.list <<-EOF &&
	deb-src [signed-by=$K check-valid-until=yes] $URL sid main
	EOF
	cat >glob/parts/sec.sources <<-EOF &&
	Types: deb-src
	URIs: $URL
	Suites: bookworm-security
	Components: main
	Signed-By: $K
	EOF
	judge glob &&
	expect glob refused accepted
'

# apt runs Dir::Bin::dpkg --print-foreign-architectures to learn the
# architectures, unless APT::Architectures says them; the mirror's choice
# needs none of that.
test_expect_success 'the apt sources are read without starting dpkg' '
	apt_setup nodpkg &&
	c=$TRASH_DIRECTORY/nodpkg &&
	printf "#!/bin/sh\necho \"\$*\" >>\"%s\"\n" "$c/dpkg.calls" \
	    >"$c/dpkg" &&
	chmod +x "$c/dpkg" &&
	echo "Dir::Bin::dpkg \"$c/dpkg\";" >"$c/conf.d/dpkg" &&
	echo "Acquire::Check-Valid-Until \"false\";" >"$c/conf.d/valid" &&
	echo "deb-src [signed-by=$K] $URL sid main" >"$c/sources.list" &&
	mkdir "$c/dl" &&
	APT_CONFIG=$c/apt.conf "$DGIT" --no-cache \
	    -c "dgit-distro.debian.archive-keyring=$K" \
	    -c "dgit-distro.debian.keyring=$UPLOADER_KEYRING" \
	    download-source --dir "$c/dl" newnative sid &&
	test -n "$(ls "$c/dl")" &&
	test_path_is_missing "$c/dpkg.calls" &&
	# the fake is the one apt runs when it needs the architectures
	APT_CONFIG=$c/apt.conf apt-config dump --no-empty >/dev/null &&
	APT_CONFIG=$c/apt.conf apt-get -q update >"$c/apt.out" 2>&1 &&
	test_grep "print-foreign-architectures" "$c/dpkg.calls"
'

test_done
