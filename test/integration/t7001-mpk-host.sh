#!/usr/bin/env bash
# On this host, without emulation: an mpk image refuses to start with a
# clear message when the CPU or kernel has no protection keys (exit 3),
# and runs when it has them.  The runtime's allocator, which needs no
# keys, is stressed here too.
. "$(dirname "$0")/../lib.sh"
cd "$FX_ROOT" || exit 1
mode=$(basename "${FX_BUILD:-build/test}")
img=build/$mode/qemu/gatetest-mpk

check "the mpk test image builds" \
	make --no-print-directory -s MODE="$mode" "$img"
if grep -qw ospke /proc/cpuinfo; then
	check "this host has protection keys: the mpk image runs" \
		"$img" --case=roundtrip
else
	expect_exit 3 "without protection keys the mpk image exits 3" \
		"$img" --case=roundtrip
	expect_grep "and says why" \
		"isolates its compartments with protection keys \(mechanism 'mpk'\), but the (CPU has no protection keys|kernel has not enabled)" \
		"$T/err"
	expect_grep "and what to do instead" \
		"run it on a CPU with protection keys" "$T/err"
	expect_eq "before any compartment ran" "" "$(cat "$T/out")"
fi

# The allocator: random malloc/calloc/realloc/posix_memalign/free from two
# threads, every block's content checked.
heap=build/$mode/qemu/heap_stress
check "the allocator stress test builds" \
	make --no-print-directory -s MODE="$mode" "$heap"
check "mpk allocator: blocks intact under a random mix from two threads" \
	timeout 60 "$heap"
sed 's/^/# /' "$T/out"
