# bench: host fingerprint and measuring images (see bench/README.md).
ENGINE_SRCS += bench/hw.c bench/cmd_hw.c
