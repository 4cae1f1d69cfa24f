/*
 * libfyaml with placed errors.
 */
#include <stdio.h>
#include <string.h>

#include "yaml.h"

void
yaml_place(struct fy_node *node, int *line, int *column)
{
	struct fy_token *tok = NULL;
	void *iter = NULL;

	*line = *column = 0;
	while (node != NULL && tok == NULL) {
		switch (fy_node_get_type(node)) {
		case FYNT_SCALAR:
			tok = fy_node_get_scalar_token(node);
			node = NULL;
			break;
		case FYNT_SEQUENCE:
			iter = NULL;
			node = fy_node_sequence_iterate(node, &iter);
			break;
		case FYNT_MAPPING: {
			struct fy_node_pair *pair;

			iter = NULL;
			pair = fy_node_mapping_iterate(node, &iter);
			node = pair != NULL ? fy_node_pair_key(pair) : NULL;
			break;
		}
		}
	}
	if (tok != NULL) {
		const struct fy_mark *m = fy_token_start_mark(tok);

		if (m != NULL) {
			*line = m->line + 1;
			*column = m->column + 1;
		}
	}
}

const char *
yaml_scalar(struct fy_node *node)
{
	if (node == NULL || fy_node_get_type(node) != FYNT_SCALAR)
		return NULL;
	return fy_node_get_scalar0(node);
}

const char *
yaml_type_name(struct fy_node *node)
{
	if (node == NULL)
		return "nothing";
	switch (fy_node_get_type(node)) {
	case FYNT_SCALAR:
		return "a scalar";
	case FYNT_SEQUENCE:
		return "a list";
	case FYNT_MAPPING:
		return "a mapping";
	}
	return "something else";
}

/* The 1-based line of the first directive ('%' starting a line), or 0. */
static int
find_directive(const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	int line = 1;

	for (size_t i = 0; p[i] != '\0'; i++) {
		/* YAML breaks lines at CR, LF, NEL, LS and PS alike. */
		int after_break =
			i == 0 || p[i - 1] == '\n' || p[i - 1] == '\r' ||
			(i >= 2 && p[i - 2] == 0xc2 && p[i - 1] == 0x85) ||
			(i >= 3 && p[i - 3] == 0xe2 && p[i - 2] == 0x80 &&
			 (p[i - 1] == 0xa8 || p[i - 1] == 0xa9));

		if (after_break && p[i] == '%')
			return line;
		if (p[i] == '\n' || (p[i] == '\r' && p[i + 1] != '\n'))
			line++;
	}
	return 0;
}

/*
 * libfyaml reports syntax errors as text ("<input>:LINE:COL: error: MSG");
 * the first one is kept, with its place, and nothing reaches the terminal.
 */
static void
diag_capture(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
	struct yaml_error *err = user;
	char text[512];
	const char *p, *colon;
	int line, column;

	(void)diag;
	if (err->msg[0] != '\0' || len == 0)
		return;
	snprintf(text, sizeof(text), "%.*s", (int)len, buf);
	text[strcspn(text, "\n")] = '\0';
	if ((p = strstr(text, ": error: ")) == NULL)
		return;

	/* Walk back over ":LINE:COL" to the place. */
	colon = p;
	while (colon > text && colon[-1] != ':')
		colon--;
	if (colon == text)
		return;
	colon--;
	while (colon > text && colon[-1] != ':')
		colon--;
	if (colon == text || sscanf(colon, "%d:%d", &line, &column) != 2)
		return;
	err->line = line;
	err->column = column;
	snprintf(err->msg, sizeof(err->msg), "not valid YAML: %s",
		 p + strlen(": error: "));
}

struct fy_document *
yaml_parse(const char *text, struct yaml_error *err)
{
	struct fy_diag_cfg dcfg;
	struct fy_parse_cfg pcfg = {0};
	struct fy_document *doc;
	struct fy_diag *diag;

	memset(err, 0, sizeof(*err));
	if ((err->line = find_directive(text)) != 0) {
		err->column = 1;
		snprintf(err->msg, sizeof(err->msg),
			 "YAML directives ('%%...') are not supported");
		return NULL;
	}

	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = diag_capture;
	dcfg.user = err;
	dcfg.colorize = false;
	dcfg.show_position = true;
	if ((diag = fy_diag_create(&dcfg)) == NULL) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return NULL;
	}
	pcfg.flags = FYPCF_QUIET;
	pcfg.diag = diag;
	doc = fy_document_build_from_string(&pcfg, text, FY_NT);
	fy_diag_unref(diag);

	/* No document and no complaint: there was nothing in it. */
	if (doc == NULL && err->msg[0] == '\0')
		snprintf(err->msg, sizeof(err->msg), "empty file");
	return doc;
}
