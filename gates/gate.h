/*
 * gate.h: the interface between generated gate code and the runtime of
 * one isolation mechanism (gates/fcall, gates/proc, gates/mpk).
 *
 * An image links the platform, the code the generator wrote for its
 * configuration (the build directory's gates.c) and exactly one mechanism
 * runtime.  The generator describes the image in one constant, gate_image;
 * the runtime implements the gate_rt_* functions below.
 *
 * How a cross-compartment call flows.  A caller component's object has
 * every callee function of another compartment renamed (objcopy) to its
 * stub, __fxg_<name>.  The stub, in the caller's compartment:
 *
 *	mark = gate_rt_frame();			     remember the arena top
 *	a = gate_rt_alloc(sizeof *a);		     argument block, shared
 *	a->x = x; a->buf = gate_rt_alloc(len);	     scalars; buffers copied
 *	memcpy(a->buf, buf, len);		     in for [in]/[inout]
 *	gate_rt_call(CALLEE_COMPARTMENT, FN_ID, a);  run it over there
 *	memcpy(buf, a->buf, len);		     back for [out]/[inout]
 *	ret = a->ret;
 *	gate_rt_release(mark);			     pop the arena
 *
 * gate_rt_call() must, in the callee's compartment, run
 * gate_image.functions[FN_ID].dispatch(a), which calls the real function
 * with the block's fields and stores its result in the block, and return
 * once that is done.  Calls nest: a dispatched function may call stubs in
 * turn, including back into the caller's compartment, so the arena is
 * strictly LIFO per thread of control.
 *
 * What each runtime guarantees:
 *  - gate_rt_alloc() memory is readable and writable by every compartment
 *    (proc: a MAP_SHARED region mapped at one address in every process;
 *    mpk: memory under the key every compartment may use), 16-byte
 *    aligned, and valid until the gate_rt_release() of an earlier mark.
 *  - No compartment can touch another's private sections (gate_section
 *    ranges below), except under fcall, which gives no isolation.
 *  - gate_rt_current() names the compartment the calling code runs in,
 *    so that the platform's fault handler can name who faulted.
 *
 * mpk: the runtime's gate_rt_call() switches PKRU to the callee's key set
 * and the stack to the callee's own stack (one per compartment and
 * thread), calls the dispatcher, then switches both back.  gate_rt_start()
 * assigns keys with pkey_mprotect() over each compartment's sections and
 * refuses to start, with a message, on a host without protection keys.
 */
#ifndef GATE_H
#define GATE_H

#include <signal.h>
#include <stddef.h>

#define GATE_MAX_COMPARTMENTS 24

/* A page-aligned address range [start, end) the linker script gave one
 * compartment; empty when start == end. */
struct gate_section {
	char *start;
	char *end;
};

struct gate_compartment {
	const char *name;	     /* its components joined by '+' */
	struct gate_section text;    /* code */
	struct gate_section rodata;  /* read-only data */
	struct gate_section data;    /* initialised data */
	struct gate_section bss;     /* zeroed data */
	const char *const *syscalls; /* allow-list, NULL-terminated names */
};

struct gate_function {
	const char *name;	      /* the exported function */
	int compartment;	      /* where it runs */
	void (*dispatch)(void *args); /* unpacks the block and calls it */
};

struct gate_image {
	const char *app;
	const char *mechanism; /* "none", "fcall", "proc" or "mpk" */
	int ncompartments;
	const struct gate_compartment *compartments;
	int entry_compartment; /* holds the component exporting entry */
	int (*entry)(void);    /* the application's APP_ENTRY */
	int nfunctions;
	const struct gate_function *functions;
	size_t shared_size; /* bytes of shared arena to provide */
};

/* Written by the generator into the build directory's gates.c. */
extern const struct gate_image gate_image;

/*
 * The mechanism runtime.
 */

/**
 * Set up the mechanism for @img, run img->entry in its compartment and
 * return its exit status (proc exits with it itself, once every
 * compartment has flushed its output).  Called once by the platform's
 * main() after options and console are ready.  Errors that make isolation
 * impossible stop the image with a message: a host that lacks what the
 * mechanism needs (no protection keys) exits 3, an environment error;
 * anything else (a seccomp filter that cannot be loaded) goes through
 * plat_panic().
 */
int gate_rt_start(const struct gate_image *img);

/** Run function @fn of compartment @callee on the block @args. */
void gate_rt_call(int callee, int fn, void *args);

/** The current top of the shared arena, for gate_rt_release(). */
void *gate_rt_frame(void);

/** @size bytes of shared arena (16-byte aligned); stops the image when
 * the arena is exhausted. */
void *gate_rt_alloc(size_t size);

/** Pop the shared arena back to @mark (from gate_rt_frame()). */
void gate_rt_release(void *mark);

/** The compartment the calling code runs in (0 when there is one). */
int gate_rt_current(void);

/*
 * Provided by the platform for every runtime.
 */

/** The compartment whose private section holds @addr, or -1. */
int gate_addr_compartment(const struct gate_image *img, const void *addr);

/**
 * Report a fatal signal in the current compartment on stderr: the
 * compartment and the signal, and for a memory fault the compartment whose
 * memory was touched.  Async-signal-safe.  Runtimes that install their own
 * handlers call it before they take the image down.
 */
void gate_report_fault(int sig, const siginfo_t *si);

/*
 * Checks of what arrives through a gate, for the generated dispatchers.
 * A compromised caller need not go through its stubs: it can write any
 * block into shared memory.  So before a dispatcher calls the real
 * function, every buffer pointer in the block must lie wholly in the
 * shared arena, or the callee would read or write its own private memory
 * on the caller's behalf.  A runtime that isolates sets the arena's
 * bounds at start; while they are NULL (fcall) nothing is checked.
 */
extern char *gate_shared_start;
extern char *gate_shared_end;

/** Whether [@p, @p + @n) lies in the shared arena (always, unset). */
static inline int
gate_in_shared(const void *p, size_t n)
{
	const char *c = p;

	if (gate_shared_start == NULL)
		return 1;
	return c >= gate_shared_start && c <= gate_shared_end &&
	       n <= (size_t)(gate_shared_end - c);
}

/** Whether a NUL-terminated string at @p lies wholly in the arena. */
static inline int
gate_in_shared_str(const char *p)
{
	if (gate_shared_start == NULL)
		return 1;
	if (p < gate_shared_start || p >= gate_shared_end)
		return 0;
	for (; p < gate_shared_end; p++)
		if (*p == '\0')
			return 1;
	return 0;
}

/**
 * Refuse a call whose parameter @param of function @fn fails those
 * checks: report it, naming the compartment, and stop the image.
 */
void gate_reject(const char *fn, const char *param) __attribute__((noreturn));

#endif /* GATE_H */
