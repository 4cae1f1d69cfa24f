# gates: the gate generator (engine code) and its tests.  The mechanism
# runtimes (gates/fcall, gates/proc, gates/mpk) are built into images by
# os/Makefile, not into the engine.
ENGINE_SRCS += gates/api.c gates/mkvars.c gates/gen.c gates/cmd_gen.c
UNIT_TESTS += test/gates/test_api test/gates/test_gen
BENCHES += bench-gates

.PHONY: bench-gates
bench-gates: $(BUILD)/flexexplore
	$(Q)FX_BIN=$(CURDIR)/$(BUILD)/flexexplore gates/bench/gate-bench.sh
