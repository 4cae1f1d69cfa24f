#!/usr/bin/env bash
# The benchmark of the benchmark: measure one configuration RUNS times in
# a row, each a complete `flexexplore bench` (start, warm-up, repeated
# runs, median), and report how far the medians spread.  That spread is
# how close to a budget the explorer can decide on this host.
#
#   BENCH_APP      application (kvstore)
#   BENCH_CONFIG   configuration (baseline); when it cannot be built,
#                  Debian's redis-server stands in (kvstore only)
#   BENCH_RUNS     how many medians (10)
#   BENCH_ARGS     options of each bench (--duration 1 --reps 5)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
fx=${FX_BIN:-$root/flexexplore}
app=${BENCH_APP:-kvstore}
config=${BENCH_CONFIG:-baseline}
runs=${BENCH_RUNS:-10}
read -r -a args <<<"${BENCH_ARGS:---duration 1 --reps 5}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export FLEXEXPLORE_HOME=${FLEXEXPLORE_HOME:-$tmp/home}

# Build once, so every run measures the same image.
if [ "$config" = baseline ]; then
	config=$("$fx" space --app "$app" 2>/dev/null |
		sed -nE 's/^least safe +//p')
fi
target=()
if image=$("$fx" build --app "$app" "$config" 2>"$tmp/build.err" |
	sed -nE 's/^ +image +(.*)$/\1/p') && [ -n "$image" ]; then
	target=(--image "$image")
	what="$app $config ($image)"
elif [ "$app" = kvstore ]; then
	target=(--image "$root/test/bench/redis-image.sh")
	what="redis-server standing in for kvstore (build failed: $(head -n 1 "$tmp/build.err"))"
else
	echo "bench-bench: cannot build $app $config:" >&2
	cat "$tmp/build.err" >&2
	exit 1
fi

echo "bench-bench: $runs measurements of $what, each: ${args[*]}"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq "$runs"); do
	if ! "$fx" bench --app "$app" "${target[@]}" "${args[@]}" \
		>"$tmp/run$i.out" 2>"$tmp/run$i.err"; then
		echo "bench-bench: run $i failed:" >&2
		cat "$tmp/run$i.out" "$tmp/run$i.err" >&2
		exit 1
	fi
	# The deciding metric's median and how many runs it took.
	awk -v i="$i" '
		/decides the repetitions/ { d = 1; name = $2 }
		d && /^  median:/ { m = $2; unit = $3; d = 0 }
		/^runs:/ { sub(/^runs: +/, ""); r = $0 }
		END { printf "  %2d  %s %s %s  runs %s\n", i, name, m, unit, r }
	' "$tmp/run$i.out" | tee -a "$tmp/medians"
done

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
awk '{ print $3 }' "$tmp/medians" | sort -g >"$tmp/sorted"
awk -v n="$runs" '
	{ v[NR] = $1; s += $1; ss += $1 * $1 }
	END {
		med = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
		mean = s / n
		sd = sqrt((ss - n * mean * mean) / (n - 1))
		printf "medians: min %.6g  median %.6g  max %.6g\n", v[1], med, v[n]
		printf "spread of the medians: (max - min) / median = %.1f%%, " \
			"coefficient of variation = %.1f%%\n",
			100 * (v[n] - v[1]) / med, 100 * sd / mean
	}' "$tmp/sorted"
