# The mpk mechanism and its tests under emulated protection keys.
#
#   make mpk-check    build the guest programs, boot them under QEMU's
#                     software CPU (which emulates protection keys) and
#                     report one FX-RESULT line per program
#
# Guest programs are built without sanitizers (the guest is a bare
# initramfs; the harness copies in the shared libraries they need) into
# $(BUILD)/qemu/.  gatetest-MECH is one hand-written two-compartment image
# linked with the platform and each mechanism runtime.

ifndef MPK_MODULE_MK
MPK_MODULE_MK := 1

MPK_GUEST_DIR := $(BUILD)/qemu
MPK_GUEST_CFLAGS := -std=gnu11 -O2 -g $(WARN) -D_GNU_SOURCE
MPK_RT_SRCS := gates/mpk/mpk.c gates/mpk/mpk_switch.c gates/mpk/mpk_heap.c \
	gates/mpk/mpk_fault.c
MPK_PLAT_SRCS := os/plat/plat.c os/plat/fault.c
MPK_GT_DEPS := test/qemu/guest/gatetest.c test/qemu/guest/gatetest.ld \
	$(MPK_PLAT_SRCS) gates/gate.h os/plat/plat_core.h os/plat/plat.h
MPK_GT_LINK := -Wl,-T,test/qemu/guest/gatetest.ld
MPK_GT_BINS := $(MPK_GUEST_DIR)/gatetest-mpk $(MPK_GUEST_DIR)/gatetest-fcall \
	$(MPK_GUEST_DIR)/gatetest-proc
MPK_GUEST_BINS := $(MPK_GUEST_DIR)/pkey_basic $(MPK_GT_BINS) \
	$(MPK_GUEST_DIR)/heap_stress
MPK_GUEST_RUN := $(MPK_GUEST_DIR)/pkey_basic test/qemu/guest/mpk_hw.sh \
	test/qemu/guest/mpk_gatetest.sh \
	test/qemu/guest/mpk_isolation.sh test/qemu/guest/mpk_hardening.sh \
	test/qemu/guest/mpk_httpd.sh \
	test/qemu/guest/mpk_kvstore.sh test/qemu/guest/mpk_sqlite.sh \
	test/qemu/guest/gate_bench.sh
# Images the generator builds (test/qemu/build-images.sh), and the host
# tools the guest scripts drive them with (those present are copied in).
MPK_IMAGES := iso-mpk iso-proc iso-fcall iso-mpk-asan iso-mpk-mixed \
	httpd-mpk kvstore-mpk sqlite-mpk
MPK_IMG_DIR := $(MPK_GUEST_DIR)/img
MPK_TOOLS := $(wildcard /usr/bin/wrk /usr/bin/redis-cli /usr/bin/redis-benchmark)
MPK_QEMU_FLAGS ?= -t 150 -p 45

.PHONY: mpk-check mpk-guest mpk-images
mpk-guest: $(MPK_GUEST_BINS)

# A failed image build is a result the guest test reports, not a stop.
mpk-images: $(BUILD)/flexexplore
	-$(Q)test/qemu/build-images.sh $(CURDIR)/$(BUILD)/flexexplore \
		$(CURDIR)/$(MPK_IMG_DIR)

$(MPK_GUEST_DIR)/pkey_basic: test/qemu/guest/pkey_basic.c
	@mkdir -p $(dir $@)
	@echo "  GUEST   $@"
	$(Q)$(CC) $(MPK_GUEST_CFLAGS) -static -o $@ $<

# The allocator alone, on the host (it needs no protection keys).
$(MPK_GUEST_DIR)/heap_stress: test/qemu/guest/heap_stress.c \
		gates/mpk/mpk_heap.c gates/mpk/mpk.h
	@mkdir -p $(dir $@)
	@echo "  GUEST   $@"
	$(Q)$(CC) $(MPK_GUEST_CFLAGS) -o $@ $< gates/mpk/mpk_heap.c -lpthread

$(MPK_GUEST_DIR)/gatetest-mpk: $(MPK_GT_DEPS) $(MPK_RT_SRCS) gates/mpk/mpk.h
	@mkdir -p $(dir $@)
	@echo "  GUEST   $@"
	$(Q)$(CC) $(MPK_GUEST_CFLAGS) -DGT_MPK -DGT_MECH='"mpk"' -o $@ \
		test/qemu/guest/gatetest.c $(MPK_PLAT_SRCS) $(MPK_RT_SRCS) \
		$(MPK_GT_LINK)

$(MPK_GUEST_DIR)/gatetest-fcall: $(MPK_GT_DEPS) gates/fcall/fcall.c
	@mkdir -p $(dir $@)
	@echo "  GUEST   $@"
	$(Q)$(CC) $(MPK_GUEST_CFLAGS) -DGT_MECH='"fcall"' -o $@ \
		test/qemu/guest/gatetest.c $(MPK_PLAT_SRCS) \
		gates/fcall/fcall.c $(MPK_GT_LINK)

$(MPK_GUEST_DIR)/gatetest-proc: $(MPK_GT_DEPS) gates/proc/proc.c
	@mkdir -p $(dir $@)
	@echo "  GUEST   $@"
	$(Q)$(CC) $(MPK_GUEST_CFLAGS) -DGT_MECH='"proc"' -o $@ \
		test/qemu/guest/gatetest.c $(MPK_PLAT_SRCS) \
		gates/proc/proc.c $(MPK_GT_LINK) -lseccomp

mpk-check: mpk-guest mpk-images
	$(Q)test/qemu/fx-qemu.sh -o $(MPK_GUEST_DIR)/out $(MPK_QEMU_FLAGS) \
		$(MPK_GT_BINS:%=-f %) \
		$$(for i in $(MPK_IMAGES); do \
			f=$(MPK_IMG_DIR)/$$i/image; \
			[ -f $$f ] && echo "-f $$f:/fx/img/$$i"; \
		done) \
		$(foreach t,$(MPK_TOOLS),-f $(t):/fx/bin/$(notdir $(t))) \
		-f $(BUILD)/flexexplore:/fx/bin/flexexplore \
		-f os/apps/httpd/content:/fx/content $(MPK_GUEST_RUN)

endif
