# builder/: configurations into images, with an object cache and workers.
#
# fxcc, the caching compiler wrapper the builder gives Make as CC, is a
# small program of its own beside flexexplore: it runs once per compiled
# file and links nothing but libc.
BUILDER_CORE := builder/sha256.c builder/proc.c builder/fsutil.c \
	builder/ccid.c
ENGINE_SRCS += $(BUILDER_CORE) builder/revision.c builder/pool.c \
	builder/builder.c builder/backend.c builder/launch.c builder/manifest.c \
	builder/cmd.c
UNIT_TESTS += test/builder/test_sha256 test/builder/test_cache \
	test/builder/test_pool test/builder/test_revision

FXCC_OBJS := $(patsubst %.c,$(BUILD)/%.o,builder/fxcc.c $(BUILDER_CORE) \
	util/util.c util/log.c)

all: $(BUILD)/fxcc
test-all: $(BUILD)/fxcc

$(BUILD)/fxcc: $(FXCC_OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(FX_LDFLAGS) -o $@ $^

-include $(BUILD)/builder/fxcc.d

BENCHES += bench-builder
.PHONY: bench-builder
bench-builder: $(BUILD)/flexexplore $(BUILD)/fxcc
	$(Q)FX_BIN=$(CURDIR)/$(BUILD)/flexexplore builder/bench.sh
