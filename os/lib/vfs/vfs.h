/*
 * vfs: the virtual file system of the bundled OS, with an in-memory file
 * system under it.
 *
 * Paths are absolute ('/'-separated, "." and ".." allowed; a relative
 * path is taken from the root).  Files are byte arrays held in memory;
 * nothing reaches the host except vfs_import(), which copies a host
 * folder in.  A file unlinked while open lives until its last close.
 * Descriptors are small integers local to vfs.  Errors are negative errno
 * values.  Offsets and sizes are `long` (64 bits on every host we run).
 */
#ifndef VFS_H
#define VFS_H

#include <stddef.h>
#include <sys/types.h>

/* Open flags; combine one access mode with any of the others. */
#define VFS_O_RDONLY 0x0
#define VFS_O_WRONLY 0x1
#define VFS_O_RDWR 0x2
#define VFS_O_ACCMODE 0x3
#define VFS_O_CREAT 0x10  /* create the file when missing */
#define VFS_O_EXCL 0x20	  /* with VFS_O_CREAT: fail if it exists */
#define VFS_O_TRUNC 0x40  /* cut the file to length 0 */
#define VFS_O_APPEND 0x80 /* every write goes to the end */

/* Whence for vfs_lseek(). */
#define VFS_SEEK_SET 0
#define VFS_SEEK_CUR 1
#define VFS_SEEK_END 2

/* Node types. */
#define VFS_TYPE_FILE 1
#define VFS_TYPE_DIR 2

#define VFS_NAME_MAX 255
#define VFS_PATH_MAX 4096

struct vfs_stat {
	long size;  /* bytes (files), entries (folders) */
	long ino;   /* unique while the node exists */
	long mtime; /* seconds since the epoch of the last change */
	int type;   /* VFS_TYPE_* */
	int mode;   /* permission bits as given at creation */
};

struct vfs_dirent {
	char name[VFS_NAME_MAX + 1];
	int type; /* VFS_TYPE_* */
	long size;
};

/** Open @path with VFS_O_* @flags; @mode is kept for vfs_stat(). */
int vfs_open(const char *path, int flags, int mode);

/** Close descriptor @fd. */
int vfs_close(int fd);

/** Read up to @n bytes at the descriptor's offset, advancing it. */
ssize_t vfs_read(int fd, void *buf, size_t n);

/** Write @n bytes at the offset (the end with VFS_O_APPEND). */
ssize_t vfs_write(int fd, const void *buf, size_t n);

/** Read up to @n bytes at @off; the descriptor's offset stays. */
ssize_t vfs_pread(int fd, void *buf, size_t n, long off);

/** Write @n bytes at @off, growing the file (holes read as zeros). */
ssize_t vfs_pwrite(int fd, const void *buf, size_t n, long off);

/** Move the offset; returns the new offset. */
long vfs_lseek(int fd, long off, int whence);

/** Attributes of the file open as @fd. */
int vfs_fstat(int fd, struct vfs_stat *st);

/** Attributes of @path. */
int vfs_stat(const char *path, struct vfs_stat *st);

/** Set the length of the file open as @fd (writable) to @len. */
int vfs_ftruncate(int fd, long len);

/** Set the length of the file at @path to @len. */
int vfs_truncate(const char *path, long len);

/** Make the file durable; in memory there is nothing to do but check. */
int vfs_fsync(int fd);

/** Remove file @path. */
int vfs_unlink(const char *path);

/** Create folder @path. */
int vfs_mkdir(const char *path, int mode);

/** Remove the empty folder @path. */
int vfs_rmdir(const char *path);

/**
 * Entry number @index (from 0, in creation order) of folder @path.
 * Returns 1 with @ent filled in, 0 past the last entry, or a negative
 * errno.
 */
int vfs_readdir(const char *path, long index, struct vfs_dirent *ent);

/**
 * Copy @hostpath into folder @dest (created when missing): a host folder,
 * recursively, or a tar archive (uncompressed ustar; folders and regular
 * files are taken, links and devices skipped).  Returns the number of
 * files copied or a negative errno (-EINVAL for a file that is no tar
 * archive, -ELOOP for folders nested past 32 levels, as a link cycle
 * makes them).
 */
int vfs_import(const char *hostpath, const char *dest);

#endif /* VFS_H */
