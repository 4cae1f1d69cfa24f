/* prober: the entry of the isolation test application. */
#ifndef PROBER_H
#define PROBER_H

/** Runs the probe named by --probe=...; see prober.c. */
int prober_main(void);
/** Calls victim_bounce(depth) back while depth > 0; returns the sum. */
int prober_echo(int depth);

#endif
