/* victim: a component of the isolation test application. */
#ifndef VICTIM_H
#define VICTIM_H

struct victim_pair {
	long a;
	long b;
};

/** The address of victim's private secret (a static variable). */
long victim_secret_addr(void);
/** The address of one of victim's private functions. */
long victim_code_addr(void);
/** The secret, read by victim itself. */
long victim_read_secret(void);
/** Returns x + 1. */
int victim_nop(int x);
/** Sum of the n bytes of buf. */
int victim_sum(const unsigned char *buf, int n);
/** Fills buf with seed, seed+1, ...; returns n. */
int victim_fill(unsigned char *buf, int n, int seed);
/** Upper-cases s in place; returns its length. */
int victim_upper(char *s);
/** Sets p->b = p->a * 2 and returns p->a. */
int victim_stat(struct victim_pair *p);
/** Calls prober_echo(depth - 1) back while depth > 0; returns the sum. */
int victim_bounce(int depth);

/** Reads the long at @addr (an address in another compartment). */
long victim_peek(long addr);
/** INT_MAX + x in int arithmetic: undefined for x > 0 (for ubsan). */
int victim_overflow(int x);
/** Reads byte @i of a 16-byte heap buffer (past its end for asan). */
int victim_oob(int i);
/** Calls a function through a pointer of the wrong type (for cfi). */
int victim_bad_icall(int x);
/** The address of a secret victim keeps on its heap. */
long victim_heap_addr(void);

#endif
