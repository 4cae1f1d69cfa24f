#!/usr/bin/env bash
# make bench-reports: how long `flexexplore report` takes on large
# explorations.  A simulated space (5 components, mpk and proc, two
# hardening options: 26368 configurations) is written as an exhaustive
# exploration with a planted monotone cost, then as one that named every
# 7th configuration; each is reported as text, and into all five outputs.
# Prints one line per case: configurations named, seconds, output bytes.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${FX_BIN:-$root/flexexplore}
helper=$root/test/reports/redis_db.py
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fxbench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/huge.yaml" <<'YAML'
name: huge
components: [a, b, c, d, e]
mechanisms: [mpk, proc]
hardening:
  - name: stack-protector
  - name: fortify
    components: [a, b, c]
YAML
"$bin" space --spec "$tmp/huge.yaml" --json >"$tmp/s.json"
"$bin" space --spec "$tmp/huge.yaml" --list --json >"$tmp/l.json"

seconds() { # COMMAND...: wall seconds it took
	local start end
	start=$(date +%s.%N)
	"$@" >/dev/null 2>&1
	end=$(date +%s.%N)
	echo "$end - $start" | bc
}

printf '%-28s %8s %8s %10s\n' case named seconds bytes
for every in 1 7; do
	db=$tmp/h$every.db
	named=$(python3 "$helper" synth "$db" "$tmp/huge.yaml" "$tmp/s.json" \
		"$tmp/l.json" --budget 700 --every "$every")
	s=$(seconds "$bin" report --db "$db" --top 0)
	"$bin" report --db "$db" --top 0 >"$tmp/out.txt" 2>/dev/null
	printf '%-28s %8s %8.2f %10s\n' "text, every $every" "$named" "$s" \
		"$(wc -c <"$tmp/out.txt")"
	s=$(seconds "$bin" report --db "$db" --html "$tmp/r.html" \
		--json "$tmp/r.json" --csv "$tmp/r.csv" --dot "$tmp/r.dot")
	printf '%-28s %8s %8.2f %10s\n' "all outputs, every $every" "$named" \
		"$s" "$(cat "$tmp"/r.* | wc -c)"
done
