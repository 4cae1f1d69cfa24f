/*
 * httpparser: the HTTP/1.x request parser of httpd, a component of its
 * own so that it can be isolated and hardened apart from the server.
 *
 * It reads one request head from a byte buffer and reports what the server
 * needs: method, decoded and normalised path, version, whether the
 * connection stays open and how long a body follows.  It never allocates
 * and never keeps state between calls.  The result holds no pointers, so
 * it crosses a gate as a plain copy.
 */
#ifndef HTTPPARSER_H
#define HTTPPARSER_H

#include <stddef.h>

#define HTTP_PATH_MAX 1024    /* longest request target: longer is 414 */
#define HTTP_HEAD_MAX 8192    /* longest request head: longer is 413 */
#define HTTP_BODY_MAX 1048576 /* largest body a request may announce */

enum http_method {
	HTTP_M_NONE,
	HTTP_M_GET,
	HTTP_M_HEAD,
	HTTP_M_OTHER, /* a well-formed method this server does not allow */
};

struct http_request {
	int status;	/* 0 when valid, else the error status to answer */
	int method;	/* enum http_method */
	int minor;	/* the x in HTTP/1.x */
	int keep_alive; /* 1 when the connection may serve another request */
	long head_len;	/* bytes of the head, final blank line included */
	long body_len;	/* bytes of body that follow the head (to skip) */
	char path[HTTP_PATH_MAX + 1]; /* decoded, "." and ".." resolved,
					 query dropped, always starts '/' */
};

/**
 * Parse the request at the start of the @len bytes at @buf.
 *
 * Returns 0 when the head is not complete yet (read more and call again),
 * or 1 when @req is filled in.  Then req->status is 0 for a request to
 * serve, or the status to answer: 400 (malformed), 405 (method other than
 * GET and HEAD), 413 (head or announced body too large), 414 (target too
 * long), 505 (an HTTP major version other than 1).  After an error other
 * than 405 the server should close the connection: req->keep_alive is 0.
 * A head longer than HTTP_HEAD_MAX is reported as soon as that many bytes
 * have come without its end.
 */
int httpparser_parse(const char *buf, size_t len, struct http_request *req);

#endif /* HTTPPARSER_H */
