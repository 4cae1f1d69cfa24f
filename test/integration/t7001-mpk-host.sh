#!/usr/bin/env bash
# On this host, without emulation: an mpk image refuses to start with a
# clear message when the CPU or kernel has no protection keys (exit 3),
# and runs when it has them.
. "$(dirname "$0")/../lib.sh"
cd "$FX_ROOT"
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
