/*
 * ramfs: nodes in memory.  File data grows geometrically so that a
 * workload appending page by page (SQLite) does not copy its file on every
 * write.
 */
#include "ramfs.h"

#include "vfs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct ramfs_node *ramfs_rootnode;
static long ramfs_next_ino = 1;

static struct ramfs_node *
ramfs_node_new(const char *name, size_t len, int type, int mode)
{
	struct ramfs_node *n = calloc(1, sizeof(*n));

	if (n == NULL)
		return NULL;
	n->name = malloc(len + 1);
	if (n->name == NULL) {
		free(n);
		return NULL;
	}
	memcpy(n->name, name, len);
	n->name[len] = '\0';
	n->type = type;
	n->mode = mode;
	n->ino = ramfs_next_ino++;
	n->mtime = (long)time(NULL);
	return n;
}

struct ramfs_node *
ramfs_root(void)
{
	if (ramfs_rootnode == NULL)
		ramfs_rootnode = ramfs_node_new("", 0, VFS_TYPE_DIR, 0755);
	return ramfs_rootnode;
}

struct ramfs_node *
ramfs_lookup(struct ramfs_node *dir, const char *name, size_t len)
{
	struct ramfs_node *c;

	for (c = dir->first; c != NULL; c = c->next)
		if (strncmp(c->name, name, len) == 0 && c->name[len] == '\0')
			return c;
	return NULL;
}

struct ramfs_node *
ramfs_create(struct ramfs_node *dir, const char *name, size_t len, int type,
	     int mode)
{
	struct ramfs_node *n = ramfs_node_new(name, len, type, mode);

	if (n == NULL)
		return NULL;
	n->parent = dir;
	if (dir->last != NULL)
		dir->last->next = n;
	else
		dir->first = n;
	dir->last = n;
	dir->nchildren++;
	dir->mtime = n->mtime;
	return n;
}

static void
ramfs_free(struct ramfs_node *n)
{
	free(n->data);
	free(n->name);
	free(n);
}

void
ramfs_unlink(struct ramfs_node *n)
{
	struct ramfs_node *dir = n->parent, *prev = NULL, *c;

	if (dir == NULL)
		return;
	for (c = dir->first; c != NULL && c != n; c = c->next)
		prev = c;
	if (c == NULL)
		return;
	if (prev != NULL)
		prev->next = n->next;
	else
		dir->first = n->next;
	if (dir->last == n)
		dir->last = prev;
	dir->nchildren--;
	dir->mtime = (long)time(NULL);
	n->parent = NULL;
	n->next = NULL;
	if (n->refs == 0)
		ramfs_free(n);
}

void
ramfs_put(struct ramfs_node *n)
{
	if (--n->refs == 0 && n->parent == NULL && n != ramfs_rootnode)
		ramfs_free(n);
}

static int
ramfs_reserve(struct ramfs_node *n, size_t size)
{
	size_t cap = n->cap ? n->cap : 4096;
	unsigned char *p;

	if (size <= n->cap)
		return 0;
	while (cap < size) {
		if (cap > ((size_t)-1) / 2)
			return -ENOMEM;
		cap *= 2;
	}
	p = realloc(n->data, cap);
	if (p == NULL)
		return -ENOMEM;
	n->data = p;
	n->cap = cap;
	return 0;
}

int
ramfs_resize(struct ramfs_node *n, size_t size)
{
	int rc;

	if (size > n->size) {
		rc = ramfs_reserve(n, size);
		if (rc < 0)
			return rc;
		memset(n->data + n->size, 0, size - n->size);
	}
	n->size = size;
	n->mtime = (long)time(NULL);
	return 0;
}

size_t
ramfs_read(struct ramfs_node *n, void *buf, size_t len, size_t off)
{
	if (off >= n->size)
		return 0;
	if (len > n->size - off)
		len = n->size - off;
	memcpy(buf, n->data + off, len);
	return len;
}

ssize_t
ramfs_write(struct ramfs_node *n, const void *buf, size_t len, size_t off)
{
	int rc;

	if (len == 0)
		return 0;
	if (off + len < off)
		return -EFBIG;
	if (off > n->size) {
		rc = ramfs_resize(n, off);
		if (rc < 0)
			return rc;
	}
	rc = ramfs_reserve(n, off + len);
	if (rc < 0)
		return rc;
	memcpy(n->data + off, buf, len);
	if (off + len > n->size)
		n->size = off + len;
	n->mtime = (long)time(NULL);
	return (ssize_t)len;
}
