#!/usr/bin/env bash
# The launcher backend (the shape of a Slurm backend): each build runs as
# 'LAUNCHER flexexplore build --json ...' and its result is read back.
# 'env' stands in for srun here.
. "$(dirname "$0")/../lib.sh"
. "$FX_ROOT/test/builder/lib.sh"

copy_tree "$T/src"
export FLEXEXPLORE_SRCDIR="$T/src"
one="$BASE/net=stack-protector"
two="$BASE/httpparser=stack-protector"

build --launcher env "$BASE"
expect_eq "a build through the launcher" 0 "$rc"
build --launcher env "$one" "$two"
expect_eq "two builds through the launcher" 0 "$rc"
expect_eq "two results read back" 2 "$(grep -c '"ok": true' "$T/out")"
grep -F '"config": "'"$one"'"' "$T/out" >"$T/one.json"
image=$(jfield image "$T/one.json")
check "the image it names exists" test -x "$image"
expect_eq "its digest is the image's" \
	"$(sha256sum "$image" | cut -d' ' -f1)" "$(jfield sha256 "$T/one.json")"
expect_eq "the object counts came back" 1 "$(jfield compiled "$T/one.json")"

# A failed build's reason survives the trip, quotes and all.
echo 'int fx_broken_on_purpose = ;' >>"$T/src/os/lib/vfs/vfs.c"
build --launcher env "$BASE/vfs=ubsan"
expect_eq "a failed launched build is a failed result" 1 "$rc"
expect_grep "with the component and the compiler's words" \
	"\"reason\": \"component 'vfs': os/lib/vfs/vfs.c:[0-9]+:[0-9]+: error: expected expression before ';' token\"" \
	"$T/out"

# A launcher that cannot run the command.
build --launcher /nonexistent/srun "$BASE"
expect_eq "a launcher that fails gives a failed result" 1 "$rc"
expect_grep "saying the build printed no result" \
	'"reason": "the launched build printed no result \(exit 127\)"' "$T/out"
