# explorer: the exploration engine (flexexplore --app ... --budget ...),
# status and stop.
ENGINE_SRCS += explorer/cmd.c explorer/engine.c explorer/search.c \
	explorer/model.c explorer/eval.c explorer/stats.c explorer/progress.c
UNIT_TESTS += test/explorer/test_search
