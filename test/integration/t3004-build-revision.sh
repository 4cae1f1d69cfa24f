#!/usr/bin/env bash
# The recorded source revision, in a copied git repository: a clean tree
# is its commit; an uncommitted change under os/ (or an untracked file)
# is another revision, and the image is built again for it.
. "$(dirname "$0")/../lib.sh"
. "$FX_ROOT/test/builder/lib.sh"

copy_tree "$T/src"
export FLEXEXPLORE_SRCDIR="$T/src"
git -C "$T/src" init -q
git -C "$T/src" add -A
git -C "$T/src" -c user.name=t -c user.email=t@t commit -q -m tree
commit=$(git -C "$T/src" rev-parse HEAD)

build "$BASE"
expect_eq "build of the clean tree" 0 "$rc"
expect_eq "revision is the commit" "$commit" "$(jfield revision "$T/out")"
manifest=$(jfield manifest "$T/out")
expect_grep "manifest: the commit" "\"commit\": \"$commit\"" "$manifest"
expect_grep "manifest: no uncommitted change" '"uncommitted_sha256": ""' \
	"$manifest"

# An uncommitted edit (a comment: the objects stay the same).
echo '/* an uncommitted note */' >>"$T/src/os/lib/vfs/vfs.h"
build "$BASE"
dirty=$(jfield revision "$T/out")
expect_eq "an uncommitted change is another revision" true \
	"$([ "$dirty" != "$commit" ] && echo true)"
expect_eq "it names the commit and the change" true \
	"$(case "$dirty" in "$commit+dirty."*) echo true ;; esac)"
expect_eq "the image is not taken as up to date" false \
	"$(jfield up_to_date "$T/out")"
expect_grep "manifest: one changed file" '"changed_files": 1' "$manifest"

# An untracked file is a change too; committing makes the tree clean.
echo 'x' >"$T/src/gates/new-file.txt"
build "$BASE"
expect_eq "an untracked file is another revision again" true \
	"$([ "$(jfield revision "$T/out")" != "$dirty" ] && echo true)"
git -C "$T/src" add -A
git -C "$T/src" -c user.name=t -c user.email=t@t commit -q -m more
build "$BASE"
expect_eq "after the commit: the new commit" \
	"$(git -C "$T/src" rev-parse HEAD)" "$(jfield revision "$T/out")"
