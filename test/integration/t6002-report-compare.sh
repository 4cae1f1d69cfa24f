#!/usr/bin/env bash
# flexexplore report --compare: the FlexOS Redis space explored on two
# hosts in one database.  The second host (written by the test helper
# under another fingerprint) has no protection keys, so it skips every
# configuration of two or more compartments, and its numbers are 1.2
# times the first host's.
. "$(dirname "$0")/../lib.sh"
. "$FX_ROOT/test/reports/setup.sh"
db="$T/r.db"

check "a database of the FlexOS Redis exploration" redis_db "$db"
expect_exit 2 "--compare with one host and revision only" \
	"$FX_BIN" report --db "$db" --compare
expect_grep "says there is nothing to compare" "nothing to compare" "$T/err"

rev=$(sqlite3 "$db" 'SELECT revision FROM revisions ORDER BY id LIMIT 1')
host_a=$(sqlite3 "$db" 'SELECT fingerprint FROM hosts ORDER BY id LIMIT 1')
check "a second host's exploration" helper_db "$db" testhost-b \
	fcall,proc --scale 1.2 --skip mpk --revision "$rev"

expect_exit 0 "report --compare" "$FX_BIN" report --db "$db" --compare
cp "$T/out" "$T/compare.txt"
expect_grep "says what differs" 'of flexos-redis: another host$' \
	"$T/compare.txt"
expect_grep "names both hosts" "^  host +$host_a +testhost-b\$" \
	"$T/compare.txt"
expect_grep "shows the baseline moving" \
	'^  baseline +1199220 +1439064 \(\+20\.0%\)$' "$T/compare.txt"
expect_grep "mpk: only the older host has it" \
	'^  mpk +only the older host can run it \(64 configurations skipped' \
	"$T/compare.txt"
expect_eq "fits in 80 columns" 0 \
	"$(awk 'length > 80' "$T/compare.txt" | wc -l)"

# What the CSV says must have changed.
python3 - "$csv" >"$T/now-meet" <<'PY'
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    v = float(r["get_mean"])
    if "|" not in r["compartments"] and v < 500000 <= 1.2 * v:
        print(r["compartments"], r["hardened"])
PY
python3 - "$csv" >"$T/now-miss" <<'PY'
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    if "|" in r["compartments"] and float(r["get_mean"]) >= 500000:
        print(r["compartments"], r["hardened"])
PY
expect_grep "counts the configurations that now meet the budget" \
	"^Now meet the budget: $(wc -l <"$T/now-meet")\$" "$T/compare.txt"
expect_grep "counts the configurations that now miss it (skipped)" \
	"^Now miss the budget: $(wc -l <"$T/now-miss")\$" "$T/compare.txt"
expect_grep "a skipped one says so" '^      meets [0-9]+ -> skipped$' \
	"$T/compare.txt"

# The shift in the safest choices, names rebuilt from wrapped lines.
python3 - "$T/compare.txt" >"$T/shift" <<'PY'
import re, sys
text = open(sys.argv[1]).read().split("\n")
i = next(k for k, l in enumerate(text) if l.startswith("Safest choices"))
out = []
for l in text[i + 1:]:
    m = re.match(r"^  (kept|new|gone) +\S+ -> \S+ +(\S+)$", l)
    if m:
        out.append([m.group(1), m.group(2)])
    elif re.match(r"^ {18}\S", l) and not l.strip().startswith("now "):
        out[-1][1] += l.strip()
for kind, name in out:
    print(kind, name)
PY
python3 "$helper" expect "$csv" get_mean 500000 | sed 's/^/gone /' \
	>"$T/want-shift"
python3 "$helper" expect "$csv" get_mean 500000 --scale 1.2 --no-mpk |
	sed 's/^/new /' >>"$T/want-shift"
expect_eq "the safest choices shift as the CSV says" \
	"$(sort "$T/want-shift")" "$(sort "$T/shift")"

expect_exit 0 "report on the second host alone" "$FX_BIN" report \
	--db "$db" --app flexos-redis
expect_grep "the newest exploration is the second host's" \
	'^  host +testhost-b, runs fcall proc$' "$T/out"
expect_grep "its skipped configurations are counted" '^  skipped +64$' \
	"$T/out"
expect_grep "and it says what a host with mpk would add" \
	'^  A host that runs mpk would add these 64 configurations, up to' \
	"$T/out"

# Another OS revision on the first host, named explicitly.
check "a third exploration: first host, another revision" helper_db "$db" \
	"$host_a" fcall,mpk,proc --revision replay:other --scale 0.4
expect_exit 0 "report --compare --exploration 3 --against 1" \
	"$FX_BIN" report --db "$db" --compare --exploration 3 --against 1
expect_grep "says the revision differs" \
	'of flexos-redis: another OS revision$' "$T/out"
expect_grep "0.4 times the numbers: nothing meets the budget any more" \
	'^  within budget +2 maximal +0 maximal$' "$T/out"
expect_exit 0 "default pair for exploration 3" "$FX_BIN" report \
	--db "$db" --compare --exploration 3
expect_grep "is the newest older one on another host or revision" \
	'^  exploration +2 \(older\) +3 \(newer\)$' "$T/out"
expect_exit 2 "--against itself" "$FX_BIN" report --db "$db" --compare \
	--exploration 2 --against 2
expect_grep "says so" 'exploration 2 against itself' "$T/err"
expect_exit 2 "--against an exploration that does not exist" \
	"$FX_BIN" report --db "$db" --compare --against 99
expect_grep "says which" 'has no exploration 99' "$T/err"
