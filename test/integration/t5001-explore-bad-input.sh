#!/usr/bin/env bash
# Bad input to an exploration: each gives a clear message and the right
# exit code, and leaves the database as it was.
. "$(dirname "$0")/../lib.sh"
space="$FX_ROOT/spaces/flexos-redis.yaml"
csv="$FX_ROOT/spaces/flexos-asplos22-redis.csv"
db="$T/x.db"
replay() { # csv [more options]
	local f=$1
	shift
	"$FX_BIN" --app redis --spec "$space" --replay "$f" \
		--metric get_mean --db "$db" --no-progress "$@"
}
state() { # what must not change: integrity, and every row
	sqlite3 "$db" "PRAGMA integrity_check; SELECT count(*) FROM decisions;
		SELECT count(*) FROM measurements; SELECT count(*) FROM
		explorations; PRAGMA user_version" | tr '\n' ' '
}

check "a first exploration" replay "$csv" --budget 500000
good=$(state)

for b in 150% -3 abc 0 ""; do
	expect_exit 2 "budget '$b' is refused" replay "$csv" --budget "$b"
	expect_grep "with a message about the budget" "budget '$b'" "$T/err"
done
expect_exit 2 "a missing budget" replay "$csv"
expect_exit 2 "an unknown strategy" replay "$csv" --budget 80% \
	--strategy random
expect_exit 2 "an unknown application" "$FX_BIN" --app nosuchapp \
	--budget 80% --db "$db" --no-progress
expect_grep "names it" "nosuchapp" "$T/err"

# Replay files that do not fit.
head -n 1 "$csv" | sed 's/get_mean/get_avg/' >"$T/nocol.csv"
tail -n +2 "$csv" >>"$T/nocol.csv"
expect_exit 2 "a replay file without the metric's column" \
	replay "$T/nocol.csv" --budget 80%
expect_grep "names file, line and column" "nocol.csv:1: no column 'get_mean'" \
	"$T/err"
cut -d, -f1,3- "$csv" >"$T/nohard.csv"
expect_exit 2 "a replay file without 'hardened'" \
	replay "$T/nohard.csv" --budget 80%
expect_grep "names it" "nohard.csv:1: no column 'hardened'" "$T/err"
{ head -n 5 "$csv"; echo 'lwip+newlib+nginx+uksched,-,100.0,90.0,5'; } \
	>"$T/outside.csv"
expect_exit 2 "a configuration outside the space" \
	replay "$T/outside.csv" --budget 80%
expect_grep "names file and line" "outside.csv:6: 'lwip\+newlib\+nginx" \
	"$T/err"
{ head -n 3 "$csv"; echo 'lwip|newlib|redis+uksched,-,100.0,90.0,5'; } \
	>"$T/split.csv"
expect_exit 2 "a partition the space forbids (redis apart from newlib)" \
	replay "$T/split.csv" --budget 80%
expect_grep "names file and line" "split.csv:4: " "$T/err"
{ head -n 3 "$csv"; echo 'lwip+newlib+redis+uksched,uksched,fast,1,5'; } \
	>"$T/nan.csv"
expect_exit 2 "a value that is not a number" replay "$T/nan.csv" --budget 80%
expect_grep "names file, line and column" "nan.csv:4: column 'get_mean'" \
	"$T/err"
expect_exit 2 "a replay file that is not there" replay "$T/none.csv" \
	--budget 80%
head -n 1 "$csv" >"$T/empty.csv"
expect_exit 2 "a replay file with no rows" replay "$T/empty.csv" --budget 80%
expect_grep "says so" "empty.csv:1: no rows" "$T/err"
expect_eq "none of this touched the database" "$good" "$(state)"
sed '2d' "$csv" >"$T/nobase.csv"
expect_exit 2 "a replay file without the baseline" \
	replay "$T/nobase.csv" --budget 80% --db "$T/nobase.db"
expect_grep "says which" "cannot measure the baseline .*no row" "$T/err"
expect_eq "that exploration is marked failed" failed \
	"$(sqlite3 "$T/nobase.db" "SELECT status FROM explorations")"

# A database written by a newer flexexplore.
cp "$db" "$T/newer.db"
sqlite3 "$T/newer.db" "PRAGMA user_version = 42"
sum=$(md5sum <"$T/newer.db")
expect_exit 3 "a database from a newer schema" replay "$csv" \
	--budget 500000 --db "$T/newer.db"
expect_grep "says which versions" "schema version 42; this flexexplore knows up to 1" \
	"$T/err"
expect_exit 3 "status refuses it too" "$FX_BIN" status --db "$T/newer.db"
expect_eq "and leaves it untouched" "$sum" "$(md5sum <"$T/newer.db")"
echo "not a database, only text, long enough to be read as a header" \
	>"$T/text.db"
expect_exit 2 "a file that is not a database" replay "$csv" --budget 80% \
	--db "$T/text.db"

# A database another writer holds longer than the busy timeout.
good=$(state)
{ echo "BEGIN IMMEDIATE; INSERT INTO revisions (revision, first_seen)
	VALUES ('held', 'now');"; sleep 7; echo "ROLLBACK;"; } |
	sqlite3 "$db" &
holder=$!
sleep 1
expect_exit 3 "a database held by another writer" replay "$csv" \
	--budget 700000
expect_grep "says it is locked" "database is locked" "$T/err"
wait "$holder"
expect_eq "and nothing changed" "$good" "$(state)"

# An exploration held by another engine.
slow() {
	"$FX_BIN" --app sim --spec "$space" --simulate seed=3,delay=0.3 \
		--budget 60% --db "$db" --no-progress "$@"
}
"$FX_BIN" --app sim --spec "$space" --simulate seed=3,delay=0.3 \
	--budget 60% --db "$db" --no-progress >"$T/slow.out" 2>&1 &
slow_pid=$!
for _ in $(seq 50); do
	sqlite3 "$db" "SELECT count(*) FROM decisions d JOIN explorations e ON
		e.id = d.exploration_id WHERE e.app = 'sim'" 2>/dev/null |
		grep -qv '^0$' && break
	sleep 0.2
done
expect_exit 3 "a second engine on the same exploration" slow
expect_grep "names the process holding it" \
	"is being run by process $slow_pid" "$T/err"
expect_exit 0 "status shows it running" "$FX_BIN" status --db "$db"
expect_grep "as running" "running +$slow_pid " "$T/out"
expect_exit 0 "another exploration meanwhile is fine" replay "$csv" \
	--budget 600000
kill "$slow_pid"
wait "$slow_pid"
expect_eq "the engine stopped on SIGTERM with 143" 143 "$?"
expect_eq "its exploration is marked stopped" stopped \
	"$(sqlite3 "$db" "SELECT status FROM explorations WHERE app = 'sim'")"
expect_eq "and the database is sound" ok \
	"$(sqlite3 "$db" "PRAGMA integrity_check")"
echo "1..$_n"
