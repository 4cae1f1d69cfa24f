#!/bin/sh
# Guest side: sqlite with every component alone under mpk (sqlite|vfs@mpk):
# the default insert workload (5000 rows, as in the FlexOS paper), its row
# count checked.
img=/fx/img/sqlite-mpk
fail=0
say() { # status what
	if [ "$1" -eq 0 ]; then echo "ok $2"; else echo "FAIL $2"; fail=1; fi
}
[ -x $img ] || { echo "FAIL the image $img was not built"; exit 1; }

$img --inserts=5000 >/tmp/sq.out 2>&1
rc=$?
cat /tmp/sq.out
say $rc "sqlite@mpk runs the insert workload (exit $rc)"
grep -q '^inserts=5000$' /tmp/sq.out && grep -q '^rows=5000$' /tmp/sq.out
say $? "the table holds the 5000 rows inserted"
exit $fail
