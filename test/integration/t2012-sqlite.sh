#!/usr/bin/env bash
# sqlite's insert workload in three configurations: one compartment
# without hardening; proc with every component alone; proc with two
# compartments and mixed hardening.  The row count must be what was
# inserted, in each.
. "$(dirname "$0")/../lib.sh"
. "$FX_ROOT/test/gates/apps.sh"

run_config() { # NAME CONFIG
	local n=$1 dir=$T/$1
	build_app sqlite "$2" "$dir"
	check "$n: 5000 inserts run" timeout 120 "$dir/image"
	expect_grep "$n: 5000 inserts" '^inserts=5000$' "$T/out"
	expect_grep "$n: and 5000 rows in the table" '^rows=5000$' "$T/out"
	check "$n: a smaller run" timeout 60 "$dir/image" --inserts=123
	expect_grep "$n: counts its own rows" '^rows=123$' "$T/out"
}

run_config one 'sqlite+vfs'
run_config alone 'sqlite|vfs@proc'
run_config mixed 'sqlite|vfs@proc/sqlite=fortify+stack-protector,vfs=asan+ubsan'
