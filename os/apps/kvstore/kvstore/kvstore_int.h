/*
 * kvstore's internals: the connection the command handlers reply on.
 */
#ifndef KVSTORE_INT_H
#define KVSTORE_INT_H

#include <stddef.h>

#include "resp.h"

struct kv_conn {
	int fd;
	int closing;  /* close once the output is sent */
	int interest; /* NET_* bits last given to net_watch() */
	char *in;
	size_t in_len, in_cap;
	char *out;
	size_t out_off, out_len, out_cap;
};

/* One command being executed: its connection, buffer and arguments. */
struct kv_call {
	struct kv_conn *conn;
	const char *buf;
	const struct resp_command *cmd;
};

/** Argument @i of @call and its length. */
static inline const char *
kv_arg(const struct kv_call *call, int i, size_t *len)
{
	*len = call->cmd->arglen[i];
	return call->buf + call->cmd->off[i];
}

/** Execute one parsed command, appending its reply to the output. */
void kv_execute(const struct kv_call *call);

/** Room for @n more output bytes; 0, or -1 (the connection closes). */
int kv_reserve(struct kv_conn *c, size_t n);

#endif /* KVSTORE_INT_H */
