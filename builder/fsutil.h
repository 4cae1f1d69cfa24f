/*
 * File helpers of the builder: atomic writes and copies, so that a reader
 * never sees half a file and concurrent writers of the same content never
 * corrupt each other.
 */
#ifndef FX_BUILDER_FSUTIL_H
#define FX_BUILDER_FSUTIL_H

#include <stddef.h>

/**
 * Write @len bytes to @path through a temporary file in the same folder
 * and a rename.  Returns 0, or -1 with errno set.
 */
int fs_write_atomic(const char *path, const void *data, size_t len);

/** Copy file @src to @dst atomically (as above).  0, or -1 with errno. */
int fs_copy_atomic(const char *src, const char *dst);

/** Remove @path and everything under it.  0, or -1 with errno set. */
int fs_remove_tree(const char *path);

/** Whether @path exists. */
int fs_exists(const char *path);

#endif /* FX_BUILDER_FSUTIL_H */
