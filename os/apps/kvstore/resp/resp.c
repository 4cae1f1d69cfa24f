/*
 * resp: a strict RESP2 command reader and reply encoders.  Array lengths
 * and bulk lengths must be decimal and end in CRLF; bulk data must be
 * followed by CRLF.  Anything else is a protocol error.
 */
#include "resp.h"

#include <string.h>

/* Arrays longer than this are refused outright, as a protocol error. */
#define RESP_ARRAY_MAX (1024 * 1024)

/*
 * Read "<int>\r\n" at buf[*pos] (after the type byte).  Returns 1 and
 * moves *pos past it, 0 when more bytes are needed, -1 when malformed.
 */
static int
resp_read_int(const char *buf, size_t len, size_t *pos, long *out)
{
	size_t i = *pos;
	long v = 0;
	int neg = 0, digits = 0;

	if (i < len && buf[i] == '-') {
		neg = 1;
		i++;
	}
	for (; i < len && buf[i] >= '0' && buf[i] <= '9'; i++) {
		if (v > 1000000000000000L)
			return -1;
		v = v * 10 + (buf[i] - '0');
		digits++;
	}
	if (i + 1 >= len)
		return i - *pos > 24 ? -1 : 0;
	if (digits == 0 || buf[i] != '\r' || buf[i + 1] != '\n')
		return -1;
	*out = neg ? -v : v;
	*pos = i + 2;
	return 1;
}

static int
resp_fail(struct resp_command *cmd, int status)
{
	cmd->status = status;
	return 1;
}

/* An inline command: one line of blank-separated words. */
static int
resp_parse_inline(const char *buf, size_t len, struct resp_command *cmd)
{
	const char *nl;
	size_t end, i = 0, s;

	nl = memchr(buf, '\n', len < RESP_LINE_MAX ? len : RESP_LINE_MAX);
	if (nl == NULL)
		return len >= RESP_LINE_MAX ? resp_fail(cmd, RESP_EPROTO) : 0;
	end = (size_t)(nl - buf);
	cmd->len = (long)end + 1;
	if (end > 0 && buf[end - 1] == '\r')
		end--;

	while (i < end) {
		while (i < end && (buf[i] == ' ' || buf[i] == '\t'))
			i++;
		if (i == end)
			break;
		for (s = i; i < end && buf[i] != ' ' && buf[i] != '\t'; i++)
			if (buf[i] == '\0' || buf[i] == '\r')
				return resp_fail(cmd, RESP_EPROTO);
		if (cmd->argc == RESP_MAX_ARGS) {
			cmd->status = RESP_ETOOMANY;
			break;
		}
		cmd->off[cmd->argc] = (unsigned int)s;
		cmd->arglen[cmd->argc] = (unsigned int)(i - s);
		cmd->argc++;
	}
	return 1;
}

int
resp_parse(const char *buf, size_t len, struct resp_command *cmd)
{
	size_t pos = 1;
	long n, blen, i;
	int rc;

	cmd->status = RESP_OK;
	cmd->argc = 0;
	cmd->len = 0;
	if (len == 0)
		return 0;
	if (buf[0] != '*')
		return resp_parse_inline(buf, len, cmd);

	rc = resp_read_int(buf, len, &pos, &n);
	if (rc <= 0)
		return rc < 0 ? resp_fail(cmd, RESP_EPROTO) : 0;
	if (n > RESP_ARRAY_MAX)
		return resp_fail(cmd, RESP_EPROTO);

	/* Each element: "$<len>\r\n<bytes>\r\n". */
	for (i = 0; i < n; i++) {
		if (pos >= len)
			return 0;
		if (buf[pos] != '$')
			return resp_fail(cmd, RESP_EPROTO);
		pos++;
		rc = resp_read_int(buf, len, &pos, &blen);
		if (rc <= 0)
			return rc < 0 ? resp_fail(cmd, RESP_EPROTO) : 0;
		if (blen < 0)
			return resp_fail(cmd, RESP_EPROTO);
		if (blen > RESP_BULK_MAX)
			return resp_fail(cmd, RESP_ETOOLARGE);
		if (len - pos < (size_t)blen + 2)
			return 0;
		if (buf[pos + blen] != '\r' || buf[pos + blen + 1] != '\n')
			return resp_fail(cmd, RESP_EPROTO);
		if (i < RESP_MAX_ARGS) {
			cmd->off[i] = (unsigned int)pos;
			cmd->arglen[i] = (unsigned int)blen;
			cmd->argc++;
		}
		pos += (size_t)blen + 2;
	}
	if (n > RESP_MAX_ARGS)
		cmd->status = RESP_ETOOMANY;
	cmd->len = (long)pos;
	return 1;
}

/* Format "<type><n>\r\n" into @tmp (24 bytes); returns its length. */
static int
resp_header(char *tmp, int type, long long n)
{
	char digits[20];
	unsigned long long v;
	int nd = 0, len = 0;

	tmp[len++] = (char)type;
	if (n < 0) {
		tmp[len++] = '-';
		v = 0ULL - (unsigned long long)n;
	} else {
		v = (unsigned long long)n;
	}
	do {
		digits[nd++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (nd > 0)
		tmp[len++] = digits[--nd];
	tmp[len++] = '\r';
	tmp[len++] = '\n';
	return len;
}

int
resp_encode_int(char *out, size_t cap, int type, long long n)
{
	char tmp[32];
	int len;

	if (n < 0 && type != RESP_INTEGER)
		n = -1;
	len = resp_header(tmp, type, n);
	if ((size_t)len <= cap)
		memcpy(out, tmp, (size_t)len);
	return len;
}

long
resp_encode_line(char *out, size_t cap, int type, const char *msg)
{
	size_t n = strcspn(msg, "\r\n");

	if (n + 3 <= cap) {
		out[0] = (char)type;
		memcpy(out + 1, msg, n);
		memcpy(out + 1 + n, "\r\n", 2);
	}
	return (long)(n + 3);
}

long
resp_encode_bulk(char *out, size_t cap, const char *data, size_t n)
{
	char hdr[32];
	int h;

	h = resp_header(hdr, RESP_BULK, (long long)n);
	if ((size_t)h + n + 2 <= cap) {
		memcpy(out, hdr, (size_t)h);
		memcpy(out + h, data, n);
		memcpy(out + h + n, "\r\n", 2);
	}
	return (long)((size_t)h + n + 2);
}

long
resp_encode_packed(char *out, size_t cap, const char *packed, size_t plen,
		   long count)
{
	size_t pos = 0, need;
	unsigned int n;
	long i, w;

	need = (size_t)resp_encode_int(out, cap, RESP_ARRAY, count);
	for (i = 0; i < count; i++) {
		if (plen - pos < sizeof(n))
			return -1;
		memcpy(&n, packed + pos, sizeof(n));
		pos += sizeof(n);
		if (plen - pos < n)
			return -1;
		w = resp_encode_bulk(need <= cap ? out + need : out,
				     need <= cap ? cap - need : 0, packed + pos,
				     n);
		need += (size_t)w;
		pos += n;
	}
	return pos == plen ? (long)need : -1;
}
