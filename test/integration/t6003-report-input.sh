#!/usr/bin/env bash
# flexexplore report on bad input and on databases that are not what they
# were: empty files, missing explorations, unwritable outputs, a space
# file that changed or went away, an exploration still running.
. "$(dirname "$0")/../lib.sh"
. "$FX_ROOT/test/reports/setup.sh"

: >"$T/empty.db"
expect_exit 2 "an empty database file" "$FX_BIN" report --db "$T/empty.db"
expect_grep "says it is empty" "database '.*empty.db' is empty" "$T/err"

sqlite3 "$T/fresh.db" <"$FX_ROOT/db/schema.sql"
sqlite3 "$T/fresh.db" 'PRAGMA user_version = 1'
expect_exit 2 "a database with no exploration" "$FX_BIN" report \
	--db "$T/fresh.db" --app flexos-redis
expect_grep "says so" "holds no exploration yet" "$T/err"
expect_exit 2 "no database at all" "$FX_BIN" report --db "$T/none.db"
expect_grep "names the file" "no database at '.*none.db'" "$T/err"
printf 'not a database at all, just text\n' >"$T/text.db"
expect_exit 2 "a file that is not a database" "$FX_BIN" report \
	--db "$T/text.db"

db="$T/r.db"
check "a database of the FlexOS Redis exploration" redis_db "$db"
expect_exit 2 "an exploration that does not exist" "$FX_BIN" report \
	--db "$db" --exploration 42
expect_grep "names it" "has no exploration 42" "$T/err"
expect_exit 2 "an exploration id that is no number" "$FX_BIN" report \
	--db "$db" --exploration abc
expect_exit 2 "an application never explored" "$FX_BIN" report \
	--db "$db" --app httpd
expect_grep "names the ones there are" \
	"no exploration of 'httpd'; it has explorations of 'flexos-redis'" \
	"$T/err"
expect_exit 2 "an unknown option" "$FX_BIN" report --db "$db" --colour
expect_exit 2 "two outputs to standard output" "$FX_BIN" report \
	--db "$db" --csv - --json -
expect_exit 2 "--compare with an output file" "$FX_BIN" report \
	--db "$db" --compare --csv "$T/c.csv"
expect_exit 2 "--top that is no number" "$FX_BIN" report --db "$db" \
	--top many
expect_grep "says what it wants" "--top wants a number of lines" "$T/err"
expect_exit 0 "--top 1" "$FX_BIN" report --db "$db" --top 1
expect_grep "lists one and says how many more" \
	'^  \.\.\. and 1 more \(--top 0 lists all' "$T/out"

expect_exit 3 "an output in a directory that does not exist" \
	"$FX_BIN" report --db "$db" --html "$T/no/such/dir/r.html"
expect_grep "says it cannot write there" \
	"cannot write the html report to '.*/no/such/dir/r.html'" "$T/err"
expect_exit 3 "an output that is a directory" \
	"$FX_BIN" report --db "$db" --json "$T"
expect_grep "says which" "cannot write the json report to" "$T/err"
expect_eq "nothing printed when an output fails" 0 "$(wc -c <"$T/out")"

# The space file changed since: the report says so; gone: --spec helps.
cp "$redis" "$T/space.yaml"
space_json
sed -i "s|\"file\": \"[^\"]*\"|\"file\": \"$T/space.yaml\"|" "$T/space.json"
check "an exploration of a copy of the space" helper_db "$T/copy.db" \
	testhost-a mpk --revision replay:copy
sqlite3 "$T/copy.db" "UPDATE spaces SET path = '$T/space.yaml'"
expect_exit 0 "report on the unchanged copy" "$FX_BIN" report \
	--db "$T/copy.db"
expect_eq "no warning while it is unchanged" 0 \
	"$(grep -c 'changed' "$T/out")"
printf '# a comment changes the digest\n' >>"$T/space.yaml"
expect_exit 0 "report after the space file changed" "$FX_BIN" report \
	--db "$T/copy.db"
expect_grep "warns that the space file changed" \
	'warning: the space file changed since this exploration' "$T/out"
expect_grep "gives both digests" 'recorded digest 03112fff9bf3fd4d, now' \
	"$T/out"
rm "$T/space.yaml"
expect_exit 2 "report after the space file is gone" "$FX_BIN" report \
	--db "$T/copy.db"
expect_grep "says to give it with --spec" \
	'cannot load the space of exploration 1: .*space.yaml.*--spec' "$T/err"
expect_exit 0 "--spec stands in for the lost file" "$FX_BIN" report \
	--db "$T/copy.db" --spec "$redis"
expect_grep "and the ranking is back" 'within the budget: 2 maximal' \
	"$T/out"

# An exploration still running, before its baseline: what it knows.
sqlite3 "$T/copy.db" "UPDATE explorations SET status = 'running',
	finished = NULL, baseline = NULL, budget_value = NULL, budget = '80%';
	DELETE FROM decisions WHERE seq > 3"
expect_exit 0 "report on a running exploration" "$FX_BIN" report \
	--db "$T/copy.db" --spec "$redis" --json "$T/running.json" \
	--html "$T/running.html"
expect_grep "says it was interrupted (no engine holds it)" \
	"says 'running' but no engine holds it" "$T/out"
# While an engine holds the exploration's lock (a flock beside the
# database, as db/ takes it), it is running for real.
exec 9>"$T/copy.db.explore-1.lock"
flock -x 9
expect_exit 0 "report while an engine holds it" "$FX_BIN" report \
	--db "$T/copy.db" --spec "$redis"
exec 9>&-
expect_grep "says it is running" 'the exploration is running' "$T/out"
expect_grep "the budget has no number yet" "'80%' \(no number until" \
	"$T/out"
check "its JSON parses" python3 -m json.tool "$T/running.json"
expect_grep "with a null budget value" '"value": null' "$T/running.json"

# A database in WAL mode, as the engine keeps it, with a writer holding a
# transaction open: the report reads on without waiting.
cp "$db" "$T/wal.db"
sqlite3 "$T/wal.db" 'PRAGMA journal_mode = WAL' >/dev/null
check "report while a writer holds a transaction" python3 - "$FX_BIN" \
	"$T/wal.db" <<'PY'
import sqlite3, subprocess, sys, time
db = sqlite3.connect(sys.argv[2], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
db.execute("INSERT INTO revisions (revision, first_seen) VALUES ('w', 'w')")
start = time.time()
r = subprocess.run([sys.argv[1], "report", "--db", sys.argv[2]],
                   capture_output=True, text=True, timeout=60)
db.execute("ROLLBACK")
assert r.returncode == 0, r.stderr
assert "2 maximal" in r.stdout, r.stdout
assert time.time() - start < 4, time.time() - start
PY
