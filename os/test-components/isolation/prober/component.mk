COMP_SRCS := prober.c
# It forges gate calls by hand, so it sees the gate runtime interface.
COMP_CFLAGS := -I$(FX_SRCDIR)/gates
COMP_LDLIBS :=
COMP_SYSCALLS :=
