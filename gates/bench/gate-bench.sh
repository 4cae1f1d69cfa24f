#!/usr/bin/env bash
# make bench-gates: the proc gate round trip against a bare shared-memory
# futex ping-pong between two processes, measured in the same run, plus
# the cost of a call inside one compartment.  Prints medians and ratios.
#
#   FX_BIN      the engine (default ./flexexplore)
#   BENCH_COUNT calls per measurement (default 200000)
#   BENCH_RUNS  alternating repetitions of each (default 3)
set -eu
cd "$(dirname "$0")/../.."
FX_BIN=${FX_BIN:-$PWD/flexexplore}
COUNT=${BENCH_COUNT:-200000}
RUNS=${BENCH_RUNS:-3}
out=build/bench/gates
mkdir -p "$out"
spec=os/test-components/isolation/space.yaml

"$FX_BIN" gen --spec "$spec" 'prober|victim@proc' -o "$out/proc" --make \
	>/dev/null
"$FX_BIN" gen --spec "$spec" 'prober+victim' -o "$out/one" --make >/dev/null
${CC:-cc} -O2 -o "$out/pingpong" gates/bench/pingpong.c

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
gate=() bare=() one=()
for _ in $(seq "$RUNS"); do
	gate+=("$("$out/proc/image" --probe=bench --count="$COUNT" |
		sed -n 's/^gate_ns=\([0-9.]*\).*/\1/p')")
	bare+=("$("$out/pingpong" "$COUNT" | sed -n 's/^bare_ns=\([0-9.]*\).*/\1/p')")
	one+=("$("$out/one/image" --probe=bench --count=$((COUNT * 10)) |
		sed -n 's/^gate_ns=\([0-9.]*\).*/\1/p')")
done
g=$(printf '%s\n' "${gate[@]}" | median)
b=$(printf '%s\n' "${bare[@]}" | median)
o=$(printf '%s\n' "${one[@]}" | median)
echo "proc gate round trip: median ${g} ns (runs: ${gate[*]})"
echo "bare futex ping-pong: median ${b} ns (runs: ${bare[*]})"
awk -v g="$g" -v b="$b" 'BEGIN { printf "ratio gate/bare: %.2f (goal: at most 2)\n", g / b }'
echo "one compartment call: median ${o} ns (runs: ${one[*]})"
