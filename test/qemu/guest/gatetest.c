/*
 * gatetest: a two-compartment image written by hand (compartments 'a',
 * the entry, and 'b'), linked with the real platform and one mechanism
 * runtime, to test and time the gates without the generator.
 *
 *	gatetest-MECH --case=NAME
 *
 * Cases that check print "ok WHAT" / "FAIL WHAT" lines and exit 0 when
 * all pass:
 *	roundtrip   arguments and results across the gate, nested and
 *		    re-entrant calls, and (mpk) the key of every region
 *	regs	    (mpk) no register of the caller reaches the callee, and
 *		    a callee that clobbers callee-saved registers cannot
 *		    change the caller's
 *	bench	    prints "gate round trip MECH NS ns" (median of 5 runs)
 * Cases that must be stopped (the guest script checks the message):
 *	read, write  compartment a reads / writes b's private data
 *	jump	     a calls into b's code without a gate (which then reads
 *		     b's data)
 *	jumpdata     a jumps into b's private data
 *	heap	     a reads a block b allocated
 *	bigheap	     a reads a block b allocated that has a mapping of its own
 *	stack	     a reads b's stack
 *	gadget	     (mpk) a jumps to the gate's wrpkru with PKRU 0 in eax
 *	badfn	     (mpk) a calls the switch with a function index past the
 *		     gate table
 *	gatestate    (mpk) a writes the gate's own state
 *	badargs	     (mpk) a calls the switch with an argument block in b's
 *		     data (b would write its result there)
 *	thread	     (mpk) a thread a starts calls the switch
 */
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../../gates/gate.h"
#include "../../../os/plat/plat.h"
#ifdef GT_MPK
#include "../../../gates/mpk/mpk.h"
#endif

#define A_TEXT __attribute__((section(".fxt_a.text"), noinline, used))
#define B_TEXT __attribute__((section(".fxt_b.text"), noinline, used))
#define A_DATA __attribute__((section(".fxt_a.data"), used))
#define B_DATA __attribute__((section(".fxt_b.data"), used))

extern char __fxt_a_text_start[], __fxt_a_text_end[];
extern char __fxt_b_text_start[], __fxt_b_text_end[];
extern char __fxt_a_data_start[], __fxt_a_data_end[];
extern char __fxt_b_data_start[], __fxt_b_data_end[];

enum { COMP_A, COMP_B };
enum { FN_B_ADD, FN_B_NEST, FN_A_NEST, FN_B_EMPTY, FN_B_PROBE, FN_B_ALLOC };

volatile long a_secret A_DATA = 1;
volatile long b_secret B_DATA = 2;

struct add_args {
	long x;
	long ret;
	void *local;   /* where the callee's stack was */
	uint32_t pkru; /* the callee's PKRU (mpk) */
};

struct nest_args {
	int depth;
	long ret;
};

struct alloc_args {
	char *block;
	size_t size;
};

/* Registers the probe saw at entry, then the caller's after return. */
struct regs_args {
	uint64_t after[6];	/* rbx rbp r12 r13 r14 r15 of the caller */
	uint64_t entry[13];	/* rbx rbp r12-r15 rsi rdx rcx r8-r11 */
	uint64_t flags;		/* RFLAGS of the caller after return */
	uint64_t xmm_entry[16]; /* low halves of xmm0-15 at the probe */
	uint64_t xmm_after[16]; /* and in the caller after return */
};

_Static_assert(offsetof(struct regs_args, entry) == 48, "the probes' offsets");
_Static_assert(offsetof(struct regs_args, flags) == 152, "the probes' offsets");
_Static_assert(offsetof(struct regs_args, xmm_entry) == 160, "the offsets");
_Static_assert(offsetof(struct regs_args, xmm_after) == 288, "the offsets");

static inline uint32_t
gt_rdpkru(void)
{
#ifdef GT_MPK
	uint32_t eax, edx;

	__asm__ volatile("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0));
	return eax;
#else
	return 0;
#endif
}

/*
 * Compartment b.
 */

B_TEXT static void
b_add(void *p)
{
	struct add_args *a = p;
	volatile long here = 0;

	a->ret = a->x + b_secret + here;
	a->local = (void *)&here;
	a->pkru = gt_rdpkru();
}

static long a_nest_stub(int depth);

B_TEXT static void
b_nest(void *p)
{
	struct nest_args *a = p;

	b_secret = 2; /* touch own data on every level */
	a->ret = a->depth + (a->depth > 0 ? a_nest_stub(a->depth - 1) : 0);
}

B_TEXT static void
b_empty(void *p)
{
	(void)p;
}

B_TEXT static void
b_alloc(void *p)
{
	struct alloc_args *a = p;

	size_t n = a->size ? a->size : 64;

	a->block = malloc(n);
	if (a->block != NULL)
		memset(a->block, 'b', n);
}

/* b's code, called without a gate (the jump case). */
long b_touch(void);
B_TEXT long
b_touch(void)
{
	return b_secret;
}

/* The probe: record every register it arrives with (xmm0-15 included),
 * then return with all callee-saved and vector registers clobbered and the
 * direction flag set, as a hostile callee might. */
void b_probe(void *p);
__asm__(".pushsection .fxt_b.text, \"ax\", @progbits\n"
	".globl b_probe\n"
	".type b_probe, @function\n"
	"b_probe:\n"
	"	movq %rbx, 48(%rdi)\n"
	"	movq %rbp, 56(%rdi)\n"
	"	movq %r12, 64(%rdi)\n"
	"	movq %r13, 72(%rdi)\n"
	"	movq %r14, 80(%rdi)\n"
	"	movq %r15, 88(%rdi)\n"
	"	movq %rsi, 96(%rdi)\n"
	"	movq %rdx, 104(%rdi)\n"
	"	movq %rcx, 112(%rdi)\n"
	"	movq %r8, 120(%rdi)\n"
	"	movq %r9, 128(%rdi)\n"
	"	movq %r10, 136(%rdi)\n"
	"	movq %r11, 144(%rdi)\n"
	"	movq %xmm0, 160(%rdi)\n"
	"	movq %xmm1, 168(%rdi)\n"
	"	movq %xmm2, 176(%rdi)\n"
	"	movq %xmm3, 184(%rdi)\n"
	"	movq %xmm4, 192(%rdi)\n"
	"	movq %xmm5, 200(%rdi)\n"
	"	movq %xmm6, 208(%rdi)\n"
	"	movq %xmm7, 216(%rdi)\n"
	"	movq %xmm8, 224(%rdi)\n"
	"	movq %xmm9, 232(%rdi)\n"
	"	movq %xmm10, 240(%rdi)\n"
	"	movq %xmm11, 248(%rdi)\n"
	"	movq %xmm12, 256(%rdi)\n"
	"	movq %xmm13, 264(%rdi)\n"
	"	movq %xmm14, 272(%rdi)\n"
	"	movq %xmm15, 280(%rdi)\n"
	"	movabsq $0xbadbadbadbadbad0, %rbx\n"
	"	movq %rbx, %xmm0\n"
	"	movq %rbx, %xmm1\n"
	"	movq %rbx, %xmm2\n"
	"	movq %rbx, %xmm3\n"
	"	movq %rbx, %xmm4\n"
	"	movq %rbx, %xmm5\n"
	"	movq %rbx, %xmm6\n"
	"	movq %rbx, %xmm7\n"
	"	movq %rbx, %xmm8\n"
	"	movq %rbx, %xmm9\n"
	"	movq %rbx, %xmm10\n"
	"	movq %rbx, %xmm11\n"
	"	movq %rbx, %xmm12\n"
	"	movq %rbx, %xmm13\n"
	"	movq %rbx, %xmm14\n"
	"	movq %rbx, %xmm15\n"
	"	movq %rbx, %rbp\n"
	"	movq %rbx, %r12\n"
	"	movq %rbx, %r13\n"
	"	movq %rbx, %r14\n"
	"	movq %rbx, %r15\n"
	"	std\n"
	"	ret\n"
	".size b_probe, .-b_probe\n"
	".popsection\n");

/* Call the probe with known values in the callee-saved and vector
 * registers and record what they hold once the gate returns. */
void gt_probe_call(struct regs_args *a);
__asm__(".pushsection .fxt_a.text, \"ax\", @progbits\n"
	".globl gt_probe_call\n"
	".type gt_probe_call, @function\n"
	"gt_probe_call:\n"
	"	pushq %rbx\n"
	"	pushq %rbp\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	pushq %r14\n"
	"	pushq %r15\n"
	"	pushq %rdi\n"
	"	movabsq $0x1111111111111111, %rbx\n"
	"	movabsq $0x2222222222222222, %rbp\n"
	"	movabsq $0x3333333333333333, %r12\n"
	"	movabsq $0x4444444444444444, %r13\n"
	"	movabsq $0x5555555555555555, %r14\n"
	"	movabsq $0x6666666666666666, %r15\n"
	"	movq %r15, %xmm0\n"
	"	movq %r15, %xmm1\n"
	"	movq %r15, %xmm2\n"
	"	movq %r15, %xmm3\n"
	"	movq %r15, %xmm4\n"
	"	movq %r15, %xmm5\n"
	"	movq %r15, %xmm6\n"
	"	movq %r15, %xmm7\n"
	"	movq %r15, %xmm8\n"
	"	movq %r15, %xmm9\n"
	"	movq %r15, %xmm10\n"
	"	movq %r15, %xmm11\n"
	"	movq %r15, %xmm12\n"
	"	movq %r15, %xmm13\n"
	"	movq %r15, %xmm14\n"
	"	movq %r15, %xmm15\n"
	"	movq %rdi, %rdx\n"
	"	movl $1, %edi\n"
	"	movl $4, %esi\n"
	"	call gate_rt_call\n"
	"	popq %rdi\n"
	"	movq %rbx, 0(%rdi)\n"
	"	movq %rbp, 8(%rdi)\n"
	"	movq %r12, 16(%rdi)\n"
	"	movq %r13, 24(%rdi)\n"
	"	movq %r14, 32(%rdi)\n"
	"	movq %r15, 40(%rdi)\n"
	"	movq %xmm0, 288(%rdi)\n"
	"	movq %xmm1, 296(%rdi)\n"
	"	movq %xmm2, 304(%rdi)\n"
	"	movq %xmm3, 312(%rdi)\n"
	"	movq %xmm4, 320(%rdi)\n"
	"	movq %xmm5, 328(%rdi)\n"
	"	movq %xmm6, 336(%rdi)\n"
	"	movq %xmm7, 344(%rdi)\n"
	"	movq %xmm8, 352(%rdi)\n"
	"	movq %xmm9, 360(%rdi)\n"
	"	movq %xmm10, 368(%rdi)\n"
	"	movq %xmm11, 376(%rdi)\n"
	"	movq %xmm12, 384(%rdi)\n"
	"	movq %xmm13, 392(%rdi)\n"
	"	movq %xmm14, 400(%rdi)\n"
	"	movq %xmm15, 408(%rdi)\n"
	"	pushfq\n"
	"	popq %rax\n"
	"	movq %rax, 152(%rdi)\n"
	"	cld\n"
	"	popq %r15\n"
	"	popq %r14\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	popq %rbp\n"
	"	popq %rbx\n"
	"	ret\n"
	".size gt_probe_call, .-gt_probe_call\n"
	".popsection\n");

/*
 * Compartment a: stubs (as the generator writes them) and the cases.
 */

static long b_nest_stub(int depth);

A_TEXT static void
a_nest(void *p)
{
	struct nest_args *a = p;

	a_secret = 1;
	a->ret = a->depth + (a->depth > 0 ? b_nest_stub(a->depth - 1) : 0);
}

static long
nest_stub(int comp, int fn, int depth)
{
	void *mark = gate_rt_frame();
	struct nest_args *a = gate_rt_alloc(sizeof(*a));
	long ret;

	a->depth = depth;
	gate_rt_call(comp, fn, a);
	ret = a->ret;
	gate_rt_release(mark);
	return ret;
}

static long
a_nest_stub(int depth)
{
	return nest_stub(COMP_A, FN_A_NEST, depth);
}

static long
b_nest_stub(int depth)
{
	return nest_stub(COMP_B, FN_B_NEST, depth);
}

static int failures;

static void
check(int cond, const char *what)
{
	printf("%s %s\n", cond ? "ok" : "FAIL", what);
	if (!cond)
		failures++;
}

#ifdef GT_MPK
/* The protection key /proc/self/smaps gives the mapping of @addr. */
static int
key_of(const void *addr)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	uintptr_t lo, hi, a = (uintptr_t)addr;
	int in = 0, key = -1;
	char line[512];

	if (f == NULL)
		return -2;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 &&
		    strchr(line, '-') < strchr(line, ' '))
			in = a >= lo && a < hi;
		else if (in && sscanf(line, "ProtectionKey: %d", &key) == 1)
			break;
	}
	fclose(f);
	return key;
}
#endif

A_TEXT static int
case_roundtrip(void)
{
	void *mark = gate_rt_frame();
	struct add_args *a = gate_rt_alloc(sizeof(*a));
	struct alloc_args *al = gate_rt_alloc(sizeof(*al));
	volatile long mine = 0;

	(void)mine;
	a->x = 40;
	gate_rt_call(COMP_B, FN_B_ADD, a);
	check(a->ret == 42, "an argument goes in and a result comes back");
	check(b_nest_stub(6) == 21, "nested and re-entrant calls a-b-a-b");
	check(gate_rt_current() == COMP_A, "the caller runs in 'a' again");
	al->size = 64;
	gate_rt_call(COMP_B, FN_B_ALLOC, al);
	check(al->block != NULL, "b allocates from its heap");
#ifdef GT_MPK
	const struct mpk_table *t = &mpk_page.t;
	int ka = t->key[COMP_A], kb = t->key[COMP_B];

	check(ka > 0 && kb > 0 && ka != kb && t->shared_key != ka &&
		      t->shared_key != kb,
	      "each compartment and the arena have keys of their own");
	check(a->pkru == t->pkru[COMP_B], "b runs with b's PKRU value");
	check(((a->pkru >> (2 * ka)) & 3) == 3, "b's PKRU denies a's key");
	check(((a->pkru >> (2 * kb)) & 3) == 0, "b's PKRU allows b's key");
	check(((gt_rdpkru() >> (2 * kb)) & 3) == 3, "a's PKRU denies b's key");
	check(key_of((void *)&a_secret) == ka, "a's data is on a's key");
	check(key_of((void *)&b_secret) == kb, "b's data is on b's key");
	check(key_of(__fxt_b_text_start) == kb, "b's code is on b's key");
	check(key_of(al->block) == kb, "b's heap block is on b's key");
	check(key_of(a->local) == kb, "b's stack is on b's key");
	check(key_of((void *)&mine) == ka, "a's stack is on a's key");
	check(key_of(a) == t->shared_key,
	      "the gate arena is on the shared key");
	check(key_of(&failures) == 0, "the core's data stays on key 0");
#endif
	gate_rt_release(mark);
	return failures ? 1 : 0;
}

A_TEXT static int
case_regs(void)
{
	static const uint64_t magic[6] = {
		0x1111111111111111, 0x2222222222222222, 0x3333333333333333,
		0x4444444444444444, 0x5555555555555555, 0x6666666666666666,
	};
	void *mark = gate_rt_frame();
	struct regs_args *r = gate_rt_alloc(sizeof(*r));
	int leaked = 0, kept = 1;

	memset(r, 0xee, sizeof(*r));
	gt_probe_call(r);
	for (int i = 0; i < 13; i++)
		for (int j = 0; j < 6; j++)
			if (r->entry[i] == magic[j])
				leaked++;
	for (int i = 0; i < 6; i++)
		if (r->entry[i] != 0)
			leaked++;
	for (int j = 0; j < 6; j++)
		if (r->after[j] != magic[j])
			kept = 0;
	check(leaked == 0, "the callee gets none of the caller's registers");
	check(kept, "a callee that clobbers callee-saved registers cannot "
		    "change the caller's");
	check(!(r->flags & 0x400), "a callee that sets the direction flag "
				   "returns with it clear");
	leaked = 0;
	for (int i = 0; i < 16; i++) {
		if (r->xmm_entry[i] == magic[5])
			leaked++;
		if (r->xmm_after[i] == 0xbadbadbadbadbad0)
			leaked++;
	}
	check(leaked == 0, "no vector register crosses the gate either way");
	gate_rt_release(mark);
	return failures ? 1 : 0;
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int
cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

A_TEXT static int
case_bench(void)
{
	long iters = plat_option_long("iters", 20000);
	uint64_t runs[5];

	for (int r = 0; r < 5; r++) {
		uint64_t t0 = now_ns();

		for (long i = 0; i < iters; i++) {
			void *mark = gate_rt_frame();
			void *a = gate_rt_alloc(16);

			gate_rt_call(COMP_B, FN_B_EMPTY, a);
			gate_rt_release(mark);
		}
		runs[r] = (now_ns() - t0) / (uint64_t)iters;
	}
	qsort(runs, 5, sizeof(runs[0]), cmp_u64);
	printf("gate round trip %s %lu ns (runs %lu..%lu, %ld calls each)\n",
	       gate_image.mechanism, (unsigned long)runs[2],
	       (unsigned long)runs[0], (unsigned long)runs[4], iters);
	return 0;
}

/* Jump to the gate's first wrpkru with PKRU 0 (all keys) in eax. */
A_TEXT static int
case_gadget(void)
{
#ifdef GT_MPK
	const unsigned char *p = (const unsigned char *)mpk_switch;

	for (int i = 0; i < 512; i++, p++)
		if (p[0] == 0x0f && p[1] == 0x01 && p[2] == 0xef)
			break;
	printf("jumping to wrpkru at %p\n", (void *)p);
	fflush(stdout);
	__asm__ volatile("movl $1, %%ebx\n\t"
			 "xorl %%eax, %%eax\n\t"
			 "xorl %%ecx, %%ecx\n\t"
			 "xorl %%edx, %%edx\n\t"
			 "jmp *%0\n\t"
			 :
			 : "r"(p)
			 : "rax", "rbx", "rcx", "rdx", "memory");
#endif
	printf("the gadget ran and nothing stopped it\n");
	return 1;
}

#ifdef GT_MPK
static void *
gt_thread(void *arg)
{
	(void)arg;
	mpk_switch(FN_B_EMPTY, NULL);
	return NULL;
}
#endif

/* Attacks on the gate itself: its state, its argument check, its thread
 * check. */
A_TEXT static int
case_gate_attack(const char *c)
{
#ifdef GT_MPK
	pthread_t t;

	if (strcmp(c, "gatestate") == 0) {
		printf("a overwrites the gate's stack tops\n");
		mpk_gate.g.sp[COMP_B] = (uintptr_t)&a_secret;
	} else if (strcmp(c, "badargs") == 0) {
		printf("a hands b an argument block inside b's data\n");
		mpk_switch(FN_B_ADD, (void *)&b_secret);
	} else if (strcmp(c, "thread") == 0) {
		printf("a thread of a's calls the switch\n");
		if (pthread_create(&t, NULL, gt_thread, NULL) == 0)
			pthread_join(t, NULL);
	}
#endif
	printf("%s: nothing stopped it\n", c);
	return 1;
}

/* Call the switch directly, with an index past the gate table. */
A_TEXT static int
case_badfn(void)
{
#ifdef GT_MPK
	mpk_switch(1000, NULL);
#endif
	printf("the switch ran function 1000 and nothing stopped it\n");
	return 1;
}

A_TEXT static int
gt_main(void)
{
	const char *c = plat_option("case");
	void *mark;
	struct alloc_args *al;
	struct add_args *ad;

	if (c == NULL)
		c = "roundtrip";
	setvbuf(stdout, NULL, _IONBF, 0);
	if (strcmp(c, "roundtrip") == 0)
		return case_roundtrip();
	if (strcmp(c, "regs") == 0)
		return case_regs();
	if (strcmp(c, "bench") == 0)
		return case_bench();
	if (strcmp(c, "gadget") == 0)
		return case_gadget();
	if (strcmp(c, "badfn") == 0)
		return case_badfn();
	if (strcmp(c, "gatestate") == 0 || strcmp(c, "badargs") == 0 ||
	    strcmp(c, "thread") == 0)
		return case_gate_attack(c);
	if (strcmp(c, "read") == 0) {
		printf("a reads b's data\n");
		printf("read %ld: nothing stopped it\n", b_secret);
	} else if (strcmp(c, "write") == 0) {
		printf("a writes b's data\n");
		b_secret = 7;
		printf("wrote it: nothing stopped it\n");
	} else if (strcmp(c, "jump") == 0) {
		printf("a calls b's code without a gate\n");
		printf("got %ld: nothing stopped it\n", b_touch());
	} else if (strcmp(c, "jumpdata") == 0) {
		void (*fn)(void) = (void (*)(void))(uintptr_t)&b_secret;

		printf("a jumps into b's data\n");
		fn();
		printf("came back: nothing stopped it\n");
	} else if (strcmp(c, "stack") == 0) {
		mark = gate_rt_frame();
		ad = gate_rt_alloc(sizeof(*ad));
		ad->x = 1;
		gate_rt_call(COMP_B, FN_B_ADD, ad);
		printf("a reads b's stack\n");
		printf("read %ld: nothing stopped it\n",
		       *(volatile long *)ad->local);
		gate_rt_release(mark);
	} else if (strcmp(c, "heap") == 0 || strcmp(c, "bigheap") == 0) {
		mark = gate_rt_frame();
		al = gate_rt_alloc(sizeof(*al));
		al->size = strcmp(c, "bigheap") == 0 ? 100000 : 64;
		gate_rt_call(COMP_B, FN_B_ALLOC, al);
		printf("a reads b's heap block\n");
		printf("read '%c': nothing stopped it\n", al->block[0]);
		gate_rt_release(mark);
	} else {
		printf("unknown case '%s'\n", c);
		return 2;
	}
	return 1;
}

/*
 * The image description, as the generator writes it.
 */

static const char *const gt_syscalls[] = {"openat", "read", "close", NULL};

static const struct gate_compartment gt_compartments[] = {
	{
		.name = "a",
		.text = {__fxt_a_text_start, __fxt_a_text_end},
		.data = {__fxt_a_data_start, __fxt_a_data_end},
		.syscalls = gt_syscalls,
	},
	{
		.name = "b",
		.text = {__fxt_b_text_start, __fxt_b_text_end},
		.data = {__fxt_b_data_start, __fxt_b_data_end},
		.syscalls = gt_syscalls,
	},
};

static const struct gate_function gt_functions[] = {
	[FN_B_ADD] = {"b_add", COMP_B, b_add},
	[FN_B_NEST] = {"b_nest", COMP_B, b_nest},
	[FN_A_NEST] = {"a_nest", COMP_A, a_nest},
	[FN_B_EMPTY] = {"b_empty", COMP_B, b_empty},
	[FN_B_PROBE] = {"b_probe", COMP_B, b_probe},
	[FN_B_ALLOC] = {"b_alloc", COMP_B, b_alloc},
};

const struct gate_image gate_image = {
	.app = "gatetest",
	.mechanism = GT_MECH,
	.ncompartments = 2,
	.compartments = gt_compartments,
	.entry_compartment = COMP_A,
	.entry = gt_main,
	.nfunctions = sizeof(gt_functions) / sizeof(gt_functions[0]),
	.functions = gt_functions,
	.shared_size = 1 << 20,
};
