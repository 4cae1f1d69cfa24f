/*
 * Probes: is the server there, and does it answer right?  HTTP through
 * libcurl, RESP (the Redis protocol) over a plain socket.
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "../util/util.h"
#include "internal.h"

#define PROBE_TIMEOUT_MS 2000

static size_t
collect(char *data, size_t size, size_t n, void *user)
{
	struct strbuf *sb = user;

	if (sb->len < (64u << 20))
		sb_add(sb, data, size * n);
	return size * n;
}

long
bench_http_get(const char *host, int port, const char *path,
	       struct strbuf *body, char *err, size_t errlen)
{
	static int initialized;
	char url[512], cerr[CURL_ERROR_SIZE] = "";
	CURL *c;
	CURLcode rc;
	long code = -1;

	if (!initialized) {
		curl_global_init(CURL_GLOBAL_NOTHING);
		initialized = 1;
	}
	snprintf(url, sizeof(url), "http://%s:%d%s", host, port, path);
	if ((c = curl_easy_init()) == NULL) {
		snprintf(err, errlen, "libcurl cannot start");
		return -1;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 1000L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)PROBE_TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	else
		snprintf(err, errlen, "GET %s: %s", url,
			 cerr[0] ? cerr : curl_easy_strerror(rc));
	curl_easy_cleanup(c);
	return code;
}

/* A connected TCP socket with send and receive timeouts, or -1. */
static int
dial(const char *host, int port, char *err, size_t errlen)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	struct timeval tv = {PROBE_TIMEOUT_MS / 1000, 0};
	int fd;

	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		snprintf(err, errlen, "'%s' is not an IPv4 address", host);
		return -1;
	}
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		snprintf(err, errlen, "connect to %s:%d: %s", host, port,
			 strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Whether @r holds one whole RESP reply (not an array). */
static int
resp_complete(const struct strbuf *r)
{
	const char *eol = strstr(r->buf, "\r\n");
	long n;

	if (eol == NULL)
		return 0;
	if (r->buf[0] != '$')
		return 1;
	n = strtol(r->buf + 1, NULL, 10);
	if (n < 0)
		return 1;
	return r->len >= (size_t)(eol + 2 - r->buf) + (size_t)n + 2;
}

int
bench_resp_command(const char *host, int port, const char *const *argv,
		   int argc, struct strbuf *reply, char *err, size_t errlen)
{
	struct strbuf req;
	char buf[4096];
	ssize_t n;
	size_t off = 0;
	int fd, rc = -1;

	if ((fd = dial(host, port, err, errlen)) < 0)
		return -1;
	sb_init(&req);
	sb_addf(&req, "*%d\r\n", argc);
	for (int i = 0; i < argc; i++)
		sb_addf(&req, "$%zu\r\n%s\r\n", strlen(argv[i]), argv[i]);
	while (off < req.len) {
		n = send(fd, req.buf + off, req.len - off, MSG_NOSIGNAL);
		if (n <= 0) {
			snprintf(err, errlen, "send %s: %s", argv[0],
				 n < 0 ? strerror(errno) : "closed");
			goto out;
		}
		off += (size_t)n;
	}
	sb_reset(reply);
	while (!resp_complete(reply)) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n <= 0) {
			snprintf(err, errlen, "%s: %s", argv[0],
				 n < 0 ? (errno == EAGAIN ? "no reply in time"
							  : strerror(errno))
				       : "connection closed before a reply");
			goto out;
		}
		if (reply->len > (1u << 20)) {
			snprintf(err, errlen, "%s: reply too long", argv[0]);
			goto out;
		}
		sb_add(reply, buf, (size_t)n);
	}
	rc = 0;
out:
	sb_free(&req);
	close(fd);
	return rc;
}

int
bench_probe_ready(enum bdef_protocol proto, const char *host, int port,
		  const char *path)
{
	struct strbuf sb;
	char err[256];
	int ok = 0;

	sb_init(&sb);
	if (proto == BDEF_PROTO_HTTP) {
		ok = bench_http_get(host, port, path, &sb, err, sizeof(err)) >
		     0;
	} else if (proto == BDEF_PROTO_RESP) {
		const char *ping[] = {"PING"};

		ok = bench_resp_command(host, port, ping, 1, &sb, err,
					sizeof(err)) == 0 &&
		     strncmp(sb.buf, "+PONG\r\n", 7) == 0;
	}
	sb_free(&sb);
	return ok;
}
