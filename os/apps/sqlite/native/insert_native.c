/*
 * The sqlite application's workload as a plain Linux program: the same
 * workload_run() on SQLite's default VFS and the host's file system, the
 * reference `make bench` compares the image with.
 *
 *   insert_native [--inserts=N] [--dir=DIR]
 *
 * DIR defaults to /dev/shm (memory, like the image's vfs) when it exists,
 * else $TMPDIR or /tmp.  The database file is removed afterwards.
 */
#include "workload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *
native_dir(const char *given)
{
	struct stat st;
	const char *t;

	if (given != NULL)
		return given;
	if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
	    access("/dev/shm", W_OK) == 0)
		return "/dev/shm";
	t = getenv("TMPDIR");
	return t != NULL ? t : "/tmp";
}

int
main(int argc, char **argv)
{
	struct workload_result res;
	const char *dir = NULL;
	char path[4096], journal[4200];
	long n = 5000;
	char *end;
	int i;

	for (i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--inserts=", 10) == 0) {
			n = strtol(argv[i] + 10, &end, 10);
			if (*end != '\0' || n < 0) {
				fprintf(stderr,
					"insert_native: bad --inserts "
					"'%s'\n",
					argv[i] + 10);
				return 2;
			}
		} else if (strncmp(argv[i], "--dir=", 6) == 0) {
			dir = argv[i] + 6;
		} else {
			fprintf(stderr, "usage: insert_native [--inserts=N] "
					"[--dir=DIR]\n");
			return 2;
		}
	}
	snprintf(path, sizeof(path), "%s/fx-insert-%ld.db", native_dir(dir),
		 (long)getpid());
	snprintf(journal, sizeof(journal), "%s-journal", path);
	if (workload_run(path, NULL, n, &res) < 0) {
		unlink(path);
		unlink(journal);
		return 1;
	}
	unlink(path);
	unlink(journal);
	printf("inserts=%ld\nseconds=%.6f\nrate=%.0f\nrows=%ld\n", res.inserts,
	       res.seconds,
	       res.seconds > 0 ? (double)res.inserts / res.seconds : 0.0,
	       res.rows);
	return res.rows == res.inserts ? 0 : 1;
}
