# Shared set-up of the build command tests (t50xx), sourced after
# test-lib.sh, lib-archive.sh and lib-localarchive.sh:
#
#   perl_dgit ARGS...     Perl dgit on the local archive (-d local), asking
#                         it through apt-get as Perl dgit does
#   build_fakebin PROG... fake PROGs in $TRASH_DIRECTORY/fakebin: each
#                         appends its argv, one per line, then a "--"
#                         line, to $TRASH_DIRECTORY/args.PROG
#   run_both NAME ARGS... the same dgit command by us (in w/hello) and by
#                         Perl dgit (in pw/hello) with the fake builders
#                         first on PATH; args.NAME of each compared (kept
#                         as ours.args.* and perl.args.*; outputs in
#                         ours.out, ours.err, perl.out, perl.err).  $MUST
#                         (e.g. test_must_fail) is put before both.

PERL_DGIT=/usr/bin/dgit

perl_dgit() {
	"$PERL_DGIT" -d local \
	    -cdgit-distro.local.archive-query=aptget: \
	    "-cdgit-distro.local.mirror=[signed-by=$LA/archive-keyring.gpg] file://$LA/public" \
	    "$@"
}

build_fakebin() {
	mkdir -p "$TRASH_DIRECTORY/fakebin" &&
	for b in "$@"; do
		cat >"$TRASH_DIRECTORY/fakebin/$b" <<-\FAKE &&
		#!/bin/sh
		f="$FAKE_LOG.$(basename "$0")"
		for a in "$@"; do printf '%s\n' "$a"; done >>"$f"
		echo -- >>"$f"
		FAKE
		chmod +x "$TRASH_DIRECTORY/fakebin/$b" || return 1
	done
}
FAKE_LOG="$TRASH_DIRECTORY/args"
export FAKE_LOG

run_both() {
	name=$1 && shift &&
	rm -f args.* &&
	(cd w/hello && PATH="$TRASH_DIRECTORY/fakebin:$PATH" &&
	 $MUST "$DGIT" -d local "$@") >ours.out 2>ours.err &&
	for f in args.*; do mv "$f" "ours.$f"; done &&
	(cd pw/hello && PATH="$TRASH_DIRECTORY/fakebin:$PATH" &&
	 $MUST perl_dgit "$@") >perl.out 2>perl.err &&
	for f in args.*; do mv "$f" "perl.$f"; done &&
	test_cmp "perl.args.$name" "ours.args.$name"
}
MUST=
