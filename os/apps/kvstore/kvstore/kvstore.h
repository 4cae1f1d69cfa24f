/*
 * kvstore: a Redis-protocol key-value server on one event loop.
 *
 * It fills the default key space (--keys=N, default 1000: "key:" and 12
 * digits, each holding its number), listens on --host/--port, prints
 * "ready port=N", then answers the commands redis-benchmark runs (and a
 * few more: see README.md) with pipelining, keeping the data in kvdata
 * and speaking RESP through resp.
 */
#ifndef KVSTORE_H
#define KVSTORE_H

/** The application's entry point; returns an exit status on failure. */
int kvstore_main(void);

#endif /* KVSTORE_H */
