/*
 * resp: the Redis serialization protocol (RESP2), parsing commands and
 * encoding replies.  A component of its own, so that the code that reads
 * untrusted bytes can be isolated and hardened apart from the server and
 * the data.
 *
 * Parsing reports where each argument lies in the caller's buffer as
 * offsets, never pointers, so the result crosses a gate as a plain copy.
 * Encoders write into a caller's buffer of @cap bytes and return the
 * length the encoding needs; when that exceeds @cap nothing useful was
 * written and the caller retries with room for it.
 */
#ifndef RESP_H
#define RESP_H

#include <stddef.h>

#define RESP_MAX_ARGS 128	/* arguments one command may carry */
#define RESP_BULK_MAX (1 << 20) /* largest argument */
#define RESP_LINE_MAX 65536	/* longest inline command or length line */

/* Status of a parsed command. */
#define RESP_OK 0
#define RESP_EPROTO 1	 /* malformed: answer an error, then close */
#define RESP_ETOOMANY 2	 /* well-formed but over RESP_MAX_ARGS arguments */
#define RESP_ETOOLARGE 3 /* an argument over RESP_BULK_MAX: close */

/* Reply types, the first byte of each RESP value. */
#define RESP_SIMPLE '+'
#define RESP_ERROR '-'
#define RESP_INTEGER ':'
#define RESP_BULK '$'
#define RESP_ARRAY '*'

struct resp_command {
	int status; /* RESP_OK or RESP_E* */
	int argc;   /* arguments recorded (at most RESP_MAX_ARGS) */
	long len;   /* bytes the command took, including its line ends */
	unsigned int off[RESP_MAX_ARGS];    /* argument i is at buf + off[i] */
	unsigned int arglen[RESP_MAX_ARGS]; /* ... and arglen[i] bytes long */
};

/**
 * Parse one command at the start of the @len bytes at @buf: a RESP array
 * of bulk strings, or an inline command (words separated by blanks, one
 * line).  Returns 0 when more bytes are needed, 1 when @cmd is filled in
 * (check cmd->status).  An empty inline line gives argc 0.
 */
int resp_parse(const char *buf, size_t len, struct resp_command *cmd);

/**
 * Encode a header: @type (RESP_INTEGER, RESP_BULK or RESP_ARRAY) followed
 * by @n and CRLF; a negative @n with RESP_BULK or RESP_ARRAY is the null
 * value.  Returns the length needed (never more than 24).
 */
int resp_encode_int(char *out, size_t cap, int type, long long n);

/**
 * Encode a simple string (RESP_SIMPLE) or an error (RESP_ERROR) with the
 * text @msg, which must hold no CR or LF.  Returns the length needed.
 */
long resp_encode_line(char *out, size_t cap, int type, const char *msg);

/** Encode the @n bytes at @data as a bulk string; the length needed. */
long resp_encode_bulk(char *out, size_t cap, const char *data, size_t n);

/**
 * Encode @count strings packed at @packed (each a 4-byte native length
 * followed by its bytes, @plen bytes in all) as an array of bulk strings.
 * Returns the length needed, or -1 when @packed is not well formed.
 */
long resp_encode_packed(char *out, size_t cap, const char *packed, size_t plen,
			long count);

#endif /* RESP_H */
