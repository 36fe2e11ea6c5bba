#!/bin/sh
test_description='setup-* and print-* commands: the same git config, files and output as Perl dgit'
. "$(dirname "$0")/test-lib.sh"

PERL_DGIT=/usr/bin/dgit
test -x "$PERL_DGIT" || test_skip "Perl dgit ($PERL_DGIT) is not installed"

export DEBEMAIL=maint@example.org DEBFULLNAME="Maint Ainer"

# state DIR: the repository's local config and .git/info/attributes.
# Ours defines dgit's macro before the line that uses it (libgit2 needs
# that order; git reads both the same, which t4010 checks), Perl dgit
# after: the definition is moved first so that only that one known
# difference is ignored.
state() {
	git -C "$1" config --local --list | sort &&
	echo "--- attributes" &&
	if [ -e "$1/.git/info/attributes" ]; then
		awk '/^\[attr\]dgit-defuse-attrs/ { print; next }
		    { rest[n++] = $0 }
		    END { for (i = 0; i < n; i++) print rest[i] }' \
		    "$1/.git/info/attributes"
	fi
}

# compare NAME PREP DGIT-ARGS...: PREP (a shell command run in each new
# repository) then DGIT-ARGS under Perl dgit in p-NAME and ours in
# c-NAME; the resulting config and attributes must be the same
compare() {
	name=$1 prep=$2 && shift 2 &&
	git init -q "p-$name" && git init -q "c-$name" &&
	(cd "p-$name" && eval "$prep" && "$PERL_DGIT" "$@") >p-out 2>p-err &&
	(cd "c-$name" && eval "$prep" && "$DGIT" "$@") >c-out 2>c-err &&
	state "p-$name" >p-state && state "c-$name" >c-state &&
	test_cmp p-state c-state
}

OLDATTRS='printf "[attr]dgit-defuse-attrs\t-text -eol\n*.c diff=cpp\ndebian/changelog merge=union\n" >.git/info/attributes'
MINE='mkdir -p .git/info && printf "*.sh text\n" >.git/info/attributes'

for cmd in setup-new-tree setup-useremail setup-mergechangelogs \
    setup-gitattributes; do
	test_expect_success "$cmd in a new repository" "
		compare new-$cmd : $cmd
	"
	test_expect_success "$cmd over attributes of the user's own" "
		compare mine-$cmd '$MINE' $cmd
	"
	test_expect_success "$cmd over an old dgit macro" "
		compare old-$cmd '$OLDATTRS' $cmd
	"
	test_expect_success "$cmd twice changes nothing more" "
		compare twice-$cmd '$MINE' $cmd &&
		(cd c-twice-$cmd && \"\$DGIT\" $cmd) &&
		(cd p-twice-$cmd && \"\$PERL_DGIT\" $cmd) &&
		state p-twice-$cmd >p-state && state c-twice-$cmd >c-state &&
		test_cmp p-state c-state
	"
done

test_expect_success 'setup-new-tree honours the distro config of DGIT-SETUP-TREE' '
	compare distro "git config dgit-suite.DGIT-SETUP-TREE.distro other &&
	    git config dgit-distro.other.setup-gitattributes false &&
	    git config dgit-distro.other.user-email other@example.org" \
	    setup-new-tree &&
	test_grep "user.email=other@example.org" c-state &&
	! test_grep "dgit-defuse-attrs" c-state >/dev/null
'

test_expect_success 'setup-useremail does it even when setup-useremail is false' '
	compare force "git config dgit-distro.debian.setup-useremail false" \
	    setup-useremail &&
	test_grep "user.email=maint@example.org" c-state
'

test_expect_success 'setup-* take no arguments (usage, exit 8, as Perl)' '
	git init -q args && cd args &&
	test_expect_code 8 "$DGIT" setup-new-tree extra 2>err &&
	test_expect_code 8 "$PERL_DGIT" setup-new-tree extra 2>perl-err
'

test_expect_success 'print-dpkg-source-ignores prints what Perl dgit prints' '
	"$PERL_DGIT" print-dpkg-source-ignores >expect &&
	"$DGIT" print-dpkg-source-ignores >actual &&
	test_cmp expect actual
'

test_expect_success 'print-dgit-repos-server-source-url as Perl dgit' '
	"$PERL_DGIT" print-dgit-repos-server-source-url >expect &&
	"$DGIT" print-dgit-repos-server-source-url >actual &&
	test_cmp expect actual &&
	for c in "-cdgit-distro.debian/push.git-url=file:///srv/git" \
	    "-cdgit-distro.debian/push.git-host=example.org"; do
		"$PERL_DGIT" "$c" print-dgit-repos-server-source-url >expect &&
		"$DGIT" "$c" print-dgit-repos-server-source-url >actual &&
		test_cmp expect actual || return 1
	done
'

test_expect_success 'version prints "dgit version V", as Perl dgit' '
	"$DGIT" version >out &&
	test_grep "^dgit version [0-9][^ ]*\$" out &&
	test "$(wc -l <out)" = 1 &&
	"$PERL_DGIT" version >perl-out &&
	test_grep "^dgit version [0-9][^ ]*\$" perl-out &&
	"$DGIT" --version >out2 && test_cmp out out2
'

test_done
