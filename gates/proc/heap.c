/*
 * The proc mechanism's heap: malloc and friends over one address window
 * per compartment, so that heap memory has an owner the fault reporter
 * can name, like the linker script's sections.
 *
 * At the first allocation a range of windows is reserved, all without
 * access: window 0 for the core's allocations before the compartments
 * start, window 1 + c for compartment c.  Each compartment process
 * allocates only in its own window, committing it as it grows; every
 * other window stays without access in that process, so a pointer into
 * another compartment's heap faults there, and the report names whose
 * heap it was.  (The processes' address spaces are separate anyway: the
 * windows make the owner visible.)
 *
 * Small blocks come in power-of-two classes from 16 bytes to 1 MiB with a
 * free list per class; bigger ones are whole pages, reused first-fit.
 * Every block has a 16-byte header before it.  Linked only into proc
 * images without AddressSanitizer, whose runtime brings its own heap.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../os/plat/plat_core.h"
#include "../gate.h"

#define HEAP_WINDOW_MAX (8UL << 30) /* per compartment, when it fits */
#define HEAP_WINDOW_MIN (128UL << 20)
#define HEAP_NWINDOWS (GATE_MAX_COMPARTMENTS + 1)
#define HEAP_COMMIT (2UL << 20) /* committed in steps of this */
#define HEAP_MIN_SHIFT 4
#define HEAP_MAX_SHIFT 20 /* largest class: 1 MiB */
#define HEAP_NCLASSES (HEAP_MAX_SHIFT - HEAP_MIN_SHIFT + 1)
#define HEAP_PAGE 4096UL

enum heap_magic {
	HEAP_SMALL = 0x5a11b10c,
	HEAP_BIG = 0xb16b10c5,
	HEAP_ALIGNED = 0xa119ed00,
};

struct heap_hdr {
	uint32_t magic;
	uint32_t cls;
	size_t size; /* payload capacity; for HEAP_ALIGNED: offset back */
};

struct heap_free {
	struct heap_free *next;
	size_t size; /* big blocks: payload capacity */
};

static char *heap_base;	     /* the reserved windows */
static size_t heap_wsize;    /* bytes per window */
static int heap_window;	     /* this process's window */
static char *heap_top;	     /* first byte never handed out */
static char *heap_committed; /* end of accessible memory */
static char *heap_end;	     /* end of the window */
static struct heap_free *heap_small[HEAP_NCLASSES];
static struct heap_free *heap_big;
static atomic_flag heap_lock = ATOMIC_FLAG_INIT;

void proc_heap_enter(int compartment);
void *malloc(size_t n);
void free(void *p);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);
void *memalign(size_t align, size_t n);
int posix_memalign(void **out, size_t align, size_t n);
void *aligned_alloc(size_t align, size_t n);
void *valloc(size_t n);
void *pvalloc(size_t n);
size_t malloc_usable_size(void *p);

static void
heap_acquire(void)
{
	while (atomic_flag_test_and_set_explicit(&heap_lock,
						 memory_order_acquire))
		;
}

static void
heap_release(void)
{
	atomic_flag_clear_explicit(&heap_lock, memory_order_release);
}

/* Start allocating in window @w, forgetting the previous one's lists. */
static void
heap_use_window(int w)
{
	heap_window = w;
	heap_top = heap_base + (size_t)w * heap_wsize;
	heap_committed = heap_top;
	heap_end = heap_top + heap_wsize;
	memset(heap_small, 0, sizeof(heap_small));
	heap_big = NULL;
}

static int
heap_owner(const void *addr)
{
	const char *a = addr;
	size_t w;

	if (heap_base == NULL || a < heap_base ||
	    a >= heap_base + HEAP_NWINDOWS * heap_wsize)
		return -1;
	w = (size_t)(a - heap_base) / heap_wsize;
	return w == 0 ? -1 : (int)w - 1;
}

/* Reserve the windows, smaller ones where address space is limited. */
static int
heap_reserve(void)
{
	void *p = MAP_FAILED;

	for (heap_wsize = HEAP_WINDOW_MAX; heap_wsize >= HEAP_WINDOW_MIN;
	     heap_wsize /= 2) {
		p = mmap(NULL, HEAP_NWINDOWS * heap_wsize, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p != MAP_FAILED)
			break;
	}
	if (p == MAP_FAILED)
		return -1;
	heap_base = p;
	heap_use_window(0);
	plat_heap_owner = heap_owner;
	return 0;
}

void
proc_heap_enter(int compartment)
{
	heap_acquire();
	if (heap_base != NULL || heap_reserve() == 0)
		heap_use_window(1 + compartment);
	heap_release();
}

/* @len more bytes at the top of the window, committed. */
static void *
heap_carve(size_t len)
{
	char *p = heap_top;

	if (heap_base == NULL && heap_reserve() != 0)
		return NULL;
	p = heap_top;
	if (len > (size_t)(heap_end - p))
		return NULL;
	if (p + len > heap_committed) {
		size_t grow = (size_t)(p + len - heap_committed);

		grow = (grow + HEAP_COMMIT - 1) & ~(HEAP_COMMIT - 1);
		if (grow > (size_t)(heap_end - heap_committed))
			grow = (size_t)(heap_end - heap_committed);
		if (mprotect(heap_committed, grow, PROT_READ | PROT_WRITE) != 0)
			return NULL;
		heap_committed += grow;
	}
	heap_top = p + len;
	return p;
}

static int
heap_class(size_t n)
{
	int c = 0;

	while (((size_t)1 << (c + HEAP_MIN_SHIFT)) < n)
		c++;
	return c;
}

static void *
heap_alloc_locked(size_t n)
{
	struct heap_hdr *h;

	if (n <= ((size_t)1 << HEAP_MAX_SHIFT)) {
		int c = heap_class(n);
		size_t size = (size_t)1 << (c + HEAP_MIN_SHIFT);

		if (heap_small[c] != NULL) {
			h = (struct heap_hdr *)heap_small[c] - 1;
			heap_small[c] = heap_small[c]->next;
		} else {
			h = heap_carve(sizeof(*h) + size);
			if (h == NULL)
				return NULL;
		}
		h->magic = HEAP_SMALL;
		h->cls = (uint32_t)c;
		h->size = size;
		return h + 1;
	}

	/* Big: the first free block that fits, else fresh pages. */
	for (struct heap_free **f = &heap_big; *f != NULL; f = &(*f)->next)
		if ((*f)->size >= n) {
			struct heap_free *b = *f;

			*f = b->next;
			h = (struct heap_hdr *)b - 1;
			h->magic = HEAP_BIG;
			return h + 1;
		}
	if (n > heap_wsize)
		return NULL;
	size_t len = (n + sizeof(*h) + HEAP_PAGE - 1) & ~(HEAP_PAGE - 1);

	h = heap_carve(len);
	if (h == NULL)
		return NULL;
	h->magic = HEAP_BIG;
	h->cls = 0;
	h->size = len - sizeof(*h);
	return h + 1;
}

static void
heap_free_locked(void *p)
{
	struct heap_hdr *h = (struct heap_hdr *)p - 1;
	struct heap_free *f = p;

	/* Only blocks of this process's window go back to its lists; the
	 * core's blocks from before the compartments started stay put. */
	if (heap_base == NULL || (char *)p < heap_end - heap_wsize ||
	    (char *)p >= heap_end)
		return;
	switch (h->magic) {
	case HEAP_SMALL:
		f->next = heap_small[h->cls];
		heap_small[h->cls] = f;
		break;
	case HEAP_BIG:
		f->size = h->size;
		f->next = heap_big;
		heap_big = f;
		break;
	case HEAP_ALIGNED:
		heap_free_locked((char *)p - h->size);
		break;
	default:
		plat_panic("free() of %p, which malloc() did not return", p);
	}
}

void *
malloc(size_t n)
{
	void *p;

	heap_acquire();
	p = heap_alloc_locked(n ? n : 1);
	heap_release();
	if (p == NULL)
		errno = ENOMEM;
	return p;
}

void
free(void *p)
{
	if (p == NULL)
		return;
	heap_acquire();
	heap_free_locked(p);
	heap_release();
}

void *
calloc(size_t n, size_t size)
{
	void *p;

	if (size != 0 && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	/* Not through malloc(): the compiler would turn malloc() and
	 * memset() back into a call to calloc(). */
	heap_acquire();
	p = heap_alloc_locked(n * size != 0 ? n * size : 1);
	heap_release();
	if (p == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	memset(p, 0, n * size);
	return p;
}

size_t
malloc_usable_size(void *p)
{
	struct heap_hdr *h;

	if (p == NULL)
		return 0;
	h = (struct heap_hdr *)p - 1;
	if (h->magic == HEAP_ALIGNED)
		return malloc_usable_size((char *)p - h->size) - h->size;
	return h->size;
}

void *
realloc(void *p, size_t n)
{
	size_t have;
	void *q;

	if (p == NULL)
		return malloc(n);
	if (n == 0) {
		free(p);
		return NULL;
	}
	have = malloc_usable_size(p);
	if (n <= have)
		return p;
	q = malloc(n);
	if (q == NULL)
		return NULL;
	memcpy(q, p, have);
	free(p);
	return q;
}

void *
memalign(size_t align, size_t n)
{
	struct heap_hdr *h;
	char *raw, *p;

	if (align <= 16)
		return malloc(n);
	if ((align & (align - 1)) != 0 || n > SIZE_MAX - align - 16) {
		errno = EINVAL;
		return NULL;
	}
	raw = malloc(n + align + sizeof(*h));
	if (raw == NULL)
		return NULL;
	p = (char *)(((uintptr_t)raw + sizeof(*h) + align - 1) &
		     ~(uintptr_t)(align - 1));
	h = (struct heap_hdr *)p - 1;
	h->magic = HEAP_ALIGNED;
	h->cls = 0;
	h->size = (size_t)(p - raw);
	return p;
}

int
posix_memalign(void **out, size_t align, size_t n)
{
	void *p;

	if (align < sizeof(void *) || (align & (align - 1)) != 0)
		return EINVAL;
	p = memalign(align, n);
	if (p == NULL)
		return ENOMEM;
	*out = p;
	return 0;
}

void *
aligned_alloc(size_t align, size_t n)
{
	return memalign(align, n);
}

void *
valloc(size_t n)
{
	return memalign(HEAP_PAGE, n);
}

void *
pvalloc(size_t n)
{
	return memalign(HEAP_PAGE, (n + HEAP_PAGE - 1) & ~(HEAP_PAGE - 1));
}
