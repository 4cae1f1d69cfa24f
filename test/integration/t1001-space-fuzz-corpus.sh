#!/usr/bin/env bash
# Replay the space-file fuzzer's corpus: every input that ever found new
# behaviour (and every one that once hung or crashed) must still load or
# fail cleanly under ASan and UBSan, each within the time limit.
. "$(dirname "$0")/../lib.sh"
cd "$FX_ROOT"

check "the space fuzzer builds" make -s build/fuzz/space
check "the corpus replays without a crash or hang" \
	env LSAN_OPTIONS=suppressions=fuzz/lsan-libfyaml.supp \
	build/fuzz/space -timeout=10 -runs=0 fuzz/corpus/space
expect_eq "the corpus is not empty" 1 \
	"$([ "$(ls fuzz/corpus/space | wc -l)" -gt 3 ] && echo 1)"
