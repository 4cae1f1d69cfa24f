#!/usr/bin/env bash
# flexexplore hw: the host's fingerprint, its protection-key bits and the
# mechanisms it can therefore run, in text and JSON.
. "$(dirname "$0")/../lib.sh"

check "hw prints the fingerprint" "$FX_BIN" hw
cp "$T/out" "$T/hw1"
expect_grep "a 16-digit fingerprint id" '^fingerprint: [0-9a-f]{16}$' "$T/hw1"
expect_grep "the CPU model from hwloc" '^cpu: +[^ ]' "$T/hw1"
expect_grep "cores and PUs" '^topology: +[0-9]+ package\(s\), [0-9]+ core\(s\), [0-9]+ PU\(s\)' "$T/hw1"
expect_grep "the NUMA layout" '^numa: +[0-9]+ node\(s\)' "$T/hw1"
expect_grep "each NUMA node's PUs" '^  node [0-9]+: +PUs [0-9]' "$T/hw1"
expect_grep "at least one cache" '^cache: +L[1-9] ' "$T/hw1"
expect_grep "the kernel release" "^kernel: +Linux $(uname -r | sed 's/[.+]/\\&/g') " "$T/hw1"
expect_grep "fcall and proc always run on Linux" '^mechanisms: +fcall proc' "$T/hw1"

# The same host gives the same id.
"$FX_BIN" hw >"$T/hw2"
expect_eq "the id is stable" "$(grep ^fingerprint "$T/hw1")" \
	"$(grep ^fingerprint "$T/hw2")"

# Protection keys: what the kernel says (cpuinfo flags) must agree.
flags=$(grep -m1 '^flags' /proc/cpuinfo)
if [[ " $flags " == *" ospke "* ]]; then
	expect_grep "OS-enabled protection keys reported" 'pku=yes ospke=yes' "$T/hw1"
	expect_grep "so mpk is offered" '^mechanisms: .* mpk' "$T/hw1"
else
	expect_grep "no OS-enabled protection keys here" 'ospke=no' "$T/hw1"
	if grep -qE '^mechanisms: .*mpk' "$T/hw1"; then
		_report 1 "so no mpk"
	else
		_report 0 "so no mpk"
	fi
	expect_grep "and it says why" '\(no mpk: ' "$T/hw1"
fi
if [[ " $flags " == *" smep "* ]]; then
	expect_grep "SMEP agrees with cpuinfo" 'smep=yes' "$T/hw1"
else
	expect_grep "SMEP agrees with cpuinfo" 'smep=no' "$T/hw1"
fi

check "hw --json" "$FX_BIN" hw --json
cp "$T/out" "$T/hw.json"
if command -v python3 >/dev/null; then
	check "the JSON parses and agrees with the text" python3 -c '
import json, sys
h = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read()
assert "fingerprint: " + h["id"] in text, h["id"]
assert h["mechanisms"][:2] == ["fcall", "proc"], h["mechanisms"]
assert ("mpk" in h["mechanisms"]) == (h["features"]["pku"] and h["features"]["ospke"])
assert h["cpu"]["pus"] >= h["cpu"]["cores"] >= 1
' "$T/hw.json" "$T/hw1"
fi

expect_exit 2 "an unknown option is a usage error" "$FX_BIN" hw --frobnicate
