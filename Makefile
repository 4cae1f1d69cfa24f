# flexexplore: the engine, its tests, benchmarks and fuzzers.
#
#   make            build ./flexexplore (optimized)
#   make run        install what is missing, build, run the main job
#   make check      install what is missing, build with sanitizers, run
#                   every test and print "N passed, N failed"
#   make bench      the benchmarks (slow; not part of check)
#   make lint       layout against .clang-format and .editorconfig
#   make fuzz       run each fuzzer for FUZZ_SECONDS (default 60)
#
# MODE=test builds the engine with ASan and UBSan into build/test; the
# default MODE=release builds into build/release.  V=1 shows commands.
#
# Each module adds its sources in its own module.mk:
#   ENGINE_SRCS += mod/file.c     engine code, linked into flexexplore
#   UNIT_TESTS  += test/mod/test_x one cmocka program per name, built from
#                                 test/mod/test_x.c and the engine
#   BENCHES     += bench-target   phony targets `make bench` runs
#   FUZZERS     += name           a libFuzzer target with a fuzz-name rule
#                                 that fuzzes for FUZZ_SECONDS and merges
#                                 what it finds into fuzz/corpus/name

.DEFAULT_GOAL := all

MODE ?= release
BUILD := build/$(MODE)
CC ?= cc

ifeq ($(V),1)
Q :=
else
Q := @
endif

PKGS := libfyaml sqlite3 hwloc libgit2 libcurl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Werror=implicit-function-declaration
OPT_release := -O2 -g
OPT_test := -O1 -g -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all
FX_CFLAGS := -std=gnu11 $(WARN) $(OPT_$(MODE)) $(PKG_CFLAGS) \
	-D_GNU_SOURCE -DFX_SRCDIR='"$(CURDIR)"' -MMD -MP $(CFLAGS)
FX_LDFLAGS := $(OPT_$(MODE)) $(LDFLAGS)
FX_LIBS := $(PKG_LIBS) -lm -lpthread

# libFuzzer targets: clang with ASan and UBSan, FUZZ_SECONDS per fuzzer.
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS := -g -O1 -std=gnu11 -D_GNU_SOURCE \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

ENGINE_SRCS := util/log.c util/util.c util/yaml.c
MAIN_SRCS := cli/main.c
UNIT_TESTS :=
BENCHES :=
FUZZERS :=

include $(sort $(wildcard */module.mk))
# Mechanism runtimes with make targets of their own (not one level deep).
include $(wildcard gates/mpk/module.mk)

ENGINE_OBJS := $(ENGINE_SRCS:%.c=$(BUILD)/%.o)
MAIN_OBJS := $(MAIN_SRCS:%.c=$(BUILD)/%.o)
ENGINE_LIB := $(BUILD)/libengine.a
TEST_BINS := $(UNIT_TESTS:%=$(BUILD)/%)

.PHONY: all run check test-all deps lint format bench fuzz clean
all: flexexplore

flexexplore: $(BUILD)/flexexplore
ifeq ($(MODE),release)
	$(Q)ln -sf $(BUILD)/flexexplore $@
endif

$(BUILD)/flexexplore: $(MAIN_OBJS) $(ENGINE_LIB)
	@echo "  LD      $@"
	$(Q)$(CC) $(FX_LDFLAGS) -o $@ $^ $(FX_LIBS)

$(ENGINE_LIB): $(ENGINE_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(FX_CFLAGS) -c -o $@ $<

$(BUILD)/test/%: test/%.c $(ENGINE_LIB)
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	$(Q)$(CC) $(FX_CFLAGS) -o $@ $< $(ENGINE_LIB) $(FX_LIBS) -lcmocka

deps:
	$(Q)scripts/deps.sh

run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/run-main.sh

check: deps
	$(Q)$(MAKE) --no-print-directory MODE=test test-all

test-all: $(BUILD)/flexexplore $(TEST_BINS)
	$(Q)FX_BUILD=$(BUILD) test/run.sh

lint:
	$(Q)scripts/lint.sh

format:
	$(Q)clang-format -i $(ENGINE_SRCS) $(MAIN_SRCS) \
		$(wildcard $(ENGINE_SRCS:.c=.h))

bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory $(BENCHES)

fuzz: $(FUZZERS:%=fuzz-%)

clean:
	rm -rf build flexexplore

-include $(ENGINE_OBJS:.o=.d) $(MAIN_OBJS:.o=.d) $(TEST_BINS:=.d)
