/*
 * mpk: compartments in one address space, kept apart by protection keys.
 *
 * Start-up checks that the host has protection keys (and refuses to start
 * with a message when not), allocates one key per compartment, a shared
 * key for the gate arena and a gate key for the gate's own state, tags
 * every compartment's sections with its key, fills the read-only gate
 * table (each compartment's PKRU value, each function's dispatcher and
 * compartment), makes one stack per compartment and the gate arena,
 * creates the per-compartment heaps, and runs the application's entry
 * through the gate.  Gates serve the thread that started the image.
 */
#include <cpuid.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../os/plat/plat_core.h"
#include "mpk.h"

#define MPK_ARENA_DEFAULT (1UL << 20)
#define MPK_PAGE 4096UL

__thread int mpk_cur = MPK_CORE;
union mpk_page mpk_page __attribute__((aligned(4096)));
union mpk_gate_page mpk_gate __attribute__((aligned(4096)));
uintptr_t mpk_stack_lo[GATE_MAX_COMPARTMENTS];

static __thread int mpk_started; /* the thread gate_rt_start() runs on */
static __thread char *mpk_arena;
static __thread size_t mpk_arena_top;
static size_t mpk_arena_size = MPK_ARENA_DEFAULT;

int
mpk_host_has_pkeys(const char **why)
{
	unsigned int a, b, c, d;
	int key;

	if (__get_cpuid_max(0, NULL) < 7) {
		*why = "the CPU has no CPUID leaf 7";
		return 0;
	}
	__cpuid_count(7, 0, a, b, c, d);
	if (!(c & bit_PKU)) {
		*why = "the CPU has no protection keys (CPUID PKU is 0)";
		return 0;
	}
	if (!(c & bit_OSPKE)) {
		*why = "the kernel has not enabled protection keys "
		       "(CPUID OSPKE is 0)";
		return 0;
	}
	key = pkey_alloc(0, 0);
	if (key < 0) {
		*why = "the kernel refuses pkey_alloc()";
		return 0;
	}
	pkey_free(key);
	return 1;
}

/* Which vector registers this CPU has for the gate to clear. */
static uint32_t
mpk_vec_kind(void)
{
	unsigned int a, b, c, d, lo, hi;
	uint64_t xcr0;

	__cpuid(1, a, b, c, d);
	if (!(c & bit_OSXSAVE) || !(c & bit_AVX))
		return MPK_VEC_SSE;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	xcr0 = (uint64_t)hi << 32 | lo;
	if ((xcr0 & 0x6) != 0x6)
		return MPK_VEC_SSE;
	__cpuid_count(7, 0, a, b, c, d);
	if ((b & bit_AVX512F) && (xcr0 & 0xe0) == 0xe0)
		return MPK_VEC_AVX512;
	return MPK_VEC_AVX;
}

/* The PKRU value that allows keys 0, @shared and @own and denies the
 * others (two bits a key: access-disable, write-disable). */
static uint32_t
mpk_pkru_for(int shared, int own)
{
	uint32_t v = 0xffffffffu;

	v &= ~(3u << 0);
	v &= ~(3u << (2 * shared));
	v &= ~(3u << (2 * own));
	return v;
}

static void
mpk_tag(const struct gate_compartment *c, const struct gate_section *s,
	const char *what, int prot, int key)
{
	size_t len = (size_t)(s->end - s->start);

	if (s->start == s->end)
		return;
	if ((uintptr_t)s->start % MPK_PAGE || len % MPK_PAGE)
		plat_panic("mpk: the %s section of compartment '%s' "
			   "(%p-%p) is not page-aligned",
			   what, c->name, (void *)s->start, (void *)s->end);
	if (pkey_mprotect(s->start, len, prot, key) != 0)
		plat_panic("mpk: cannot give the %s section of compartment "
			   "'%s' key %d: %s",
			   what, c->name, key, strerror(errno));
}

#ifdef MPK_NO_HEAPS
static void
mpk_untag_all(const struct gate_image *img)
{
	for (int i = 0; i < img->ncompartments; i++) {
		const struct gate_compartment *c = &img->compartments[i];

		mpk_tag(c, &c->text, "code", PROT_READ | PROT_EXEC, 0);
		mpk_tag(c, &c->rodata, "read-only data", PROT_READ, 0);
		mpk_tag(c, &c->data, "data", PROT_READ | PROT_WRITE, 0);
		mpk_tag(c, &c->bss, "bss", PROT_READ | PROT_WRITE, 0);
	}
}
#endif

/*
 * The application has returned; what runs now is the core's exit path
 * (stdio, exit handlers).  It keeps no compartment's rights: PKRU allows
 * key 0 only (a value that grants less than any compartment's, so there
 * is nothing in it for a gadget).  The switch's return to the core has
 * written that value already; it is written again here so that it holds
 * whichever way control came back.  With AddressSanitizer, whose exit
 * handlers walk every instrumented global, the sections go back to key 0
 * as well.
 */
static void
mpk_leave(const struct gate_image *img)
{
	__asm__ volatile("wrpkru" : : "a"(MPK_PKRU_KEY0), "c"(0), "d"(0));
#ifdef MPK_NO_HEAPS
	mpk_untag_all(img);
#else
	(void)img;
#endif
}

static int
mpk_alloc_key(const struct gate_image *img)
{
	int key = pkey_alloc(0, 0);

	if (key < 0)
		plat_panic("mpk: %d compartments need %d protection keys and "
			   "the host gives fewer (%s)",
			   img->ncompartments, img->ncompartments + 2,
			   strerror(errno));
	return key;
}

/* The entry runs like any gated function, the last of the table; it
 * takes nothing from its caller. */
static int mpk_entry_status;

static void
mpk_entry_dispatch(void *unused)
{
	(void)unused;
	mpk_entry_status = mpk_page.t.img->entry();
}

static void
mpk_keys_init(const struct gate_image *img)
{
	struct mpk_table *t = &mpk_page.t;

	t->shared_key = mpk_alloc_key(img);
	t->gate_key = mpk_alloc_key(img);
	t->pkru_gate = mpk_pkru_for(t->gate_key, t->gate_key);
	t->vec = mpk_vec_kind();
	for (int i = 0; i < img->ncompartments; i++) {
		const struct gate_compartment *c = &img->compartments[i];
		int key = mpk_alloc_key(img);

		t->key[i] = key;
		t->pkru[i] = mpk_pkru_for(t->shared_key, key);
		mpk_tag(c, &c->text, "code", PROT_READ | PROT_EXEC, key);
		mpk_tag(c, &c->rodata, "read-only data", PROT_READ, key);
		mpk_tag(c, &c->data, "data", PROT_READ | PROT_WRITE, key);
		mpk_tag(c, &c->bss, "bss", PROT_READ | PROT_WRITE, key);
	}
	t->ncomp = (uint32_t)img->ncompartments;
	t->nfunctions = img->nfunctions;
	t->img = img;
}

/* The function table: the image's functions, then the entry, in pages of
 * their own that become read-only. */
static void
mpk_fns_init(const struct gate_image *img)
{
	struct mpk_table *t = &mpk_page.t;
	size_t n = (size_t)img->nfunctions + 1;
	size_t len =
		(n * sizeof(struct mpk_fn) + MPK_PAGE - 1) & ~(MPK_PAGE - 1);
	struct mpk_fn *fns;

	fns = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fns == MAP_FAILED)
		plat_panic("mpk: no memory for the gate table: %s",
			   strerror(errno));
	for (int i = 0; i < img->nfunctions; i++) {
		int c = img->functions[i].compartment;

		if (c < 0 || c >= img->ncompartments)
			plat_panic("mpk: function '%s' is in compartment %d of "
				   "%d",
				   img->functions[i].name, c,
				   img->ncompartments);
		fns[i].dispatch = img->functions[i].dispatch;
		fns[i].comp = (uint32_t)c;
	}
	fns[n - 1].dispatch = mpk_entry_dispatch;
	fns[n - 1].comp = (uint32_t)img->entry_compartment;
	if (mprotect(fns, len, PROT_READ) != 0)
		plat_panic("mpk: cannot make the gate table read-only: %s",
			   strerror(errno));
	t->fns = fns;
	t->nfns = (uint32_t)n;
}

/* Compartment @comp's stack: a guard page below, the rest on its key. */
static uintptr_t
mpk_stack_make(int comp)
{
	size_t len = MPK_STACK_SIZE + MPK_PAGE;
	char *base;

	base = mmap(NULL, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1,
		    0);
	if (base == MAP_FAILED)
		plat_panic("mpk: no memory for a stack of compartment '%s': %s",
			   mpk_page.t.img->compartments[comp].name,
			   strerror(errno));
	if (mprotect(base, MPK_PAGE, PROT_NONE) != 0 ||
	    pkey_mprotect(base + MPK_PAGE, MPK_STACK_SIZE,
			  PROT_READ | PROT_WRITE, mpk_page.t.key[comp]) != 0)
		plat_panic("mpk: cannot protect the stack of compartment "
			   "'%s': %s",
			   mpk_page.t.img->compartments[comp].name,
			   strerror(errno));
	mpk_stack_lo[comp] = (uintptr_t)base;
	return (uintptr_t)(base + len);
}

static void
mpk_arena_make(void)
{
	char *p = mmap(NULL, mpk_arena_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		plat_panic("mpk: no memory for the gate arena: %s",
			   strerror(errno));
	if (pkey_mprotect(p, mpk_arena_size, PROT_READ | PROT_WRITE,
			  mpk_page.t.shared_key) != 0)
		plat_panic("mpk: cannot put the gate arena on key %d: %s",
			   mpk_page.t.shared_key, strerror(errno));
	mpk_arena = p;
}

/* The gate's state, for the thread that starts the image, then onto the
 * gate key. */
static void
mpk_gate_init(const struct gate_image *img)
{
	struct mpk_gate *g = &mpk_gate.g;

	mpk_arena_make();
	g->fs = (uintptr_t)__builtin_thread_pointer();
	g->cur = MPK_CORE;
	g->depth = 0;
	g->arena_lo = (uintptr_t)mpk_arena;
	g->arena_hi = (uintptr_t)mpk_arena + mpk_arena_size;

	/* The generated dispatchers check every buffer against these. */
	gate_shared_start = mpk_arena;
	gate_shared_end = mpk_arena + mpk_arena_size;
	for (int i = 0; i < img->ncompartments; i++)
		g->sp[i] = mpk_stack_make(i);
	if (pkey_mprotect(&mpk_gate, sizeof(mpk_gate), PROT_READ | PROT_WRITE,
			  mpk_page.t.gate_key) != 0)
		plat_panic("mpk: cannot put the gate state on key %d: %s",
			   mpk_page.t.gate_key, strerror(errno));
}

void
mpk_gate_violation(void)
{
	static const char msg[] = ": mpk gate: stopped a call or return the "
				  "gate did not make (function index, argument "
				  "block, thread, PKRU value or frame)\n";
	const char *name = plat_image_name();

	if (write(STDERR_FILENO, name, strlen(name)) < 0 ||
	    write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
		/* nothing left to report it with */
	}
	abort();
}

int
gate_rt_start(const struct gate_image *img)
{
	const char *why;

	if (img->ncompartments < 1 ||
	    img->ncompartments > GATE_MAX_COMPARTMENTS ||
	    img->entry_compartment < 0 ||
	    img->entry_compartment >= img->ncompartments)
		plat_panic("mpk: the image has %d compartments, entry in %d",
			   img->ncompartments, img->entry_compartment);
	if (!mpk_host_has_pkeys(&why)) {
		plat_err("this image isolates its compartments with protection "
			 "keys (mechanism 'mpk'), but %s; run it on a CPU "
			 "with protection keys, or under "
			 "'qemu-system-x86_64 -accel tcg -cpu max', or build "
			 "it with another mechanism",
			 why);
		fflush(stdout);
		_exit(3);
	}
	if (img->shared_size > 0)
		mpk_arena_size = img->shared_size;

	mpk_keys_init(img);
	mpk_fns_init(img);
	mpk_gate_init(img);
	mpk_heap_init(&mpk_page.t);
	mpk_fault_init();
	if (mprotect(&mpk_page, sizeof(mpk_page), PROT_READ) != 0)
		plat_panic("mpk: cannot make the gate table read-only: %s",
			   strerror(errno));
	plat_debug("mpk: %d compartments, shared key %d, gate key %d, "
		   "vector registers cleared: %s",
		   img->ncompartments, mpk_page.t.shared_key,
		   mpk_page.t.gate_key,
		   mpk_page.t.vec == MPK_VEC_AVX512 ? "avx-512"
		   : mpk_page.t.vec == MPK_VEC_AVX  ? "avx"
						    : "sse");

	mpk_started = 1;
	mpk_entry_status = 4;
	mpk_switch(img->nfunctions, NULL);
	mpk_leave(img);
	return mpk_entry_status;
}

void
gate_rt_call(int callee, int fn, void *args)
{
	const struct mpk_table *t = &mpk_page.t;

	if (fn < 0 || fn >= t->nfunctions || (int)t->fns[fn].comp != callee)
		plat_panic("mpk: gate call of function %d into compartment %d "
			   "does not match the gate table",
			   fn, callee);
	/* Gates serve the thread that started the image (the switch checks
	 * it too, this only says so in words). */
	if (!mpk_started)
		plat_panic("mpk: a gate call from a thread the image started "
			   "(only the main thread may cross compartments)");
	mpk_switch(fn, args);
}

void *
gate_rt_frame(void)
{
	return (void *)mpk_arena_top;
}

void *
gate_rt_alloc(size_t size)
{
	size_t at = (mpk_arena_top + 15) & ~(size_t)15;

	if (mpk_arena == NULL)
		mpk_arena_make();
	if (size > mpk_arena_size || at > mpk_arena_size - size)
		plat_panic("mpk: gate arena exhausted (%zu bytes)",
			   mpk_arena_size);
	mpk_arena_top = at + size;
	return mpk_arena + at;
}

void
gate_rt_release(void *mark)
{
	mpk_arena_top = (size_t)mark;
}

int
gate_rt_current(void)
{
	return mpk_cur == MPK_CORE ? -1 : mpk_cur;
}
