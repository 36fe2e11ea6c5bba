# The reference tree of a source package, exactly as /work/shared/DESIGN.md
# ("The reference tree") defines it: dpkg-source --no-check -x with umask
# 022, .pc/ and every .git removed, then git add -A -f + git write-tree in
# a throwaway repository with attributes and conversions defused.
#
# reference_tree DSC  prints the tree id on stdout; non-zero on failure.
# Needs dpkg-source and git; uses ${TMPDIR:-/tmp}.

reference_tree () {
	rt_dsc=$1
	rt_work=$(mktemp -d "${TMPDIR:-/tmp}/reftree.XXXXXX") || return 1
	(
		umask 022
		dpkg-source --no-check -x "$rt_dsc" "$rt_work/x" >/dev/null 2>&1
	) || { echo "reference_tree: dpkg-source -x $rt_dsc failed" >&2
		rm -rf "$rt_work"; return 1; }
	rm -rf "$rt_work/x/.pc"
	find "$rt_work/x" -name .git -prune -exec rm -rf {} +
	git init -q "$rt_work/repo" &&
	git -C "$rt_work/repo" config core.autocrlf false &&
	git -C "$rt_work/repo" config core.fileMode true &&
	git -C "$rt_work/repo" config core.symlinks true &&
	printf '%s\n' '* -text -eol -crlf -ident -filter -working-tree-encoding -export-subst' \
		>"$rt_work/repo/.git/info/attributes" &&
	git --git-dir="$rt_work/repo/.git" --work-tree="$rt_work/x" \
		add -A -f &&
	git --git-dir="$rt_work/repo/.git" --work-tree="$rt_work/x" write-tree
	rt_rc=$?
	rm -rf "$rt_work"
	return $rt_rc
}
