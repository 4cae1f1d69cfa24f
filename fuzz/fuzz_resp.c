/*
 * libFuzzer target for kvstore's RESP parser and encoders.  Every parsed
 * argument must lie inside the input; each argument encoded as a bulk
 * string and parsed back must come out the same.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "resp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Encode one argument as a one-element array and parse it back. */
static void
round_trip(const char *arg, size_t n)
{
	static char buf[RESP_BULK_MAX + 64];
	struct resp_command back;
	long len;
	int h;

	h = resp_encode_int(buf, sizeof(buf), RESP_ARRAY, 1);
	len = resp_encode_bulk(buf + h, sizeof(buf) - (size_t)h, arg, n);
	if (len <= 0 || (size_t)len > sizeof(buf) - (size_t)h)
		abort();
	if (resp_parse(buf, (size_t)(h + len), &back) != 1 ||
	    back.status != RESP_OK || back.argc != 1 || back.len != h + len ||
	    back.arglen[0] != n || memcmp(buf + back.off[0], arg, n) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct resp_command cmd;
	size_t pos = 0;
	int i, k;

	for (i = 0; i < 16 && pos < size; i++) {
		if (resp_parse(buf + pos, size - pos, &cmd) == 0)
			break;
		if (cmd.argc < 0 || cmd.argc > RESP_MAX_ARGS)
			abort();
		if (cmd.status == RESP_EPROTO || cmd.status == RESP_ETOOLARGE)
			break;
		if (cmd.len <= 0 || (size_t)cmd.len > size - pos)
			abort();
		for (k = 0; k < cmd.argc; k++) {
			if ((size_t)cmd.off[k] + cmd.arglen[k] >
			    (size_t)cmd.len)
				abort();
			round_trip(buf + pos + cmd.off[k], cmd.arglen[k]);
		}
		pos += (size_t)cmd.len;
	}
	return 0;
}
