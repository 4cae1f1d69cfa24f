#!/usr/bin/env bash
# flexexplore report on the FlexOS Redis measurements: the text report
# lists the maximal configurations (computed here from the CSV alone),
# CSV and JSON carry the numbers exactly, DOT parses with Graphviz, and
# the database is only read.
. "$(dirname "$0")/../lib.sh"
. "$FX_ROOT/test/reports/setup.sh"
db="$T/r.db"

check "a database of the FlexOS Redis exploration" redis_db "$db"
python3 "$helper" expect "$csv" get_mean 500000 >"$T/expected"
expect_eq "the CSV has two maximal configurations at budget 500000" 2 \
	"$(wc -l <"$T/expected")"
sum_before=$(md5sum <"$db")

expect_exit 0 "report --app" "$FX_BIN" report --db "$db" \
	--app flexos-redis
cp "$T/out" "$T/report.txt"
expect_grep "is the explorer's replay" '^  strategy +poset$' "$T/report.txt"
expect_grep "names the budget" '^  budget +500000 ' "$T/report.txt"
expect_grep "names the baseline" '^  baseline +1199220$' "$T/report.txt"
expect_grep "counts the outcomes" '^  evaluated +[0-9]+$' "$T/report.txt"
expect_grep "says how many are maximal" \
	'within the budget: 2 maximal$' "$T/report.txt"
expect_grep "has the Pareto set" '^Pareto set: [0-9]+ ' "$T/report.txt"
expect_grep "has the monotonicity violations" \
	'^Monotonicity violations: [0-9]+$' "$T/report.txt"
expect_eq "fits in 80 columns" 0 \
	"$(awk 'length > 80' "$T/report.txt" | wc -l)"
expect_eq "no colour when not a terminal" 0 \
	"$(grep -c $'\033' "$T/report.txt")"
script -qc "'$FX_BIN' report --db '$db'" /dev/null >"$T/tty.txt" 2>&1
expect_grep "colour on a terminal" $'\033''\[1mExploration 1' "$T/tty.txt"
NO_COLOR=1 script -qc "'$FX_BIN' report --db '$db'" /dev/null \
	>"$T/tty.txt" 2>&1
expect_eq "none with NO_COLOR" 0 "$(grep -c $'\033' "$T/tty.txt")"

# Rebuild each ranked configuration's canonical name from the text
# (compartments, mechanism, hardening; wrapped lines joined).
python3 - "$T/report.txt" >"$T/ranked" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().split("\n")
i = lines.index(next(l for l in lines if "within the budget" in l))
cur, key, out = {}, None, []
for l in lines[i + 2:]:
    if not l.strip():
        break
    m = re.match(r"^ {8}(compartments|mechanism|hardening) +(.*)$", l)
    if m:
        key = m.group(1)
        cur[key] = m.group(2)
    elif re.match(r"^ {21}\S", l) and key:
        cur[key] += l.strip()
    elif re.match(r"^ +\d+ ", l):
        if cur:
            out.append(cur)
        cur, key = {}, None
if cur:
    out.append(cur)
for c in out:
    name = c["compartments"].replace(" ", "")
    if c["mechanism"] != "none":
        name += "@" + c["mechanism"]
    if c["hardening"] != "-":
        name += "/" + c["hardening"].replace(" ", "")
    print(name)
PY
expect_eq "the text ranks exactly the maximal configurations" \
	"$(cat "$T/expected")" "$(sort "$T/ranked")"
expect_eq "ranked by safety score, then get_mean" \
	"lwip|newlib+redis+uksched@mpk/lwip=sanitize,redis=sanitize,uksched=sanitize" \
	"$(head -n 1 "$T/ranked")"

expect_exit 0 "report --exploration 1 --spec" "$FX_BIN" report --db "$db" \
	--exploration 1 --spec "$redis"
expect_eq "same report by id and space file" "$(cat "$T/report.txt")" \
	"$(cat "$T/out")"

# CSV and JSON: the numbers as stored, to the last bit.
expect_exit 0 "report --csv -" "$FX_BIN" report --db "$db" --csv -
cp "$T/out" "$T/r.csv"
expect_exit 0 "report --json FILE" "$FX_BIN" report --db "$db" \
	--json "$T/r.json"
check "JSON parses" python3 -m json.tool "$T/r.json"
check "CSV and JSON round-trip the numbers" python3 - "$T/r.csv" \
	"$T/r.json" "$csv" "$db" "$T/expected" <<'PY'
import csv, json, sqlite3, sys
rows = list(csv.DictReader(open(sys.argv[1])))
doc = json.load(open(sys.argv[2]))
assert doc["schema"] == "flexexplore-report", doc["schema"]
assert doc["schema_version"] == 1
sys.path.insert(0, __import__("os").path.dirname(sys.argv[0]) or ".")
source = {}
for r in csv.DictReader(open(sys.argv[3])):
    name = r["compartments"] + ("@mpk" if "|" in r["compartments"] else "")
    if r["hardened"] != "-":
        name += "/" + ",".join(c + "=sanitize"
                               for c in sorted(r["hardened"].split(",")))
    source[name] = float(r["get_mean"])
db = sqlite3.connect(sys.argv[4])
stored = {n: (v, lo, hi) for n, v, lo, hi in db.execute(
    "SELECT c.name, d.value, d.ci_low, d.ci_high FROM decisions d "
    "JOIN configurations c ON c.id = d.config_id WHERE d.value "
    "IS NOT NULL AND d.kind IN ('evaluated', 'verified')")}
confs = {c["name"]: c for c in doc["configurations"]}
assert len(rows) == len(confs) == doc["counts"]["named"], (len(rows),
                                                          len(confs))
measured = 0
for r in rows:
    c = confs[r["name"]]
    for k in ("value", "ci_low", "ci_high", "score",
              "percent_of_baseline"):
        a = float(r[k]) if r[k] != "" else None
        assert a == c[k], (r["name"], k, a, c[k])
    assert (r["rank"] or None) == (str(c["rank"]) if c["rank"] else None)
    if r["value"] != "":
        measured += 1
        assert float(r["value"]) == source[r["name"]], r["name"]
        assert (float(r["value"]), float(r["ci_low"]),
                float(r["ci_high"])) == stored[r["name"]], r["name"]
        base = doc["exploration"]["baseline"]
        assert float(r["percent_of_baseline"]) == \
            100.0 * float(r["value"]) / base
assert measured == len(stored) and measured > 0, (measured, len(stored))
assert sorted(doc["ranking"]) == open(sys.argv[5]).read().split(), \
    doc["ranking"]
assert doc["exploration"]["budget"]["value"] == 500000
assert doc["exploration"]["metric"] == "get_mean"
PY

check "the Pareto sets match their definitions" python3 - "$T/r.json" \
	"$FX_ROOT/test/reports" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[2])
from redis_db import leq
doc = json.load(open(sys.argv[1]))
m = {c["name"]: c for c in doc["configurations"] if c["value"] is not None}
order = sorted(x for x in m if not any(
    y != x and leq(x, y) and m[y]["value"] > m[x]["value"] for y in m))
assert sorted(doc["pareto_in_order"]) == order, doc["pareto_in_order"]
score = sorted(x for x in m if not any(
    y != x and ((m[y]["score"] >= m[x]["score"] and
                 m[y]["value"] > m[x]["value"]) or
                (m[y]["score"] > m[x]["score"] and
                 m[y]["value"] >= m[x]["value"])) for y in m))
assert sorted(doc["pareto"]) == score, (doc["pareto"], score)
assert set(score) <= set(order)
PY

# Graphviz.
expect_exit 0 "report --dot FILE" "$FX_BIN" report --db "$db" \
	--dot "$T/r.dot"
check "Graphviz parses the DOT output" dot -Tsvg -o "$T/r.svg" "$T/r.dot"
expect_eq "one DOT node per named configuration" \
	"$(json_get "$T/r.json" 'd["counts"]["named"]')" \
	"$(grep -c '^  c[0-9]* \[label=' "$T/r.dot")"
expect_grep "the SVG has the nodes" '<g id="node1" class="node">' "$T/r.svg"

expect_eq "the report never wrote to the database" "$sum_before" \
	"$(md5sum <"$db")"
expect_eq "nor to its write-ahead log" 0 "$(cat "$db-wal" 2>/dev/null | wc -c)"

# An exploration that measured only the border and the baseline and
# inferred the rest, the way the poset strategy leaves a database.
check "a database with inferred outcomes" helper_db "$T/inferred.db" \
	testhost-a fcall,mpk,proc --infer
expect_exit 0 "report on it" "$FX_BIN" report --db "$T/inferred.db" \
	--json "$T/inferred.json"
expect_grep "counts the evaluated: border and baseline" \
	"^  evaluated +$(($(python3 "$helper" expect "$csv" get_mean 500000 |
		wc -l) + $(python3 "$helper" expect --misses "$csv" get_mean \
		500000 | wc -l) + 1))\$" "$T/out"
expect_grep "counts the inferred" \
	'^  inferred +74 \([0-9]+ meet the budget, [0-9]+ miss it\)$' "$T/out"
expect_eq "the same maximal configurations" "$(cat "$T/expected")" \
	"$(json_get "$T/inferred.json" 'sorted(d["ranking"])')"
check "inferred outcomes carry no number and name their source" \
	python3 - "$T/inferred.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
inf = [c for c in doc["configurations"] if c["inferred"]]
assert len(inf) == 74, len(inf)
for c in inf:
    assert c["value"] is None and c["outcome"].startswith("inferred-"), c
    assert c["inferred_from"] is not None, c
    assert c["pass"] == (c["outcome"] == "inferred-pass"), c
PY
