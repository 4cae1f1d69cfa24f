/*
 * A stand-in image for testing the benchmark machinery: it takes the
 * options real images take and misbehaves on request.
 *
 *   fake_image --port=N --host=ADDR --proto=http|resp [--fault=F]
 *   fake_image --inserts=N [--fault=F]         (a workload, like sqlite)
 *
 * Faults:
 *   crash        die of SIGSEGV before printing "ready"
 *   hang         never print "ready" (a workload: never exit)
 *   wrong        answer, but wrongly (HTTP: other bytes; RESP: GET gives
 *                another value; workload: rows != inserts)
 *   crash-load   answer well, then after 200 requests report a fault in
 *                compartment 'net' on stderr and die of SIGSEGV
 *   stop-load    answer well, then after 200 requests stop answering
 *   fork-daemon  start a grandchild that leaves the process group, then
 *                serve normally (it must still be stopped)
 * Without a fault it serves correctly (HTTP: files of --content=DIR; RESP:
 * PING, SET, GET, CONFIG).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAXC 128

static const char *fault = "";
static const char *content = ".";
static long served;
static char kv_key[256], kv_val[256];

struct conn {
	int fd;
	char buf[16384];
	size_t len;
};

static const char *
opt(int argc, char **argv, const char *name)
{
	size_t n = strlen(name);

	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], name, n) == 0 && argv[i][n] == '=')
			return argv[i] + n + 1;
	return NULL;
}

static void
send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* Count one answered request; misbehave when the fault says so. */
static void
count_request(void)
{
	if (++served < 200)
		return;
	if (strcmp(fault, "crash-load") == 0) {
		fprintf(stderr, "fake: compartment 'net' stopped by SIGSEGV: "
				"read at 0x0\n");
		raise(SIGSEGV);
	}
	if (strcmp(fault, "stop-load") == 0)
		for (;;)
			pause();
}

/* One HTTP request at the front of c->buf, if complete. */
static int
http_one(struct conn *c)
{
	char *end = strstr(c->buf, "\r\n\r\n"), path[512], file[1024];
	char head[256], *body = NULL;
	size_t used, blen = 0;
	FILE *f;

	if (end == NULL)
		return 0;
	used = (size_t)(end + 4 - c->buf);
	if (sscanf(c->buf, "GET %511s", path) != 1)
		strcpy(path, "/");
	if (strcmp(path, "/") == 0)
		strcpy(path, "/index.html");
	snprintf(file, sizeof(file), "%s%s", content, path);
	if ((f = fopen(file, "rb")) != NULL) {
		body = malloc(1 << 20);
		blen = fread(body, 1, 1 << 20, f);
		fclose(f);
	}
	if (strcmp(fault, "wrong") == 0 && body != NULL)
		blen = (size_t)snprintf(body, 1 << 20, "not what you asked\n");
	/* One send: a header and a body apart would meet Nagle's delay. */
	snprintf(head, sizeof(head),
		 "HTTP/1.1 %s\r\nContent-Length: %zu\r\n\r\n",
		 body ? "200 OK" : "404 Not Found", blen);
	{
		size_t hlen = strlen(head);
		char *msg = malloc(hlen + blen + 1);

		memcpy(msg, head, hlen);
		if (blen > 0)
			memcpy(msg + hlen, body, blen);
		send_all(c->fd, msg, hlen + blen);
		free(msg);
	}
	free(body);
	memmove(c->buf, c->buf + used, c->len - used + 1);
	c->len -= used;
	count_request();
	return 1;
}

/* Parse one RESP array of bulk strings; returns words or 0 if partial. */
static int
resp_parse(const char *p, const char *end, char words[][256], int max,
	   size_t *used)
{
	const char *start = p;
	long n, len;
	int i;

	if (p >= end || *p != '*')
		return 0;
	n = strtol(p + 1, NULL, 10);
	if ((p = memchr(p, '\n', (size_t)(end - p))) == NULL)
		return 0;
	p++;
	for (i = 0; i < n; i++) {
		if (p >= end || *p != '$')
			return 0;
		len = strtol(p + 1, NULL, 10);
		if ((p = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return 0;
		p++;
		if (end - p < len + 2)
			return 0;
		if (i < max)
			snprintf(words[i], 256, "%.*s", (int)len, p);
		p += len + 2;
	}
	*used = (size_t)(p - start);
	return (int)n;
}

static int
resp_one(struct conn *c)
{
	char w[4][256], out[600];
	size_t used;
	int n = resp_parse(c->buf, c->buf + c->len, w, 4, &used);

	if (n <= 0)
		return 0;
	if (strcasecmp(w[0], "PING") == 0) {
		snprintf(out, sizeof(out), "+PONG\r\n");
	} else if (strcasecmp(w[0], "SET") == 0 && n >= 3) {
		snprintf(kv_key, sizeof(kv_key), "%s", w[1]);
		snprintf(kv_val, sizeof(kv_val), "%s", w[2]);
		snprintf(out, sizeof(out), "+OK\r\n");
	} else if (strcasecmp(w[0], "GET") == 0 && n >= 2) {
		const char *v = strcmp(w[1], kv_key) == 0 ? kv_val : NULL;

		if (strcmp(fault, "wrong") == 0)
			v = "garbage";
		if (v == NULL)
			snprintf(out, sizeof(out), "$-1\r\n");
		else
			snprintf(out, sizeof(out), "$%zu\r\n%s\r\n", strlen(v),
				 v);
	} else {
		snprintf(out, sizeof(out), "-ERR unknown command\r\n");
	}
	send_all(c->fd, out, strlen(out));
	memmove(c->buf, c->buf + used, c->len - used + 1);
	c->len -= used;
	count_request();
	return 1;
}

static int
listen_on(const char *host, int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	sa.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, host, &sa.sin_addr);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(fd, 128) != 0) {
		perror("fake: listen");
		exit(1);
	}
	getsockname(fd, (struct sockaddr *)&sa, &len);
	return fd;
}

static void __attribute__((noreturn))
serve(const char *host, int port, int http)
{
	static struct conn conns[MAXC];
	struct pollfd fds[MAXC + 1];
	int lfd = listen_on(host, port), n;

	for (int i = 0; i < MAXC; i++)
		conns[i].fd = -1;
	printf("ready port=%d\n", port);
	fflush(stdout);
	for (;;) {
		fds[0] = (struct pollfd){lfd, POLLIN, 0};
		for (int i = 0; i < MAXC; i++)
			fds[i + 1] = (struct pollfd){conns[i].fd, POLLIN, 0};
		if (poll(fds, MAXC + 1, -1) < 0)
			continue;
		if (fds[0].revents & POLLIN) {
			int fd = accept(lfd, NULL, NULL);

			for (int i = 0; fd >= 0 && i < MAXC; i++)
				if (conns[i].fd < 0) {
					conns[i].fd = fd, conns[i].len = 0;
					fd = -1;
				}
			if (fd >= 0)
				close(fd);
		}
		for (int i = 0; i < MAXC; i++) {
			struct conn *c = &conns[i];

			if (c->fd < 0 || !fds[i + 1].revents)
				continue;
			n = (int)recv(c->fd, c->buf + c->len,
				      sizeof(c->buf) - 1 - c->len, 0);
			if (n <= 0) {
				close(c->fd);
				c->fd = -1;
				continue;
			}
			c->len += (size_t)n;
			c->buf[c->len] = '\0';
			while (http ? http_one(c) : resp_one(c))
				;
		}
	}
}

static int
workload(long inserts)
{
	struct timespec t = {0, 20 * 1000 * 1000};

	if (strcmp(fault, "hang") == 0)
		for (;;)
			pause();
	nanosleep(&t, NULL);
	printf("inserts=%ld\nseconds=0.020000\nrate=%ld\nrows=%ld\n", inserts,
	       inserts * 50,
	       strcmp(fault, "wrong") == 0 ? inserts - 1 : inserts);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *port = opt(argc, argv, "--port");
	const char *host = opt(argc, argv, "--host");
	const char *proto = opt(argc, argv, "--proto");
	const char *v;

	if ((v = opt(argc, argv, "--fault")) != NULL)
		fault = v;
	if ((v = opt(argc, argv, "--content")) != NULL)
		content = v;
	if (strcmp(fault, "crash") == 0) {
		fprintf(stderr, "fake: crashing at start as asked\n");
		raise(SIGSEGV);
	}
	if (strcmp(fault, "fork-daemon") == 0 && fork() == 0) {
		/* A grandchild that leaves the group, as daemons do. */
		setsid();
		if (fork() == 0)
			for (;;)
				pause();
		_exit(0);
	}
	if (port == NULL)
		return workload(
			atol((v = opt(argc, argv, "--inserts")) ? v : "1000"));
	if (strcmp(fault, "hang") == 0)
		for (;;)
			pause();
	serve(host ? host : "127.0.0.1", atoi(port),
	      proto == NULL || strcmp(proto, "http") == 0);
}
