#!/usr/bin/env bash
# Replaying the FlexOS Redis measurements: poset finds the same maximal
# configurations as exhaustive with far fewer evaluations, every decision
# is in the database, and a rerun answers at once from it.
. "$(dirname "$0")/../lib.sh"
space="$FX_ROOT/spaces/flexos-redis.yaml"
csv="$FX_ROOT/spaces/flexos-asplos22-redis.csv"
db="$T/x.db"
explore() { # strategy [more options]
	local s=$1
	shift
	"$FX_BIN" --app redis --spec "$space" --replay "$csv" \
		--metric get_mean --budget 500000 --strategy "$s" --db "$db" \
		--no-progress "$@"
}
ranking() { # the ranked names from a run's output
	sed -n 's/^ *[0-9]\+ \+[0-9.]\+ \+[0-9.]\+ \+[0-9.]\+% \+//p' "$1" |
		sort
}
sql() { sqlite3 "$db" "$1"; }

expect_exit 0 "exhaustive replay" explore exhaustive
cp "$T/out" "$T/exhaustive.out"
expect_grep "exhaustive evaluates all 80" 'evaluated 80 ' "$T/exhaustive.out"
expect_eq "two maximal configurations" 2 \
	"$(ranking "$T/exhaustive.out" | wc -l)"

expect_exit 0 "poset replay" explore poset
cp "$T/out" "$T/poset.out"
expect_eq "poset ranks the same set" "$(ranking "$T/exhaustive.out")" \
	"$(ranking "$T/poset.out")"
evals=$(sql "SELECT count(*) FROM decisions d JOIN explorations e ON
	e.id = d.exploration_id WHERE e.strategy = 'poset' AND
	d.kind = 'evaluated'")
[ "$evals" -le 14 ]
_report $? "poset evaluates $evals of 80 (border 5)"
expect_eq "every configuration has one decision" 80 \
	"$(sql "SELECT count(DISTINCT config_id) FROM decisions d JOIN
	explorations e ON e.id = d.exploration_id WHERE e.strategy = 'poset'
	AND d.kind <> 'verified'")"
expect_eq "the border is stored: 2 + 3" "2 3" \
	"$(sql "SELECT sum(side = 'max-pass') || ' ' || sum(side = 'min-miss') FROM
	border b JOIN explorations e ON e.id = b.exploration_id WHERE
	e.strategy = 'poset'")"
expect_eq "inferred outcomes name their source" 0 \
	"$(sql "SELECT count(*) FROM decisions WHERE kind LIKE 'inferred%'
	AND source_config_id IS NULL")"
expect_eq "no sample stored twice" 0 \
	"$(sql "SELECT count(*) FROM (SELECT config_id FROM measurements
	GROUP BY config_id HAVING count(*) > 1)")"
expect_eq "both finished" "finished finished" \
	"$(sql "SELECT group_concat(status, ' ') FROM explorations")"

before=$(sql "SELECT count(*) FROM decisions")
start=$(date +%s%N)
expect_exit 0 "the same command again" explore poset
elapsed=$((($(date +%s%N) - start) / 1000000))
expect_grep "answers from the database" 'answering from the database' \
	"$T/out"
expect_eq "with the same ranking" "$(ranking "$T/poset.out")" \
	"$(ranking "$T/out")"
expect_eq "and nothing new stored" "$before" \
	"$(sql "SELECT count(*) FROM decisions")"
[ "$elapsed" -lt 5000 ]
_report $? "at once (${elapsed} ms)"

expect_exit 0 "model-guided replay" explore model
expect_eq "model ranks the same set" "$(ranking "$T/exhaustive.out")" \
	"$(ranking "$T/out")"

expect_exit 1 "a budget nothing meets exits 1" explore poset --budget 5000000
expect_grep "and says so" 'no configuration meets the budget' "$T/out"

expect_exit 0 "status lists the explorations" "$FX_BIN" status --db "$db"
expect_eq "all four" 4 "$(grep -c finished "$T/out")"
expect_exit 0 "status of one" "$FX_BIN" status --db "$db" 2
expect_grep "with its counts" 'decisions: evaluated [0-9]+, inferred-pass' \
	"$T/out"

expect_exit 0 "verify 6 on a lower budget" explore poset --budget 450000 \
	--verify 6
expect_grep "reports the verification" \
	'^verify: [0-9]+ inferred configurations measured' "$T/out"
expect_grep "and the pairs against monotonicity" \
	'^monotonicity: safer ' "$T/out"
expect_eq "verified decisions stored" 6 \
	"$(sql "SELECT count(*) FROM decisions WHERE kind = 'verified'")"

expect_exit 0 "a host without mpk" explore poset --budget 450000 \
	--mechanisms fcall
expect_grep "skips the 64 mpk configurations" 'skipped 64' "$T/out"
expect_eq "with a reason each" 64 \
	"$(sql "SELECT count(*) FROM decisions WHERE kind = 'skipped' AND
	reason LIKE '%mechanism ''mpk''%'")"
db="$T/limited.db"
expect_exit 0 "--max-evals 4 stops early" explore poset --max-evals 4
expect_grep "and says the ranking is incomplete" 'ranking is incomplete' \
	"$T/out"
expect_eq "stopped after 4" "stopped 4" "$(sql "SELECT e.status || ' ' ||
	count(*) FROM explorations e JOIN decisions d ON d.exploration_id =
	e.id GROUP BY e.id")"
expect_exit 0 "the command without the limit goes on" explore poset
expect_eq "to the end, with the same ranking" \
	"$(ranking "$T/poset.out")" "$(ranking "$T/out")"
expect_eq "and the same evaluations as in one go" "$evals" \
	"$(sql "SELECT count(*) FROM decisions WHERE kind = 'evaluated'")"
echo "1..$_n"
