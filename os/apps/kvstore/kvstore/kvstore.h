/*
 * kvstore: a Redis-protocol key-value server on one event loop.
 *
 * It listens on --host/--port, prints "ready port=N", then answers the
 * commands redis-benchmark runs (and a few more: see README.md) with
 * pipelining, keeping the data in kvdata and speaking RESP through resp.
 */
#ifndef KVSTORE_H
#define KVSTORE_H

/** The application's entry point; returns an exit status on failure. */
int kvstore_main(void);

#endif /* KVSTORE_H */
