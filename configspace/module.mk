ENGINE_SRCS += configspace/load.c configspace/space.c configspace/cmd.c
UNIT_TESTS += test/configspace/test_configspace
BENCHES += bench-configspace

.PHONY: bench-configspace
bench-configspace: flexexplore
	$(Q)scripts/bench-configspace.sh

# The space-file fuzzer.  `make fuzz-space` fuzzes for FUZZ_SECONDS and
# merges what it finds into fuzz/corpus/space; the tests replay that
# corpus.  libfyaml's own leak on some malformed input is suppressed.
FUZZERS += space

build/fuzz/space: configspace/fuzz_space.c configspace/load.c \
		configspace/space.c util/util.c util/log.c util/yaml.c
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	$(Q)clang $(FUZZ_CFLAGS) -o $@ $^ $(shell pkg-config --libs libfyaml)

.PHONY: fuzz-space
fuzz-space: export LSAN_OPTIONS = suppressions=fuzz/lsan-libfyaml.supp
fuzz-space: build/fuzz/space
	$(Q)rm -rf build/fuzz/space-new && mkdir -p build/fuzz/space-new
	$(Q)build/fuzz/space -max_total_time=$(FUZZ_SECONDS) -max_len=2048 \
		-timeout=10 build/fuzz/space-new fuzz/corpus/space
	$(Q)build/fuzz/space -merge=1 fuzz/corpus/space build/fuzz/space-new
