/*
 * ramfs: the in-memory file system under vfs (internal to vfs).
 *
 * A node is a file or a folder.  Folders keep their children in a list in
 * creation order.  A node removed from its folder while descriptors hold
 * it is freed by the last ramfs_put().
 */
#ifndef RAMFS_H
#define RAMFS_H

#include <stddef.h>
#include <sys/types.h>

struct ramfs_node {
	char *name;
	int type; /* VFS_TYPE_* */
	int mode;
	long ino;
	long mtime;
	struct ramfs_node *parent; /* NULL for the root and unlinked nodes */
	struct ramfs_node *first, *last, *next; /* children, siblings */
	long nchildren;
	unsigned char *data; /* file contents */
	size_t size, cap;
	int refs; /* open descriptors */
};

/** The root folder, created on first use (NULL when out of memory). */
struct ramfs_node *ramfs_root(void);

/** The child of @dir named by the @len bytes at @name, or NULL. */
struct ramfs_node *ramfs_lookup(struct ramfs_node *dir, const char *name,
				size_t len);

/** A new child of @dir; NULL when out of memory. */
struct ramfs_node *ramfs_create(struct ramfs_node *dir, const char *name,
				size_t len, int type, int mode);

/** Take @n out of its folder; it is freed once no descriptor holds it. */
void ramfs_unlink(struct ramfs_node *n);

/** Drop one descriptor's hold on @n. */
void ramfs_put(struct ramfs_node *n);

/** Set the length of file @n; new bytes are zero.  0 or -ENOMEM. */
int ramfs_resize(struct ramfs_node *n, size_t size);

/** Copy out up to @len bytes from @off; returns the count. */
size_t ramfs_read(struct ramfs_node *n, void *buf, size_t len, size_t off);

/** Copy in @len bytes at @off, growing the file; count or -ENOMEM. */
ssize_t ramfs_write(struct ramfs_node *n, const void *buf, size_t len,
		    size_t off);

#endif /* RAMFS_H */
