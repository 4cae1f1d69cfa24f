/*
 * plat_core.h: the platform's own interface to the rest of the trusted
 * core (the gate runtimes and the generated gate code).  Components never
 * include this file.
 */
#ifndef PLAT_CORE_H
#define PLAT_CORE_H

#include <signal.h>
#include <stddef.h>

#include "plat.h"

/** Parse the image's command line; stops the image on a bad argument. */
void plat_options_init(int argc, char **argv);

/** The image's name for messages ("httpd", or "httpd[net]" when the
 * current compartment is known and there are several). */
const char *plat_image_name(void);

/** Name the current compartment in log prefixes from now on. */
void plat_set_compartment_name(const char *name);

/**
 * Install the fatal-signal handlers (SIGSEGV, SIGBUS, SIGILL, SIGFPE,
 * SIGSYS, SIGTRAP) on an alternate stack: each reports through
 * gate_report_fault() and then dies of the same signal.
 */
void plat_fault_init(void);

/** Async-signal-safe helpers for fault messages. */
void plat_safe_puts(char *buf, size_t cap, size_t *len, const char *s);
void plat_safe_putu(char *buf, size_t cap, size_t *len, unsigned long v,
		    int base);

/** The name of signal @sig ("SIGSEGV"), or "signal N" in @scratch. */
const char *plat_signal_name(int sig);

/**
 * A hook a runtime sets to name system calls in SIGSYS reports
 * (async-signal-safe; NULL when unknown).
 */
extern const char *(*plat_syscall_name)(int nr);

/**
 * A hook a runtime with per-compartment heaps sets: the compartment whose
 * heap holds @addr, or -1 (async-signal-safe).
 */
extern int (*plat_heap_owner)(const void *addr);

#endif /* PLAT_CORE_H */
