COMP_SRCS := sqlite.c fxvfs.c workload.c
COMP_CFLAGS :=
COMP_LDLIBS := -lsqlite3
# All file access goes through vfs.  The host's SQLite library seeds its
# random generator from /dev/urandom through its built-in unix VFS when it
# initialises, whichever VFS is the default afterwards.
COMP_SYSCALLS := openat read close
