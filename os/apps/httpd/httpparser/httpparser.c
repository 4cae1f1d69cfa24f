/*
 * httpparser: a strict reader of HTTP/1.x request heads (request line and
 * header fields).  Lines end in CRLF or a bare LF.  Anything it does not
 * understand is a 400, never a guess.
 */
#include "httpparser.h"

#include <string.h>

/* One line of the head: [p, p + len), without its line ending. */
struct hp_line {
	const char *p;
	size_t len;
};

/* Characters allowed in a token (method, header name). */
static int
hp_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int
hp_hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Case-insensitive comparison of [p, p + len) with the string @s. */
static int
hp_ieq(const char *p, size_t len, const char *s)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char a = (unsigned char)p[i], b = (unsigned char)s[i];

		if (b == '\0')
			return 0;
		if (a >= 'A' && a <= 'Z')
			a += 'a' - 'A';
		if (a != b)
			return 0;
	}
	return s[len] == '\0';
}

/*
 * The next line starting at *@pos, below @end.  Returns 1 and moves *@pos
 * past the line ending, or 0 when no line ending is there.
 */
static int
hp_next_line(const char *buf, size_t end, size_t *pos, struct hp_line *line)
{
	const char *nl = memchr(buf + *pos, '\n', end - *pos);
	size_t len;

	if (nl == NULL)
		return 0;
	len = (size_t)(nl - (buf + *pos));
	line->p = buf + *pos;
	line->len = len > 0 && line->p[len - 1] == '\r' ? len - 1 : len;
	*pos += len + 1;
	return 1;
}

/*
 * Append the @n bytes at @s to the decoded path at @out (@olen used),
 * resolving "." and ".." segments as they complete.  The caller keeps the
 * path starting with '/'.  Returns 0, or 400 when ".." climbs above the
 * root.
 */
static int
hp_path_segment(char *out, size_t *olen, const char *s, size_t n)
{
	if (n == 0 || (n == 1 && s[0] == '.'))
		return 0;
	if (n == 2 && s[0] == '.' && s[1] == '.') {
		if (*olen <= 1)
			return 400;
		/* Drop the last segment and its leading '/'. */
		while (*olen > 0 && out[*olen - 1] != '/')
			(*olen)--;
		if (*olen > 1)
			(*olen)--;
		out[*olen] = '\0';
		return 0;
	}
	if (*olen > 1)
		out[(*olen)++] = '/';
	memcpy(out + *olen, s, n);
	*olen += n;
	out[*olen] = '\0';
	return 0;
}

/*
 * Decode the origin-form target [t, t + n) into req->path: percent
 * escapes decoded, query and fragment dropped, empty, "." and ".."
 * segments resolved.  A trailing '/' is kept, so that a folder request
 * stays recognisable.  Returns 0 or an error status.
 */
static int
hp_decode_path(const char *t, size_t n, struct http_request *req)
{
	char seg[HTTP_PATH_MAX + 1];
	size_t i, slen = 0, olen = 1;
	int rc;

	req->path[0] = '/';
	req->path[1] = '\0';
	for (i = 1; i <= n; i++) {
		unsigned char c = i < n ? (unsigned char)t[i] : '/';
		int hi, lo;

		if (i < n && (c == '?' || c == '#')) {
			n = i;
			c = '/';
		}
		if (c == '/') {
			rc = hp_path_segment(req->path, &olen, seg, slen);
			if (rc != 0)
				return rc;
			slen = 0;
			if (i == n)
				break;
			continue;
		}
		if (c == '%') {
			if (i + 2 >= n)
				return 400;
			hi = hp_hex((unsigned char)t[i + 1]);
			lo = hp_hex((unsigned char)t[i + 2]);
			if (hi < 0 || lo < 0)
				return 400;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
			/* A decoded '/' or NUL would change what names what. */
			if (c == '\0' || c == '/')
				return 400;
		} else if (c <= ' ' || c >= 0x7f) {
			return 400;
		}
		seg[slen++] = (char)c;
	}

	/* Keep a trailing '/' of a folder request ("/docs/"). */
	if (n > 1 && t[n - 1] == '/' && olen > 1) {
		req->path[olen++] = '/';
		req->path[olen] = '\0';
	}
	return 0;
}

/* Parse the request line into @req; returns 0 or an error status. */
static int
hp_request_line(const struct hp_line *l, struct http_request *req)
{
	const char *p = l->p, *end = l->p + l->len, *m, *t, *v;
	size_t mlen, tlen;

	/* Method. */
	for (m = p; p < end && hp_tchar((unsigned char)*p); p++)
		;
	mlen = (size_t)(p - m);
	if (mlen == 0 || p == end || *p != ' ')
		return 400;
	if (mlen == 3 && memcmp(m, "GET", 3) == 0)
		req->method = HTTP_M_GET;
	else if (mlen == 4 && memcmp(m, "HEAD", 4) == 0)
		req->method = HTTP_M_HEAD;
	else
		req->method = HTTP_M_OTHER;

	/* Target: origin form, or absolute form reduced to its path. */
	for (t = ++p; p < end && *p != ' '; p++)
		;
	tlen = (size_t)(p - t);
	if (tlen == 0 || p == end)
		return 400;
	if (tlen > 7 && hp_ieq(t, 7, "http://")) {
		const char *slash = memchr(t + 7, '/', tlen - 7);

		if (slash == NULL)
			return 400;
		tlen -= (size_t)(slash - t);
		t = slash;
	}
	if (t[0] != '/')
		return 400;
	if (tlen > HTTP_PATH_MAX)
		return 414;

	/* Version: HTTP/DIGIT.DIGIT and nothing after it. */
	v = ++p;
	if (end - v != 8 || memcmp(v, "HTTP/", 5) != 0 || v[6] != '.' ||
	    v[5] < '0' || v[5] > '9' || v[7] < '0' || v[7] > '9')
		return 400;
	if (v[5] != '1')
		return 505;
	req->minor = v[7] - '0';
	req->keep_alive = req->minor >= 1;
	if (req->method == HTTP_M_OTHER)
		return 405;
	return hp_decode_path(t, tlen, req);
}

/* Parse a decimal Content-Length value; -1 when it is not one. */
static long
hp_length(const char *p, size_t n)
{
	long v = 0;
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		if (v > (HTTP_BODY_MAX * 10L))
			return HTTP_BODY_MAX + 1L;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/* Apply a Connection header's comma-separated options. */
static void
hp_connection(const char *p, size_t n, struct http_request *req)
{
	size_t i = 0, s, e;

	while (i < n) {
		while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == ','))
			i++;
		for (s = i; i < n && p[i] != ','; i++)
			;
		for (e = i; e > s && (p[e - 1] == ' ' || p[e - 1] == '\t');)
			e--;
		if (hp_ieq(p + s, e - s, "close"))
			req->keep_alive = 0;
		else if (hp_ieq(p + s, e - s, "keep-alive"))
			req->keep_alive = 1;
	}
}

/* Parse one header field line; @hosts counts Host fields.  0 or status. */
static int
hp_header(const struct hp_line *l, struct http_request *req, int *hosts)
{
	const char *p = l->p, *end = l->p + l->len, *name, *val;
	size_t nlen, vlen;
	long cl;

	for (name = p; p < end && hp_tchar((unsigned char)*p); p++)
		;
	nlen = (size_t)(p - name);
	if (nlen == 0 || p == end || *p != ':')
		return 400;
	for (p++; p < end && (*p == ' ' || *p == '\t'); p++)
		;
	val = p;
	for (p = end; p > val && (p[-1] == ' ' || p[-1] == '\t'); p--)
		;
	vlen = (size_t)(p - val);
	for (p = val; p < val + vlen; p++)
		if ((unsigned char)*p < ' ' && *p != '\t')
			return 400;

	if (hp_ieq(name, nlen, "host")) {
		(*hosts)++;
	} else if (hp_ieq(name, nlen, "connection")) {
		hp_connection(val, vlen, req);
	} else if (hp_ieq(name, nlen, "content-length")) {
		cl = hp_length(val, vlen);
		if (cl < 0 || (req->body_len >= 0 && req->body_len != cl))
			return 400;
		if (cl > HTTP_BODY_MAX)
			return 413;
		req->body_len = cl;
	} else if (hp_ieq(name, nlen, "transfer-encoding")) {
		/* Request bodies are only skipped: chunked ones cannot be. */
		return 400;
	}
	return 0;
}

static int
hp_fail(struct http_request *req, int status)
{
	req->status = status;
	req->keep_alive = status == 405 ? req->keep_alive : 0;
	return 1;
}

int
httpparser_parse(const char *buf, size_t len, struct http_request *req)
{
	struct hp_line line;
	size_t pos = 0, end = len < HTTP_HEAD_MAX ? len : HTTP_HEAD_MAX;
	int rc, hosts = 0, refused = 0;

	memset(req, 0, sizeof(*req));
	req->body_len = -1;
	req->path[0] = '/';

	/* Empty lines before a request are allowed and skipped. */
	while (pos < end && (buf[pos] == '\r' || buf[pos] == '\n'))
		pos++;

	if (!hp_next_line(buf, end, &pos, &line)) {
		if (len < HTTP_HEAD_MAX)
			return 0;
		return hp_fail(req, end - pos > HTTP_PATH_MAX ? 414 : 413);
	}
	rc = hp_request_line(&line, req);

	/* After a 405 the head is still read: its body must be skipped. */
	if (rc == 405) {
		rc = 0;
		refused = 1;
	}

	/* Header fields, up to the blank line. */
	for (;;) {
		if (!hp_next_line(buf, end, &pos, &line)) {
			if (len < HTTP_HEAD_MAX)
				return 0;
			return hp_fail(req, 413);
		}
		if (line.len == 0)
			break;
		if (rc != 0)
			continue;
		if (line.p[0] == ' ' || line.p[0] == '\t')
			rc = 400; /* obsolete line folding */
		else
			rc = hp_header(&line, req, &hosts);
	}

	req->head_len = (long)pos;
	if (req->body_len < 0)
		req->body_len = 0;
	if (rc == 0 && req->minor >= 1 && hosts != 1)
		rc = 400;
	if (rc == 0 && hosts > 1)
		rc = 400;
	if (rc == 0 && refused)
		rc = 405;
	if (rc != 0)
		return hp_fail(req, rc);
	return 1;
}
