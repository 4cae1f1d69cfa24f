/*
 * Compiler identity, with its --version answer kept on disk.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ccid.h"
#include "fsutil.h"
#include "proc.h"

static void
fill_from_text(struct cc_ident *id)
{
	struct sha256 s;
	size_t n = strcspn(id->full, "\n");

	id->version = xstrndup(id->full, n);
	sha256_init(&s);
	sha256_field(&s, id->path);
	sha256_field(&s, id->full);
	sha256_final_hex(&s, id->key);
}

static int
ask_version(struct cc_ident *id, char *msg, size_t msglen)
{
	char *argv[] = {id->path, "--version", NULL};
	struct proc_opts o;
	struct proc_status st;
	struct strbuf out, err;

	sb_init(&out);
	sb_init(&err);
	proc_opts_init(&o);
	o.out = &out;
	o.err = &err;
	o.null_stdin = 1;
	o.timeout = 30;
	if (proc_run(argv, &o, &st) != 0 || out.len == 0) {
		snprintf(msg, msglen, "compiler '%s' does not answer --version",
			 id->path);
		sb_free(&out);
		sb_free(&err);
		return -1;
	}
	sb_free(&err);
	id->full = sb_detach(&out);
	return 0;
}

int
cc_ident_get(const char *cc, const char *cachedir, struct cc_ident *id,
	     char *msg, size_t msglen)
{
	struct stat sb;
	struct sha256 s;
	char stamp[SHA256_HEX_LEN + 1];
	char *found, *file = NULL;

	memset(id, 0, sizeof(*id));
	found = proc_which(cc);
	if (found == NULL) {
		snprintf(msg, msglen, "compiler '%s' not found in PATH", cc);
		return -1;
	}
	id->name = xstrdup(cc);
	id->path = realpath(found, NULL);
	free(found);
	if (id->path == NULL || stat(id->path, &sb) != 0) {
		snprintf(msg, msglen, "cannot resolve compiler '%s': %s", cc,
			 strerror(errno));
		cc_ident_free(id);
		return -1;
	}

	/* The binary as it is now names the remembered answer. */
	sha256_init(&s);
	sha256_field(&s, id->path);
	sha256_update(&s, &sb.st_size, sizeof(sb.st_size));
	sha256_update(&s, &sb.st_ino, sizeof(sb.st_ino));
	sha256_update(&s, &sb.st_mtim, sizeof(sb.st_mtim));
	sha256_final_hex(&s, stamp);
	if (cachedir != NULL) {
		file = xasprintf("%s/%.32s", cachedir, stamp);
		id->full = fx_read_file(file, NULL);
	}

	if (id->full == NULL) {
		if (ask_version(id, msg, msglen) != 0) {
			free(file);
			cc_ident_free(id);
			return -1;
		}
		if (file != NULL && fx_mkdirs(cachedir, 0755) == 0)
			fs_write_atomic(file, id->full, strlen(id->full));
	}
	free(file);
	fill_from_text(id);
	return 0;
}

void
cc_ident_free(struct cc_ident *id)
{
	free(id->name);
	free(id->path);
	free(id->version);
	free(id->full);
	memset(id, 0, sizeof(*id));
}
