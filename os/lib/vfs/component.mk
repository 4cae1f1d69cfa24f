COMP_SRCS := vfs.c ramfs.c
COMP_CFLAGS :=
COMP_LDLIBS :=
# vfs_import reads a host folder; everything else stays in memory.
COMP_SYSCALLS := openat open read close fstat newfstatat stat lstat \
	getdents64 lseek
