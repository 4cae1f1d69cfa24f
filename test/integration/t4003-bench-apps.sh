#!/usr/bin/env bash
# Each bundled application's baseline (one compartment, no hardening),
# built and benchmarked end to end with short runs: its own load
# generator, its own metric, a number that makes sense.
. "$(dirname "$0")/../lib.sh"

export FX_BENCH_TEST_MARK="$T"
leftovers() {
	grep -lsz "FX_BENCH_TEST_MARK=$T" /proc/[0-9]*/environ 2>/dev/null |
		cut -d/ -f3 | while read -r pid; do
		cat "/proc/$pid/comm" 2>/dev/null
	done | grep -E '^(image|wrk|redis)' | sort -u
}

short=(--duration 1 --warmup 0.5 --reps 2 --min-reps 2 --timeout 20 --json)

# app metric unit
for row in "httpd requests requests/s" "kvstore get requests/s" \
	"sqlite inserts inserts/s"; do
	set -- $row
	app=$1 metric=$2 unit=$3
	t0=$SECONDS
	check "$app: the baseline builds and measures" \
		"$FX_BIN" bench --app "$app" baseline "${short[@]}"
	cp "$T/out" "$T/$app.json"
	check "$app: $metric in $unit, two samples, a positive median" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["status"] == "ok", r
assert r["decided"] == sys.argv[2], r["decided"]
m = [m for m in r["metrics"] if m["name"] == sys.argv[2]][0]
assert m["unit"] == sys.argv[3] and m["better"] == "higher", m
assert len(m["samples"]) == 2 and r["runs"] == 2, m
assert all(s > 0 for s in m["samples"]), m
assert m["ci_low"] <= m["median"] <= m["ci_high"], m
assert len(r["host"]) == 16, r["host"]
' "$T/$app.json" "$metric" "$unit"
	expect_eq "$app: no process left behind" "" "$(leftovers | tr '\n' ' ')"
	echo "# $app took $((SECONDS - t0)) s"
done

expect_exit 2 "a configuration the space does not have" \
	"$FX_BIN" bench --app kvstore 'kvstore+nosuch'
expect_grep "...is named" "'kvstore\+nosuch' is not a configuration of 'kvstore'" "$T/err"

# A mechanism this host cannot run is refused before anything is built.
if ! grep -m1 '^flags' /proc/cpuinfo | grep -qw ospke; then
	expect_exit 3 "mpk on a host without protection keys" \
		"$FX_BIN" bench --app kvstore 'kvdata+kvstore+resp|net@mpk'
	expect_grep "...says why" "this host cannot run mechanism 'mpk'" "$T/err"
fi
