COMP_SRCS := sqlite.c fxvfs.c workload.c
COMP_CFLAGS :=
COMP_LDLIBS := -lsqlite3
# All file access goes through vfs; SQLite itself only allocates memory.
COMP_SYSCALLS :=
