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

/* Bytes of stack each compartment gets per thread (reserved, committed
 * as it is touched), plus one guard page below it. */
#define MPK_STACK_SIZE (8UL << 20)

/*
 * The gate table: everything the switch reads to decide what PKRU value to
 * write and where to go.  It fills one page that start-up makes read-only,
 * and so is the function table it points to, so no compartment can forge
 * an entry: a caller names a function by its index, and the table says
 * which compartment runs it and where its dispatcher is.
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
	int key[GATE_MAX_COMPARTMENTS]; /* protection key of each */
	int shared_key;			/* key of the gate arenas */
	int nfunctions;			/* the image's functions */
	const struct gate_image *img;
};

/* The table alone in its page (the switch reads it as mpk_page). */
union mpk_page {
	struct mpk_table t;
	char page[4096];
};

extern union mpk_page mpk_page;

/* Per thread: the compartment running now (MPK_CORE before the first
 * gate) and the top of each compartment's stack on this thread (0 until
 * the thread first enters it). */
extern __thread int mpk_cur;
extern __thread uintptr_t mpk_sp[GATE_MAX_COMPARTMENTS + 1];

/**
 * Run function @fn of the gate table (mpk_table.fns) in its compartment:
 * switch PKRU and stack, call its dispatcher on @args, switch back.
 * Checks the index and the PKRU value after every write of it, restores
 * the caller's callee-saved registers from the caller's own stack, and
 * clears every other register across the boundary.  Written in assembly
 * (mpk_switch.c); the caller has made the callee's stack.
 */
void mpk_switch(int fn, void *args);

/** Stop the image: the gate found a function index, PKRU value or frame
 * it did not set. */
void mpk_gate_violation(void) __attribute__((noreturn));

/** Make this thread's stack for compartment @comp if it has none. */
void mpk_stack_ensure(int comp);

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
