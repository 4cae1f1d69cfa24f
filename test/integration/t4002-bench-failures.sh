#!/usr/bin/env bash
# Images that fail are results with a reason, never a stop and never a
# process left behind: one that crashes at start, one that hangs, one
# that answers wrongly, one that crashes or stops answering under load,
# a workload that runs too long, and a daemon that leaves its group.
. "$(dirname "$0")/../lib.sh"

export FX_BENCH_TEST_MARK="$T"
leftovers() {
	grep -lsz "FX_BENCH_TEST_MARK=$T" /proc/[0-9]*/environ 2>/dev/null |
		cut -d/ -f3 | while read -r pid; do
		cat "/proc/$pid/comm" 2>/dev/null
	done | grep -E '^(fake|wrk|redis)' | sort -u
}

fake="$T/fake_image"
check "the fake image builds" cc -O1 -o "$fake" "$FX_ROOT/test/bench/fake_image.c"
content="$FX_ROOT/os/apps/httpd/content"
short=(--duration 1 --warmup 0.5 --reps 3 --ready-timeout 3 --timeout 3)

# bench_case DESCRIPTION EXIT STATUS REASON-PATTERN APP ARGS...
bench_case() {
	local what=$1 code=$2 status=$3 reason=$4 app=$5
	shift 5
	local t0=$SECONDS
	expect_exit "$code" "$what: exit $code" \
		"$FX_BIN" bench --app "$app" --image "$fake" "${short[@]}" "$@"
	expect_grep "$what: status $status" "^status: +$status\$" "$T/out"
	[ -n "$reason" ] && expect_grep "$what: the reason" "^reason: +$reason" "$T/out"
	expect_eq "$what: no process left behind" "" "$(leftovers | tr '\n' ' ')"
	echo "# $what took $((SECONDS - t0)) s"
}

bench_case "crash at start" 1 not-started \
	"exited before it was ready \(signal 11 \(SIGSEGV\)\): 'fake: crashing" \
	kvstore --image-arg=--proto=resp --image-arg=--fault=crash
printf 'not a program\n' >"$T/noexec"
expect_exit 1 "an image that cannot be executed" \
	"$FX_BIN" bench --app kvstore --image "$T/noexec" "${short[@]}"
expect_grep "...did not start, saying why" \
	"^reason: +exited before it was ready \(exit status 127\): 'cannot run .*Permission denied'" "$T/out"
bench_case "hang at start" 1 not-ready "no 'ready port=N' line within 3 s" \
	kvstore --image-arg=--proto=resp --image-arg=--fault=hang
bench_case "wrong RESP answer" 1 wrong-answer \
	"GET after SET [^ ]+ answered 'garbage', not" \
	kvstore --image-arg=--proto=resp --image-arg=--fault=wrong
bench_case "wrong HTTP answer" 1 wrong-answer \
	"GET /index.html answered 19 bytes that differ from" \
	httpd --image-arg=--content="$content" --image-arg=--fault=wrong
bench_case "crash under load (RESP)" 1 crashed \
	"under load: compartment 'net' stopped by SIGSEGV.*\(signal 11 \(SIGSEGV\)\)" \
	kvstore --image-arg=--proto=resp --image-arg=--fault=crash-load
bench_case "crash under load (HTTP)" 1 crashed \
	"under load: compartment 'net' stopped by SIGSEGV" \
	httpd --image-arg=--content="$content" --image-arg=--fault=crash-load
bench_case "stops answering under load (RESP)" 1 timeout \
	"redis-benchmark did not finish within 4 s" \
	kvstore --image-arg=--proto=resp --image-arg=--fault=stop-load
bench_case "stops answering under load (HTTP)" 1 timeout \
	"stopped answering under load: wrk completed no request" \
	httpd --image-arg=--content="$content" --image-arg=--fault=stop-load
bench_case "a workload that hangs" 1 timeout \
	"the workload ran past its limit of 4 s" \
	sqlite --image-arg=--fault=hang
bench_case "a workload whose table is short" 1 wrong-answer \
	"rows=[0-9]+ but inserts=[0-9]+" sqlite --image-arg=--fault=wrong
bench_case "a daemon that leaves its group" 0 ok "" \
	kvstore --image-arg=--proto=resp --image-arg=--fault=fork-daemon --timeout 20

# Repetitions: a steady workload stops at the minimum, once the spread is
# under the threshold; a threshold it cannot meet runs to the cap.
bench_case "a steady workload" 0 ok "" sqlite --min-reps 3 --reps 10
expect_grep "...stops at the minimum on its spread" \
	'^runs: +3 \(stopped: spread 0.000 <= 0.050\)' "$T/out"
expect_grep "...on no cores the load generator needs" \
	'^cpus: +image [0-9,-]+, load generator none \(workload\)' "$T/out"
bench_case "a noisy server" 0 ok "" httpd --image-arg=--content="$content" \
	--spread 0.000001 --reps 4 --min-reps 2 --duration 0.5
expect_grep "...runs to the cap" '^runs: +4 \(stopped: cap of 4 runs' "$T/out"

# An engine stopped mid-measurement stops what it started before it goes.
"$FX_BIN" bench --app kvstore --image "$fake" --image-arg=--proto=resp \
	--duration 5 --warmup 0.5 --reps 3 >"$T/term.out" 2>&1 &
bp=$!
for _ in $(seq 100); do
	leftovers | grep -q redis && break
	sleep 0.1
done
kill -TERM "$bp"
wait "$bp"
expect_eq "SIGTERM mid-run ends the engine with it" 143 "$?"
sleep 0.2
expect_eq "...and leaves no process behind" "" "$(leftovers | tr '\n' ' ')"
