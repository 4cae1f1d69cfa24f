/*
 * kvstore's commands: argument checks, calls into kvdata, and replies
 * encoded by resp.  Each handler gets the whole call; the table below
 * checks arity before a handler runs.
 */
#include "kvdata.h"
#include "kvstore_int.h"
#include "resp.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define KV_SCRATCH_MIN 65536
#define KV_FIRST_TRY 512    /* bytes offered for a value at first */
#define KV_FIRST_RANGE 8192 /* bytes offered for a packed range */

/* A buffer for values on their way from kvdata to resp. */
static char *kv_scratch;
static size_t kv_scratch_cap;

static int
kv_scratch_fit(size_t n)
{
	char *p;

	if (n <= kv_scratch_cap)
		return 0;
	if (n < KV_SCRATCH_MIN)
		n = KV_SCRATCH_MIN;
	p = realloc(kv_scratch, n);
	if (p == NULL)
		return -1;
	kv_scratch = p;
	kv_scratch_cap = n;
	return 0;
}

static void
reply_line(struct kv_conn *c, int type, const char *msg)
{
	size_t need = strlen(msg) + 3;

	if (kv_reserve(c, need) < 0)
		return;
	c->out_len +=
		(size_t)resp_encode_line(c->out + c->out_len, need, type, msg);
}

static void
reply_ok(struct kv_conn *c)
{
	reply_line(c, RESP_SIMPLE, "OK");
}

static void
reply_err(struct kv_conn *c, const char *msg)
{
	reply_line(c, RESP_ERROR, msg);
}

static void
reply_int(struct kv_conn *c, int type, long long n)
{
	if (kv_reserve(c, 32) < 0)
		return;
	c->out_len += (size_t)resp_encode_int(c->out + c->out_len, 32, type, n);
}

static void
reply_bulk(struct kv_conn *c, const char *p, size_t n)
{
	if (kv_reserve(c, n + 32) < 0)
		return;
	c->out_len +=
		(size_t)resp_encode_bulk(c->out + c->out_len, n + 32, p, n);
}

/* Reply to a negative result from kvdata. */
static void
reply_code(struct kv_conn *c, long rc)
{
	switch (rc) {
	case -ENOENT:
		reply_int(c, RESP_BULK, -1);
		break;
	case KVDATA_EWRONGTYPE:
		reply_err(c, "WRONGTYPE Operation against a key holding the "
			     "wrong kind of value");
		break;
	case KVDATA_ENOTINT:
		reply_err(c, "ERR value is not an integer or out of range");
		break;
	case KVDATA_EOVERFLOW:
		reply_err(c, "ERR increment or decrement would overflow");
		break;
	default:
		reply_err(c, "ERR out of memory");
		break;
	}
}

/*
 * Fetch a value with @call_expr (a kvdata call that copies into kv_scratch
 * up to cap_ bytes, following kvdata's copy-out rule) and reply it as a
 * bulk string, or reply the error.  The first try offers KV_FIRST_TRY
 * bytes, the second exactly the length the first reported: a gate copies
 * back as many bytes as offered, so offering the whole scratch buffer for
 * a three-byte value would cost every isolated call 64 KiB of copying.
 */
#define KV_FETCH_REPLY(c, call_expr)                                           \
	do {                                                                   \
		long n_ = -ENOMEM;                                             \
		size_t cap_ = KV_FIRST_TRY;                                    \
		if (kv_scratch_fit(KV_SCRATCH_MIN) == 0) {                     \
			n_ = (call_expr);                                      \
			if (n_ > (long)cap_ &&                                 \
			    kv_scratch_fit((size_t)n_) == 0) {                 \
				cap_ = (size_t)n_;                             \
				n_ = (call_expr);                              \
			}                                                      \
		}                                                              \
		if (n_ < 0)                                                    \
			reply_code((c), n_);                                   \
		else if (n_ > (long)cap_)                                      \
			reply_err((c), "ERR out of memory");                   \
		else                                                           \
			reply_bulk((c), kv_scratch, (size_t)n_);               \
	} while (0)

/* Parse a whole argument as a signed 64-bit decimal; 0 or -1. */
static int
arg_ll(const struct kv_call *call, int i, long long *v)
{
	char buf[32], *end;
	size_t n;
	const char *p = kv_arg(call, i, &n);

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	errno = 0;
	*v = strtoll(buf, &end, 10);
	return errno != 0 || *end != '\0' || buf[0] == ' ' ? -1 : 0;
}

static int
arg_double(const struct kv_call *call, int i, double *v)
{
	char buf[64], *end;
	size_t n;
	const char *p = kv_arg(call, i, &n);

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	*v = strtod(buf, &end);
	return *end != '\0' || isnan(*v) || buf[0] == ' ' ? -1 : 0;
}

static void
cmd_ping(const struct kv_call *call)
{
	size_t n;
	const char *p;

	if (call->cmd->argc == 1) {
		reply_line(call->conn, RESP_SIMPLE, "PONG");
		return;
	}
	p = kv_arg(call, 1, &n);
	reply_bulk(call->conn, p, n);
}

static void
cmd_echo(const struct kv_call *call)
{
	size_t n;
	const char *p = kv_arg(call, 1, &n);

	reply_bulk(call->conn, p, n);
}

static void
cmd_quit(const struct kv_call *call)
{
	reply_ok(call->conn);
	call->conn->closing = 1;
}

static void
cmd_set(const struct kv_call *call)
{
	size_t kl, vl;
	const char *k = kv_arg(call, 1, &kl), *v = kv_arg(call, 2, &vl);

	if (call->cmd->argc != 3) {
		reply_err(call->conn, "ERR syntax error");
		return;
	}
	if (kvdata_set(k, kl, v, vl) < 0)
		reply_err(call->conn, "ERR out of memory");
	else
		reply_ok(call->conn);
}

static void
cmd_get(const struct kv_call *call)
{
	size_t kl;
	const char *k = kv_arg(call, 1, &kl);

	KV_FETCH_REPLY(call->conn, kvdata_get(k, kl, kv_scratch, cap_));
}

static void
cmd_mset(const struct kv_call *call)
{
	size_t kl, vl;
	const char *k, *v;
	int i;

	if (call->cmd->argc % 2 != 1) {
		reply_err(call->conn,
			  "ERR wrong number of arguments for 'mset' command");
		return;
	}
	for (i = 1; i < call->cmd->argc; i += 2) {
		k = kv_arg(call, i, &kl);
		v = kv_arg(call, i + 1, &vl);
		if (kvdata_set(k, kl, v, vl) < 0) {
			reply_err(call->conn, "ERR out of memory");
			return;
		}
	}
	reply_ok(call->conn);
}

static void
cmd_mget(const struct kv_call *call)
{
	size_t kl;
	const char *k;
	int i;

	reply_int(call->conn, RESP_ARRAY, call->cmd->argc - 1);
	for (i = 1; i < call->cmd->argc; i++) {
		k = kv_arg(call, i, &kl);
		if (kvdata_exists(k, kl) &&
		    kvdata_get(k, kl, kv_scratch, 0) == KVDATA_EWRONGTYPE) {
			reply_int(call->conn, RESP_BULK, -1);
			continue;
		}
		KV_FETCH_REPLY(call->conn, kvdata_get(k, kl, kv_scratch, cap_));
	}
}

static void
cmd_del(const struct kv_call *call)
{
	long long n = 0;
	size_t kl;
	const char *k;
	int i;

	for (i = 1; i < call->cmd->argc; i++) {
		k = kv_arg(call, i, &kl);
		n += kvdata_del(k, kl);
	}
	reply_int(call->conn, RESP_INTEGER, n);
}

static void
cmd_exists(const struct kv_call *call)
{
	long long n = 0;
	size_t kl;
	const char *k;
	int i;

	for (i = 1; i < call->cmd->argc; i++) {
		k = kv_arg(call, i, &kl);
		n += kvdata_exists(k, kl);
	}
	reply_int(call->conn, RESP_INTEGER, n);
}

/* INCR, DECR, INCRBY and DECRBY. */
static void
cmd_incr_common(const struct kv_call *call, long long by)
{
	size_t kl;
	const char *k = kv_arg(call, 1, &kl);
	long long v;
	int rc = kvdata_incrby(k, kl, by, &v);

	if (rc < 0)
		reply_code(call->conn, rc);
	else
		reply_int(call->conn, RESP_INTEGER, v);
}

static void
cmd_incr(const struct kv_call *call)
{
	cmd_incr_common(call, 1);
}

static void
cmd_decr(const struct kv_call *call)
{
	cmd_incr_common(call, -1);
}

static void
cmd_incrby(const struct kv_call *call)
{
	long long by;

	if (arg_ll(call, 2, &by) < 0) {
		reply_code(call->conn, KVDATA_ENOTINT);
		return;
	}
	cmd_incr_common(call, by);
}

static void
cmd_decrby(const struct kv_call *call)
{
	long long by;

	if (arg_ll(call, 2, &by) < 0 || by == -__LONG_LONG_MAX__ - 1) {
		reply_code(call->conn, KVDATA_ENOTINT);
		return;
	}
	cmd_incr_common(call, -by);
}

static void
cmd_push_common(const struct kv_call *call, int left)
{
	size_t kl, vl;
	const char *k = kv_arg(call, 1, &kl), *v;
	long n = 0;
	int i;

	for (i = 2; i < call->cmd->argc; i++) {
		v = kv_arg(call, i, &vl);
		n = kvdata_push(k, kl, left, v, vl);
		if (n < 0) {
			reply_code(call->conn, n);
			return;
		}
	}
	reply_int(call->conn, RESP_INTEGER, n);
}

static void
cmd_lpush(const struct kv_call *call)
{
	cmd_push_common(call, 1);
}

static void
cmd_rpush(const struct kv_call *call)
{
	cmd_push_common(call, 0);
}

static void
cmd_lpop(const struct kv_call *call)
{
	size_t kl;
	const char *k = kv_arg(call, 1, &kl);

	KV_FETCH_REPLY(call->conn, kvdata_pop(k, kl, 1, kv_scratch, cap_));
}

static void
cmd_rpop(const struct kv_call *call)
{
	size_t kl;
	const char *k = kv_arg(call, 1, &kl);

	KV_FETCH_REPLY(call->conn, kvdata_pop(k, kl, 0, kv_scratch, cap_));
}

static void
cmd_llen(const struct kv_call *call)
{
	size_t kl;
	const char *k = kv_arg(call, 1, &kl);
	long n = kvdata_llen(k, kl);

	if (n < 0)
		reply_code(call->conn, n);
	else
		reply_int(call->conn, RESP_INTEGER, n);
}

static void
cmd_lrange(const struct kv_call *call)
{
	struct kv_conn *c = call->conn;
	long long start, stop;
	long n, count, need;
	size_t kl;
	const char *k = kv_arg(call, 1, &kl);

	if (arg_ll(call, 2, &start) < 0 || arg_ll(call, 3, &stop) < 0) {
		reply_code(c, KVDATA_ENOTINT);
		return;
	}
	if (kv_scratch_fit(KV_SCRATCH_MIN) < 0) {
		reply_code(c, -ENOMEM);
		return;
	}
	n = kvdata_lrange(k, kl, (long)start, (long)stop, kv_scratch,
			  KV_FIRST_RANGE, &count);
	if (n > KV_FIRST_RANGE) {
		if (kv_scratch_fit((size_t)n) < 0) {
			reply_code(c, -ENOMEM);
			return;
		}
		n = kvdata_lrange(k, kl, (long)start, (long)stop, kv_scratch,
				  (size_t)n, &count);
	}
	if (n < 0) {
		reply_code(c, n);
		return;
	}

	/* Each element grows by at most its bulk header and CRLF. */
	need = n + 32 + count * 16;
	if (kv_reserve(c, (size_t)need) < 0)
		return;
	n = resp_encode_packed(c->out + c->out_len, (size_t)need, kv_scratch,
			       (size_t)n, count);
	if (n < 0 || n > need) {
		reply_err(c, "ERR internal error");
		return;
	}
	c->out_len += (size_t)n;
}

static void
cmd_sadd(const struct kv_call *call)
{
	size_t kl, ml;
	const char *k = kv_arg(call, 1, &kl), *m;
	long n, added = 0;
	int i;

	for (i = 2; i < call->cmd->argc; i++) {
		m = kv_arg(call, i, &ml);
		n = kvdata_sadd(k, kl, m, ml);
		if (n < 0) {
			reply_code(call->conn, n);
			return;
		}
		added += n;
	}
	reply_int(call->conn, RESP_INTEGER, added);
}

static void
cmd_spop(const struct kv_call *call)
{
	size_t kl;
	const char *k = kv_arg(call, 1, &kl);

	if (call->cmd->argc != 2) {
		reply_err(call->conn, "ERR syntax error");
		return;
	}
	KV_FETCH_REPLY(call->conn, kvdata_spop(k, kl, kv_scratch, cap_));
}

static void
cmd_scard(const struct kv_call *call)
{
	size_t kl;
	const char *k = kv_arg(call, 1, &kl);
	long n = kvdata_scard(k, kl);

	if (n < 0)
		reply_code(call->conn, n);
	else
		reply_int(call->conn, RESP_INTEGER, n);
}

static void
cmd_hset(const struct kv_call *call)
{
	size_t kl, fl, vl;
	const char *k = kv_arg(call, 1, &kl), *f, *v;
	long n, added = 0;
	int i;

	if (call->cmd->argc % 2 != 0) {
		reply_err(call->conn,
			  "ERR wrong number of arguments for 'hset' command");
		return;
	}
	for (i = 2; i < call->cmd->argc; i += 2) {
		f = kv_arg(call, i, &fl);
		v = kv_arg(call, i + 1, &vl);
		n = kvdata_hset(k, kl, f, fl, v, vl);
		if (n < 0) {
			reply_code(call->conn, n);
			return;
		}
		added += n;
	}
	reply_int(call->conn, RESP_INTEGER, added);
}

static void
cmd_hget(const struct kv_call *call)
{
	size_t kl, fl;
	const char *k = kv_arg(call, 1, &kl), *f = kv_arg(call, 2, &fl);

	KV_FETCH_REPLY(call->conn, kvdata_hget(k, kl, f, fl, kv_scratch, cap_));
}

static void
cmd_zadd(const struct kv_call *call)
{
	size_t kl, ml;
	const char *k = kv_arg(call, 1, &kl), *m;
	long n, added = 0;
	double score;
	int i;

	if (call->cmd->argc % 2 != 0) {
		reply_err(call->conn, "ERR syntax error");
		return;
	}
	for (i = 2; i < call->cmd->argc; i += 2) {
		if (arg_double(call, i, &score) < 0) {
			reply_err(call->conn, "ERR value is not a valid float");
			return;
		}
	}
	for (i = 2; i < call->cmd->argc; i += 2) {
		arg_double(call, i, &score);
		m = kv_arg(call, i + 1, &ml);
		n = kvdata_zadd(k, kl, score, m, ml);
		if (n < 0) {
			reply_code(call->conn, n);
			return;
		}
		added += n;
	}
	reply_int(call->conn, RESP_INTEGER, added);
}

static void
cmd_zpopmin(const struct kv_call *call)
{
	struct kv_conn *c = call->conn;
	size_t kl;
	const char *k = kv_arg(call, 1, &kl);
	char num[32];
	double score = 0;
	long n;
	int len;

	if (call->cmd->argc != 2) {
		reply_err(c, "ERR syntax error");
		return;
	}
	if (kv_scratch_fit(KV_SCRATCH_MIN) < 0) {
		reply_code(c, -ENOMEM);
		return;
	}
	n = kvdata_zpopmin(k, kl, kv_scratch, KV_FIRST_TRY, &score);
	if (n > KV_FIRST_TRY) {
		if (kv_scratch_fit((size_t)n) < 0) {
			reply_code(c, -ENOMEM);
			return;
		}
		n = kvdata_zpopmin(k, kl, kv_scratch, (size_t)n, &score);
	}
	if (n == -ENOENT) {
		reply_int(c, RESP_ARRAY, 0);
		return;
	}
	if (n < 0) {
		reply_code(c, n);
		return;
	}
	len = snprintf(num, sizeof(num), "%.17g", score);
	reply_int(c, RESP_ARRAY, 2);
	reply_bulk(c, kv_scratch, (size_t)n);
	reply_bulk(c, num, (size_t)len);
}

static void
cmd_dbsize(const struct kv_call *call)
{
	reply_int(call->conn, RESP_INTEGER, kvdata_dbsize());
}

static void
cmd_flush(const struct kv_call *call)
{
	kvdata_flush();
	reply_ok(call->conn);
}

static void
cmd_select(const struct kv_call *call)
{
	size_t n;
	const char *p = kv_arg(call, 1, &n);

	if (n == 1 && p[0] == '0')
		reply_ok(call->conn);
	else
		reply_err(call->conn, "ERR DB index is out of range");
}

/*
 * CONFIG GET answers the parameters clients commonly ask about, with the
 * values that describe this server: no snapshots, no append-only file.
 */
static void
cmd_config(const struct kv_call *call)
{
	static const char *params[][2] = {
		{"save", ""},
		{"appendonly", "no"},
		{"databases", "1"},
	};
	struct kv_conn *c = call->conn;
	size_t n, i, matches = 0;
	const char *sub = kv_arg(call, 1, &n), *p;

	if (!(n == 3 && strncasecmp(sub, "get", 3) == 0) ||
	    call->cmd->argc != 3) {
		reply_err(c, "ERR CONFIG supports only GET with one parameter");
		return;
	}
	p = kv_arg(call, 2, &n);
	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++)
		if (strlen(params[i][0]) == n &&
		    strncasecmp(p, params[i][0], n) == 0)
			matches = i + 1;
	if (matches == 0) {
		reply_int(c, RESP_ARRAY, 0);
		return;
	}
	reply_int(c, RESP_ARRAY, 2);
	reply_bulk(c, params[matches - 1][0], strlen(params[matches - 1][0]));
	reply_bulk(c, params[matches - 1][1], strlen(params[matches - 1][1]));
}

static void
cmd_command(const struct kv_call *call)
{
	reply_int(call->conn, RESP_ARRAY, 0);
}

static const struct kv_command {
	const char *name;
	void (*fn)(const struct kv_call *call);
	int min_args; /* including the command name */
	int max_args; /* 0: no limit */
} kv_commands[] = {
	{"ping", cmd_ping, 1, 2},     {"echo", cmd_echo, 2, 2},
	{"quit", cmd_quit, 1, 1},     {"set", cmd_set, 3, 0},
	{"get", cmd_get, 2, 2},	      {"mset", cmd_mset, 3, 0},
	{"mget", cmd_mget, 2, 0},     {"del", cmd_del, 2, 0},
	{"exists", cmd_exists, 2, 0}, {"incr", cmd_incr, 2, 2},
	{"decr", cmd_decr, 2, 2},     {"incrby", cmd_incrby, 3, 3},
	{"decrby", cmd_decrby, 3, 3}, {"lpush", cmd_lpush, 3, 0},
	{"rpush", cmd_rpush, 3, 0},   {"lpop", cmd_lpop, 2, 2},
	{"rpop", cmd_rpop, 2, 2},     {"llen", cmd_llen, 2, 2},
	{"lrange", cmd_lrange, 4, 4}, {"sadd", cmd_sadd, 3, 0},
	{"spop", cmd_spop, 2, 0},     {"scard", cmd_scard, 2, 2},
	{"hset", cmd_hset, 4, 0},     {"hget", cmd_hget, 3, 3},
	{"zadd", cmd_zadd, 4, 0},     {"zpopmin", cmd_zpopmin, 2, 0},
	{"dbsize", cmd_dbsize, 1, 1}, {"flushall", cmd_flush, 1, 2},
	{"flushdb", cmd_flush, 1, 2}, {"select", cmd_select, 2, 2},
	{"config", cmd_config, 2, 0}, {"command", cmd_command, 1, 0},
};

void
kv_execute(const struct kv_call *call)
{
	const struct kv_command *kc = NULL;
	char msg[128];
	size_t n, i;
	const char *name;

	if (call->cmd->argc == 0)
		return;
	name = kv_arg(call, 0, &n);
	for (i = 0; i < sizeof(kv_commands) / sizeof(kv_commands[0]); i++) {
		if (strlen(kv_commands[i].name) == n &&
		    strncasecmp(name, kv_commands[i].name, n) == 0) {
			kc = &kv_commands[i];
			break;
		}
	}
	if (kc == NULL) {
		snprintf(msg, sizeof(msg), "ERR unknown command '%.*s'",
			 (int)(n > 40 ? 40 : n), name);
		for (i = 0; msg[i] != '\0'; i++)
			if ((unsigned char)msg[i] < ' ')
				msg[i] = '?';
		reply_err(call->conn, msg);
		return;
	}
	if (call->cmd->argc < kc->min_args ||
	    (kc->max_args != 0 && call->cmd->argc > kc->max_args)) {
		snprintf(msg, sizeof(msg),
			 "ERR wrong number of arguments for '%s' command",
			 kc->name);
		reply_err(call->conn, msg);
		return;
	}
	kc->fn(call);
}
