/*
 * Reading variables out of Make fragments: join continued lines, drop
 * comments, then replay the assignments to @name in order.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../util/util.h"
#include "mkvars.h"

/* Append the words of [s, e) to @sb, one space between words. */
static void
add_words(struct strbuf *sb, const char *s, const char *e)
{
	while (s < e) {
		const char *w;

		while (s < e && isspace((unsigned char)*s))
			s++;
		w = s;
		while (s < e && !isspace((unsigned char)*s))
			s++;
		if (s == w)
			break;
		if (sb->len > 0)
			sb_addc(sb, ' ');
		sb_add(sb, w, (size_t)(s - w));
	}
}

/* Apply one logical line to the value of @name kept in @val. */
static void
apply_line(const char *line, const char *name, struct strbuf *val, int *set)
{
	size_t nlen = strlen(name);
	const char *s = line;

	while (isspace((unsigned char)*s))
		s++;
	if (strncmp(s, name, nlen) != 0)
		return;
	s += nlen;
	while (*s == ' ' || *s == '\t')
		s++;
	if (strncmp(s, "+=", 2) == 0) {
		add_words(val, s + 2, s + strlen(s));
		*set = 1;
	} else if (strncmp(s, "?=", 2) == 0) {
		if (!*set)
			add_words(val, s + 2, s + strlen(s));
		*set = 1;
	} else if (strncmp(s, ":=", 2) == 0 || strncmp(s, "::=", 3) == 0 ||
		   *s == '=') {
		s = strchr(s, '=') + 1;
		sb_reset(val);
		add_words(val, s, s + strlen(s));
		*set = 1;
	}
}

char *
mk_var(const char *text, const char *name)
{
	struct strbuf line, val;
	int set = 0;

	sb_init(&line);
	sb_init(&val);
	for (const char *s = text; *s != '\0';) {
		const char *nl = strchr(s, '\n');
		const char *e = nl ? nl : s + strlen(s);
		const char *hash = memchr(s, '#', (size_t)(e - s));
		const char *ce = hash ? hash : e;
		int cont = !hash && e > s && e[-1] == '\\';

		sb_add(&line, s, (size_t)(ce - s - (cont ? 1 : 0)));
		s = nl ? nl + 1 : e;
		if (cont) {
			sb_addc(&line, ' ');
			continue;
		}
		apply_line(line.buf, name, &val, &set);
		sb_reset(&line);
	}
	apply_line(line.buf, name, &val, &set);
	sb_free(&line);
	if (!set) {
		sb_free(&val);
		return NULL;
	}
	return sb_detach(&val);
}
