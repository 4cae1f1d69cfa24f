# Read by os/Makefile when an image uses the mpk runtime.
#
# AddressSanitizer brings its own allocator, and its checks need it: in an
# image with asan anywhere, the per-compartment heaps are left out and
# every allocation comes from ASan's allocator on key 0 (sections and
# stacks keep their keys).
ifneq ($(filter -fsanitize=address%,$(FX_LDHARDEN)),)
RT_CFLAGS += -DMPK_NO_HEAPS
endif
