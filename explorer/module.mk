# explorer: the exploration engine (flexexplore --app ... --budget ...),
# status and stop.
ENGINE_SRCS += explorer/cmd.c explorer/engine.c explorer/search.c \
	explorer/model.c explorer/border.c explorer/eval.c explorer/stats.c explorer/progress.c
UNIT_TESTS += test/explorer/test_search
BENCHES += bench-explorer

# Evaluations against border size and engine time per decision on
# simulated spaces of 10^4 to 10^8 configurations (a few minutes).
.PHONY: bench-explorer
bench-explorer: $(BUILD)/test/explorer/bench_search
	$(Q)$(BUILD)/test/explorer/bench_search
