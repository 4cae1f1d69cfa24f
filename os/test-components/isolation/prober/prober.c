/*
 * prober: does what --probe=NAME asks, prints what happened, and returns.
 *
 *	calls	 every shape of call into victim, checked; "calls ok"
 *	read	 read victim's private secret through its address
 *	write	 overwrite it
 *	jump	 call one of victim's private functions through its address
 *	syscall	 make a system call no component declares (uname)
 *	heap	 read a secret on victim's heap through its address
 *	peek	 ask victim to read prober's private data
 *	overflow victim does a signed overflow (stopped under ubsan)
 *	oob	 victim reads past a heap buffer (stopped under asan)
 *	icall	 victim calls through a mistyped function pointer (cfi)
 *	forge	 bypass the stub: hand victim_fill a block whose buffer
 *		 points into victim's own private data (a confused deputy)
 *	bench	 --count=N calls of victim_nop, timed in batches; prints the
 *		 median round trip as "gate_ns=X"
 *
 * Under an isolating mechanism read, write and jump must stop the image;
 * with no isolation they succeed and print what they saw.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "gate.h"
#include "plat.h"
#include "prober.h"
#include "victim.h"

#define PROBER_BATCHES 21

static int failures;
static volatile long prober_secret = 0x9207e5;

static void
expect(int ok, const char *what)
{
	if (!ok) {
		plat_printf("FAIL %s\n", what);
		failures++;
	}
}

static int
probe_calls(void)
{
	unsigned char in[300], out[300];
	char word[] = "gates";
	struct victim_pair p = {.a = 21, .b = 0};
	int sum = 0;

	for (int i = 0; i < (int)sizeof(in); i++) {
		in[i] = (unsigned char)i;
		sum += in[i];
	}
	expect(victim_nop(41) == 42, "scalar in and out");
	expect(victim_sum(in, (int)sizeof(in)) == sum, "[in] buffer");
	expect(victim_sum(NULL, 0) == 0, "NULL [in] buffer");
	memset(out, 0, sizeof(out));
	expect(victim_fill(out, (int)sizeof(out), 7) == (int)sizeof(out),
	       "[out] buffer length");
	expect(out[0] == 7 && out[299] == (unsigned char)(7 + 299),
	       "[out] buffer content");
	expect(victim_upper(word) == 5 && strcmp(word, "GATES") == 0,
	       "[inout,str] string");
	expect(victim_stat(&p) == 21 && p.b == 42, "[inout] struct");
	expect(victim_bounce(6) == 21, "nested calls back into the caller");
	expect(victim_read_secret() == 0x5ec7e7, "victim reads its own data");
	if (failures == 0)
		plat_printf("calls ok\n");
	return failures ? 1 : 0;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int
probe_bench(void)
{
	long count = plat_option_long("count", 100000);
	long per = count / PROBER_BATCHES + 1;
	uint64_t ns[PROBER_BATCHES];
	int x = 0;

	for (long i = 0; i < per; i++) /* warm up */
		x = victim_nop(x);
	for (int b = 0; b < PROBER_BATCHES; b++) {
		uint64_t t0 = plat_time_ns();

		for (long i = 0; i < per; i++)
			x = victim_nop(x);
		ns[b] = (plat_time_ns() - t0) * 1000 / (uint64_t)per;
	}
	qsort(ns, PROBER_BATCHES, sizeof(ns[0]), cmp_u64);
	plat_printf("gate_ns=%.1f calls=%ld check=%d\n",
		    (double)ns[PROBER_BATCHES / 2] / 1000.0,
		    per * (PROBER_BATCHES + 1), x);
	return x == (int)(per * (PROBER_BATCHES + 1)) ? 0 : 1;
}

/*
 * What a compromised compartment can do without its stubs: write a block
 * into shared memory by hand and call the runtime.  The layout is that of
 * the generated argument block of victim_fill.
 */
static int
probe_forge(void)
{
	struct {
		void *buf;
		int n;
		int seed;
		int ret;
		char none;
	} * block;

	for (int fn = 0; fn < gate_image.nfunctions; fn++) {
		if (strcmp(gate_image.functions[fn].name, "victim_fill") != 0)
			continue;
		block = gate_rt_alloc(sizeof(*block));
		block->buf = (void *)victim_secret_addr();
		block->n = (int)sizeof(long);
		block->seed = 1;
		gate_rt_call(gate_image.functions[fn].compartment, fn, block);
		plat_printf("forged call done; victim now reads %#lx\n",
			    victim_read_secret());
		return 0;
	}
	plat_printf("no gates to forge\n");
	return 1;
}

int
prober_echo(int depth)
{
	if (depth <= 0)
		return 0;
	return depth + victim_bounce(depth - 1);
}

int
prober_main(void)
{
	const char *probe = plat_option("probe");

	if (probe == NULL || strcmp(probe, "calls") == 0)
		return probe_calls();
	if (strcmp(probe, "read") == 0) {
		volatile long *secret = (long *)victim_secret_addr();

		plat_printf("read %#lx\n", *secret);
		return 0;
	}
	if (strcmp(probe, "write") == 0) {
		volatile long *secret = (long *)victim_secret_addr();

		*secret = 0xbad;
		plat_printf("wrote; victim now reads %#lx\n",
			    victim_read_secret());
		return 0;
	}
	if (strcmp(probe, "jump") == 0) {
		long (*fn)(void) = (long (*)(void))victim_code_addr();

		plat_printf("jumped: %ld\n", fn());
		return 0;
	}
	if (strcmp(probe, "syscall") == 0) {
		struct utsname u;

		if (syscall(SYS_uname, &u) != 0)
			return 1;
		plat_printf("uname: %s\n", u.sysname);
		return 0;
	}
	if (strcmp(probe, "heap") == 0) {
		volatile long *secret = (long *)victim_heap_addr();

		plat_printf("heap read %#lx\n", *secret);
		return 0;
	}
	if (strcmp(probe, "peek") == 0) {
		plat_printf("victim read %#lx\n",
			    victim_peek((long)&prober_secret));
		return 0;
	}
	if (strcmp(probe, "overflow") == 0) {
		plat_printf("overflow: %d\n", victim_overflow(1));
		return 0;
	}
	if (strcmp(probe, "oob") == 0) {
		plat_printf("oob: %d\n", victim_oob(16 + 8));
		return 0;
	}
	if (strcmp(probe, "icall") == 0) {
		plat_printf("icall: %d\n", victim_bad_icall(21));
		return 0;
	}
	if (strcmp(probe, "forge") == 0)
		return probe_forge();
	if (strcmp(probe, "bench") == 0)
		return probe_bench();
	plat_err("unknown --probe='%s'", probe);
	return 2;
}
