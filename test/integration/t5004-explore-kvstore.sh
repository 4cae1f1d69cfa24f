#!/usr/bin/env bash
# End to end on this machine: build and benchmark kvstore configurations
# of a small space, print the ranking; a rerun answers at once from the
# stored results.  Configurations whose mechanism this host lacks are
# skipped with the reason; failed builds and crashed images are results.
. "$(dirname "$0")/../lib.sh"
cat >"$T/space.yaml" <<'YAML'
name: kvstore-small
components: [kvstore, resp, kvdata, net]
core: [plat, libc, gates]
groups:
  - [kvstore, resp, kvdata]
mechanisms: [fcall, mpk, proc]
hardening:
  - name: stack-protector
    components: [net]
build:
  app: kvstore
YAML
explore() {
	timeout 300 "$FX_BIN" --app kvstore --spec "$T/space.yaml" \
		--budget 80% --bench-runs 3 --bench-seconds 0.5 --no-progress
}
db="$FLEXEXPLORE_HOME/flexexplore.db"

expect_exit 0 "an exploration of kvstore completes" explore
cp "$T/out" "$T/first.out"
expect_grep "with the baseline" '^baseline [0-9.e+]+, budget' "$T/out"
expect_grep "and a ranking" '^     1 +[0-9.]+ +[0-9.]+ +[0-9.]+% ' "$T/out"
expect_eq "every configuration decided" 6 "$(sqlite3 "$db" "SELECT
	count(DISTINCT config_id) FROM decisions")"
if "$FX_BIN" hw | grep -q '^mechanisms:.* mpk'; then
	_report 0 "this host runs mpk: nothing to skip"
else
	expect_eq "the mpk configurations are skipped, with the reason" 2 \
		"$(sqlite3 "$db" "SELECT count(*) FROM decisions WHERE
		kind = 'skipped' AND reason LIKE '%mpk%'")"
fi
expect_eq "the host is described, with what it runs" 1 \
	"$(sqlite3 "$db" "SELECT json_type(description, '$.mechanisms') =
	'array' FROM hosts")"
expect_eq "every sample stored" 0 "$(sqlite3 "$db" "SELECT count(*) FROM
	decisions d WHERE kind = 'evaluated' AND samples <> (SELECT count(*)
	FROM measurements m WHERE m.config_id = d.config_id)")"

start=$(date +%s)
expect_exit 0 "the same command again" explore
# A commit in the shared tree between the runs makes a new revision,
# which must be measured again; otherwise the answer is stored.
if [ "$(sqlite3 "$db" "SELECT count(*) FROM revisions")" -eq 1 ]; then
	expect_grep "answers from the database" 'answering from the database' \
		"$T/out"
	[ $(($(date +%s) - start)) -lt 5 ]
	_report $? "at once"
else
	expect_eq "a new revision is a new exploration" 2 \
		"$(sqlite3 "$db" "SELECT count(*) FROM explorations")"
fi
echo "1..$_n"
