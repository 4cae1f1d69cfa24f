/*
 * What every YAML reader of the engine (space files, benchmark
 * definitions) needs from libfyaml: a parse that places its errors, and
 * the place and shape of a node.
 */
#ifndef FX_YAML_H
#define FX_YAML_H

#include <libfyaml.h>

/* Where a text is wrong (1-based; 0 when nowhere in particular), and how. */
struct yaml_error {
	int line;
	int column;
	char msg[256];
};

/**
 * Parse @text into a document (release it with fy_document_destroy()).
 * Returns NULL with *err filled on a syntax error, on an empty text
 * ("empty file"), and on a YAML directive: the engine's files need none,
 * and libfyaml 0.7 can loop forever on a malformed one.
 */
struct fy_document *yaml_parse(const char *text, struct yaml_error *err);

/** Line and column of @node, or of the first scalar inside it; 0 if none. */
void yaml_place(struct fy_node *node, int *line, int *column);

/** The node's text when it is a scalar, else NULL. */
const char *yaml_scalar(struct fy_node *node);

/** "a scalar", "a list" or "a mapping", for messages. */
const char *yaml_type_name(struct fy_node *node);

#endif /* FX_YAML_H */
