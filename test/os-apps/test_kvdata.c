/*
 * Unit tests of kvstore's data store: strings, counters, lists, sets,
 * hashes, sorted sets, type errors and the copy-out rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../os/apps/kvstore/kvdata/dict.c"
#include "../../os/apps/kvstore/kvdata/kvdata.c"

#define K(s) s, strlen(s)

static void
test_strings(void **state)
{
	char out[16];
	long long v;

	(void)state;
	kvdata_flush();
	assert_int_equal(kvdata_get(K("a"), out, sizeof(out)), -ENOENT);
	assert_int_equal(kvdata_set(K("a"), K("hello")), 0);
	assert_int_equal(kvdata_get(K("a"), out, sizeof(out)), 5);
	assert_memory_equal(out, "hello", 5);
	memset(out, 0, sizeof(out));
	assert_int_equal(kvdata_get(K("a"), out, 2), 5); /* too small */
	assert_int_equal(out[0], 0);
	assert_int_equal(kvdata_incrby(K("a"), 1, &v), KVDATA_ENOTINT);
	assert_int_equal(kvdata_incrby(K("n"), 5, &v), 0);
	assert_int_equal(v, 5);
	assert_int_equal(kvdata_incrby(K("n"), -7, &v), 0);
	assert_int_equal(v, -2);
	assert_int_equal(kvdata_set(K("big"), K("9223372036854775807")), 0);
	assert_int_equal(kvdata_incrby(K("big"), 1, &v), KVDATA_EOVERFLOW);
	assert_int_equal(kvdata_dbsize(), 3);
	assert_int_equal(kvdata_del(K("a")), 1);
	assert_int_equal(kvdata_del(K("a")), 0);
	assert_int_equal(kvdata_exists(K("n")), 1);
}

static void
test_lists(void **state)
{
	char out[4096];
	long count, n, i;
	unsigned int len;

	(void)state;
	kvdata_flush();
	for (i = 0; i < 100; i++) {
		char v[24];

		snprintf(v, sizeof(v), "%ld", i);
		assert_int_equal(kvdata_push(K("l"), i % 2, v, strlen(v)),
				 i + 1);
	}
	assert_int_equal(kvdata_llen(K("l")), 100);
	n = kvdata_lrange(K("l"), 0, 2, out, sizeof(out), &count);
	assert_int_equal(count, 3);
	memcpy(&len, out, 4);
	assert_int_equal(len, 2);
	assert_memory_equal(out + 4, "99", 2); /* the last left push */
	assert_int_equal(n, 3 * 4 + 2 + 2 + 2);
	n = kvdata_lrange(K("l"), -1, -1, out, sizeof(out), &count);
	assert_int_equal(count, 1);
	assert_memory_equal(out + 4, "98", 2); /* the last right push */
	assert_int_equal(
		kvdata_lrange(K("l"), 50, 10, out, sizeof(out), &count), 0);
	assert_int_equal(count, 0);
	assert_int_equal(kvdata_lrange(K("l"), 0, 1000, out, 10, &count),
			 100 * 4 + 10 + 90 * 2);
	assert_int_equal(kvdata_pop(K("l"), 1, out, sizeof(out)), 2);
	assert_memory_equal(out, "99", 2);
	assert_int_equal(kvdata_pop(K("l"), 0, out, sizeof(out)), 2);
	assert_memory_equal(out, "98", 2);
	for (i = 0; i < 98; i++)
		assert_true(kvdata_pop(K("l"), i % 2, out, sizeof(out)) > 0);
	assert_int_equal(kvdata_exists(K("l")), 0);
	assert_int_equal(kvdata_pop(K("l"), 1, out, sizeof(out)), -ENOENT);
}

static void
test_sets_and_hashes(void **state)
{
	char out[64];
	int i, popped = 0;

	(void)state;
	kvdata_flush();
	assert_int_equal(kvdata_sadd(K("s"), K("a")), 1);
	assert_int_equal(kvdata_sadd(K("s"), K("a")), 0);
	assert_int_equal(kvdata_sadd(K("s"), K("b")), 1);
	assert_int_equal(kvdata_scard(K("s")), 2);
	for (i = 0; i < 2; i++) {
		long n = kvdata_spop(K("s"), out, sizeof(out));

		assert_int_equal(n, 1);
		popped |= out[0] == 'a' ? 1 : 2;
	}
	assert_int_equal(popped, 3);
	assert_int_equal(kvdata_spop(K("s"), out, sizeof(out)), -ENOENT);

	assert_int_equal(kvdata_hset(K("h"), K("f"), K("v1")), 1);
	assert_int_equal(kvdata_hset(K("h"), K("f"), K("v2")), 0);
	assert_int_equal(kvdata_hget(K("h"), K("f"), out, sizeof(out)), 2);
	assert_memory_equal(out, "v2", 2);
	assert_int_equal(kvdata_hget(K("h"), K("x"), out, sizeof(out)),
			 -ENOENT);
	assert_int_equal(kvdata_sadd(K("h"), K("a")), KVDATA_EWRONGTYPE);
	assert_int_equal(kvdata_push(K("h"), 1, K("a")), KVDATA_EWRONGTYPE);
	assert_int_equal(kvdata_get(K("h"), out, sizeof(out)),
			 KVDATA_EWRONGTYPE);
	assert_int_equal(kvdata_set(K("h"), K("now a string")), 0);
	assert_int_equal(kvdata_get(K("h"), out, sizeof(out)), 12);
}

static void
test_zsets(void **state)
{
	char out[64];
	double score;

	(void)state;
	kvdata_flush();
	assert_int_equal(kvdata_zadd(K("z"), 3, K("c")), 1);
	assert_int_equal(kvdata_zadd(K("z"), 1, K("a")), 1);
	assert_int_equal(kvdata_zadd(K("z"), 2, K("b")), 1);
	assert_int_equal(kvdata_zadd(K("z"), 0, K("c")), 0); /* moves */
	assert_int_equal(kvdata_zpopmin(K("z"), out, sizeof(out), &score), 1);
	assert_int_equal(out[0], 'c');
	assert_true(score == 0);
	assert_int_equal(kvdata_zpopmin(K("z"), out, sizeof(out), &score), 1);
	assert_int_equal(out[0], 'a');
	assert_int_equal(kvdata_zpopmin(K("z"), out, sizeof(out), &score), 1);
	assert_int_equal(out[0], 'b');
	assert_int_equal(kvdata_zpopmin(K("z"), out, sizeof(out), &score),
			 -ENOENT);
}

static void
test_many_keys(void **state)
{
	char key[32], out[32];
	int i;

	(void)state;
	kvdata_flush();
	for (i = 0; i < 20000; i++) {
		snprintf(key, sizeof(key), "key:%d", i);
		assert_int_equal(kvdata_set(key, strlen(key), key, strlen(key)),
				 0);
	}
	assert_int_equal(kvdata_dbsize(), 20000);
	for (i = 0; i < 20000; i += 997) {
		snprintf(key, sizeof(key), "key:%d", i);
		assert_int_equal(kvdata_get(key, strlen(key), out, sizeof(out)),
				 (long)strlen(key));
		assert_memory_equal(out, key, strlen(key));
	}
	kvdata_flush();
	assert_int_equal(kvdata_dbsize(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_sets_and_hashes),
		cmocka_unit_test(test_zsets),
		cmocka_unit_test(test_many_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
