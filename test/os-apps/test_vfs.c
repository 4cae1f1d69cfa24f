/*
 * Unit tests of vfs and its in-memory file system: files, offsets, holes,
 * truncation, folders, unlink while open, errors and host import.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../os/lib/vfs/ramfs.c"
#include "../../os/lib/vfs/vfs.c"

static void
test_write_read_seek(void **state)
{
	char buf[32];
	int fd;

	(void)state;
	fd = vfs_open("/f1", VFS_O_RDWR | VFS_O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(vfs_write(fd, "hello world", 11), 11);
	assert_int_equal(vfs_lseek(fd, 0, VFS_SEEK_SET), 0);
	assert_int_equal(vfs_read(fd, buf, 5), 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(vfs_lseek(fd, -5, VFS_SEEK_END), 6);
	assert_int_equal(vfs_read(fd, buf, sizeof(buf)), 5);
	assert_memory_equal(buf, "world", 5);
	assert_int_equal(vfs_read(fd, buf, sizeof(buf)), 0);
	assert_int_equal(vfs_pread(fd, buf, 3, 4), 3);
	assert_memory_equal(buf, "o w", 3);
	assert_int_equal(vfs_lseek(fd, -100, VFS_SEEK_CUR), -EINVAL);
	assert_int_equal(vfs_close(fd), 0);
	assert_int_equal(vfs_close(fd), -EBADF);
}

static void
test_holes_and_truncate(void **state)
{
	struct vfs_stat st;
	char buf[16];
	int fd;

	(void)state;
	fd = vfs_open("/f2", VFS_O_RDWR | VFS_O_CREAT, 0600);
	assert_int_equal(vfs_pwrite(fd, "x", 1, 10000), 1);
	assert_int_equal(vfs_fstat(fd, &st), 0);
	assert_int_equal(st.size, 10001);
	assert_int_equal(st.type, VFS_TYPE_FILE);
	assert_int_equal(vfs_pread(fd, buf, 4, 500), 4);
	assert_memory_equal(buf, "\0\0\0\0", 4);
	assert_int_equal(vfs_ftruncate(fd, 3), 0);
	assert_int_equal(vfs_stat("/f2", &st), 0);
	assert_int_equal(st.size, 3);
	assert_int_equal(vfs_ftruncate(fd, 8), 0);
	assert_int_equal(vfs_pread(fd, buf, 16, 0), 8);
	assert_memory_equal(buf, "\0\0\0\0\0\0\0\0", 8);
	assert_int_equal(vfs_truncate("/f2", 0), 0);
	assert_int_equal(vfs_fsync(fd), 0);
	assert_int_equal(vfs_close(fd), 0);
}

static void
test_flags(void **state)
{
	char buf[8];
	int fd, fd2;

	(void)state;
	fd = vfs_open("/f3", VFS_O_WRONLY | VFS_O_CREAT | VFS_O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(
		vfs_open("/f3", VFS_O_RDONLY | VFS_O_CREAT | VFS_O_EXCL, 0),
		-EEXIST);
	assert_int_equal(vfs_read(fd, buf, 1), -EBADF);
	assert_int_equal(vfs_write(fd, "abc", 3), 3);
	vfs_close(fd);

	fd = vfs_open("/f3", VFS_O_WRONLY | VFS_O_APPEND, 0);
	assert_int_equal(vfs_write(fd, "de", 2), 2);
	vfs_close(fd);
	fd = vfs_open("/f3", VFS_O_RDONLY, 0);
	assert_int_equal(vfs_read(fd, buf, 8), 5);
	assert_memory_equal(buf, "abcde", 5);
	assert_int_equal(vfs_write(fd, "x", 1), -EBADF);
	fd2 = vfs_open("/f3", VFS_O_RDWR | VFS_O_TRUNC, 0);
	assert_int_equal(vfs_pread(fd, buf, 8, 0), 0);
	vfs_close(fd);
	vfs_close(fd2);
	assert_int_equal(vfs_open("/missing", VFS_O_RDONLY, 0), -ENOENT);
	assert_int_equal(vfs_open("/f3/x", VFS_O_RDONLY, 0), -ENOTDIR);
}

static void
test_unlink_while_open(void **state)
{
	struct vfs_stat st;
	char buf[4];
	int fd;

	(void)state;
	fd = vfs_open("/gone", VFS_O_RDWR | VFS_O_CREAT, 0600);
	assert_int_equal(vfs_write(fd, "data", 4), 4);
	assert_int_equal(vfs_unlink("/gone"), 0);
	assert_int_equal(vfs_stat("/gone", &st), -ENOENT);
	assert_int_equal(vfs_pread(fd, buf, 4, 0), 4);
	assert_memory_equal(buf, "data", 4);
	assert_int_equal(vfs_close(fd), 0);
	assert_int_equal(vfs_unlink("/gone"), -ENOENT);
}

static void
test_folders(void **state)
{
	struct vfs_dirent ent;
	struct vfs_stat st;
	int fd;

	(void)state;
	assert_int_equal(vfs_mkdir("/d", 0755), 0);
	assert_int_equal(vfs_mkdir("/d", 0755), -EEXIST);
	assert_int_equal(vfs_mkdir("/d/e", 0755), 0);
	fd = vfs_open("/d/e/../file", VFS_O_WRONLY | VFS_O_CREAT, 0644);
	assert_true(fd >= 0);
	vfs_close(fd);
	assert_int_equal(vfs_stat("/d/./file", &st), 0);
	assert_int_equal(vfs_stat("d//e", &st), 0);
	assert_int_equal(st.type, VFS_TYPE_DIR);
	assert_int_equal(vfs_readdir("/d", 0, &ent), 1);
	assert_string_equal(ent.name, "e");
	assert_int_equal(ent.type, VFS_TYPE_DIR);
	assert_int_equal(vfs_readdir("/d", 1, &ent), 1);
	assert_string_equal(ent.name, "file");
	assert_int_equal(vfs_readdir("/d", 2, &ent), 0);
	assert_int_equal(vfs_rmdir("/d"), -ENOTEMPTY);
	assert_int_equal(vfs_unlink("/d"), -EISDIR);
	assert_int_equal(vfs_open("/d", VFS_O_RDWR, 0), -EISDIR);
	assert_int_equal(vfs_unlink("/d/file"), 0);
	assert_int_equal(vfs_rmdir("/d/e"), 0);
	assert_int_equal(vfs_rmdir("/d"), 0);
	assert_int_equal(vfs_rmdir("/"), -EBUSY);
}

static void
test_many_descriptors(void **state)
{
	int fds[100], i;

	(void)state;
	for (i = 0; i < 100; i++) {
		fds[i] = vfs_open("/many", VFS_O_RDWR | VFS_O_CREAT, 0600);
		assert_true(fds[i] >= 0);
	}
	for (i = 0; i < 100; i++)
		assert_int_equal(vfs_close(fds[i]), 0);
	assert_int_equal(vfs_unlink("/many"), 0);
}

static void
test_import(void **state)
{
	char path[512], buf[128];
	struct vfs_stat st;
	int n, fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/os/apps/httpd/content", FX_SRCDIR);
	n = vfs_import(path, "/www");
	assert_true(n >= 5);
	assert_int_equal(vfs_stat("/www/docs/4k.txt", &st), 0);
	assert_int_equal(st.size, 4096);
	fd = vfs_open("/www/index.html", VFS_O_RDONLY, 0);
	assert_true(fd >= 0);
	assert_true(vfs_read(fd, buf, sizeof(buf)) > 15);
	assert_memory_equal(buf, "<!DOCTYPE html>", 15);
	vfs_close(fd);
	assert_int_equal(vfs_import("/nonexistent-folder", "/x"), -ENOENT);
}

/* Whether vfs file @path holds exactly the bytes of host file @host. */
static int
same_bytes(const char *path, const char *host)
{
	char a[65536], b[65536];
	FILE *f = fopen(host, "rb");
	size_t nb = f != NULL ? fread(b, 1, sizeof(b), f) : 0;
	int fd = vfs_open(path, VFS_O_RDONLY, 0);
	ssize_t na = fd >= 0 ? vfs_read(fd, a, sizeof(a)) : -1;

	if (f != NULL)
		fclose(f);
	if (fd >= 0)
		vfs_close(fd);
	return f != NULL && na == (ssize_t)nb && memcmp(a, b, nb) == 0;
}

static void
test_import_tar(void **state)
{
	char dir[] = "/tmp/fxvfs.XXXXXX", cmd[1024], path[512], host[512];
	const char *deep = "a-folder-name-long-enough/to-push-the-whole-path/"
			   "past-the-hundred-bytes-a-tar-header-holds/"
			   "in-its-name-field";
	struct vfs_stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));

	/* Content with a long path, a link to skip, and an empty folder. */
	snprintf(cmd, sizeof(cmd),
		 "set -e; cd %s; mkdir -p src/%s src/empty; "
		 "printf 'deep file\\n' > src/%s/leaf.txt; "
		 "head -c 3000 /dev/urandom > src/noise.bin; "
		 "ln -s noise.bin src/link; "
		 "tar -C src -cf content.tar .; "
		 "tar -C src --format=gnu -cf gnu.tar .; "
		 "echo 'not an archive at all' > junk.txt",
		 dir, deep, deep);
	assert_int_equal(system(cmd), 0);

	snprintf(path, sizeof(path), "%s/content.tar", dir);
	assert_int_equal(vfs_import(path, "/tar"), 2);
	snprintf(host, sizeof(host), "%s/src/noise.bin", dir);
	assert_true(same_bytes("/tar/noise.bin", host));
	snprintf(path, sizeof(path), "/tar/%s/leaf.txt", deep);
	snprintf(host, sizeof(host), "%s/src/%s/leaf.txt", dir, deep);
	assert_true(same_bytes(path, host));
	assert_int_equal(vfs_stat("/tar/empty", &st), 0);
	assert_int_equal(vfs_stat("/tar/link", &st), -ENOENT);

	/* GNU tar's own long-name records read the same. */
	snprintf(path, sizeof(path), "%s/gnu.tar", dir);
	assert_int_equal(vfs_import(path, "/gnu"), 2);
	snprintf(path, sizeof(path), "/gnu/%s/leaf.txt", deep);
	assert_true(same_bytes(path, host));

	/* A file that is no archive, and a folder that is a link cycle. */
	snprintf(path, sizeof(path), "%s/junk.txt", dir);
	assert_int_equal(vfs_import(path, "/junk"), -EINVAL);
	snprintf(cmd, sizeof(cmd), "ln -s . %s/src/empty/loop", dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/src", dir);
	assert_int_equal(vfs_import(path, "/cycle"), -ELOOP);

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_read_seek),
		cmocka_unit_test(test_holes_and_truncate),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_unlink_while_open),
		cmocka_unit_test(test_folders),
		cmocka_unit_test(test_many_descriptors),
		cmocka_unit_test(test_import),
		cmocka_unit_test(test_import_tar),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
