# bench: host fingerprint and measuring images (see bench/README.md).
ENGINE_SRCS += bench/hw.c bench/cmd_hw.c bench/def.c bench/parse.c \
	bench/stats.c bench/proc.c bench/probe.c bench/run.c bench/cmd_bench.c
UNIT_TESTS += test/bench/test_parse test/bench/test_stats test/bench/test_def

# make bench: the benchmark of the benchmark (see bench/README.md).
BENCHES += bench-bench
.PHONY: bench-bench
bench-bench:
	$(Q)FX_BIN=$(CURDIR)/$(BUILD)/flexexplore bench/bench-bench.sh
