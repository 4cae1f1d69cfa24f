#!/usr/bin/env bash
# flexexplore space end to end: the FlexOS Redis space, listing, drawing,
# JSON, and bad space files.
. "$(dirname "$0")/../lib.sh"
redis="$FX_ROOT/spaces/flexos-redis.yaml"

expect_exit 0 "space --count of the FlexOS Redis space" \
	"$FX_BIN" space --spec "$redis" --count
expect_eq "it has 80 configurations" 80 "$(cat "$T/out")"

expect_exit 0 "space summary" "$FX_BIN" space --spec "$redis"
expect_grep "summary names the grouped components" \
	'^components +lwip newlib\+redis uksched$' "$T/out"
expect_grep "summary shows the baseline" \
	'^least safe +lwip\+newlib\+redis\+uksched$' "$T/out"

expect_exit 0 "space --list" "$FX_BIN" space --spec "$redis" --list
expect_eq "list has 80 distinct names" 80 "$(sort -u "$T/out" | wc -l)"
cp "$T/out" "$T/names"

expect_exit 0 "space --list --limit 5" \
	"$FX_BIN" space --spec "$redis" --list --limit 5
expect_eq "limit is honoured" 5 "$(wc -l <"$T/out")"

expect_exit 0 "space --dot" "$FX_BIN" space --spec "$redis" --dot
expect_eq "Hasse diagram has 256 covering edges" 256 \
	"$(grep -c -- '->' "$T/out")"
check "Graphviz parses the diagram" dot -Tsvg -o "$T/hasse.svg" "$T/out"

expect_exit 0 "space --json" "$FX_BIN" space --spec "$redis" --json
cp "$T/out" "$T/summary.json"
check "summary JSON parses" python3 -m json.tool "$T/summary.json"
expect_grep "JSON has the count" '"count": 80' "$T/summary.json"
expect_exit 0 "space --list --json" \
	"$FX_BIN" space --spec "$redis" --list --json
cp "$T/out" "$T/list.json"
check "list JSON parses" python3 -m json.tool "$T/list.json"

# Every listed name parses back to itself, and its hash names it too.
name=$(sed -n 37p "$T/names")
expect_exit 0 "space --config with a name" \
	"$FX_BIN" space --spec "$redis" --config "$name"
expect_eq "canonical name is printed back" "$name" \
	"$(awk '$1 == "name" {print $2}' "$T/out")"
hash=$(awk '$1 == "hash" {print $2}' "$T/out")
expect_exit 0 "space --config with its hash" \
	"$FX_BIN" space --spec "$redis" --config "$hash"
expect_eq "the hash names the same configuration" "$name" \
	"$(awk '$1 == "name" {print $2}' "$T/out")"
expect_exit 2 "a configuration outside the space" \
	"$FX_BIN" space --spec "$redis" --config 'lwip|newlib|redis+uksched@mpk'
expect_grep "says why" "share a compartment" "$T/err"

# Bad space files: exit 2, file:line:column and what was expected.
printf 'name: x\ncomponents: [a, b]\ncolour: blue\n' >"$T/unknown.yaml"
expect_exit 2 "unknown key" "$FX_BIN" space --spec "$T/unknown.yaml"
expect_grep "unknown key is placed" "unknown.yaml:3:1: unknown key 'colour'" \
	"$T/err"
printf 'name: x\ncomponents: {a: 1}\n' >"$T/type.yaml"
expect_exit 2 "wrong type" "$FX_BIN" space --spec "$T/type.yaml"
expect_grep "wrong type is placed" "type.yaml:2:14: expected a list" "$T/err"
printf 'name: x\ncomponents: [a, b]\ngroups: [[a, b], [a]]\n' >"$T/g.yaml"
expect_exit 2 "component in two groups" "$FX_BIN" space --spec "$T/g.yaml"
expect_grep "group error is placed" "g.yaml:3:19: component 'a'" "$T/err"
printf 'name: x\ncomponents: [a]\nhardening:\n  - name: armour\n' \
	>"$T/opt.yaml"
expect_exit 2 "unknown hardening option" "$FX_BIN" space --spec "$T/opt.yaml"
expect_grep "option error is placed" "opt.yaml:4:11: unknown hardening" \
	"$T/err"
printf 'name: x\ncomponents: []\n' >"$T/empty.yaml"
expect_exit 2 "empty space" "$FX_BIN" space --spec "$T/empty.yaml"
expect_grep "empty space is placed" "empty.yaml:2:1: empty space" "$T/err"
expect_exit 2 "missing file" "$FX_BIN" space --spec "$T/none.yaml"
expect_exit 2 "unknown application" "$FX_BIN" space --app no-such-app
expect_grep "names the applications there are" "expected one of" "$T/err"
expect_exit 2 "no space given" "$FX_BIN" space --count
