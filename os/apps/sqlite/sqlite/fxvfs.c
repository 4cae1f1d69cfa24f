/*
 * fxvfs: SQLite's file interface mapped onto vfs calls.  One process uses
 * the database, so locks always succeed; fsync is passed on, and vfs
 * decides what durability means.  SQLite's negative-errno-free world
 * meets vfs's negative errno here and nowhere else.
 */
#include "fxvfs.h"

#include "plat.h"
#include "vfs.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

struct fxvfs_file {
	sqlite3_file base;
	int fd;
};

static int
fxvfs_close(sqlite3_file *f)
{
	struct fxvfs_file *ff = (struct fxvfs_file *)f;

	return vfs_close(ff->fd) < 0 ? SQLITE_IOERR_CLOSE : SQLITE_OK;
}

static int
fxvfs_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
	struct fxvfs_file *ff = (struct fxvfs_file *)f;
	ssize_t n;

	n = vfs_pread(ff->fd, buf, (size_t)amt, (long)off);
	if (n < 0)
		return SQLITE_IOERR_READ;
	if (n < amt) {
		/* SQLite requires the missing part zeroed. */
		memset((char *)buf + n, 0, (size_t)(amt - n));
		return SQLITE_IOERR_SHORT_READ;
	}
	return SQLITE_OK;
}

static int
fxvfs_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off)
{
	struct fxvfs_file *ff = (struct fxvfs_file *)f;
	ssize_t n;

	n = vfs_pwrite(ff->fd, buf, (size_t)amt, (long)off);
	if (n == -ENOMEM)
		return SQLITE_FULL;
	return n != amt ? SQLITE_IOERR_WRITE : SQLITE_OK;
}

static int
fxvfs_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	struct fxvfs_file *ff = (struct fxvfs_file *)f;

	return vfs_ftruncate(ff->fd, (long)size) < 0 ? SQLITE_IOERR_TRUNCATE
						     : SQLITE_OK;
}

static int
fxvfs_sync(sqlite3_file *f, int flags)
{
	struct fxvfs_file *ff = (struct fxvfs_file *)f;

	(void)flags;
	return vfs_fsync(ff->fd) < 0 ? SQLITE_IOERR_FSYNC : SQLITE_OK;
}

static int
fxvfs_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	struct fxvfs_file *ff = (struct fxvfs_file *)f;
	struct vfs_stat st;

	if (vfs_fstat(ff->fd, &st) < 0)
		return SQLITE_IOERR_FSTAT;
	*size = st.size;
	return SQLITE_OK;
}

static int
fxvfs_lock(sqlite3_file *f, int level)
{
	(void)f;
	(void)level;
	return SQLITE_OK;
}

static int
fxvfs_check_reserved(sqlite3_file *f, int *out)
{
	(void)f;
	*out = 0;
	return SQLITE_OK;
}

static int
fxvfs_file_control(sqlite3_file *f, int op, void *arg)
{
	(void)f;
	(void)op;
	(void)arg;
	return SQLITE_NOTFOUND;
}

static int
fxvfs_sector_size(sqlite3_file *f)
{
	(void)f;
	return 4096;
}

static int
fxvfs_device_characteristics(sqlite3_file *f)
{
	(void)f;
	return 0;
}

static const sqlite3_io_methods fxvfs_io = {
	.iVersion = 1,
	.xClose = fxvfs_close,
	.xRead = fxvfs_read,
	.xWrite = fxvfs_write,
	.xTruncate = fxvfs_truncate,
	.xSync = fxvfs_sync,
	.xFileSize = fxvfs_file_size,
	.xLock = fxvfs_lock,
	.xUnlock = fxvfs_lock,
	.xCheckReservedLock = fxvfs_check_reserved,
	.xFileControl = fxvfs_file_control,
	.xSectorSize = fxvfs_sector_size,
	.xDeviceCharacteristics = fxvfs_device_characteristics,
};

static int
fxvfs_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
	   int *out_flags)
{
	struct fxvfs_file *ff = (struct fxvfs_file *)f;
	char tmp[64];
	static unsigned long fxvfs_ntemp;
	int vflags, fd;

	(void)vfs;
	f->pMethods = NULL;

	/* SQLite passes no name for temporary files: invent one. */
	if (name == NULL) {
		snprintf(tmp, sizeof(tmp), "/sqlite-temp-%lu", ++fxvfs_ntemp);
		name = tmp;
	}
	vflags = flags & SQLITE_OPEN_READWRITE ? VFS_O_RDWR : VFS_O_RDONLY;
	if (flags & SQLITE_OPEN_CREATE)
		vflags |= VFS_O_CREAT;
	if (flags & SQLITE_OPEN_EXCLUSIVE)
		vflags |= VFS_O_EXCL;
	fd = vfs_open(name, vflags, 0644);
	if (fd < 0)
		return SQLITE_CANTOPEN;

	/* A file SQLite wants gone on close can go now: vfs keeps it open. */
	if (flags & SQLITE_OPEN_DELETEONCLOSE)
		vfs_unlink(name);
	ff->fd = fd;
	f->pMethods = &fxvfs_io;
	if (out_flags != NULL)
		*out_flags = flags;
	return SQLITE_OK;
}

static int
fxvfs_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	int rc;

	(void)vfs;
	(void)sync_dir;
	rc = vfs_unlink(name);
	if (rc == -ENOENT)
		return SQLITE_IOERR_DELETE_NOENT;
	return rc < 0 ? SQLITE_IOERR_DELETE : SQLITE_OK;
}

static int
fxvfs_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	struct vfs_stat st;

	(void)vfs;
	(void)flags;
	*out = vfs_stat(name, &st) == 0;
	return SQLITE_OK;
}

static int
fxvfs_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	int len;

	(void)vfs;
	len = snprintf(out, (size_t)n, "%s%s", name[0] == '/' ? "" : "/", name);
	return len < 0 || len >= n ? SQLITE_CANTOPEN : SQLITE_OK;
}

/* Randomness for temporary names: a generator seeded from the clock. */
static int
fxvfs_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	static uint64_t x;
	int i;

	(void)vfs;
	if (x == 0)
		x = plat_time_ns() | 1;
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		out[i] = (char)x;
	}
	return n;
}

static int
fxvfs_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	plat_sleep_ns((uint64_t)us * 1000u);
	return us;
}

static int
fxvfs_current_time(sqlite3_vfs *vfs, double *out)
{
	sqlite3_vfs *dflt = sqlite3_vfs_find(NULL);

	(void)vfs;
	return dflt->xCurrentTime(dflt, out);
}

static int
fxvfs_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	if (n > 0)
		out[0] = '\0';
	return 0;
}

static sqlite3_vfs fxvfs = {
	.iVersion = 1,
	.szOsFile = sizeof(struct fxvfs_file),
	.mxPathname = VFS_PATH_MAX,
	.zName = FXVFS_NAME,
	.xOpen = fxvfs_open,
	.xDelete = fxvfs_delete,
	.xAccess = fxvfs_access,
	.xFullPathname = fxvfs_full_pathname,
	.xRandomness = fxvfs_randomness,
	.xSleep = fxvfs_sleep,
	.xCurrentTime = fxvfs_current_time,
	.xGetLastError = fxvfs_last_error,
};

int
fxvfs_register(void)
{
	return sqlite3_vfs_register(&fxvfs, 0);
}
