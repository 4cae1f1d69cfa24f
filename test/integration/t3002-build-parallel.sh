#!/usr/bin/env bash
# Two configurations built at once come out as they do alone: the same
# digests as sequential builds in another home (another build path), and
# each image serves a file.
. "$(dirname "$0")/../lib.sh"
. "$FX_ROOT/test/builder/lib.sh"

copy_tree "$T/src"
export FLEXEXPLORE_SRCDIR="$T/src"
one="$BASE/net=stack-protector"
two="$BASE/httpparser=ubsan,vfs=stack-protector"

build --jobs 2 "$one" "$two"
expect_eq "both built at once" 0 "$rc"
expect_eq "two results" 2 "$(grep -c '"ok": true' "$T/out")"
grep -F '"config": "'"$one"'"' "$T/out" >"$T/one.json"
grep -F '"config": "'"$two"'"' "$T/out" >"$T/two.json"
check "separate build folders" test "$(jfield image "$T/one.json")" != \
	"$(jfield image "$T/two.json")"

# Alone, one after the other, in another home.
export FLEXEXPLORE_HOME="$T/home2"
for n in one two; do
	build --jobs 1 "${!n}"
	expect_eq "$n alone has the digest it had in parallel" \
		"$(jfield sha256 "$T/$n.json")" "$(jfield sha256 "$T/out")"
done

# Each image answers: its content served over HTTP.
for n in one two; do
	image=$(jfield image "$T/$n.json")
	timeout 10 "$image" --port=0 --host=127.0.0.1 >"$T/$n.run" 2>&1 &
	pid=$!
	for _ in $(seq 50); do
		grep -q '^ready port=' "$T/$n.run" && break
		sleep 0.1
	done
	port=$(sed -n 's/^ready port=\([0-9]*\).*/\1/p' "$T/$n.run")
	body=$(curl -s --max-time 5 "http://127.0.0.1:${port:-1}/small.txt")
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	expect_eq "image $n serves small.txt" \
		"$(cat "$T/src/os/apps/httpd/content/small.txt")" "$body"
done
