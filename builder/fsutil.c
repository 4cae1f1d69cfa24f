/*
 * Atomic writes and copies, tree removal.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/util.h"
#include "fsutil.h"

static int
write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A temporary name beside @path, unique to this process. */
static char *
temp_name(const char *path)
{
	static unsigned counter;

	return xasprintf("%s.tmp.%ld.%u", path, (long)getpid(), counter++);
}

static int
finish(int fd, char *tmp, const char *path, int failed)
{
	int e = errno;

	if (close(fd) != 0 && !failed) {
		failed = 1;
		e = errno;
	}
	if (!failed && rename(tmp, path) != 0) {
		failed = 1;
		e = errno;
	}
	if (failed)
		unlink(tmp);
	free(tmp);
	errno = e;
	return failed ? -1 : 0;
}

int
fs_write_atomic(const char *path, const void *data, size_t len)
{
	char *tmp = temp_name(path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (fd < 0) {
		int e = errno;

		free(tmp);
		errno = e;
		return -1;
	}
	return finish(fd, tmp, path, write_all(fd, data, len) != 0);
}

int
fs_copy_atomic(const char *src, const char *dst)
{
	char buf[65536];
	char *tmp;
	int in, out, failed = 0;
	ssize_t n;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	tmp = temp_name(dst);
	out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out < 0) {
		int e = errno;

		close(in);
		free(tmp);
		errno = e;
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write_all(out, buf, (size_t)n) != 0) {
			failed = 1;
			break;
		}
	}
	if (failed) {
		int e = errno;

		close(in);
		errno = e;
	} else {
		close(in);
	}
	return finish(out, tmp, dst, failed);
}

static int
remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int
fs_remove_tree(const char *path)
{
	if (!fs_exists(path))
		return 0;
	return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int
fs_exists(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0;
}
