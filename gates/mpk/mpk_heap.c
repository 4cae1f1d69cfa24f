/*
 * Per-compartment heaps for the mpk mechanism.
 *
 * The image's malloc family is replaced (the C library allows it): every
 * compartment allocates from a region of its own, tagged with its
 * protection key, and everything else (the C library, the platform, this
 * runtime, and all allocations before start-up) allocates from the core
 * heap on key 0.  Which heap serves a call is decided by who made it: the
 * return address of malloc() lies in one compartment's code or in none.
 * So memory a component allocates itself is private to its compartment,
 * while memory the C library allocates on its behalf (strdup, fopen,
 * stdio buffers) stays on key 0, where every compartment may use it.
 *
 * Each heap keeps its bookkeeping at the start of its own region, so only
 * code running with that compartment's key can change it; a compartment
 * that frees another's memory faults on the chunk header.
 *
 * Built with MPK_NO_HEAPS (images with AddressSanitizer, whose checks need
 * its own allocator), none of this replaces malloc and every allocation
 * stays on key 0.
 *
 * Small blocks come from size classes (free lists, never returned to the
 * host); blocks over MPK_HEAP_LARGE get a mapping of their own, on the
 * same key.
 */
#include <errno.h>
#include <malloc.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mpk.h"

#ifdef MPK_NO_HEAPS

/* The C library's (or the sanitizer's) allocator serves everyone. */
void
mpk_heap_init(const struct mpk_table *t)
{
	(void)t;
}

int
mpk_heap_owner(const void *addr)
{
	(void)addr;
	return -1;
}

#else /* per-compartment heaps */

#define MPK_HEAP_RESERVE (1UL << 30) /* address space per heap */
#define MPK_HEAP_LARGE (64UL << 10)  /* larger blocks get a mapping */
#define MPK_HDR 16
#define MPK_MAGIC 0x6d706b68u
#define MPK_CLS_LARGE 0xfffe
#define MPK_CLS_ALIGNED 0xffff

/* Chunk sizes (header included): steps of 16 up to 256, then four steps
 * per doubling up to MPK_HEAP_LARGE. */
static const uint32_t mpk_class_size[] = {
	16,    32,    48,    64,    80,	   96,	  112,	 128,	144,   160,
	176,   192,   208,   224,   240,   256,	  320,	 384,	448,   512,
	640,   768,   896,   1024,  1280,  1536,  1792,	 2048,	2560,  3072,
	3584,  4096,  5120,  6144,  7168,  8192,  10240, 12288, 14336, 16384,
	20480, 24576, 28672, 32768, 40960, 49152, 57344, 65536,
};
#define MPK_NCLASS (sizeof(mpk_class_size) / sizeof(mpk_class_size[0]))

struct mpk_chunk {
	uint32_t magic;
	uint16_t heap;
	uint16_t cls;
	uint64_t size; /* large: mapping length; aligned: offset to block */
};

struct mpk_heap {
	atomic_flag lock;
	int key;
	char *top; /* first byte never handed out */
	char *end;
	void *free[MPK_NCLASS];
};

/* Regions [lo, lo + MPK_HEAP_RESERVE) of each heap, in the gate table
 * (read-only once the image runs); index MPK_CORE is the core heap. */
#define mpk_heaps (mpk_page.t.heap)
static atomic_flag mpk_core_once = ATOMIC_FLAG_INIT;

static void
mpk_heap_die(const char *msg)
{
	if (write(STDERR_FILENO, msg, strlen(msg)) < 0) {
		/* nothing left to report it with */
	}
	abort();
}

static struct mpk_heap *
mpk_heap_make(int key)
{
	struct mpk_heap *h;
	char *p = mmap(NULL, MPK_HEAP_RESERVE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (key != 0 &&
	    pkey_mprotect(p, MPK_HEAP_RESERVE, PROT_READ | PROT_WRITE, key)) {
		munmap(p, MPK_HEAP_RESERVE);
		return NULL;
	}
	h = (struct mpk_heap *)p;
	atomic_flag_clear(&h->lock);
	h->key = key;
	h->top = p + ((sizeof(*h) + 63) & ~(size_t)63);
	h->end = p + MPK_HEAP_RESERVE;
	return h;
}

static struct mpk_heap *
mpk_core_heap(void)
{
	struct mpk_heap *h = atomic_load_explicit(
		(_Atomic(struct mpk_heap *) *)&mpk_heaps[MPK_CORE],
		memory_order_acquire);

	if (h != NULL)
		return h;
	while (atomic_flag_test_and_set(&mpk_core_once))
		sched_yield();
	if (mpk_heaps[MPK_CORE] == NULL) {
		h = mpk_heap_make(0);
		if (h == NULL)
			mpk_heap_die("mpk: no memory for the core heap\n");
		atomic_store_explicit(
			(_Atomic(struct mpk_heap *) *)&mpk_heaps[MPK_CORE], h,
			memory_order_release);
	}
	atomic_flag_clear(&mpk_core_once);
	return mpk_heaps[MPK_CORE];
}

void
mpk_heap_init(const struct mpk_table *t)
{
	mpk_core_heap();
	for (uint32_t i = 0; i < t->ncomp; i++) {
		mpk_heaps[i] = mpk_heap_make(t->key[i]);
		if (mpk_heaps[i] == NULL)
			mpk_heap_die("mpk: no memory for a compartment heap\n");
	}
}

int
mpk_text_owner(const void *addr)
{
	const struct mpk_table *t = &mpk_page.t;
	const char *a = addr;

	for (uint32_t i = 0; i < t->ncomp; i++) {
		const struct gate_section *s = &t->img->compartments[i].text;

		if (a >= s->start && a < s->end)
			return (int)i;
	}
	return -1;
}

int
mpk_heap_owner(const void *addr)
{
	const char *a = addr;

	for (int i = 0; i < MPK_NHEAPS; i++) {
		const char *lo = (const char *)mpk_heaps[i];

		if (lo != NULL && a >= lo && a < lo + MPK_HEAP_RESERVE)
			return i == MPK_CORE ? -1 : i;
	}
	return -1;
}

/* The heap for a call made from @ra. */
static int
mpk_heap_for(const void *ra)
{
	int owner = mpk_text_owner(ra);

	return owner < 0 ? MPK_CORE : owner;
}

static unsigned
mpk_class_of(size_t total)
{
	unsigned lo = 0, hi = MPK_NCLASS - 1;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (mpk_class_size[mid] >= total)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static void
mpk_lock(struct mpk_heap *h)
{
	while (atomic_flag_test_and_set_explicit(&h->lock,
						 memory_order_acquire))
		sched_yield();
}

static void
mpk_unlock(struct mpk_heap *h)
{
	atomic_flag_clear_explicit(&h->lock, memory_order_release);
}

static void *
mpk_alloc_large(int hi, size_t n)
{
	struct mpk_heap *h = mpk_heaps[hi];
	size_t len = (n + MPK_HDR + 4095) & ~(size_t)4095;
	struct mpk_chunk *c;

	if (n > SIZE_MAX / 2)
		goto nomem;
	c = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (c == MAP_FAILED)
		goto nomem;
	if (h->key != 0 &&
	    pkey_mprotect(c, len, PROT_READ | PROT_WRITE, h->key) != 0) {
		munmap(c, len);
		goto nomem;
	}
	c->magic = MPK_MAGIC;
	c->heap = (uint16_t)hi;
	c->cls = MPK_CLS_LARGE;
	c->size = len;
	return (char *)c + MPK_HDR;
nomem:
	errno = ENOMEM;
	return NULL;
}

static void *
mpk_alloc(int hi, size_t n)
{
	struct mpk_heap *h = hi == MPK_CORE ? mpk_core_heap() : mpk_heaps[hi];
	struct mpk_chunk *c;
	unsigned cls;

	if (n > MPK_HEAP_LARGE - MPK_HDR)
		return mpk_alloc_large(hi, n);
	cls = mpk_class_of(n + MPK_HDR);

	mpk_lock(h);
	c = h->free[cls];
	if (c != NULL) {
		h->free[cls] = *(void **)c;
	} else if ((size_t)(h->end - h->top) >= mpk_class_size[cls]) {
		c = (struct mpk_chunk *)h->top;
		h->top += mpk_class_size[cls];
	}
	mpk_unlock(h);
	if (c == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	c->magic = MPK_MAGIC;
	c->heap = (uint16_t)hi;
	c->cls = (uint16_t)cls;
	c->size = 0;
	return (char *)c + MPK_HDR;
}

static struct mpk_chunk *
mpk_chunk_of(void *p)
{
	struct mpk_chunk *c = (struct mpk_chunk *)((char *)p - MPK_HDR);

	if (c->magic != MPK_MAGIC || c->heap >= MPK_NHEAPS ||
	    mpk_heaps[c->heap] == NULL)
		mpk_heap_die("mpk: free() of a pointer malloc() did not "
			     "return\n");
	return c;
}

static void
mpk_free(void *p)
{
	struct mpk_chunk *c;
	struct mpk_heap *h;

	if (p == NULL)
		return;
	c = mpk_chunk_of(p);
	if (c->cls == MPK_CLS_ALIGNED) {
		mpk_free((char *)p - c->size);
		return;
	}
	if (c->cls == MPK_CLS_LARGE) {
		munmap(c, c->size);
		return;
	}
	h = mpk_heaps[c->heap];
	if ((char *)c < (char *)h || (char *)c >= h->top ||
	    c->cls >= MPK_NCLASS)
		mpk_heap_die("mpk: free() of a corrupt block\n");
	c->magic = 0;
	mpk_lock(h);
	*(void **)c = h->free[c->cls];
	h->free[c->cls] = c;
	mpk_unlock(h);
}

static size_t
mpk_usable(void *p)
{
	struct mpk_chunk *c = mpk_chunk_of(p);

	if (c->cls == MPK_CLS_ALIGNED) {
		char *block = (char *)p - c->size;

		return mpk_usable(block) - c->size;
	}
	if (c->cls == MPK_CLS_LARGE)
		return c->size - MPK_HDR;
	return mpk_class_size[c->cls] - MPK_HDR;
}

static void *
mpk_memalign(int hi, size_t align, size_t n)
{
	struct mpk_chunk *c;
	char *block, *p;

	if (align <= MPK_HDR)
		return mpk_alloc(hi, n);
	if (n > SIZE_MAX - align - MPK_HDR) {
		errno = ENOMEM;
		return NULL;
	}
	block = mpk_alloc(hi, n + align + MPK_HDR);
	if (block == NULL)
		return NULL;
	p = (char *)(((uintptr_t)block + MPK_HDR + align - 1) &
		     ~(uintptr_t)(align - 1));
	c = (struct mpk_chunk *)(p - MPK_HDR);
	c->magic = MPK_MAGIC;
	c->heap = mpk_chunk_of(block)->heap;
	c->cls = MPK_CLS_ALIGNED;
	c->size = (uint64_t)(p - block);
	return p;
}

/*
 * The C library's allocation interface.
 */

void *
malloc(size_t n)
{
	return mpk_alloc(mpk_heap_for(__builtin_return_address(0)), n);
}

void
free(void *p)
{
	mpk_free(p);
}

void *
calloc(size_t nmemb, size_t size)
{
	size_t n;
	void *p;

	if (__builtin_mul_overflow(nmemb, size, &n)) {
		errno = ENOMEM;
		return NULL;
	}
	p = mpk_alloc(mpk_heap_for(__builtin_return_address(0)), n);
	if (p != NULL)
		memset(p, 0, n);
	return p;
}

void *
realloc(void *old, size_t n)
{
	size_t have;
	void *p;
	int hi;

	if (old == NULL)
		return mpk_alloc(mpk_heap_for(__builtin_return_address(0)), n);
	if (n == 0) {
		mpk_free(old);
		return NULL;
	}
	have = mpk_usable(old);
	if (n <= have && n > have / 2)
		return old;
	hi = mpk_chunk_of(old)->heap;
	p = mpk_alloc(hi, n);
	if (p == NULL)
		return NULL;
	memcpy(p, old, n < have ? n : have);
	mpk_free(old);
	return p;
}

void *
reallocarray(void *old, size_t nmemb, size_t size)
{
	size_t n;

	if (__builtin_mul_overflow(nmemb, size, &n)) {
		errno = ENOMEM;
		return NULL;
	}
	if (old == NULL)
		return mpk_alloc(mpk_heap_for(__builtin_return_address(0)), n);
	return realloc(old, n);
}

int
posix_memalign(void **out, size_t align, size_t n)
{
	void *p;

	if (align < sizeof(void *) || (align & (align - 1)) != 0)
		return EINVAL;
	p = mpk_memalign(mpk_heap_for(__builtin_return_address(0)), align, n);
	if (p == NULL)
		return ENOMEM;
	*out = p;
	return 0;
}

void *
aligned_alloc(size_t align, size_t n)
{
	if (align == 0 || (align & (align - 1)) != 0) {
		errno = EINVAL;
		return NULL;
	}
	return mpk_memalign(mpk_heap_for(__builtin_return_address(0)), align,
			    n);
}

void *
memalign(size_t align, size_t n)
{
	if (align == 0 || (align & (align - 1)) != 0) {
		errno = EINVAL;
		return NULL;
	}
	return mpk_memalign(mpk_heap_for(__builtin_return_address(0)), align,
			    n);
}

void *
valloc(size_t n)
{
	return mpk_memalign(mpk_heap_for(__builtin_return_address(0)), 4096, n);
}

void *
pvalloc(size_t n)
{
	return mpk_memalign(mpk_heap_for(__builtin_return_address(0)), 4096,
			    (n + 4095) & ~(size_t)4095);
}

size_t
malloc_usable_size(void *p)
{
	return p == NULL ? 0 : mpk_usable(p);
}
#endif /* MPK_NO_HEAPS */
