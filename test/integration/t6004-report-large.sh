#!/usr/bin/env bash
# flexexplore report on a larger space (4 components, mpk and proc, one
# hardening option: 464 configurations) with a planted monotone cost:
# the ranking matches the maximal configurations computed by the test
# helper's own order, exhaustively, when only every third configuration
# was named, and for a lower-is-better metric; past 150 nodes the diagram
# shows the border region only and says so.
. "$(dirname "$0")/../lib.sh"
. "$FX_ROOT/test/reports/setup.sh"

cat >"$T/big.yaml" <<'YAML'
name: big
components: [a, b, c, d]
mechanisms: [mpk, proc]
hardening:
  - name: stack-protector
YAML
"$FX_BIN" space --spec "$T/big.yaml" --json >"$T/s.json"
"$FX_BIN" space --spec "$T/big.yaml" --list --json >"$T/l.json"

# Every configuration; every third; every one again as a latency.
for run in "1 700" "3 700" "1 1300 --lower"; do
	set -- $run
	every=$1 budget=$2
	shift 2
	db="$T/big$every$*.db"
	python3 "$helper" synth "$db" "$T/big.yaml" "$T/s.json" "$T/l.json" \
		--budget "$budget" --every "$every" "$@" >"$T/named"
	python3 "$helper" synth-expect "$T/l.json" --budget "$budget" \
		--every "$every" "$@" >"$T/want-max"
	python3 "$helper" synth-expect "$T/l.json" --budget "$budget" \
		--every "$every" --misses "$@" >"$T/want-min"
	every="$every$*"
	start=$(date +%s)
	expect_exit 0 "every $every: report with every output" "$FX_BIN" \
		report --db "$db" --json "$T/r.json" --html "$T/r.html" \
		--dot "$T/r.dot" --csv "$T/r.csv"
	expect_eq "every $every: in under 20 seconds" 1 \
		"$(($(date +%s) - start < 20))"
	expect_eq "every $every: the ranking is the maximal set" \
		"$(cat "$T/want-max")" \
		"$(json_get "$T/r.json" 'sorted(d["ranking"])')"
	expect_eq "every $every: no monotonicity violation" 0 \
		"$(json_get "$T/r.json" 'len(d["violations"])')"
	drawn=$(($(wc -l <"$T/want-max") + $(wc -l <"$T/want-min")))
	if [ "$(cat "$T/named")" -gt 150 ]; then
		expect_grep "every $every: the page says it draws the border region" \
			"the diagram shows the border region only" "$T/r.html"
		expect_eq "every $every: it draws the maximal passing and minimal missing" \
			"$drawn" "$(grep -o '<g class="node' "$T/r.html" | wc -l)"
	else
		expect_eq "every $every: it draws every named configuration" \
			"$(cat "$T/named")" \
			"$(grep -o '<g class="node' "$T/r.html" | wc -l)"
	fi
	check "every $every: Graphviz parses the DOT output" \
		dot -Tsvg -o "$T/r.svg" "$T/r.dot"
	expect_eq "every $every: the CSV has a row per named configuration" \
		"$(cat "$T/named")" "$(($(wc -l <"$T/r.csv") - 1))"
done
