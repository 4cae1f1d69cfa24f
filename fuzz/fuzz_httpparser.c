/*
 * libFuzzer target for httpd's request parser.  Besides what ASan and
 * UBSan catch, it checks the parser's promises: a known status, a path
 * that starts with '/' and never climbs with "..", lengths within the
 * input, and that pipelined requests parse one after another.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "httpparser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_request(const struct http_request *req, size_t size)
{
	size_t n = strnlen(req->path, sizeof(req->path));

	switch (req->status) {
	case 0:
	case 400:
	case 405:
	case 413:
	case 414:
	case 505:
		break;
	default:
		abort();
	}
	if (req->status != 0 && req->status != 405 && req->keep_alive)
		abort();
	if (req->head_len < 0 || (size_t)req->head_len > size)
		abort();
	if (req->status != 0)
		return;
	if (req->head_len == 0 || n > HTTP_PATH_MAX || req->path[0] != '/')
		abort();
	if (strstr(req->path, "/../") != NULL || strstr(req->path, "//") ||
	    (n >= 3 && strcmp(req->path + n - 3, "/..") == 0))
		abort();
	if (req->body_len < 0 || req->body_len > HTTP_BODY_MAX)
		abort();
	if (req->method != HTTP_M_GET && req->method != HTTP_M_HEAD)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_request req;
	size_t pos = 0;
	int i;

	/* Up to eight pipelined requests from one input. */
	for (i = 0; i < 8 && pos < size; i++) {
		if (httpparser_parse((const char *)data + pos, size - pos,
				     &req) == 0)
			break;
		check_request(&req, size - pos);
		if (req.head_len == 0 || (req.status != 0 && !req.keep_alive))
			break;
		pos += (size_t)req.head_len;
	}
	return 0;
}
