/*
 * kvstore: the server loop.  Each connection reads into a growing input
 * buffer; every complete command in it is executed and its reply appended
 * to the output buffer, so a pipeline of N commands costs one receive and
 * one send.  A protocol error gets an error reply and closes the
 * connection once the reply is out, as Redis does.
 */
#include "kvstore.h"

#include "kvdata.h"
#include "kvstore_int.h"
#include "net.h"
#include "plat.h"
#include "resp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KV_IN_MIN 16384
#define KV_IN_MAX (4 * RESP_BULK_MAX) /* a command's largest size */
#define KV_OUT_MIN 16384
#define KV_OUT_HIGH (1 << 20) /* stop executing above this, until sent */
#define KV_EVENTS 128
#define KV_PARSE_WINDOW 4096 /* bytes resp sees of a buffer at first */

static struct kv_conn **kv_conns; /* indexed by socket */
static size_t kv_nconns;
static int kv_lfd = -1; /* the listening socket */
static int kv_paused;	/* accepting paused: out of descriptors */

int
kv_reserve(struct kv_conn *c, size_t n)
{
	size_t cap = c->out_cap ? c->out_cap : KV_OUT_MIN;
	char *p;

	if (c->out_len + n <= c->out_cap)
		return 0;
	while (cap < c->out_len + n)
		cap *= 2;
	p = realloc(c->out, cap);
	if (p == NULL) {
		c->closing = 1;
		return -1;
	}
	c->out = p;
	c->out_cap = cap;
	return 0;
}

static void
kv_error(struct kv_conn *c, const char *msg)
{
	size_t need = strlen(msg) + 3;

	if (kv_reserve(c, need) == 0)
		c->out_len += (size_t)resp_encode_line(c->out + c->out_len,
						       need, RESP_ERROR, msg);
}

/*
 * Parse the command at @buf.  resp first sees at most KV_PARSE_WINDOW
 * bytes, and all @len only when the command is longer: a gate copies
 * every byte it is given, and a pipeline leaves many commands behind the
 * first.
 */
static int
kv_parse(const char *buf, size_t len, struct resp_command *cmd)
{
	size_t win = len < KV_PARSE_WINDOW ? len : KV_PARSE_WINDOW;
	int rc = resp_parse(buf, win, cmd);

	if (rc == 0 && win < len)
		rc = resp_parse(buf, len, cmd);
	return rc;
}

/*
 * Execute the complete commands in the input buffer.  Returns 1 when it
 * stopped because the output is full (call again once it is sent).
 */
static int
kv_process(struct kv_conn *c)
{
	struct resp_command cmd;
	struct kv_call call = {c, NULL, &cmd};
	size_t used = 0;
	int blocked = 0;

	while (used < c->in_len && !c->closing) {
		if (c->out_len >= KV_OUT_HIGH) {
			blocked = 1;
			break;
		}
		if (kv_parse(c->in + used, c->in_len - used, &cmd) == 0)
			break;
		switch (cmd.status) {
		case RESP_OK:
			call.buf = c->in + used;
			kv_execute(&call);
			break;
		case RESP_ETOOMANY:
			kv_error(c, "ERR too many arguments");
			break;
		case RESP_ETOOLARGE:
			kv_error(c, "ERR Protocol error: invalid bulk length");
			c->closing = 1;
			break;
		default:
			kv_error(c, "ERR Protocol error: malformed request");
			c->closing = 1;
			break;
		}
		used += (size_t)cmd.len;
	}

	if (c->closing)
		used = c->in_len;
	if (used > 0) {
		memmove(c->in, c->in + used, c->in_len - used);
		c->in_len -= used;
	}
	return blocked;
}

/* 1 when everything is sent, 0 when the socket is full, -1 on error. */
static int
kv_flush(struct kv_conn *c)
{
	ssize_t n;

	while (c->out_off < c->out_len) {
		n = net_send(c->fd, c->out + c->out_off,
			     c->out_len - c->out_off);
		if (n == -EAGAIN)
			return 0;
		if (n < 0)
			return -1;
		c->out_off += (size_t)n;
	}
	c->out_off = c->out_len = 0;

	/* Give back what a large reply made the buffer grow to. */
	if (c->out_cap > KV_OUT_HIGH) {
		free(c->out);
		c->out = NULL;
		c->out_cap = 0;
	}
	return 1;
}

static void
kv_close(struct kv_conn *c)
{
	net_close(c->fd);
	kv_conns[c->fd] = NULL;
	free(c->in);
	free(c->out);
	free(c);
	if (kv_paused && net_watch(kv_lfd, NET_READ) == 0)
		kv_paused = 0;
}

static int
kv_watch(struct kv_conn *c, int events)
{
	if (c->interest == events)
		return 0;
	c->interest = events;
	return net_watch(c->fd, events);
}

/* Execute, send, pick what to wait for; -1 when @c was closed. */
static int
kv_run(struct kv_conn *c)
{
	int rc, blocked;

	for (;;) {
		blocked = kv_process(c);
		rc = kv_flush(c);
		if (rc < 0 || (rc == 1 && c->closing))
			goto err_close;
		if (rc == 0) {
			if (kv_watch(c, NET_WRITE) < 0)
				goto err_close;
			return 0;
		}
		if (!blocked)
			break;
	}
	if (kv_watch(c, NET_READ) < 0)
		goto err_close;
	return 0;

err_close:
	kv_close(c);
	return -1;
}

static void
kv_readable(struct kv_conn *c)
{
	size_t cap;
	ssize_t n;
	char *p;

	/* A full buffer holding no complete command grows, up to a cap. */
	if (c->in_len == c->in_cap) {
		if (c->in_cap >= KV_IN_MAX) {
			kv_close(c);
			return;
		}
		cap = c->in_cap * 2;
		p = realloc(c->in, cap);
		if (p == NULL) {
			kv_close(c);
			return;
		}
		c->in = p;
		c->in_cap = cap;
	}
	n = net_recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
	if (n == -EAGAIN)
		return;
	if (n <= 0) {
		kv_close(c);
		return;
	}
	c->in_len += (size_t)n;
	if (kv_run(c) < 0)
		return;

	/* Shrink an input buffer that a large command made grow. */
	if (c->in_len == 0 && c->in_cap > KV_IN_MIN) {
		p = realloc(c->in, KV_IN_MIN);
		if (p != NULL) {
			c->in = p;
			c->in_cap = KV_IN_MIN;
		}
	}
}

static int
kv_add(int fd)
{
	struct kv_conn **p, *c;
	size_t n;

	if ((size_t)fd >= kv_nconns) {
		n = kv_nconns ? kv_nconns : 256;
		while (n <= (size_t)fd)
			n *= 2;
		p = realloc(kv_conns, n * sizeof(*p));
		if (p == NULL)
			return -ENOMEM;
		memset(p + kv_nconns, 0, (n - kv_nconns) * sizeof(*p));
		kv_conns = p;
		kv_nconns = n;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -ENOMEM;
	c->in = malloc(KV_IN_MIN);
	if (c->in == NULL) {
		free(c);
		return -ENOMEM;
	}
	c->in_cap = KV_IN_MIN;
	c->fd = fd;
	kv_conns[fd] = c;
	if (kv_watch(c, NET_READ) < 0) {
		kv_close(c);
		return -ENOMEM;
	}
	return 0;
}

static void
kv_accept(int lfd)
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
				kv_paused = 1;
			return;
		}
		if (fd < 0) {
			plat_warn("accept failed: %s", strerror(-fd));
			return;
		}
		if (kv_add(fd) < 0) {
			plat_warn("out of memory for a connection");
			net_close(fd);
		}
	}
}

/*
 * The default key space: @n keys named as redis-benchmark names them with
 * -r ("key:" and 12 digits), each holding its number in decimal.
 */
static int
kv_preload(long n)
{
	char key[32], val[24];
	int klen, vlen;
	long i;

	for (i = 0; i < n; i++) {
		klen = snprintf(key, sizeof(key), "key:%012ld", i);
		vlen = snprintf(val, sizeof(val), "%ld", i);
		if (kvdata_set(key, (size_t)klen, val, (size_t)vlen) < 0) {
			plat_err("out of memory after %ld of %ld keys", i, n);
			return -1;
		}
	}
	return 0;
}

int
kvstore_main(void)
{
	struct net_event ev[KV_EVENTS];
	const char *host = plat_option("host");
	long port = plat_option_long("port", 6379);
	long keys = plat_option_long("keys", 1000);
	int lfd, n, i;

	if (keys < 0) {
		plat_err("--keys must not be negative");
		return 2;
	}
	if (kv_preload(keys) < 0)
		return 1;
	lfd = net_listen(host, (int)port);
	if (lfd < 0) {
		plat_err("cannot listen on port %ld: %s", port, strerror(-lfd));
		return 1;
	}
	if (net_watch(lfd, NET_READ) < 0)
		return 1;
	kv_lfd = lfd;
	plat_ready(net_local_port(lfd));

	for (;;) {
		n = net_wait(ev, KV_EVENTS, -1);
		if (n < 0) {
			plat_err("wait failed: %s", strerror(-n));
			return 1;
		}
		for (i = 0; i < n; i++) {
			int fd = ev[i].fd;
			struct kv_conn *c;

			if (fd == lfd) {
				kv_accept(lfd);
				continue;
			}
			c = (size_t)fd < kv_nconns ? kv_conns[fd] : NULL;
			if (c == NULL)
				continue;
			if (ev[i].events & NET_READ)
				kv_readable(c);
			else if (ev[i].events & NET_WRITE)
				kv_run(c);
			else if (ev[i].events & NET_HUP)
				kv_close(c);
		}
	}
}
