#!/usr/bin/env bash
# sqlite in one compartment (database in the OS's in-memory vfs) against
# the same insert workload as a plain Linux program (SQLite's default VFS
# on /dev/shm, in memory too), the runs alternating.  Prints the median
# seconds and inserts per second of each and the ratio of the rates.
#
#   BENCH_RUNS=N (default 5)   BENCH_INSERTS=N (default 5000)
. "$(dirname "$0")/../bench-lib.sh"
bench_need cc
N=${BENCH_INSERTS:-5000}
img=$(bench_image sqlite 'sqlite+vfs')
native=$BENCH_DIR/insert_native
src=$FX_ROOT/os/apps/sqlite
cc -O2 -std=gnu11 -D_GNU_SOURCE -I"$src/sqlite" -o "$native" \
	"$src/native/insert_native.c" "$src/sqlite/workload.c" -lsqlite3 ||
	bench_die 4 "cannot build the plain program"
work=$(mktemp -d "${TMPDIR:-/tmp}/fxbench-sqlite.XXXXXX")
trap 'rm -rf "$work"' EXIT

for r in $(seq 1 "$BENCH_RUNS"); do
	$PIN_SERVER "$img" --inserts="$N" --log=warn >"$work/i" ||
		bench_die 4 "the image failed"
	$PIN_SERVER "$native" --inserts="$N" >"$work/n" ||
		bench_die 4 "the plain program failed"
	for f in i n; do
		grep -q "^rows=$N\$" "$work/$f" ||
			bench_die 4 "wrong row count from $f: $(cat "$work/$f")"
		sed -n 's/^seconds=//p' "$work/$f" >>"$work/$f.sec"
		sed -n 's/^rate=//p' "$work/$f" >>"$work/$f.rate"
	done
done

echo "sqlite: $N INSERTs, one compartment (vfs) vs a plain Linux program" \
	"(/dev/shm), $BENCH_RUNS runs each, alternating"
printf '%-28s %12s %12s\n' "" seconds "inserts/s"
printf '%-28s %12s %12s\n' "image, one compartment" \
	"$(median <"$work/i.sec")" "$(median <"$work/i.rate")"
printf '%-28s %12s %12s\n' "plain Linux program" \
	"$(median <"$work/n.sec")" "$(median <"$work/n.rate")"
echo "ratio of rates (image / plain): $(ratio "$(median <"$work/i.rate")" \
	"$(median <"$work/n.rate")")"
