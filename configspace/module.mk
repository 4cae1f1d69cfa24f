ENGINE_SRCS += configspace/load.c configspace/space.c configspace/cmd.c
UNIT_TESTS += test/configspace/test_configspace
BENCHES += bench-configspace

.PHONY: bench-configspace
bench-configspace: flexexplore
	$(Q)scripts/bench-configspace.sh

# The space-file fuzzer: clang's libFuzzer with ASan and UBSan.  `make
# fuzz-space` fuzzes for FUZZ_SECONDS and grows fuzz/corpus/space;
# the test suite replays that corpus.
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS := -g -O1 -std=gnu11 -D_GNU_SOURCE \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZERS += space

build/fuzz/space: configspace/fuzz_space.c configspace/load.c \
		configspace/space.c util/util.c util/log.c
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	$(Q)clang $(FUZZ_CFLAGS) -o $@ $^ $(shell pkg-config --libs libfyaml)

.PHONY: fuzz-space
fuzz-space: build/fuzz/space
	$(Q)mkdir -p build/fuzz/space-new
	$(Q)LSAN_OPTIONS=suppressions=fuzz/lsan-libfyaml.supp \
		build/fuzz/space -max_total_time=$(FUZZ_SECONDS) -max_len=2048 \
		build/fuzz/space-new fuzz/corpus/space
	$(Q)build/fuzz/space -merge=1 fuzz/corpus/space build/fuzz/space-new
