#!/usr/bin/env bash
# Killing the engine loses nothing: after SIGKILL (and after Ctrl-C) in
# the middle of an exploration, the same command resumes it; no
# measurement is lost or taken twice, and the answer is the one of an
# uninterrupted run.
. "$(dirname "$0")/../lib.sh"
cat >"$T/space.yaml" <<'YAML'
name: killme
components: [a, b, c, d]
mechanisms: [fcall, mpk]
hardening:
  - name: stack-protector
YAML
engine=("$FX_BIN" --app killme --spec "$T/space.yaml" --budget 85%
	--simulate seed=11,delay=0.04 --no-progress)
explore() { # db [more options]
	local db=$1
	shift
	"${engine[@]}" --db "$db" "$@"
}
ranking() {
	sed -n 's/^ *[0-9]\+ \+[0-9.]\+ \+[0-9.]\+ \+[0-9.]\+% \+//p' "$1" |
		sort
}
evaluated() { # db
	sqlite3 "$1" "SELECT count(*) FROM decisions WHERE kind = 'evaluated'"
}
# Run in the background, send the signal once N configurations are
# evaluated, and wait; $status is the engine's exit status.
interrupt() { # signal N db output [more options]
	local sig=$1 n=$2 db=$3 output=$4 pid
	shift 4
	"${engine[@]}" --db "$db" "$@" >"$output" 2>&1 &
	pid=$!
	for _ in $(seq 100); do
		[ "$(evaluated "$db" 2>/dev/null || echo 0)" -ge "$n" ] && break
		sleep 0.1
	done
	kill -"$sig" "$pid"
	wait "$pid" 2>/dev/null
	status=$?
}

check "an uninterrupted run" explore "$T/ref.db"
cp "$T/out" "$T/ref.out"
ref_evals=$(evaluated "$T/ref.db")

db="$T/x.db"
interrupt KILL 6 "$db" /dev/null
sqlite3 "$db" "SELECT id, config_id, round, sample, value FROM
	measurements ORDER BY id" >"$T/before"
before=$(wc -l <"$T/before")
[ "$before" -ge 6 ] && [ "$before" -lt "$ref_evals" ]
_report $? "killed in the middle, after $before of $ref_evals measurements"
expect_eq "the exploration was left running" running \
	"$(sqlite3 "$db" "SELECT status FROM explorations")"
expect_exit 0 "status calls it interrupted" "$FX_BIN" status --db "$db"
expect_grep "as such" "interrupted" "$T/out"

check "the same command resumes it" explore "$db"
expect_grep "from the stored decisions" "resuming exploration 1" "$T/err"
expect_eq "the same ranking as uninterrupted" "$(ranking "$T/ref.out")" \
	"$(ranking "$T/out")"
sqlite3 "$db" "SELECT id, config_id, round, sample, value FROM
	measurements ORDER BY id" | head -n "$before" >"$T/after"
expect_eq "no measurement lost" "" "$(diff "$T/before" "$T/after")"
expect_eq "none taken twice" 0 "$(sqlite3 "$db" "SELECT count(*) FROM
	(SELECT config_id FROM measurements GROUP BY config_id
	HAVING count(*) > 1)")"
expect_eq "as many evaluations as uninterrupted" "$ref_evals" \
	"$(evaluated "$db")"
expect_eq "no decision twice" 0 "$(sqlite3 "$db" "SELECT count(*) FROM
	(SELECT config_id FROM decisions GROUP BY config_id
	HAVING count(*) > 1)")"
expect_eq "finished" finished \
	"$(sqlite3 "$db" "SELECT status FROM explorations")"

# Ctrl-C: stopped cleanly, exit 130, resumed the same way.
db="$T/int.db"
interrupt INT 4 "$db" "$T/int.out"
expect_eq "SIGINT ends it with 130" 130 "$status"
expect_grep "saying how to resume" "run the same command again to resume" \
	"$T/int.out"
expect_eq "marked stopped" stopped \
	"$(sqlite3 "$db" "SELECT status FROM explorations")"
check "resumed" explore "$db"
expect_eq "to the same ranking" "$(ranking "$T/ref.out")" \
	"$(ranking "$T/out")"
expect_eq "with as many evaluations" "$ref_evals" "$(evaluated "$db")"

# The model's choices in a small space draw random numbers: a resumed run
# must draw the same ones and take the same decisions.
check "an uninterrupted run of the model" explore "$T/mref.db" \
	--strategy model
cp "$T/out" "$T/mref.out"
db="$T/m.db"
interrupt KILL 6 "$db" /dev/null --strategy model
expect_eq "killed in the middle" running \
	"$(sqlite3 "$db" "SELECT status FROM explorations")"
check "the model's exploration resumed" explore "$db" --strategy model
expect_eq "to the same ranking" "$(ranking "$T/mref.out")" \
	"$(ranking "$T/out")"
expect_eq "through the same evaluations" \
	"$(sqlite3 "$T/mref.db" "SELECT config_id FROM decisions
		WHERE kind = 'evaluated' ORDER BY id")" \
	"$(sqlite3 "$db" "SELECT config_id FROM decisions
		WHERE kind = 'evaluated' ORDER BY id")"
echo "1..$_n"
