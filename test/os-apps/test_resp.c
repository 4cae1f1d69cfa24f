/*
 * Unit tests of kvstore's RESP parser and encoders: arrays, inline
 * commands, incomplete input, pipelines, malformed input and limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "../../os/apps/kvstore/resp/resp.c"

static struct resp_command cmd;

static int
parse(const char *s)
{
	return resp_parse(s, strlen(s), &cmd);
}

static void
assert_arg(const char *buf, int i, const char *want)
{
	assert_true(i < cmd.argc);
	assert_int_equal(cmd.arglen[i], strlen(want));
	assert_memory_equal(buf + cmd.off[i], want, strlen(want));
}

static void
test_array(void **state)
{
	const char *s = "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n";

	(void)state;
	assert_int_equal(parse(s), 1);
	assert_int_equal(cmd.status, RESP_OK);
	assert_int_equal(cmd.argc, 3);
	assert_int_equal(cmd.len, (long)strlen(s));
	assert_arg(s, 0, "SET");
	assert_arg(s, 1, "key");
	assert_arg(s, 2, "value");
}

static void
test_binary_and_empty_args(void **state)
{
	const char s[] = "*2\r\n$0\r\n\r\n$4\r\na\r\nb\r\n";

	(void)state;
	assert_int_equal(resp_parse(s, sizeof(s) - 1, &cmd), 1);
	assert_int_equal(cmd.status, RESP_OK);
	assert_int_equal(cmd.argc, 2);
	assert_int_equal(cmd.arglen[0], 0);
	assert_arg(s, 1, "a\r\nb");
}

static void
test_inline(void **state)
{
	const char *s = "  PING  hello\tworld\r\n";

	(void)state;
	assert_int_equal(parse(s), 1);
	assert_int_equal(cmd.status, RESP_OK);
	assert_int_equal(cmd.argc, 3);
	assert_arg(s, 0, "PING");
	assert_arg(s, 2, "world");
	assert_int_equal(parse("\r\n"), 1);
	assert_int_equal(cmd.argc, 0);
	assert_int_equal(cmd.len, 2);
}

static void
test_incomplete(void **state)
{
	const char *s = "*2\r\n$4\r\nLPOP\r\n$6\r\nmylist\r\n";
	size_t i;

	(void)state;
	for (i = 0; i < strlen(s); i++)
		assert_int_equal(resp_parse(s, i, &cmd), 0);
	assert_int_equal(resp_parse(s, strlen(s), &cmd), 1);
	assert_int_equal(parse("PING"), 0);
}

static void
test_pipeline(void **state)
{
	const char *s = "*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\nPING\r\n";
	size_t pos = 0;
	int n = 0;

	(void)state;
	while (resp_parse(s + pos, strlen(s) - pos, &cmd) == 1) {
		assert_int_equal(cmd.status, RESP_OK);
		assert_arg(s + pos, 0, "PING");
		pos += (size_t)cmd.len;
		n++;
	}
	assert_int_equal(n, 3);
	assert_int_equal(pos, strlen(s));
}

static void
test_malformed(void **state)
{
	static const char *bad[] = {
		"*x\r\n",
		"*1\r\n:5\r\n",
		"*1\r\n$3\r\nabcd\r\n",
		"*1\r\n$-1\r\n",
		"*1\r\n$3x\r\nabc\r\n",
		"*1\n$3\r\nabc\r\n",
		"*99999999\r\n",
		"*1\r\n$\r\n",
		"*1\r\n$1234567890123456789012345678901234567890",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i]) != 1 || cmd.status != RESP_EPROTO)
			fail_msg("'%s' was not a protocol error", bad[i]);
	}
	assert_int_equal(parse("*1\r\n$2000000\r\n"), 1);
	assert_int_equal(cmd.status, RESP_ETOOLARGE);
}

static void
test_too_many(void **state)
{
	char *s = malloc(16 * (RESP_MAX_ARGS + 10));
	size_t n;
	int i;

	(void)state;
	n = (size_t)sprintf(s, "*%d\r\n", RESP_MAX_ARGS + 2);
	for (i = 0; i < RESP_MAX_ARGS + 2; i++)
		n += (size_t)sprintf(s + n, "$1\r\nx\r\n");
	assert_int_equal(resp_parse(s, n, &cmd), 1);
	assert_int_equal(cmd.status, RESP_ETOOMANY);
	assert_int_equal(cmd.argc, RESP_MAX_ARGS);
	assert_int_equal(cmd.len, (long)n);
	free(s);
}

static void
test_encoders(void **state)
{
	char out[128];
	long n;

	(void)state;
	n = resp_encode_int(out, sizeof(out), RESP_INTEGER, -42);
	assert_memory_equal(out, ":-42\r\n", (size_t)n);
	n = resp_encode_int(out, sizeof(out), RESP_BULK, -7);
	assert_memory_equal(out, "$-1\r\n", (size_t)n);
	n = resp_encode_int(out, sizeof(out), RESP_ARRAY, 600);
	assert_memory_equal(out, "*600\r\n", (size_t)n);
	n = resp_encode_line(out, sizeof(out), RESP_ERROR, "ERR bad\r\nx");
	assert_memory_equal(out, "-ERR bad\r\n", (size_t)n);
	n = resp_encode_bulk(out, sizeof(out), "hello", 5);
	assert_int_equal(n, 11);
	assert_memory_equal(out, "$5\r\nhello\r\n", 11);

	/* Too little room: the length needed, nothing written. */
	memset(out, 'z', sizeof(out));
	assert_int_equal(resp_encode_bulk(out, 4, "hello", 5), 11);
	assert_int_equal(out[0], 'z');
}

static void
test_packed(void **state)
{
	char packed[64], out[128];
	unsigned int n;
	size_t p = 0;
	long len;

	(void)state;
	n = 2;
	memcpy(packed + p, &n, 4);
	memcpy(packed + p + 4, "ab", 2);
	p += 6;
	n = 0;
	memcpy(packed + p, &n, 4);
	p += 4;
	len = resp_encode_packed(out, sizeof(out), packed, p, 2);
	assert_int_equal(len, 18);
	assert_memory_equal(out, "*2\r\n$2\r\nab\r\n$0\r\n\r\n", 18);
	assert_int_equal(resp_encode_packed(out, sizeof(out), packed, p, 3),
			 -1);
	assert_int_equal(resp_encode_packed(out, sizeof(out), packed, p - 1, 2),
			 -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_array),
		cmocka_unit_test(test_binary_and_empty_args),
		cmocka_unit_test(test_inline),
		cmocka_unit_test(test_incomplete),
		cmocka_unit_test(test_pipeline),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_encoders),
		cmocka_unit_test(test_packed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
