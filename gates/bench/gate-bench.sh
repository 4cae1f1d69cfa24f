#!/usr/bin/env bash
# make bench-gates: the proc gate round trip against a bare shared-memory
# futex ping-pong between two processes, measured in the same run, plus
# the cost of a call inside one compartment.  Prints medians and ratios.
#
#   FX_BIN      the engine (default ./flexexplore)
#   BENCH_COUNT calls per measurement (default 100000)
#   BENCH_RUNS  alternating repetitions of each (default 5)
set -eu
cd "$(dirname "$0")/../.."
FX_BIN=${FX_BIN:-$PWD/flexexplore}
COUNT=${BENCH_COUNT:-100000}
RUNS=${BENCH_RUNS:-5}
out=build/bench/gates
mkdir -p "$out"
spec=os/test-components/isolation/space.yaml

"$FX_BIN" gen --spec "$spec" 'prober|victim@proc' -o "$out/proc" --make \
	>/dev/null
"$FX_BIN" gen --spec "$spec" 'prober+victim' -o "$out/one" --make >/dev/null
${CC:-cc} -O2 -o "$out/pingpong" gates/bench/pingpong.c

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
gate_ns() { "$out/proc/image" --probe=bench --count="$COUNT" "$@" |
	sed -n 's/^gate_ns=\([0-9.]*\).*/\1/p'; }
bare_ns() { "$out/pingpong" "$COUNT" "$@" | sed -n 's/^bare_ns=\([0-9.]*\).*/\1/p'; }

# Two wait policies, each the same for gate and reference: the default
# (adaptive spin, a few yields, then the futex) and futex only.
gate=() bare=() gatef=() baref=() one=()
for _ in $(seq "$RUNS"); do
	gate+=("$(gate_ns)")
	bare+=("$(bare_ns)")
	gatef+=("$(gate_ns --gate-spin=0 --gate-yields=0)")
	baref+=("$(bare_ns 0 0)")
	one+=("$("$out/one/image" --probe=bench --count=$((COUNT * 10)) |
		sed -n 's/^gate_ns=\([0-9.]*\).*/\1/p')")
done
report() { # WHAT GATE... -- BARE...
	local what=$1 g b
	shift
	g=$(printf '%s\n' "$@" | sed '/^--$/,$d' | median)
	b=$(printf '%s\n' "$@" | sed '1,/^--$/d' | median)
	echo "$what: proc gate round trip median ${g} ns, bare futex ping-pong median ${b} ns"
	awk -v g="$g" -v b="$b" 'BEGIN { printf "  ratio gate/bare: %.2f (goal: at most 2)\n", g / b }'
}
echo "host: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $COUNT calls per run, $RUNS runs"
report "default wait" "${gate[@]}" -- "${bare[@]}"
report "futex only  " "${gatef[@]}" -- "${baref[@]}"
echo "one compartment call: median $(printf '%s\n' "${one[@]}" | median) ns"
