#!/usr/bin/env bash
# kvstore in one compartment against Debian's redis-server (no
# persistence), both under the same `redis-benchmark -P 16` run on
# 127.0.0.1, the runs alternating.  Prints, per test, the median requests
# per second of each and the ratio, then the geometric mean of the ratios
# (goal: kvstore >= redis-server).
#
#   BENCH_RUNS=N (default 3)   BENCH_REQUESTS=N (default 100000)
BENCH_RUNS=${BENCH_RUNS:-3}
. "$(dirname "$0")/../bench-lib.sh"
bench_need redis-benchmark redis-server redis-cli
N=${BENCH_REQUESTS:-100000}
img=$(bench_image kvstore 'kvdata+kvstore+net+resp')
work=$(mktemp -d "${TMPDIR:-/tmp}/fxbench-kvstore.XXXXXX")
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

$PIN_SERVER "$img" --port=0 --host=127.0.0.1 --log=warn >"$work/kv.out" \
	2>"$work/kv.err" &
pids+=($!)
for i in $(seq 1 100); do
	kport=$(sed -n 's/^ready port=//p' "$work/kv.out")
	[ -n "$kport" ] && break
	sleep 0.1
done
[ -n "$kport" ] || bench_die 4 "kvstore did not start: $(cat "$work/kv.err")"

rport=$(bench_free_port)
$PIN_SERVER redis-server --port "$rport" --bind 127.0.0.1 --save '' \
	--appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
pids+=($!)
bench_wait_port "$rport" ||
	bench_die 3 "redis-server did not start: $(cat "$work/redis.log")"

# One run: "TEST<TAB>rps" lines.
run() { # PORT
	$PIN_CLIENT redis-benchmark -p "$1" -n "$N" -P 16 -q 2>/dev/null |
		tr '\r' '\n' | grep 'requests per second' |
		sed 's/^\(.*\): \([0-9.]*\) requests per second.*/\1\t\2/'
}

for r in $(seq 1 "$BENCH_RUNS"); do
	run "$kport" >"$work/k.$r"
	run "$rport" >"$work/r.$r"
done

echo "kvstore (one compartment) vs redis-server: redis-benchmark -n $N" \
	"-P 16, $BENCH_RUNS runs each, alternating"
printf '%-38s %12s %12s %7s\n' test "kvstore/s" "redis/s" ratio
cut -f1 "$work/k.1" | awk '!seen[$0]++' | while IFS= read -r t; do
	k=$(cat "$work"/k.* | awk -F'\t' -v t="$t" '$1 == t { print $2 }' |
		median)
	r=$(cat "$work"/r.* | awk -F'\t' -v t="$t" '$1 == t { print $2 }' |
		median)
	printf '%-38s %12s %12s %7s\n' "$t" "$k" "$r" "$(ratio "$k" "$r")"
done | tee "$work/table"
awk '{ r = $NF; if (r + 0 > 0) { s += log(r); n++ } } END {
	if (n) printf "geometric mean of the ratios: %.2f over %d tests\n",
		exp(s / n), n }' "$work/table"
