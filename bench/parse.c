/*
 * Reading what the load generators (and workload images) print.
 *
 * Each parser knows its tool's real output and nothing else: a line it
 * does not expect where a result should be is an error that quotes it, so
 * a changed tool version is noticed instead of measured as zero.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/util.h"
#include "internal.h"

/* Quote at most one line of @s, shortened, for messages. */
static void
quote_line(char *dst, size_t len, const char *s)
{
	size_t n = strcspn(s, "\r\n");

	if (n > 120)
		n = 120;
	snprintf(dst, len, "'%.*s%s'", (int)n, s,
		 s[n] && n == 120 ? "..." : "");
}

static void
quote_output(char *dst, size_t len, const char *out)
{
	while (*out == '\n' || *out == '\r' || *out == ' ')
		out++;
	if (*out == '\0')
		snprintf(dst, len, "nothing");
	else
		quote_line(dst, len, out);
}

/* A finite, non-negative number filling the whole of [s, s+n). */
static int
parse_number(const char *s, size_t n, double *out)
{
	char buf[64];
	char *end;

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	*out = strtod(buf, &end);
	if (errno != 0 || end == buf || *end != '\0' || !isfinite(*out) ||
	    *out < 0)
		return -1;
	return 0;
}

/* The line that starts with @label (after blanks), or NULL. */
static const char *
find_line(const char *out, const char *label)
{
	size_t n = strlen(label);

	for (const char *p = out; p != NULL && *p != '\0';) {
		const char *q = p + strspn(p, " \t");

		if (strncmp(q, label, n) == 0)
			return q;
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return NULL;
}

/*
 * wrk prints a summary such as
 *	  71427 requests in 1.10s, 16.35MB read
 *	  Non-2xx or 3xx responses: 12
 *	Requests/sec:  64722.05
 *	Transfer/sec:     14.81MB
 * A metric's field is the label before the colon ("Requests/sec").
 * Transfer rates carry a unit suffix (B, KB, MB, GB), scaled to bytes.
 */
int
bench_parse_wrk(const char *out, const struct bench_def *def, double *values,
		char *err, size_t errlen)
{
	char q[160];
	const char *line;
	unsigned long long requests, bad;

	line = find_line(out, "Running ");
	if (line == NULL || (line = strstr(line, " requests in ")) == NULL) {
		quote_output(q, sizeof(q), out);
		snprintf(err, errlen,
			 "wrk printed %s where its summary was expected", q);
		return -1;
	}
	while (line > out && line[-1] != '\n')
		line--;
	if (sscanf(line, " %llu requests in", &requests) != 1) {
		quote_line(q, sizeof(q), line);
		snprintf(err, errlen,
			 "wrk: cannot read the request count in %s", q);
		return -1;
	}

	for (int i = 0; i < def->nmetrics; i++) {
		const char *field = def->metrics[i].field;
		const char *p = find_line(out, field);
		size_t n;
		double scale = 1;

		if (p == NULL || p[strlen(field)] != ':') {
			quote_output(q, sizeof(q), out);
			snprintf(err, errlen,
				 "wrk printed no '%s:' line; its output "
				 "begins %s",
				 field, q);
			return -1;
		}
		p += strlen(field) + 1;
		p += strspn(p, " \t");
		n = strcspn(p, "\r\n");
		if (n >= 2 && strncmp(p + n - 2, "KB", 2) == 0)
			scale = 1024, n -= 2;
		else if (n >= 2 && strncmp(p + n - 2, "MB", 2) == 0)
			scale = 1024 * 1024, n -= 2;
		else if (n >= 2 && strncmp(p + n - 2, "GB", 2) == 0)
			scale = 1024.0 * 1024 * 1024, n -= 2;
		else if (n >= 1 && p[n - 1] == 'B')
			n -= 1;
		if (parse_number(p, n, &values[i]) != 0) {
			quote_line(q, sizeof(q), p);
			snprintf(err, errlen, "wrk: '%s' is not a number: %s",
				 field, q);
			return -1;
		}
		values[i] *= scale;
	}

	/* Answers that were errors are wrong answers, not throughput. */
	line = find_line(out, "Non-2xx or 3xx responses:");
	if (line != NULL &&
	    sscanf(line, "Non-2xx or 3xx responses: %llu", &bad) == 1 &&
	    bad > 0) {
		snprintf(err, errlen,
			 "%llu of %llu responses were not 2xx or 3xx", bad,
			 requests);
		return 1;
	}
	if (requests == 0) {
		snprintf(err, errlen, "wrk completed no request");
		return 2;
	}
	return 0;
}

/* Split one CSV line of quoted fields in place; returns the count. */
static int
split_csv(char *line, char **fields, int max)
{
	int n = 0;
	char *p = line;

	while (*p != '\0' && n < max) {
		if (*p != '"')
			return -1;
		fields[n++] = ++p;
		p = strchr(p, '"');
		if (p == NULL)
			return -1;
		*p++ = '\0';
		if (*p == ',')
			p++;
		else if (*p != '\0')
			return -1;
	}
	return n;
}

/*
 * redis-benchmark --csv prints a header and one line per test:
 *	"test","rps","avg_latency_ms",...
 *	"SET","131578.95","0.223",...
 * A metric's field is the test name ("GET"); the value its rps column.
 */
int
bench_parse_redis_csv(const char *out, const struct bench_def *def,
		      double *values, char *err, size_t errlen)
{
	char *copy = xstrdup(out), *save = NULL, *line;
	char *fields[16];
	char q[160];
	int rps_col = -1, found[BENCH_MAX_METRICS] = {0}, rc = 0;

	for (line = strtok_r(copy, "\r\n", &save); line != NULL;
	     line = strtok_r(NULL, "\r\n", &save)) {
		int n;

		if (line[strspn(line, " \t")] == '\0')
			continue;
		quote_line(q, sizeof(q), line);
		n = split_csv(line, fields, (int)FX_ARRAY_LEN(fields));
		if (n < 2) {
			snprintf(err, errlen,
				 "redis-benchmark printed %s where CSV was "
				 "expected",
				 q);
			rc = -1;
			goto out;
		}
		if (rps_col < 0) {
			for (int i = 0; i < n; i++)
				if (strcmp(fields[i], "rps") == 0)
					rps_col = i;
			if (strcmp(fields[0], "test") != 0 || rps_col < 0) {
				snprintf(err, errlen,
					 "redis-benchmark printed %s where the "
					 "CSV header \"test\",\"rps\",... was "
					 "expected",
					 q);
				rc = -1;
				goto out;
			}
			continue;
		}
		for (int i = 0; i < def->nmetrics; i++) {
			if (strcmp(fields[0], def->metrics[i].field) != 0)
				continue;
			if (n <= rps_col ||
			    parse_number(fields[rps_col],
					 strlen(fields[rps_col]),
					 &values[i]) != 0) {
				snprintf(err, errlen,
					 "redis-benchmark: no rps number in %s",
					 q);
				rc = -1;
				goto out;
			}
			found[i] = 1;
		}
	}
	for (int i = 0; i < def->nmetrics; i++) {
		if (found[i])
			continue;
		quote_output(q, sizeof(q), out);
		snprintf(err, errlen,
			 "redis-benchmark printed no \"%s\" line; its output "
			 "begins %s",
			 def->metrics[i].field, q);
		rc = -1;
		goto out;
	}
out:
	free(copy);
	return rc;
}

/* The value of "key=value" on a line of its own, or NULL. */
static const char *
find_key(const char *out, const char *key, size_t *len)
{
	size_t n = strlen(key);

	for (const char *p = out; p != NULL && *p != '\0';) {
		if (strncmp(p, key, n) == 0 && p[n] == '=') {
			*len = strcspn(p + n + 1, "\r\n");
			return p + n + 1;
		}
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return NULL;
}

/*
 * Workload images print "key=value" lines (inserts=5000, rate=81234).  A
 * metric's field is the key.  When the definition names a check, the two
 * keys it names must hold the same value (rows=inserts).
 */
int
bench_parse_keyvalue(const char *out, const struct bench_def *def,
		     double *values, char *err, size_t errlen)
{
	char q[160];
	const char *v, *w;
	size_t n, m;

	for (int i = 0; i < def->nmetrics; i++) {
		v = find_key(out, def->metrics[i].field, &n);
		if (v == NULL) {
			quote_output(q, sizeof(q), out);
			snprintf(err, errlen,
				 "the image printed no '%s=' line; its output "
				 "begins %s",
				 def->metrics[i].field, q);
			return -1;
		}
		if (parse_number(v, n, &values[i]) != 0) {
			quote_line(q, sizeof(q),
				   v - strlen(def->metrics[i].field) - 1);
			snprintf(err, errlen, "'%s' is not a number in %s",
				 def->metrics[i].field, q);
			return -1;
		}
	}
	if (def->check_equal[0][0] == '\0')
		return 0;
	v = find_key(out, def->check_equal[0], &n);
	w = find_key(out, def->check_equal[1], &m);
	if (v == NULL || w == NULL) {
		quote_output(q, sizeof(q), out);
		snprintf(err, errlen,
			 "the image printed no '%s=' or no '%s=' line; its "
			 "output begins %s",
			 def->check_equal[0], def->check_equal[1], q);
		return 1;
	}
	if (n != m || strncmp(v, w, n) != 0) {
		snprintf(err, errlen, "%s=%.*s but %s=%.*s",
			 def->check_equal[0], (int)n, v, def->check_equal[1],
			 (int)m, w);
		return 1;
	}
	return 0;
}

int
bench_parse(const char *out, const struct bench_def *def, double *values,
	    char *err, size_t errlen)
{
	switch (def->parser) {
	case BDEF_PARSE_WRK:
		return bench_parse_wrk(out, def, values, err, errlen);
	case BDEF_PARSE_REDIS_CSV:
		return bench_parse_redis_csv(out, def, values, err, errlen);
	case BDEF_PARSE_KEYVALUE:
		return bench_parse_keyvalue(out, def, values, err, errlen);
	}
	snprintf(err, errlen, "no parser");
	return -1;
}
