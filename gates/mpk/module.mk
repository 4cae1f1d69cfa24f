# The mpk mechanism and its tests under emulated protection keys.
#
#   make mpk-check    build the guest programs, boot them under QEMU's
#                     software CPU (which emulates protection keys) and
#                     report one FX-RESULT line per program
#
# Guest programs are plain static binaries (no sanitizers: the guest is a
# bare initramfs), built into $(BUILD)/qemu/.

ifndef MPK_MODULE_MK
MPK_MODULE_MK := 1

MPK_GUEST_DIR := $(BUILD)/qemu
MPK_GUEST_CFLAGS := -std=gnu11 -O2 -g $(WARN) -D_GNU_SOURCE -static
MPK_GUEST_PROGS := pkey_basic
MPK_GUEST_BINS := $(MPK_GUEST_PROGS:%=$(MPK_GUEST_DIR)/%)
MPK_QEMU_FLAGS ?=

.PHONY: mpk-check mpk-guest
mpk-guest: $(MPK_GUEST_BINS)

$(MPK_GUEST_DIR)/%: test/qemu/guest/%.c
	@mkdir -p $(dir $@)
	@echo "  GUEST   $@"
	$(Q)$(CC) $(MPK_GUEST_CFLAGS) -o $@ $<

mpk-check: mpk-guest
	$(Q)test/qemu/fx-qemu.sh -o $(MPK_GUEST_DIR)/out $(MPK_QEMU_FLAGS) \
		$(MPK_GUEST_BINS)

endif
