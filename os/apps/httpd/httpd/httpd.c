/*
 * httpd: one single-threaded event loop over net_wait().
 *
 * Each connection has an input buffer that holds whole request heads and
 * an output buffer that responses are written into; several pipelined
 * requests are answered with one send.  A file that does not fit into the
 * output buffer is streamed through it chunk by chunk, and reading more
 * requests waits until it is out.  Files are opened, read and closed
 * through vfs on every request; nothing is cached here.
 */
#include "httpd.h"

#include "httpparser.h"
#include "net.h"
#include "plat.h"
#include "vfs.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HTTPD_IN_SIZE (2 * HTTP_HEAD_MAX)
#define HTTPD_OUT_SIZE 65536
#define HTTPD_HEAD_ROOM 512 /* the most a response head takes */
#define HTTPD_EVENTS 128

struct conn {
	int fd;
	int closing;  /* close once the output is sent */
	int interest; /* NET_* bits last given to net_watch() */
	int file;     /* vfs descriptor being streamed, or -1 */
	long file_off, file_left;
	long skip;     /* request body bytes still to discard */
	uint64_t seen; /* plat_time_ns() of the last bytes received */
	size_t in_len;
	size_t out_off, out_len;
	char in[HTTPD_IN_SIZE];
	char out[HTTPD_OUT_SIZE];
};

static struct conn **httpd_conns; /* indexed by socket */
static size_t httpd_nconns;
static int httpd_lfd = -1;     /* the listening socket */
static int httpd_paused;       /* accepting paused: out of descriptors */
static uint64_t httpd_idle_ns; /* close connections silent this long */
static char httpd_date[64];
static time_t httpd_date_at;

static const struct {
	const char *ext;
	const char *type;
} httpd_types[] = {
	{"html", "text/html; charset=utf-8"},
	{"htm", "text/html; charset=utf-8"},
	{"css", "text/css"},
	{"js", "text/javascript"},
	{"json", "application/json"},
	{"txt", "text/plain; charset=utf-8"},
	{"svg", "image/svg+xml"},
	{"png", "image/png"},
	{"jpg", "image/jpeg"},
	{"jpeg", "image/jpeg"},
	{"gif", "image/gif"},
	{"ico", "image/x-icon"},
	{"pdf", "application/pdf"},
};

static const char *
httpd_type(const char *path)
{
	const char *dot = strrchr(path, '.');
	size_t i;

	if (dot == NULL || strchr(dot, '/') != NULL)
		return "application/octet-stream";
	for (i = 0; i < sizeof(httpd_types) / sizeof(httpd_types[0]); i++)
		if (strcasecmp(dot + 1, httpd_types[i].ext) == 0)
			return httpd_types[i].type;
	return "application/octet-stream";
}

static const char *
httpd_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 400:
		return "Bad Request";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 413:
		return "Content Too Large";
	case 414:
		return "URI Too Long";
	case 505:
		return "HTTP Version Not Supported";
	default:
		return "Internal Server Error";
	}
}

/* The Date header's value, formatted again only when the second turns. */
static const char *
httpd_now(void)
{
	time_t now = time(NULL);
	struct tm tm;

	if (now != httpd_date_at) {
		gmtime_r(&now, &tm);
		strftime(httpd_date, sizeof(httpd_date),
			 "%a, %d %b %Y %H:%M:%S GMT", &tm);
		httpd_date_at = now;
	}
	return httpd_date;
}

/* Append a response head to the output buffer (HTTPD_HEAD_ROOM free). */
static void
httpd_head(struct conn *c, int status, const char *type, long length,
	   int keep_alive)
{
	int n;

	n = snprintf(c->out + c->out_len, HTTPD_OUT_SIZE - c->out_len,
		     "HTTP/1.1 %d %s\r\n"
		     "Server: flexexplore-httpd\r\n"
		     "Date: %s\r\n"
		     "Content-Type: %s\r\n"
		     "Content-Length: %ld\r\n"
		     "%s"
		     "Connection: %s\r\n\r\n",
		     status, httpd_reason(status), httpd_now(), type, length,
		     status == 405 ? "Allow: GET, HEAD\r\n" : "",
		     keep_alive ? "keep-alive" : "close");
	c->out_len += (size_t)n;
}

static void
httpd_error(struct conn *c, int status, int head_only, int keep_alive)
{
	char body[128];
	int n;

	n = snprintf(body, sizeof(body),
		     "<!DOCTYPE html>\n<html><body><h1>%d %s</h1></body>"
		     "</html>\n",
		     status, httpd_reason(status));
	httpd_head(c, status, "text/html; charset=utf-8", n, keep_alive);
	if (!head_only) {
		memcpy(c->out + c->out_len, body, (size_t)n);
		c->out_len += (size_t)n;
	}
	if (!keep_alive)
		c->closing = 1;
}

/*
 * Open the file a request path names: the path itself, or its index.html
 * when it names a folder (then @idx holds that path).  Returns a vfs
 * descriptor (with @st filled in) or a negative errno.
 */
static int
httpd_open(const char *path, struct vfs_stat *st, char *idx, size_t idxlen)
{
	size_t len = strlen(path);
	int fd, rc;

	if (path[len - 1] != '/') {
		fd = vfs_open(path, VFS_O_RDONLY, 0);
		if (fd < 0)
			return fd;
		rc = vfs_fstat(fd, st);
		if (rc == 0 && st->type == VFS_TYPE_FILE)
			return fd;
		vfs_close(fd);
		if (rc < 0)
			return rc;
	}
	snprintf(idx, idxlen, "%s%sindex.html", path,
		 path[len - 1] == '/' ? "" : "/");
	fd = vfs_open(idx, VFS_O_RDONLY, 0);
	if (fd < 0)
		return fd;
	rc = vfs_fstat(fd, st);
	if (rc == 0 && st->type == VFS_TYPE_FILE)
		return fd;
	vfs_close(fd);
	return rc < 0 ? rc : -ENOENT;
}

/* Answer one parsed request into the output buffer. */
static void
httpd_respond(struct conn *c, const struct http_request *req)
{
	int head_only = req->method == HTTP_M_HEAD;
	char idx[HTTP_PATH_MAX + 16] = "";
	struct vfs_stat st;
	size_t room;
	ssize_t n;
	int fd, missing;

	if (req->status != 0) {
		httpd_error(c, req->status, head_only, req->keep_alive);
		return;
	}
	fd = httpd_open(req->path, &st, idx, sizeof(idx));
	if (fd < 0) {
		missing =
			fd == -ENOENT || fd == -ENOTDIR || fd == -ENAMETOOLONG;
		httpd_error(c, missing ? 404 : 500, head_only, req->keep_alive);
		return;
	}
	httpd_head(c, 200, httpd_type(idx[0] ? idx : req->path), st.size,
		   req->keep_alive);
	if (!req->keep_alive)
		c->closing = 1;
	if (head_only || st.size == 0) {
		vfs_close(fd);
		return;
	}

	/* A body that fits goes out with the head; a larger one streams. */
	room = HTTPD_OUT_SIZE - c->out_len;
	if ((size_t)st.size <= room) {
		n = vfs_pread(fd, c->out + c->out_len, (size_t)st.size, 0);
		vfs_close(fd);
		if (n != st.size) {
			plat_warn("short read of '%s'", req->path);
			c->closing = 1;
			return;
		}
		c->out_len += (size_t)n;
		return;
	}
	c->file = fd;
	c->file_off = 0;
	c->file_left = st.size;
}

/*
 * Parse and answer the requests waiting in the input buffer.  Returns 1
 * when it stopped for lack of output room (call again once the output is
 * sent), 0 when it needs more input.
 */
static int
httpd_process(struct conn *c)
{
	struct http_request req;
	size_t used = 0, n;
	int blocked = 0;

	while (used < c->in_len && !c->closing) {
		if (c->file >= 0 ||
		    HTTPD_OUT_SIZE - c->out_len < HTTPD_HEAD_ROOM + 128) {
			blocked = 1;
			break;
		}
		if (c->skip > 0) {
			n = c->in_len - used;
			if ((long)n > c->skip)
				n = (size_t)c->skip;
			c->skip -= (long)n;
			used += n;
			continue;
		}
		/* The parser reads no further than a head's limit. */
		n = c->in_len - used;
		if (n > HTTP_HEAD_MAX)
			n = HTTP_HEAD_MAX;
		if (httpparser_parse(c->in + used, n, &req) == 0)
			break;
		used += (size_t)req.head_len;
		c->skip = req.body_len;
		httpd_respond(c, &req);
	}

	if (c->closing)
		used = c->in_len;
	if (used > 0) {
		memmove(c->in, c->in + used, c->in_len - used);
		c->in_len -= used;
	}
	return blocked;
}

/* Refill the drained output buffer from the file being streamed. */
static int
httpd_refill(struct conn *c)
{
	size_t want = HTTPD_OUT_SIZE;
	ssize_t n;

	if ((long)want > c->file_left)
		want = (size_t)c->file_left;
	n = vfs_pread(c->file, c->out, want, c->file_off);
	if (n <= 0)
		return -1;
	c->out_off = 0;
	c->out_len = (size_t)n;
	c->file_off += n;
	c->file_left -= n;
	if (c->file_left == 0) {
		vfs_close(c->file);
		c->file = -1;
	}
	return 0;
}

/*
 * Send what the output holds (and what a streamed file still has).
 * Returns 1 when all is out, 0 when the socket is full, -1 on error.
 */
static int
httpd_flush(struct conn *c)
{
	ssize_t n;

	for (;;) {
		if (c->out_off == c->out_len) {
			c->out_off = c->out_len = 0;
			if (c->file < 0)
				return 1;
			if (httpd_refill(c) < 0)
				return -1;
		}
		n = net_send(c->fd, c->out + c->out_off,
			     c->out_len - c->out_off);
		if (n == -EAGAIN)
			return 0;
		if (n < 0)
			return -1;
		c->out_off += (size_t)n;
	}
}

static void
httpd_close(struct conn *c)
{
	if (c->file >= 0)
		vfs_close(c->file);
	net_close(c->fd);
	httpd_conns[c->fd] = NULL;
	free(c);
	if (httpd_paused && net_watch(httpd_lfd, NET_READ) == 0)
		httpd_paused = 0;
}

static int
httpd_watch(struct conn *c, int events)
{
	if (c->interest == events)
		return 0;
	c->interest = events;
	return net_watch(c->fd, events);
}

/* Answer what can be answered, send it, and pick what to wait for. */
static void
httpd_run(struct conn *c)
{
	int rc, blocked;

	for (;;) {
		blocked = httpd_process(c);
		rc = httpd_flush(c);
		if (rc < 0 || (rc == 1 && c->closing)) {
			httpd_close(c);
			return;
		}
		if (rc == 0) {
			/* Hold further requests until the client reads. */
			if (httpd_watch(c, NET_WRITE) < 0)
				httpd_close(c);
			return;
		}
		if (!blocked)
			break;
	}
	if (httpd_watch(c, NET_READ) < 0)
		httpd_close(c);
}

static void
httpd_readable(struct conn *c)
{
	ssize_t n;

	n = net_recv(c->fd, c->in + c->in_len, HTTPD_IN_SIZE - c->in_len);
	if (n == -EAGAIN)
		return;
	if (n <= 0) {
		httpd_close(c);
		return;
	}
	c->in_len += (size_t)n;
	c->seen = plat_time_ns();
	httpd_run(c);
}

/*
 * Close connections that sent nothing for the idle timeout while no
 * response was on its way to them, so that clients that open connections
 * and go quiet cannot hold the server's memory forever.
 */
static void
httpd_sweep(uint64_t now)
{
	size_t fd;

	for (fd = 0; fd < httpd_nconns; fd++) {
		struct conn *c = httpd_conns[fd];

		if (c != NULL && c->interest == NET_READ &&
		    now - c->seen > httpd_idle_ns)
			httpd_close(c);
	}
}

static int
httpd_add(int fd)
{
	struct conn **p, *c;
	size_t n;

	if ((size_t)fd >= httpd_nconns) {
		n = httpd_nconns ? httpd_nconns : 256;
		while (n <= (size_t)fd)
			n *= 2;
		p = realloc(httpd_conns, n * sizeof(*p));
		if (p == NULL)
			return -ENOMEM;
		memset(p + httpd_nconns, 0, (n - httpd_nconns) * sizeof(*p));
		httpd_conns = p;
		httpd_nconns = n;
	}
	c = malloc(sizeof(*c));
	if (c == NULL)
		return -ENOMEM;
	c->fd = fd;
	c->closing = 0;
	c->interest = 0;
	c->file = -1;
	c->file_off = c->file_left = c->skip = 0;
	c->in_len = c->out_off = c->out_len = 0;
	c->seen = plat_time_ns();
	httpd_conns[fd] = c;
	if (httpd_watch(c, NET_READ) < 0) {
		httpd_close(c);
		return -ENOMEM;
	}
	return 0;
}

static void
httpd_accept(int lfd)
{
	int fd, i;

	for (i = 0; i < 64; i++) {
		fd = net_accept(lfd);
		if (fd == -EAGAIN)
			return;

		/* Out of descriptors: stop listening until one is closed,
		 * rather than being woken for the same failure again. */
		if (fd == -EMFILE || fd == -ENFILE) {
			plat_warn("accept failed: %s; pausing until a "
				  "connection closes",
				  strerror(-fd));
			if (net_watch(lfd, 0) == 0)
				httpd_paused = 1;
			return;
		}
		if (fd < 0) {
			plat_warn("accept failed: %s", strerror(-fd));
			return;
		}
		if (httpd_add(fd) < 0) {
			plat_warn("out of memory for a connection");
			net_close(fd);
		}
	}
}

/* Copy the web root into vfs; 0 or -1 (logged). */
static int
httpd_load_content(void)
{
	char dflt[4096];
	const char *dir = plat_option("content");
	int n;

	if (dir == NULL || dir[0] == '\0') {
		snprintf(dflt, sizeof(dflt), "%s/content", plat_app_dir());
		dir = dflt;
	}
	n = vfs_import(dir, "/");
	if (n < 0) {
		plat_err("cannot load content from '%s': %s", dir,
			 strerror(-n));
		return -1;
	}
	plat_info("loaded %d files from '%s'", n, dir);
	return 0;
}

int
httpd_main(void)
{
	struct net_event ev[HTTPD_EVENTS];
	const char *host = plat_option("host");
	long port = plat_option_long("port", 8080);
	long idle = plat_option_long("idle-timeout", 60);
	uint64_t swept = plat_time_ns(), now;
	int lfd, n, i;

	if (httpd_load_content() < 0)
		return 1;
	lfd = net_listen(host, (int)port);
	if (lfd < 0) {
		plat_err("cannot listen on port %ld: %s", port, strerror(-lfd));
		return 1;
	}
	if (net_watch(lfd, NET_READ) < 0)
		return 1;
	httpd_lfd = lfd;
	httpd_idle_ns = (uint64_t)(idle > 0 ? idle : 1) * 1000000000u;
	plat_ready(net_local_port(lfd));

	for (;;) {
		n = net_wait(ev, HTTPD_EVENTS, 1000);
		if (n < 0) {
			plat_err("wait failed: %s", strerror(-n));
			return 1;
		}
		now = plat_time_ns();
		if (now - swept >= 1000000000u) {
			httpd_sweep(now);
			swept = now;
		}
		for (i = 0; i < n; i++) {
			int fd = ev[i].fd;
			struct conn *c;

			if (fd == lfd) {
				httpd_accept(lfd);
				continue;
			}
			c = (size_t)fd < httpd_nconns ? httpd_conns[fd] : NULL;
			if (c == NULL)
				continue;
			if (ev[i].events & NET_READ)
				httpd_readable(c);
			else if (ev[i].events & NET_WRITE)
				httpd_run(c);
			else if (ev[i].events & NET_HUP)
				httpd_close(c);
		}
	}
}
