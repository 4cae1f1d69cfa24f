/*
 * victim: private memory the prober attacks, and calls of every shape
 * the gates must carry (buffers in, out and both ways, strings, nested
 * calls back into the caller's compartment).
 */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "prober.h"
#include "victim.h"

static volatile long victim_secret = 0x5ec7e7;

static long __attribute__((noinline)) victim_private_code(void)
{
	return 4242;
}

long
victim_secret_addr(void)
{
	return (long)&victim_secret;
}

long
victim_code_addr(void)
{
	return (long)&victim_private_code;
}

long
victim_read_secret(void)
{
	return victim_secret;
}

int
victim_nop(int x)
{
	return x + 1;
}

int
victim_sum(const unsigned char *buf, int n)
{
	int s = 0;

	for (int i = 0; i < n; i++)
		s += buf[i];
	return s;
}

int
victim_fill(unsigned char *buf, int n, int seed)
{
	for (int i = 0; i < n; i++)
		buf[i] = (unsigned char)(seed + i);
	return n;
}

int
victim_upper(char *s)
{
	int n = (int)strlen(s);

	for (int i = 0; i < n; i++)
		s[i] = (char)toupper((unsigned char)s[i]);
	return n;
}

int
victim_stat(struct victim_pair *p)
{
	p->b = p->a * 2;
	return (int)p->a;
}

int
victim_bounce(int depth)
{
	if (depth <= 0)
		return 0;
	return depth + prober_echo(depth - 1);
}

long
victim_peek(long addr)
{
	return *(volatile long *)addr;
}

int
victim_overflow(int x)
{
	volatile int big = INT_MAX;

	return big + x;
}

int
victim_oob(int i)
{
	volatile char *buf = malloc(16);
	int v;

	for (int j = 0; j < 16; j++)
		buf[j] = (char)j;
	v = buf[i];
	free((void *)buf);
	return v;
}

static int __attribute__((noinline)) victim_twice(int x)
{
	return 2 * x;
}

/* Taken through a volatile so the compiler cannot see the target. */
static int (*volatile victim_icall_target)(int) = victim_twice;

int
victim_bad_icall(int x)
{
	long (*wrong)(long) = (long (*)(long))victim_icall_target;

	return (int)wrong(x);
}

long
victim_heap_addr(void)
{
	static long *secret;

	if (secret == NULL) {
		secret = malloc(sizeof(*secret));
		if (secret == NULL)
			return 0;
		*secret = 0x4ea9;
	}
	return (long)secret;
}
