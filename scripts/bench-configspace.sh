#!/usr/bin/env bash
# Benchmark of configspace on the 10^8 space: the closed-form count, and
# listing the first thousand and the first million names.  Each is run
# RUNS times; the median wall time and the peak memory are printed, the
# thousand-name listing being the reference for "flat memory".
set -eu
cd "$(dirname "$0")/.."
bin=${FX_BIN:-./flexexplore}
spec=spaces/big-5x3x4.yaml
runs=${RUNS:-5}

python3 - "$bin" "$spec" "$runs" <<'PY'
import resource, statistics, subprocess, sys, tempfile, time
bin, spec, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])

def measure(args):
    times, peak = [], 0
    for _ in range(runs):
        # Output goes to a file: a pipe would grow this process, and
        # its forks would count in the children's peak.
        with tempfile.TemporaryFile() as out:
            t = time.monotonic()
            subprocess.run([bin, "space", "--spec", spec] + args,
                           stdout=out, check=True)
            times.append(time.monotonic() - t)
            out.seek(0)
            lines = sum(1 for _ in out)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return statistics.median(times), lines, peak

count_t, _, _ = measure(["--count"])
out = subprocess.run([bin, "space", "--spec", spec, "--count"],
                     stdout=subprocess.PIPE, check=True).stdout.decode().strip()
print(f"count          {out} configurations in {count_t * 1000:.1f} ms")
small_t, small_n, small_rss = measure(["--list", "--limit", "1000"])
big_t, big_n, big_rss = measure(["--list", "--limit", "1000000"])
print(f"list {small_n:>9} names  median {small_t:6.3f} s  peak RSS {small_rss} KiB")
print(f"list {big_n:>9} names  median {big_t:6.3f} s  peak RSS {big_rss} KiB")
print(f"ratio          {big_t / small_t:.0f}x the time for 1000x the names;"
      f" memory {big_rss / small_rss:.2f}x")
PY
