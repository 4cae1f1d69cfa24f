#!/usr/bin/env bash
# flexexplore bench against real servers (Debian's redis-server and nginx
# dressed as images), and its answers to bad input: a missing load
# generator, nothing at the given port, an unknown metric, a broken
# definition.  Every run is short, on 127.0.0.1, and leaves no process.
. "$(dirname "$0")/../lib.sh"

# Processes started by this script carry this mark in their environment.
export FX_BENCH_TEST_MARK="$T"
# Only servers, wrappers and load generators count: this script's own
# subshells carry the mark too.
leftovers() {
	grep -lsz "FX_BENCH_TEST_MARK=$T" /proc/[0-9]*/environ 2>/dev/null |
		cut -d/ -f3 | while read -r pid; do
		cat "/proc/$pid/comm" 2>/dev/null
	done | grep -E '^(redis|nginx|wrk|fake)' | sort -u
}
expect_no_leftovers() {
	local left
	left=$(leftovers | tr '\n' ' ')
	expect_eq "$1: no process left behind" "" "$left"
}

short=(--duration 1 --warmup 0.5 --reps 2 --ready-timeout 10 --timeout 10)

if command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null; then
	check "kvstore's definition measures redis-server" \
		"$FX_BIN" bench --app kvstore --image "$FX_ROOT/test/bench/redis-image.sh" "${short[@]}"
	cp "$T/out" "$T/redis.out"
	expect_grep "status ok" '^status: +ok$' "$T/redis.out"
	expect_grep "GET samples" '^metric: +get \(requests/s, higher is better\)' "$T/redis.out"
	expect_grep "SET samples" '^metric: +set \(requests/s' "$T/redis.out"
	expect_grep "two samples, each a number" '^  samples: +[0-9.e+]+ [0-9.e+]+$' "$T/redis.out"
	expect_grep "a median and an interval" '^  CI: +\[[0-9.e+]+, [0-9.e+]+\]' "$T/redis.out"
	expect_grep "why it stopped" '^runs: +2 \(stopped: (cap of 2 runs|spread [0-9.]+ <= 0.050)' "$T/redis.out"
	ncores=$(grep -E '^topology' <("$FX_BIN" hw) | sed -E 's/.* ([0-9]+) core.*/\1/')
	if [ "$ncores" -ge 2 ]; then
		expect_grep "image and load generator on disjoint cores" \
			'^cpus: +image [0-9,-]+, load generator [0-9,-]+$' "$T/redis.out"
		img=$(sed -nE 's/^cpus: +image ([^,]+),.*/\1/p' "$T/redis.out")
		load=$(sed -nE 's/^cpus: .*load generator (.*)$/\1/p' "$T/redis.out")
		[ "$img" != "$load" ]
		_report $? "the two sets differ ($img / $load)"
	fi
	expect_no_leftovers "redis-server"

	check "--metric set decides, --json" \
		"$FX_BIN" bench --app kvstore --image "$FX_ROOT/test/bench/redis-image.sh" \
		"${short[@]}" --metric set --json
	expect_grep "JSON names the deciding metric" '"decided":"set"' "$T/out"
	expect_grep "JSON has the status" '^\{"status":"ok"' "$T/out"

	# A running server, measured where it is.
	# A port nothing listens on, below the kernel's ephemeral range
	# (32768 up), so that no client socket can hold the port
	# redis-server is about to bind.
	for port in $(shuf -i 20000-32000 -n 20); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
	done
	redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
		--daemonize no --logfile "$T/redis.log" &
	rpid=$!
	for _ in $(seq 100); do
		[ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] && break
		sleep 0.05
	done
	check "--connect measures a running server" \
		"$FX_BIN" bench --app kvstore --connect "127.0.0.1:$port" "${short[@]}"
	expect_grep "status ok" '^status: +ok$' "$T/out"
	kill "$rpid"
	wait "$rpid" 2>/dev/null
fi

if command -v nginx >/dev/null && command -v wrk >/dev/null; then
	check "httpd's definition measures nginx" \
		"$FX_BIN" bench --app httpd --image "$FX_ROOT/test/bench/nginx-image.sh" "${short[@]}"
	expect_grep "status ok" '^status: +ok$' "$T/out"
	expect_grep "requests/s" '^metric: +requests \(requests/s, higher is better\)' "$T/out"
	expect_no_leftovers "nginx"

	# --content=DIR goes to the image, and the check reads the same folder.
	mkdir -p "$T/content"
	echo "another front page" >"$T/content/index.html"
	check "--image-arg=--content=DIR serves and checks that folder" \
		"$FX_BIN" bench --app httpd --image "$FX_ROOT/test/bench/nginx-image.sh" \
		"${short[@]}" --image-arg="--content=$T/content"
	expect_no_leftovers "nginx with other content"
fi

# Bad input: each a clear message and exit 2 or 3, nothing started.
mkdir -p "$T/bin"
expect_exit 3 "a missing load generator is an environment error" \
	env PATH="$T/bin" "$FX_BIN" bench --app httpd --image "$FX_ROOT/test/bench/nginx-image.sh"
expect_grep "...saying how to install it" "'wrk' is not installed; install it with: apt-get install wrk" "$T/err"
expect_exit 3 "the same for redis-benchmark" \
	env PATH="$T/bin" "$FX_BIN" bench --app kvstore --image "$FX_ROOT/test/bench/redis-image.sh"
expect_grep "...from redis-tools" 'apt-get install redis-tools' "$T/err"

expect_exit 2 "nothing listening at --connect" \
	"$FX_BIN" bench --app kvstore --connect 127.0.0.1:1 "${short[@]}"
expect_grep "...says so" 'nothing answers PING at 127.0.0.1:1' "$T/err"
expect_exit 2 "a malformed --connect" "$FX_BIN" bench --app kvstore --connect nowhere
expect_exit 2 "a metric the definition does not know" \
	"$FX_BIN" bench --app kvstore --image "$FX_ROOT/test/bench/redis-image.sh" --metric latency
expect_grep "...names the ones it knows" "no metric 'latency' \(it has: get, set\)" "$T/err"
expect_exit 2 "an application without a definition" \
	"$FX_BIN" bench --app nosuchapp --image /bin/true
expect_exit 2 "an image that does not exist" \
	"$FX_BIN" bench --app httpd --image "$T/nosuchimage"
expect_exit 2 "--image and --connect together" \
	"$FX_BIN" bench --app httpd --image /bin/true --connect 127.0.0.1:1
expect_exit 2 "a bad --spread" "$FX_BIN" bench --app httpd --image /bin/true --spread x

mkdir -p "$T/src/os/apps/bad"
printf 'kind: server\nprotocol: http\nclient:\n  tool: wrk\n  output: wrk\nmetrics:\n  - {name: r, unit: x, better: sideways, field: F}\n' \
	>"$T/src/os/apps/bad/bench.yaml"
expect_exit 2 "a broken definition" \
	env FLEXEXPLORE_SRCDIR="$T/src" "$FX_BIN" bench --app bad --image /bin/true
expect_grep "...names file:line" "$T/src/os/apps/bad/bench.yaml:7: expected 'better': one of lower, higher" "$T/err"
expect_no_leftovers "bad input"
