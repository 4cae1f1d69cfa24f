# The bundled OS's applications: unit tests of their components, the
# fuzzers of the two network-facing parsers, and the benchmarks against
# Debian's nginx, redis-server and a plain SQLite program.  (It lives here
# because the top Makefile reads */module.mk, one level deep.)
#
#   make fuzz-httpparser  fuzz-resp   fuzz for FUZZ_SECONDS each, growing
#                                     fuzz/corpus/<name>/ (committed)
#   make bench-httpd bench-kvstore bench-sqlite

UNIT_TESTS += test/os-apps/test_httpparser test/os-apps/test_resp \
	test/os-apps/test_net \
	test/os-apps/test_vfs test/os-apps/test_kvdata
BENCHES += bench-httpd bench-kvstore bench-sqlite
FUZZERS += httpparser resp

build/fuzz/httpparser: fuzz/fuzz_httpparser.c \
		os/apps/httpd/httpparser/httpparser.c \
		os/apps/httpd/httpparser/httpparser.h
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	$(Q)clang $(FUZZ_CFLAGS) -Ios/apps/httpd/httpparser -o $@ \
		$(filter %.c,$^)

build/fuzz/resp: fuzz/fuzz_resp.c os/apps/kvstore/resp/resp.c \
		os/apps/kvstore/resp/resp.h
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	$(Q)clang $(FUZZ_CFLAGS) -Ios/apps/kvstore/resp -o $@ \
		$(filter %.c,$^)

# Fuzz into a scratch folder, then merge what found new coverage into the
# committed corpus, so that it stays small.
.PHONY: fuzz-httpparser fuzz-resp
fuzz-httpparser fuzz-resp: fuzz-%: build/fuzz/%
	$(Q)rm -rf build/fuzz/$*-new && mkdir -p build/fuzz/$*-new
	$(Q)build/fuzz/$* -max_total_time=$(FUZZ_SECONDS) -max_len=12000 \
		-dict=fuzz/$*.dict build/fuzz/$*-new fuzz/corpus/$*
	$(Q)build/fuzz/$* -merge=1 fuzz/corpus/$* build/fuzz/$*-new

.PHONY: bench-httpd bench-kvstore bench-sqlite
bench-httpd: $(BUILD)/flexexplore
	$(Q)FX_BIN=$(CURDIR)/$(BUILD)/flexexplore os/apps/httpd/compare.sh
bench-kvstore: $(BUILD)/flexexplore
	$(Q)FX_BIN=$(CURDIR)/$(BUILD)/flexexplore os/apps/kvstore/compare.sh
bench-sqlite: $(BUILD)/flexexplore
	$(Q)FX_BIN=$(CURDIR)/$(BUILD)/flexexplore os/apps/sqlite/compare.sh
