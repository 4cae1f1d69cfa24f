# Helpers for the applications' comparison benchmarks (compare.sh of each
# application): building the one-compartment image, waiting for a port,
# medians and CPU pinning.  Sourced, with FX_BIN set by `make bench`.
set -u
FX_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
FX_BIN=${FX_BIN:-$FX_ROOT/flexexplore}
BENCH_RUNS=${BENCH_RUNS:-5}
BENCH_DIR=${BENCH_DIR:-$FX_ROOT/build/bench-apps}
mkdir -p "$BENCH_DIR"

bench_die() { # CODE MESSAGE
	echo "$(basename "$0"): $2" >&2
	exit "$1"
}

bench_need() { # TOOL...
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 ||
			bench_die 3 "'$t' is missing (scripts/deps.sh installs it)"
	done
}

# bench_image APP CONFIG: build and print the image's path.
bench_image() {
	local dir=$BENCH_DIR/$1-one
	"$FX_BIN" gen --app "$1" "$2" -o "$dir" --make >"$dir.log" 2>&1 ||
		bench_die 4 "cannot build $1 '$2' (see $dir.log)"
	echo "$dir/image"
}

# Pin servers to the first CPU and load generators to the last when the
# host has two or more, so that both references run on equal terms.
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null 2>&1; then
	PIN_SERVER="taskset -c 0"
	PIN_CLIENT="taskset -c $(($(nproc) - 1))"
else
	PIN_SERVER=
	PIN_CLIENT=
fi

# bench_free_port: a TCP port nobody listens on.
bench_free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 20000))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || {
			echo "$p"
			return
		}
	done
}

# bench_wait_port PORT: wait up to 10 s until something accepts on PORT.
bench_wait_port() {
	local i
	for i in $(seq 1 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# median: the median of the numbers on stdin, one per line.
median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		if (NR % 2) print v[(NR + 1) / 2];
		else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ratio A B: A / B with two decimals.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f\n", a / b;
		else print "nan" }'
}
