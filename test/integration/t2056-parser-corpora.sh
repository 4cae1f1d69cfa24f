#!/usr/bin/env bash
# Replay the HTTP and RESP parser fuzzers' corpora: every input that ever
# found new behaviour must still parse or fail cleanly under ASan and
# UBSan, with the fuzzers' own checks of the parsers' promises.
. "$(dirname "$0")/../lib.sh"
cd "$FX_ROOT"

for f in httpparser resp; do
	check "the $f fuzzer builds" make -s "build/fuzz/$f"
	check "the $f corpus replays without a crash or hang" \
		"build/fuzz/$f" -timeout=10 -runs=0 "fuzz/corpus/$f"
	expect_eq "the $f corpus is not empty" 1 \
		"$([ "$(ls "fuzz/corpus/$f" | wc -l)" -gt 20 ] && echo 1)"
done
