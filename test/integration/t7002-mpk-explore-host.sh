#!/usr/bin/env bash
# On this host, without emulation: an exploration over a space whose
# configurations need mpk finishes, and on a host without protection keys
# reports every such configuration as skipped, with the reason stored.
# (Under emulated keys, t7000's mpk_hw guest test shows the engine counts
# mpk among the host's mechanisms.)
. "$(dirname "$0")/../lib.sh"
cd "$FX_ROOT" || exit 1
space=test/qemu/spaces/httpd-mpk-only.yaml
db="$T/x.db"
sql() { sqlite3 "$db" "$1"; }

expect_exit 0 "the space has 8 configurations" "$FX_BIN" space --spec "$space"
expect_grep "8 configurations, 7 of them with two compartments" '^configurations +8$' "$T/out"

expect_exit 0 "an exploration over it finishes" timeout 300 "$FX_BIN" \
	--app httpd --spec "$space" --budget 10% --db "$db" --no-progress
if grep -qw ospke /proc/cpuinfo; then
	expect_grep "this host has protection keys: nothing skipped" \
		'skipped 0,' "$T/out"
else
	expect_grep "it evaluates the baseline and skips the 7 mpk ones" \
		'evaluated 1 .*skipped 7,' "$T/out"
	expect_eq "each skip is stored with the mechanism as its reason" 7 \
		"$(sql "SELECT count(*) FROM decisions WHERE kind = 'skipped'
		AND reason LIKE '%mechanism ''mpk''%'")"
	expect_eq "and with what the host lacks for it" 7 \
		"$(sql "SELECT count(*) FROM decisions WHERE kind = 'skipped'
		AND reason LIKE '%: the % protection keys'")"
	expect_grep "the baseline is ranked" \
		'1 +[0-9.]+ +[0-9.]+ +100.0% +httpd\+httpparser\+net\+vfs' \
		"$T/out"
	expect_exit 0 "flexexplore hw says why" "$FX_BIN" hw
	expect_grep "no mpk: the CPU has no protection keys" \
		'no mpk: (the CPU has no protection keys|.*not enabled)' \
		"$T/out"
fi
