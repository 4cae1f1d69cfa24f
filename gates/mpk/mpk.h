/*
 * mpk.h: the protection-key runtime's own interface between its files
 * (keys and start-up in mpk.c, the gate switch in mpk_switch.c, the
 * per-compartment heaps in mpk_heap.c).  Nothing outside gates/mpk/
 * includes it.
 *
 * Memory and keys.  Every compartment gets a protection key of its own;
 * its sections (code, read-only data, data, bss), its heap and its stacks
 * carry that key.  One more key, the shared key, tags the gate arenas
 * that carry arguments between compartments.  The trusted core (platform,
 * C library, this runtime, the generated gate code) stays on key 0.  A
 * compartment runs with a PKRU value that allows key 0, the shared key and
 * its own key and denies every other key; the core before the first gate
 * runs with every key allowed.
 *
 * Protection keys govern loads and stores, not instruction fetches: code
 * that jumps into another compartment's code runs there, but still with
 * its own PKRU, so the first access to that compartment's data, heap or
 * stack faults.
 */
#ifndef MPK_H
#define MPK_H

#include <stddef.h>
#include <stdint.h>

#include "../gate.h"

/* The index the core (no compartment) uses in per-compartment tables. */
#define MPK_CORE GATE_MAX_COMPARTMENTS

/* Bytes of stack each compartment gets, reserved and committed as it is
 * touched, plus one guard page below it. */
#define MPK_STACK_SIZE (8UL << 20)

/* Heaps: one per compartment and the core's (at MPK_CORE). */
#define MPK_NHEAPS (GATE_MAX_COMPARTMENTS + 1)
struct mpk_heap;

/* Gate calls that may be in progress at once (nested and re-entrant). */
#define MPK_MAX_DEPTH 200

/* Which vector registers the gate clears: xmm0-15; ymm0-15 (vzeroall);
 * and with AVX-512 also zmm16-31 and the opmask registers. */
#define MPK_VEC_SSE 0
#define MPK_VEC_AVX 1
#define MPK_VEC_AVX512 2

/* The PKRU value with key 0 alone: the core's exit path and the gate's
 * violation path. */
#define MPK_PKRU_KEY0 0xfffffffcu

/*
 * The gate table: everything the switch reads to decide what PKRU value to
 * write and where to go.  It fills one page that start-up makes read-only,
 * and so is the function table it points to, so no compartment can forge
 * an entry: a caller names a function by its index, and the table says
 * which compartment runs it and where its dispatcher is.  The switch
 * reads the first fields by offset (mpk_switch.c checks them).
 */
struct mpk_fn {
	void (*dispatch)(void *args);
	uint32_t comp; /* the compartment it runs in */
	uint32_t pad;
};

struct mpk_table {
	uint32_t ncomp; /* compartments; valid indexes are < ncomp */
	uint32_t pkru[GATE_MAX_COMPARTMENTS]; /* PKRU value of each */
	uint32_t nfns;			      /* valid function indexes */
	const struct mpk_fn *fns; /* the image's functions, then the entry */
	uint32_t pkru_gate;	  /* key 0 and the gate key alone */
	uint32_t vec;		  /* vector registers to clear (MPK_VEC_*) */
	int key[GATE_MAX_COMPARTMENTS]; /* protection key of each */
	int shared_key;			/* key of the gate arena */
	int gate_key;			/* key of the gate's own state */
	int nfunctions;			/* the image's functions */
	const struct gate_image *img;
	struct mpk_heap *heap[MPK_NHEAPS]; /* each compartment's, the core's */
};

/* The table alone in its page (the switch reads it as mpk_page). */
union mpk_page {
	struct mpk_table t;
	char page[4096];
};

extern union mpk_page mpk_page;

/*
 * The gate's own state, in a page on the gate key, which no compartment's
 * PKRU allows: only the switch, between two checked PKRU writes, reads and
 * changes it.  Gates serve the thread that started the image (its %fs
 * base is recorded here); every compartment has one stack on it.
 */
struct mpk_frame {
	uint32_t caller; /* who made the call */
	uint32_t pad;
	uintptr_t caller_top; /* its stack top before the call */
};

struct mpk_gate {
	uintptr_t fs;	    /* the thread allowed through */
	uint32_t cur;	    /* running compartment (MPK_CORE: the core) */
	uint32_t depth;	    /* frames in use */
	uintptr_t arena_lo; /* argument blocks must lie in the arena */
	uintptr_t arena_hi;
	uintptr_t sp[GATE_MAX_COMPARTMENTS + 1]; /* stack top of each */
	struct mpk_frame frames[MPK_MAX_DEPTH];	 /* calls in progress */
};

union mpk_gate_page {
	struct mpk_gate g;
	char page[4096];
};

extern union mpk_gate_page mpk_gate;

/* Where each compartment's stack mapping starts (guard page included;
 * MPK_STACK_SIZE + 4096 bytes long): for fault reports only. */
extern uintptr_t mpk_stack_lo[GATE_MAX_COMPARTMENTS];

/* The running compartment, as the switch last set it: a copy on key 0
 * for fault reports (which run with key 0 alone), never trusted. */
extern __thread int mpk_cur;

/**
 * Run function @fn of the gate table (mpk_table.fns) in its compartment:
 * switch PKRU and stack, call its dispatcher on @args (NULL or a block in
 * the gate arena), switch back.  Checks the index, the calling thread and
 * the PKRU value after every write of it, keeps the chain of calls in the
 * gate's own state, restores the caller's callee-saved registers from the
 * caller's own stack, and clears every other register across the
 * boundary.  Written in assembly (mpk_switch.c).
 */
void mpk_switch(int fn, void *args);

/** Stop the image: the gate met a call or return it did not make. */
void mpk_gate_violation(void) __attribute__((noreturn));

/**
 * Create the heap of every compartment in @t, tagged with its key.  Until
 * then, and for memory the C library or other core code allocates, the
 * core heap on key 0 serves.
 */
void mpk_heap_init(const struct mpk_table *t);

/** Compartment whose heap holds @addr, or -1. */
int mpk_heap_owner(const void *addr);

/** The compartment whose code holds @addr, or -1. */
int mpk_text_owner(const void *addr);

/** Report protection-key faults naming both compartments (on top of the
 * platform's fault handlers, which see every other fault). */
void mpk_fault_init(void);

/** Does this CPU and kernel offer protection keys?  When not, @why says
 * what is missing. */
int mpk_host_has_pkeys(const char **why);

#endif /* MPK_H */
