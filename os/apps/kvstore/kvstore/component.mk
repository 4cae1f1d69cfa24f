COMP_SRCS := kvstore.c commands.c
COMP_CFLAGS :=
COMP_LDLIBS :=
COMP_SYSCALLS :=
