#!/usr/bin/env bash
# A change in the sources (in a copy of the tree) invalidates exactly the
# objects that depend on it: a component's source file, then a header that
# several objects include.  Every build that is not up to date starts
# from an empty build folder, so the object cache alone decides what is
# compiled; --force builds the same, after the change.
. "$(dirname "$0")/../lib.sh"
. "$FX_ROOT/test/builder/lib.sh"

copy_tree "$T/src"
export FLEXEXPLORE_SRCDIR="$T/src"

build "$BASE"
expect_eq "cold build in the copied tree" 0 "$rc"
dir=$(dirname "$(jfield image "$T/out")")
total=$(jfield compiled "$T/out")

# One source file of vfs: that object only.
src=$(ls "$T/src/os/lib/vfs/"*.c | head -n 1)
obj="obj/vfs/$(basename "${src%.c}").o"
printf '\nint fx_test_touched(void) { return 1; }\n' >>"$src"
build --force "$BASE"
expect_eq "rebuild after a source change" 0 "$rc"
expect_eq "exactly one object compiled" 1 "$(jfield compiled "$T/out")"
expect_grep "the changed file's object" "^miss [0-9a-f]+ /fxbuild/$obj " \
	"$dir/cache.log"
expect_eq "every other object from the cache" $((total - 1)) \
	"$(jfield from_cache "$T/out")"

# A header: every object whose dependency file names it, and no other.
deps=$(grep -l "lib/net/net.h" "$dir"/obj/*/*.d "$dir"/core/*.d | wc -l)
check "net.h has several dependents" test "$deps" -gt 1
echo 'int fx_test_header_change(void);' >>"$T/src/os/lib/net/net.h"
build --force "$BASE"
expect_eq "rebuild after a header change" 0 "$rc"
expect_eq "the $deps objects including net.h recompiled" "$deps" \
	"$(jfield compiled "$T/out")"
expect_eq "the rest from the cache" $((total - deps)) \
	"$(jfield from_cache "$T/out")"

# Without --force: the same objects.
echo 'int fx_test_header_change2(void);' >>"$T/src/os/lib/net/net.h"
build "$BASE"
expect_eq "incremental rebuild after a header change" "$deps" \
	"$(jfield compiled "$T/out")"
