#!/usr/bin/env bash
# sqlite in one compartment: the insert workload runs on a database kept
# in vfs, prints its result lines and holds exactly the rows it inserted;
# the plain Linux program runs the same workload to the same count.
. "$(dirname "$0")/../lib.sh"
. "$FX_ROOT/test/os-apps/app-lib.sh"

check "build sqlite in one compartment" \
	app_build sqlite 'sqlite+vfs' "$T/one"
img=$T/one/image

check "the default workload runs and exits 0" timeout 60 "$img"
expect_grep "it reports 5000 inserts" '^inserts=5000$' "$T/out"
expect_grep "the table holds 5000 rows" '^rows=5000$' "$T/out"
expect_grep "it reports the time taken" '^seconds=[0-9]+\.[0-9]{6}$' "$T/out"
expect_grep "it reports a rate" '^rate=[0-9]+$' "$T/out"

check "--inserts=1234 runs" timeout 60 "$img" --inserts=1234
expect_grep "1234 rows" '^rows=1234$' "$T/out"
check "--inserts=0 runs" timeout 60 "$img" --inserts=0
expect_grep "0 rows" '^rows=0$' "$T/out"
check "a database path in a folder of its own" timeout 60 "$img" \
	--inserts=50 --db=/other.db
expect_grep "50 rows there" '^rows=50$' "$T/out"
expect_exit 2 "a negative count is a usage error" timeout 60 "$img" \
	--inserts=-1

native=$T/insert_native
check "the plain Linux program builds" cc -O2 -std=gnu11 -D_GNU_SOURCE \
	-I"$FX_ROOT/os/apps/sqlite/sqlite" -o "$native" \
	"$FX_ROOT/os/apps/sqlite/native/insert_native.c" \
	"$FX_ROOT/os/apps/sqlite/sqlite/workload.c" -lsqlite3
check "and runs 500 inserts" timeout 60 "$native" --inserts=500
expect_grep "to 500 rows" '^rows=500$' "$T/out"
