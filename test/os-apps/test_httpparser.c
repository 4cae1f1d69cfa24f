/*
 * Unit tests of httpd's request parser: valid requests, each error status,
 * incomplete input, pipelining and path normalisation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "../../os/apps/httpd/httpparser/httpparser.c"

static struct http_request req;

static int
parse(const char *s)
{
	return httpparser_parse(s, strlen(s), &req);
}

static void
test_simple_get(void **state)
{
	const char *r = "GET /index.html HTTP/1.1\r\nHost: a\r\n\r\n";

	(void)state;
	assert_int_equal(parse(r), 1);
	assert_int_equal(req.status, 0);
	assert_int_equal(req.method, HTTP_M_GET);
	assert_int_equal(req.minor, 1);
	assert_int_equal(req.keep_alive, 1);
	assert_int_equal(req.head_len, (long)strlen(r));
	assert_int_equal(req.body_len, 0);
	assert_string_equal(req.path, "/index.html");
}

static void
test_head_and_http10(void **state)
{
	(void)state;
	assert_int_equal(parse("HEAD / HTTP/1.0\r\n\r\n"), 1);
	assert_int_equal(req.status, 0);
	assert_int_equal(req.method, HTTP_M_HEAD);
	assert_int_equal(req.keep_alive, 0);
	assert_string_equal(req.path, "/");

	assert_int_equal(
		parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"), 1);
	assert_int_equal(req.keep_alive, 1);
	assert_int_equal(
		parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"),
		1);
	assert_int_equal(req.keep_alive, 0);
}

static void
test_bare_lf_lines(void **state)
{
	(void)state;
	assert_int_equal(parse("GET /a HTTP/1.1\nHost: x\n\n"), 1);
	assert_int_equal(req.status, 0);
	assert_string_equal(req.path, "/a");
}

static void
test_incomplete(void **state)
{
	const char *full = "GET /x HTTP/1.1\r\nHost: a\r\n\r\n";
	size_t i;

	(void)state;
	for (i = 0; i < strlen(full); i++)
		assert_int_equal(httpparser_parse(full, i, &req), 0);
	assert_int_equal(httpparser_parse(full, strlen(full), &req), 1);
}

static void
test_pipelined(void **state)
{
	const char *two = "GET /a HTTP/1.1\r\nHost: a\r\n\r\n"
			  "GET /b HTTP/1.1\r\nHost: a\r\n\r\n";

	(void)state;
	assert_int_equal(parse(two), 1);
	assert_string_equal(req.path, "/a");
	assert_int_equal(parse(two + req.head_len), 1);
	assert_string_equal(req.path, "/b");
}

static void
test_paths(void **state)
{
	static const char *cases[][2] = {
		{"/a/./b", "/a/b"},
		{"/a/../b", "/b"},
		{"//a///b", "/a/b"},
		{"/docs/", "/docs/"},
		{"/a%20b", "/a b"},
		{"/q?x=1&y=/..", "/q"},
		{"/f#frag", "/f"},
		{"/a/b/..", "/a"},
		{"http://host/abs/x", "/abs/x"},
	};
	char line[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(line, sizeof(line),
			 "GET %s HTTP/1.1\r\nHost: h\r\n\r\n", cases[i][0]);
		assert_int_equal(parse(line), 1);
		assert_int_equal(req.status, 0);
		assert_string_equal(req.path, cases[i][1]);
	}
}

static void
test_errors(void **state)
{
	static const struct {
		const char *req;
		int status;
	} cases[] = {
		{"POST / HTTP/1.1\r\nHost: a\r\n\r\n", 405},
		{"DELETE /x HTTP/1.1\r\nHost: a\r\n\r\n", 405},
		{"GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505},
		{"GET / HTTP/0.9\r\n\r\n", 505},
		{"GET / HTTP/1.1\r\n\r\n", 400}, /* no Host */
		{"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
		{"GET / FOO/1.1\r\nHost: a\r\n\r\n", 400},
		{"GET /\r\n\r\n", 400},
		{"GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400},
		{"G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400},
		{"GET x HTTP/1.1\r\nHost: a\r\n\r\n", 400},
		{"GET /../etc HTTP/1.1\r\nHost: a\r\n\r\n", 400},
		{"GET /%2e%2e/%2e%2e/x HTTP/1.1\r\nHost: a\r\n\r\n", 400},
		{"GET /a%2fb HTTP/1.1\r\nHost: a\r\n\r\n", 400},
		{"GET /a%00 HTTP/1.1\r\nHost: a\r\n\r\n", 400},
		{"GET /a%zz HTTP/1.1\r\nHost: a\r\n\r\n", 400},
		{"GET /a% HTTP/1.1\r\nHost: a\r\n\r\n", 400},
		{"GET / HTTP/1.1\r\nHost a\r\n\r\n", 400},
		{"GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", 400},
		{"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n", 400},
		{"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n"
		 "Content-Length: 2\r\n\r\n",
		 400},
		{"GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
		 "\r\n",
		 400},
		{"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999\r\n"
		 "\r\n",
		 413},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse(cases[i].req), 1);
		if (req.status != cases[i].status)
			fail_msg("'%s': status %d, expected %d", cases[i].req,
				 req.status, cases[i].status);
		if (req.status != 405)
			assert_int_equal(req.keep_alive, 0);
	}
}

static void
test_405_keeps_body_length(void **state)
{
	(void)state;
	assert_int_equal(parse("POST /f HTTP/1.1\r\nHost: a\r\n"
			       "Content-Length: 5\r\n\r\nhello"),
			 1);
	assert_int_equal(req.status, 405);
	assert_int_equal(req.keep_alive, 1);
	assert_int_equal(req.body_len, 5);
}

static void
test_too_long(void **state)
{
	static char buf[3 * HTTP_HEAD_MAX];
	size_t n;

	(void)state;

	/* A target over HTTP_PATH_MAX: 414 once the line is complete. */
	n = (size_t)snprintf(buf, sizeof(buf), "GET /");
	memset(buf + n, 'a', HTTP_PATH_MAX + 10);
	n += HTTP_PATH_MAX + 10;
	n += (size_t)snprintf(buf + n, sizeof(buf) - n,
			      " HTTP/1.1\r\nHost: a\r\n\r\n");
	assert_int_equal(httpparser_parse(buf, n, &req), 1);
	assert_int_equal(req.status, 414);

	/* A request line that never ends: 414 at HTTP_HEAD_MAX bytes. */
	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "GET /", 5);
	assert_int_equal(httpparser_parse(buf, HTTP_HEAD_MAX - 1, &req), 0);
	assert_int_equal(httpparser_parse(buf, HTTP_HEAD_MAX, &req), 1);
	assert_int_equal(req.status, 414);

	/* Header fields that never end: 413. */
	n = (size_t)snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\n");
	while (n < sizeof(buf) - 32)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
				      "X-Filler: abcdefghij\r\n");
	assert_int_equal(httpparser_parse(buf, n, &req), 1);
	assert_int_equal(req.status, 413);
	assert_int_equal(req.keep_alive, 0);
}

static void
test_leading_blank_lines(void **state)
{
	(void)state;
	assert_int_equal(parse("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"), 1);
	assert_int_equal(req.status, 0);
	assert_int_equal(req.head_len, 4 + 27);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_get),
		cmocka_unit_test(test_head_and_http10),
		cmocka_unit_test(test_bare_lf_lines),
		cmocka_unit_test(test_incomplete),
		cmocka_unit_test(test_pipelined),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_405_keeps_body_length),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_leading_blank_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
