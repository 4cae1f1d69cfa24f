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

short=(--duration 1 --warmup 0.5 --reps 2 --min-reps 2 --timeout 20)

# app metric unit
for row in "httpd requests requests/s" "kvstore get requests/s" \
	"sqlite inserts inserts/s"; do
	set -- $row
	app=$1 metric=$2 unit=$3
	t0=$SECONDS
	check "$app: the baseline builds and measures" \
		"$FX_BIN" bench --app "$app" baseline "${short[@]}"
	cp "$T/out" "$T/$app.out"
	expect_grep "$app: status ok" '^status: +ok$' "$T/$app.out"
	expect_grep "$app: $metric in $unit decides" \
		"^metric: +$metric \\($unit, higher is better\\), decides" "$T/$app.out"
	# The deciding metric's samples, median and interval, in order.
	awk '/decides the repetitions/ { d = 1; next }
		d && /^  samples:/ { n = NF - 1; ok = $2 > 0 && $3 > 0 }
		d && /^  median:/ { m = $2 }
		d && /^  CI:/ { gsub(/[\[\],]/, " "); lo = $2; hi = $3; d = 0 }
		END { exit !(n == 2 && ok && lo <= m && m <= hi && m > 0) }' \
		"$T/$app.out"
	_report $? "$app: two positive samples, a median inside its interval"
	expect_grep "$app: keyed by the host" '^host: +[0-9a-f]{16}$' "$T/$app.out"
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
