/*
 * vfs: path resolution, the descriptor table and the import of a host
 * folder or tar archive, over the ramfs nodes.
 */
#include "vfs.h"

#include "ramfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct vfs_file {
	struct ramfs_node *node; /* NULL: the slot is free */
	long off;
	int flags;
};

static struct vfs_file *vfs_files;
static int vfs_nfiles;

/*
 * Walk @path up to its last name.  On success *@dirp is the folder that
 * holds (or would hold) the last name, *@leaf and *@leaflen name it; an
 * empty leaf means the path names a folder itself (the root, or one
 * ending in "..").
 */
static int
vfs_walk(const char *path, struct ramfs_node **dirp, const char **leaf,
	 size_t *leaflen)
{
	struct ramfs_node *dir = ramfs_root();
	const char *p = path, *name;
	size_t len;

	if (dir == NULL)
		return -ENOMEM;
	if (path == NULL)
		return -EFAULT;
	if (strnlen(path, VFS_PATH_MAX) >= VFS_PATH_MAX)
		return -ENAMETOOLONG;
	for (;;) {
		while (*p == '/')
			p++;
		name = p;
		while (*p != '\0' && *p != '/')
			p++;
		len = (size_t)(p - name);
		if (len > VFS_NAME_MAX)
			return -ENAMETOOLONG;
		while (*p == '/')
			p++;

		/* The last name: leave it to the caller. */
		if (*p == '\0') {
			if (len == 1 && name[0] == '.')
				len = 0;
			if (len == 2 && name[0] == '.' && name[1] == '.') {
				if (dir->parent != NULL)
					dir = dir->parent;
				len = 0;
			}
			*dirp = dir;
			*leaf = name;
			*leaflen = len;
			return 0;
		}

		if (len == 1 && name[0] == '.')
			continue;
		if (len == 2 && name[0] == '.' && name[1] == '.') {
			if (dir->parent != NULL)
				dir = dir->parent;
			continue;
		}
		dir = ramfs_lookup(dir, name, len);
		if (dir == NULL)
			return -ENOENT;
		if (dir->type != VFS_TYPE_DIR)
			return -ENOTDIR;
	}
}

/* The node @path names, or a negative errno. */
static int
vfs_resolve(const char *path, struct ramfs_node **np)
{
	struct ramfs_node *dir, *n;
	const char *leaf;
	size_t len;
	int rc;

	rc = vfs_walk(path, &dir, &leaf, &len);
	if (rc < 0)
		return rc;
	if (len == 0) {
		*np = dir;
		return 0;
	}
	n = ramfs_lookup(dir, leaf, len);
	if (n == NULL)
		return -ENOENT;
	*np = n;
	return 0;
}

static struct vfs_file *
vfs_file(int fd)
{
	if (fd < 0 || fd >= vfs_nfiles || vfs_files[fd].node == NULL)
		return NULL;
	return &vfs_files[fd];
}

/* A free descriptor slot, growing the table when full. */
static int
vfs_file_alloc(void)
{
	struct vfs_file *p;
	int fd, n;

	for (fd = 0; fd < vfs_nfiles; fd++)
		if (vfs_files[fd].node == NULL)
			return fd;
	n = vfs_nfiles ? vfs_nfiles * 2 : 16;
	p = realloc(vfs_files, (size_t)n * sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	memset(p + vfs_nfiles, 0, (size_t)(n - vfs_nfiles) * sizeof(*p));
	vfs_files = p;
	fd = vfs_nfiles;
	vfs_nfiles = n;
	return fd;
}

int
vfs_open(const char *path, int flags, int mode)
{
	struct ramfs_node *dir, *n;
	const char *leaf;
	size_t len;
	int rc, fd, acc = flags & VFS_O_ACCMODE;

	if (acc == VFS_O_ACCMODE)
		return -EINVAL;
	rc = vfs_walk(path, &dir, &leaf, &len);
	if (rc < 0)
		return rc;
	n = len ? ramfs_lookup(dir, leaf, len) : dir;

	if (n == NULL) {
		if (!(flags & VFS_O_CREAT))
			return -ENOENT;
	} else if (flags & VFS_O_CREAT && flags & VFS_O_EXCL) {
		return -EEXIST;
	} else if (n->type == VFS_TYPE_DIR && acc != VFS_O_RDONLY) {
		return -EISDIR;
	}

	fd = vfs_file_alloc();
	if (fd < 0)
		return fd;
	if (n == NULL) {
		n = ramfs_create(dir, leaf, len, VFS_TYPE_FILE, mode);
		if (n == NULL)
			return -ENOMEM;
	}
	if (flags & VFS_O_TRUNC && acc != VFS_O_RDONLY &&
	    n->type == VFS_TYPE_FILE)
		ramfs_resize(n, 0);
	n->refs++;
	vfs_files[fd].node = n;
	vfs_files[fd].off = 0;
	vfs_files[fd].flags = flags;
	return fd;
}

int
vfs_close(int fd)
{
	struct vfs_file *f = vfs_file(fd);

	if (f == NULL)
		return -EBADF;
	ramfs_put(f->node);
	f->node = NULL;
	return 0;
}

ssize_t
vfs_pread(int fd, void *buf, size_t n, long off)
{
	struct vfs_file *f = vfs_file(fd);

	if (f == NULL || (f->flags & VFS_O_ACCMODE) == VFS_O_WRONLY)
		return -EBADF;
	if (f->node->type == VFS_TYPE_DIR)
		return -EISDIR;
	if (off < 0)
		return -EINVAL;
	return (ssize_t)ramfs_read(f->node, buf, n, (size_t)off);
}

ssize_t
vfs_pwrite(int fd, const void *buf, size_t n, long off)
{
	struct vfs_file *f = vfs_file(fd);

	if (f == NULL || (f->flags & VFS_O_ACCMODE) == VFS_O_RDONLY)
		return -EBADF;
	if (off < 0)
		return -EINVAL;
	return ramfs_write(f->node, buf, n, (size_t)off);
}

ssize_t
vfs_read(int fd, void *buf, size_t n)
{
	struct vfs_file *f = vfs_file(fd);
	ssize_t got;

	if (f == NULL)
		return -EBADF;
	got = vfs_pread(fd, buf, n, f->off);
	if (got > 0)
		f->off += got;
	return got;
}

ssize_t
vfs_write(int fd, const void *buf, size_t n)
{
	struct vfs_file *f = vfs_file(fd);
	ssize_t put;

	if (f == NULL)
		return -EBADF;
	if (f->flags & VFS_O_APPEND)
		f->off = (long)f->node->size;
	put = vfs_pwrite(fd, buf, n, f->off);
	if (put > 0)
		f->off += put;
	return put;
}

long
vfs_lseek(int fd, long off, int whence)
{
	struct vfs_file *f = vfs_file(fd);
	long base;

	if (f == NULL)
		return -EBADF;
	switch (whence) {
	case VFS_SEEK_SET:
		base = 0;
		break;
	case VFS_SEEK_CUR:
		base = f->off;
		break;
	case VFS_SEEK_END:
		base = (long)f->node->size;
		break;
	default:
		return -EINVAL;
	}
	if ((off < 0 && base + off < 0) || (off > 0 && base + off < base))
		return -EINVAL;
	f->off = base + off;
	return f->off;
}

static void
vfs_fill_stat(const struct ramfs_node *n, struct vfs_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->size = n->type == VFS_TYPE_DIR ? n->nchildren : (long)n->size;
	st->ino = n->ino;
	st->mtime = n->mtime;
	st->type = n->type;
	st->mode = n->mode;
}

int
vfs_fstat(int fd, struct vfs_stat *st)
{
	struct vfs_file *f = vfs_file(fd);

	if (f == NULL)
		return -EBADF;
	vfs_fill_stat(f->node, st);
	return 0;
}

int
vfs_stat(const char *path, struct vfs_stat *st)
{
	struct ramfs_node *n;
	int rc = vfs_resolve(path, &n);

	if (rc < 0)
		return rc;
	vfs_fill_stat(n, st);
	return 0;
}

int
vfs_ftruncate(int fd, long len)
{
	struct vfs_file *f = vfs_file(fd);

	if (f == NULL || (f->flags & VFS_O_ACCMODE) == VFS_O_RDONLY)
		return -EBADF;
	if (f->node->type != VFS_TYPE_FILE)
		return -EISDIR;
	if (len < 0)
		return -EINVAL;
	return ramfs_resize(f->node, (size_t)len);
}

int
vfs_truncate(const char *path, long len)
{
	struct ramfs_node *n;
	int rc = vfs_resolve(path, &n);

	if (rc < 0)
		return rc;
	if (n->type != VFS_TYPE_FILE)
		return -EISDIR;
	if (len < 0)
		return -EINVAL;
	return ramfs_resize(n, (size_t)len);
}

int
vfs_fsync(int fd)
{
	return vfs_file(fd) == NULL ? -EBADF : 0;
}

int
vfs_unlink(const char *path)
{
	struct ramfs_node *n;
	int rc = vfs_resolve(path, &n);

	if (rc < 0)
		return rc;
	if (n->type == VFS_TYPE_DIR)
		return -EISDIR;
	ramfs_unlink(n);
	return 0;
}

int
vfs_mkdir(const char *path, int mode)
{
	struct ramfs_node *dir;
	const char *leaf;
	size_t len;
	int rc;

	rc = vfs_walk(path, &dir, &leaf, &len);
	if (rc < 0)
		return rc;
	if (len == 0 || ramfs_lookup(dir, leaf, len) != NULL)
		return -EEXIST;
	if (ramfs_create(dir, leaf, len, VFS_TYPE_DIR, mode) == NULL)
		return -ENOMEM;
	return 0;
}

int
vfs_rmdir(const char *path)
{
	struct ramfs_node *n;
	int rc = vfs_resolve(path, &n);

	if (rc < 0)
		return rc;
	if (n->type != VFS_TYPE_DIR)
		return -ENOTDIR;
	if (n->parent == NULL)
		return -EBUSY;
	if (n->nchildren != 0)
		return -ENOTEMPTY;
	ramfs_unlink(n);
	return 0;
}

int
vfs_readdir(const char *path, long index, struct vfs_dirent *ent)
{
	struct ramfs_node *n, *c;
	int rc = vfs_resolve(path, &n);

	if (rc < 0)
		return rc;
	if (n->type != VFS_TYPE_DIR)
		return -ENOTDIR;
	if (index < 0)
		return -EINVAL;
	for (c = n->first; c != NULL && index > 0; c = c->next)
		index--;
	if (c == NULL)
		return 0;
	memset(ent, 0, sizeof(*ent));
	snprintf(ent->name, sizeof(ent->name), "%s", c->name);
	ent->type = c->type;
	ent->size = c->type == VFS_TYPE_DIR ? c->nchildren : (long)c->size;
	return 1;
}

/* Copy host file @src into vfs path @dst. */
static int
vfs_import_file(const char *src, const char *dst)
{
	char buf[65536];
	ssize_t n, put;
	int in, out, rc = 0;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = vfs_open(dst, VFS_O_WRONLY | VFS_O_CREAT | VFS_O_TRUNC, 0644);
	if (out < 0) {
		close(in);
		return out;
	}
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		put = vfs_write(out, buf, (size_t)n);
		if (put < 0) {
			rc = (int)put;
			break;
		}
	}
	vfs_close(out);
	close(in);
	return rc;
}

/* Create the folders leading to @path, as mkdir -p would. */
static int
vfs_mkdirs_for(const char *path)
{
	char dir[VFS_PATH_MAX];
	size_t n = strlen(path);
	int rc;

	if (n >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, path, n + 1);
	for (char *p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		rc = vfs_mkdir(dir, 0755);
		if (rc < 0 && rc != -EEXIST)
			return rc;
		*p = '/';
	}
	return 0;
}

/* Copy @n bytes from @in into vfs file @path; a short archive is -EIO. */
static int
vfs_import_bytes(int in, const char *path, long long n)
{
	char buf[65536];
	int out, rc = 0;

	out = vfs_open(path, VFS_O_WRONLY | VFS_O_CREAT | VFS_O_TRUNC, 0644);
	if (out < 0)
		return out;
	while (n > 0 && rc == 0) {
		size_t want =
			n < (long long)sizeof(buf) ? (size_t)n : sizeof(buf);
		ssize_t got = read(in, buf, want);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			rc = got < 0 ? -errno : -EIO;
		else if (vfs_write(out, buf, (size_t)got) != got)
			rc = -ENOSPC;
		else
			n -= got;
	}
	vfs_close(out);
	return rc;
}

/* Read exactly @len bytes (one archive block or its padding). */
static int
read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, (char *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += (size_t)n;
	}
	return 0;
}

/* An octal header field; -1 when it is not one. */
static long long
tar_number(const char *field, size_t len)
{
	long long v = 0;
	size_t i = 0;

	while (i < len && field[i] == ' ')
		i++;
	if (i == len || field[i] < '0' || field[i] > '7')
		return -1;
	for (; i < len && field[i] >= '0' && field[i] <= '7'; i++)
		v = v * 8 + (field[i] - '0');
	return v;
}

/*
 * Import a tar archive (POSIX ustar, with GNU long names) read from @fd:
 * its regular files and folders go under @dest; links, devices and
 * extended headers are skipped.  Returns the files copied or -errno.
 */
static int
vfs_import_tar(int fd, const char *dest)
{
	char hdr[512], longname[VFS_PATH_MAX] = "", name[VFS_PATH_MAX];
	char path[VFS_PATH_MAX];
	int rc, count = 0;

	for (;;) {
		long long size;
		const char *n;

		/* A file too short for a header is no archive. */
		if ((rc = read_full(fd, hdr, sizeof(hdr))) < 0)
			return rc == -EIO ? -EINVAL : rc;
		if (hdr[0] == '\0')
			return count; /* the zero block that ends the archive */
		size = tar_number(hdr + 124, 12);
		if (size < 0 || memcmp(hdr + 257, "ustar", 5) != 0)
			return -EINVAL;

		/* The name: a GNU long name, else prefix and name fields. */
		if (longname[0] != '\0') {
			snprintf(name, sizeof(name), "%s", longname);
			longname[0] = '\0';
		} else if (hdr[345] != '\0') {
			snprintf(name, sizeof(name), "%.155s/%.100s", hdr + 345,
				 hdr);
		} else {
			snprintf(name, sizeof(name), "%.100s", hdr);
		}
		for (n = name; n[0] == '.' && n[1] == '/';)
			n += 2;
		while (*n == '/')
			n++;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dest, n) >=
		    sizeof(path))
			return -ENAMETOOLONG;

		switch (hdr[156]) {
		case '0':
		case '\0':
			rc = vfs_mkdirs_for(path);
			if (rc == 0)
				rc = vfs_import_bytes(fd, path, size);
			count += rc == 0;
			break;
		case '5':
			rc = vfs_mkdirs_for(path);
			if (rc == 0 && *n != '\0')
				rc = vfs_mkdir(path, 0755);
			if (rc == -EEXIST)
				rc = 0;
			break;
		case 'L':
			if (size >= (long long)sizeof(longname))
				return -ENAMETOOLONG;
			rc = read_full(fd, longname, (size_t)size);
			longname[size] = '\0';
			break;
		default:
			/* Skipped entries still occupy their data blocks. */
			for (long long left = size; left > 0 && rc == 0;
			     left -= (long long)sizeof(hdr))
				rc = read_full(fd, hdr, sizeof(hdr));
			size = 0;
			break;
		}
		/* Data is padded to whole blocks. */
		if (rc == 0 && size % 512 != 0)
			rc = read_full(fd, hdr, (size_t)(512 - size % 512));
		if (rc < 0)
			return rc;
	}
}

/* Folders deeper than this are taken for a symbolic-link cycle. */
#define VFS_IMPORT_DEPTH 32

static int
vfs_import_dir(const char *hostdir, const char *dest, int depth)
{
	char src[VFS_PATH_MAX], dst[VFS_PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int rc, count = 0;

	if (depth > VFS_IMPORT_DEPTH)
		return -ELOOP;
	rc = vfs_mkdir(dest, 0755);
	if (rc < 0 && rc != -EEXIST)
		return rc;
	d = opendir(hostdir);
	if (d == NULL)
		return -errno;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(src, sizeof(src), "%s/%s", hostdir,
				     de->d_name) >= sizeof(src) ||
		    (size_t)snprintf(dst, sizeof(dst), "%s/%s", dest,
				     de->d_name) >= sizeof(dst)) {
			rc = -ENAMETOOLONG;
			break;
		}
		if (stat(src, &st) < 0) {
			rc = -errno;
			break;
		}
		if (S_ISDIR(st.st_mode))
			rc = vfs_import_dir(src, dst, depth + 1);
		else if (S_ISREG(st.st_mode))
			rc = vfs_import_file(src, dst);
		else
			continue;
		if (rc < 0)
			break;
		count += S_ISDIR(st.st_mode) ? rc : 1;
		rc = 0;
	}
	closedir(d);
	return rc < 0 ? rc : count;
}

int
vfs_import(const char *hostpath, const char *dest)
{
	struct stat st;
	int fd, rc;

	if (stat(hostpath, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return vfs_import_dir(hostpath, dest, 0);
	if (!S_ISREG(st.st_mode))
		return -EINVAL;

	/* A regular file is a tar archive of the content. */
	rc = vfs_mkdir(dest, 0755);
	if (rc < 0 && rc != -EEXIST)
		return rc;
	fd = open(hostpath, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = vfs_import_tar(fd, dest);
	close(fd);
	return rc;
}
