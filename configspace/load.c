/*
 * Reading and checking a space file.
 *
 * The YAML document is walked once; every problem is reported with the
 * file, the line and column of the offending node and what was expected
 * there, and loading stops at the first one.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <libfyaml.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/log.h"
#include "../util/yaml.h"
#include "internal.h"

/* Mechanisms the engine knows, weakest first. */
static const char *const known_mechanisms[] = {"fcall", "mpk", "proc"};

/* Hardening options the builder knows how to apply. */
static const char *const known_options[] = {
	"stack-protector", "fortify", "ubsan",	   "asan",     "stack-clash",
	"auto-init",	   "cfi",     "safestack", "sanitize",
};

struct loader {
	struct cs_space *sp;
	struct cs_error *err;
	/* Where each component was declared, to report duplicates. */
	struct fy_node *comp_node[CS_MAX_COMPONENTS];
	int group_of[CS_MAX_COMPONENTS];
	int section; /* the top-level key being loaded, or -1 */
};

static int fail(struct loader *ld, struct fy_node *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
fail(struct loader *ld, struct fy_node *at, const char *fmt, ...)
{
	va_list ap;

	yaml_place(at, &ld->err->line, &ld->err->column);
	va_start(ap, fmt);
	vsnprintf(ld->err->msg, sizeof(ld->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static int
valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63)
		return 0;
	for (; *s != '\0'; s++)
		if (!islower((unsigned char)*s) &&
		    !isdigit((unsigned char)*s) && *s != '-' && *s != '_')
			return 0;
	return 1;
}

/* A scalar that must be a name; copies it into *out. */
static int
get_name(struct loader *ld, struct fy_node *node, const char *what,
	 const char **out)
{
	const char *s = yaml_scalar(node);

	if (s == NULL)
		return fail(ld, node, "expected %s name, found %s", what,
			    yaml_type_name(node));
	if (!valid_name(s))
		return fail(ld, node,
			    "'%s' is not a valid %s name: expected 1 to 63 "
			    "characters of a-z, 0-9, '-' and '_'",
			    s, what);
	*out = s;
	return 0;
}

static int
get_number(struct loader *ld, struct fy_node *node, const char *what,
	   double *out)
{
	const char *s = yaml_scalar(node);
	char *end;

	if (s == NULL)
		return fail(ld, node, "expected a number for %s, found %s",
			    what, yaml_type_name(node));
	errno = 0;
	*out = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno != 0 || !isfinite(*out))
		return fail(ld, node, "expected a number for %s, found '%s'",
			    what, s);
	return 0;
}

static int
expect_type(struct loader *ld, struct fy_node *node, enum fy_node_type type,
	    const char *key)
{
	static const char *const names[] = {
		[FYNT_SCALAR] = "a scalar",
		[FYNT_SEQUENCE] = "a list",
		[FYNT_MAPPING] = "a mapping",
	};

	if (node != NULL && fy_node_get_type(node) == type)
		return 0;
	if (node == NULL)
		return fail(ld, node, "expected %s for '%s', found nothing",
			    names[type], key);
	return fail(ld, node, "expected %s for '%s', found %s", names[type],
		    key, yaml_type_name(node));
}

static int
component_index(struct loader *ld, struct fy_node *node, int *out)
{
	const char *name;

	if (get_name(ld, node, "component", &name) != 0)
		return -1;
	*out = cs_space_component_index(ld->sp, name);
	if (*out < 0)
		return fail(ld, node,
			    "unknown component '%s': expected one listed "
			    "under 'components'",
			    name);
	return 0;
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
load_components(struct loader *ld, struct fy_node *list)
{
	struct cs_space *sp = ld->sp;
	struct fy_node *item;
	void *iter = NULL;

	if (expect_type(ld, list, FYNT_SEQUENCE, "components") != 0)
		return -1;
	while ((item = fy_node_sequence_iterate(list, &iter)) != NULL) {
		const char *name;

		if (get_name(ld, item, "component", &name) != 0)
			return -1;
		for (int i = 0; i < sp->ncomp; i++)
			if (strcmp(sp->comp[i], name) == 0)
				return fail(ld, item,
					    "component '%s' is listed twice",
					    name);
		if (sp->ncomp == CS_MAX_COMPONENTS)
			return fail(ld, item, "too many components: at most %d",
				    CS_MAX_COMPONENTS);
		sp->comp[sp->ncomp++] = xstrdup(name);
	}
	if (sp->ncomp == 0)
		return fail(ld, list,
			    "empty space: expected at least one component");
	qsort(sp->comp, (size_t)sp->ncomp, sizeof(*sp->comp), compare_names);
	for (int i = 0; i < sp->ncomp; i++)
		sp->comp_weight[i] = 1;
	return 0;
}

static int
load_core(struct loader *ld, struct fy_node *list)
{
	struct cs_space *sp = ld->sp;
	struct fy_node *item;
	void *iter = NULL;
	int n;

	if (expect_type(ld, list, FYNT_SEQUENCE, "core") != 0)
		return -1;
	n = fy_node_sequence_item_count(list);
	sp->core = xcalloc((size_t)n, sizeof(*sp->core));
	while ((item = fy_node_sequence_iterate(list, &iter)) != NULL) {
		const char *name;

		if (get_name(ld, item, "core component", &name) != 0)
			return -1;
		if (cs_space_component_index(sp, name) >= 0)
			return fail(ld, item,
				    "'%s' is both a component and core: the "
				    "trusted core is never placed",
				    name);
		sp->core[sp->ncore++] = xstrdup(name);
	}
	return 0;
}

static int
load_groups(struct loader *ld, struct fy_node *list)
{
	struct fy_node *group, *item;
	void *outer = NULL, *inner;
	int g = 0;

	if (expect_type(ld, list, FYNT_SEQUENCE, "groups") != 0)
		return -1;
	while ((group = fy_node_sequence_iterate(list, &outer)) != NULL) {
		if (expect_type(ld, group, FYNT_SEQUENCE, "groups") != 0)
			return -1;
		g++;
		inner = NULL;
		while ((item = fy_node_sequence_iterate(group, &inner)) !=
		       NULL) {
			int c;

			if (component_index(ld, item, &c) != 0)
				return -1;
			if (ld->group_of[c] != 0)
				return fail(ld, item,
					    "component '%s' is already in "
					    "group %d: a component belongs "
					    "to at most one group",
					    ld->sp->comp[c], ld->group_of[c]);
			ld->group_of[c] = g;
		}
	}
	return 0;
}

static int
load_mechanisms(struct loader *ld, struct fy_node *list)
{
	struct cs_space *sp = ld->sp;
	struct fy_node *item;
	void *iter = NULL;

	if (expect_type(ld, list, FYNT_SEQUENCE, "mechanisms") != 0)
		return -1;
	while ((item = fy_node_sequence_iterate(list, &iter)) != NULL) {
		const char *name;
		size_t k;

		if (get_name(ld, item, "mechanism", &name) != 0)
			return -1;
		for (k = 0; k < FX_ARRAY_LEN(known_mechanisms); k++)
			if (strcmp(name, known_mechanisms[k]) == 0)
				break;
		if (k == FX_ARRAY_LEN(known_mechanisms))
			return fail(ld, item,
				    "unknown mechanism '%s': expected fcall, "
				    "mpk or proc",
				    name);
		if (cs_space_mechanism_index(sp, name) >= 0)
			return fail(ld, item, "mechanism '%s' is listed twice",
				    name);
		if (strcmp(name, "fcall") == 0 && sp->nmech > 0)
			return fail(ld, item,
				    "'fcall' gives no isolation: it can only "
				    "be the weakest, first mechanism");
		sp->mech[sp->nmech++] = xstrdup(name);
	}
	if (sp->nmech == 0)
		return fail(ld, list, "expected at least one mechanism");
	return 0;
}

static int
option_components(struct loader *ld, struct fy_node *node, int o)
{
	struct cs_space *sp = ld->sp;
	struct fy_node *item;
	void *iter = NULL;
	const char *s = yaml_scalar(node);

	if (s != NULL) {
		if (strcmp(s, "all") != 0)
			return fail(ld, node,
				    "expected 'all' or a list of components, "
				    "found '%s'",
				    s);
		for (int c = 0; c < sp->ncomp; c++)
			sp->slot[c][o] = 0;
		return 0;
	}
	if (expect_type(ld, node, FYNT_SEQUENCE, "components") != 0)
		return -1;
	while ((item = fy_node_sequence_iterate(node, &iter)) != NULL) {
		int c;

		if (component_index(ld, item, &c) != 0)
			return -1;
		sp->slot[c][o] = 0;
	}
	return 0;
}

static int
load_option(struct loader *ld, struct fy_node *map)
{
	struct cs_space *sp = ld->sp;
	struct fy_node_pair *pair;
	struct fy_node *comps = NULL, *name_node = NULL;
	void *iter = NULL;
	const char *name = NULL;
	double weight = 1;
	size_t k;
	int o = sp->nopt;

	if (expect_type(ld, map, FYNT_MAPPING, "hardening") != 0)
		return -1;
	while ((pair = fy_node_mapping_iterate(map, &iter)) != NULL) {
		struct fy_node *key = fy_node_pair_key(pair);
		struct fy_node *val = fy_node_pair_value(pair);
		const char *k_name = yaml_scalar(key);

		if (k_name != NULL && strcmp(k_name, "name") == 0) {
			name_node = val;
			if (get_name(ld, val, "hardening option", &name) != 0)
				return -1;
		} else if (k_name != NULL &&
			   strcmp(k_name, "components") == 0) {
			comps = val;
		} else if (k_name != NULL && strcmp(k_name, "weight") == 0) {
			if (get_number(ld, val, "weight", &weight) != 0)
				return -1;
			if (weight <= 0)
				return fail(ld, val,
					    "expected a weight above 0");
		} else {
			return fail(ld, key,
				    "unknown key '%s' in a hardening option: "
				    "expected name, components or weight",
				    k_name != NULL ? k_name : "?");
		}
	}
	if (name == NULL)
		return fail(ld, map, "hardening option without a 'name'");
	for (k = 0; k < FX_ARRAY_LEN(known_options); k++)
		if (strcmp(name, known_options[k]) == 0)
			break;
	if (k == FX_ARRAY_LEN(known_options))
		return fail(ld, name_node,
			    "unknown hardening option '%s': expected one of "
			    "stack-protector, fortify, ubsan, asan, "
			    "stack-clash, auto-init, cfi, safestack, sanitize",
			    name);
	if (cs_space_option_index(sp, name) >= 0)
		return fail(ld, name_node,
			    "hardening option '%s' is listed twice", name);
	if (sp->nopt == CS_MAX_OPTIONS)
		return fail(ld, name_node, "too many hardening options");

	sp->opt[o] = xstrdup(name);
	sp->opt_weight[o] = weight;
	sp->nopt++;
	if (comps == NULL) {
		for (int c = 0; c < sp->ncomp; c++)
			sp->slot[c][o] = 0;
		return 0;
	}
	return option_components(ld, comps, o);
}

static int
load_hardening(struct loader *ld, struct fy_node *list)
{
	struct fy_node *item;
	void *iter = NULL;

	if (expect_type(ld, list, FYNT_SEQUENCE, "hardening") != 0)
		return -1;
	while ((item = fy_node_sequence_iterate(list, &iter)) != NULL)
		if (load_option(ld, item) != 0)
			return -1;
	return 0;
}

static int
load_mechanism_weights(struct loader *ld, struct fy_node *map)
{
	struct cs_space *sp = ld->sp;
	struct fy_node_pair *pair;
	void *iter = NULL;

	if (expect_type(ld, map, FYNT_MAPPING, "mechanisms") != 0)
		return -1;
	while ((pair = fy_node_mapping_iterate(map, &iter)) != NULL) {
		struct fy_node *key = fy_node_pair_key(pair);
		const char *name;
		double w;
		int m;

		if (get_name(ld, key, "mechanism", &name) != 0)
			return -1;
		m = cs_space_mechanism_index(sp, name);
		if (m < 0)
			return fail(ld, key,
				    "weight for mechanism '%s', which the "
				    "space does not list under 'mechanisms'",
				    name);
		if (get_number(ld, fy_node_pair_value(pair), "weight", &w) != 0)
			return -1;
		sp->mech_weight[m] = w;
	}

	/* Scores must grow with strength, or they would contradict order. */
	for (int i = 0; i < sp->niso; i++) {
		double w = sp->mech_weight[sp->iso[i]];
		double prev = i > 0 ? sp->mech_weight[sp->iso[i - 1]] : 0;

		if (w <= prev)
			return fail(ld, map,
				    "mechanism weights must grow with "
				    "strength: '%s' has %g, not above %g",
				    sp->mech[sp->iso[i]], w, prev);
	}
	return 0;
}

static int
load_component_weights(struct loader *ld, struct fy_node *map)
{
	struct fy_node_pair *pair;
	void *iter = NULL;

	if (expect_type(ld, map, FYNT_MAPPING, "components") != 0)
		return -1;
	while ((pair = fy_node_mapping_iterate(map, &iter)) != NULL) {
		struct fy_node *val = fy_node_pair_value(pair);
		double w;
		int c;

		if (component_index(ld, fy_node_pair_key(pair), &c) != 0 ||
		    get_number(ld, val, "weight", &w) != 0)
			return -1;
		if (w <= 0)
			return fail(ld, val, "expected a weight above 0");
		ld->sp->comp_weight[c] = w;
	}
	return 0;
}

static int
load_weights(struct loader *ld, struct fy_node *map)
{
	struct fy_node_pair *pair;
	void *iter = NULL;

	if (expect_type(ld, map, FYNT_MAPPING, "weights") != 0)
		return -1;
	while ((pair = fy_node_mapping_iterate(map, &iter)) != NULL) {
		struct fy_node *key = fy_node_pair_key(pair);
		const char *k = yaml_scalar(key);
		int rc;

		if (k != NULL && strcmp(k, "mechanisms") == 0)
			rc = load_mechanism_weights(ld,
						    fy_node_pair_value(pair));
		else if (k != NULL && strcmp(k, "components") == 0)
			rc = load_component_weights(ld,
						    fy_node_pair_value(pair));
		else
			rc = fail(ld, key,
				  "unknown key '%s' under 'weights': "
				  "expected mechanisms or components",
				  k != NULL ? k : "?");
		if (rc != 0)
			return -1;
	}
	return 0;
}

static int
load_build(struct loader *ld, struct fy_node *map)
{
	struct fy_node_pair *pair;
	void *iter = NULL;

	if (expect_type(ld, map, FYNT_MAPPING, "build") != 0)
		return -1;
	while ((pair = fy_node_mapping_iterate(map, &iter)) != NULL) {
		struct fy_node *key = fy_node_pair_key(pair);
		const char *k = yaml_scalar(key), *app;

		if (k == NULL || strcmp(k, "app") != 0)
			return fail(ld, key,
				    "unknown key '%s' under 'build': "
				    "expected app",
				    k != NULL ? k : "?");
		if (get_name(ld, fy_node_pair_value(pair), "application",
			     &app) != 0)
			return -1;
		free(ld->sp->app);
		ld->sp->app = xstrdup(app);
	}
	if (ld->sp->app == NULL)
		return fail(ld, map, "'build' needs an 'app'");
	return 0;
}

/* The top-level keys, in the order they are loaded. */
enum top_key {
	KEY_NAME,
	KEY_COMPONENTS,
	KEY_CORE,
	KEY_GROUPS,
	KEY_MECHANISMS,
	KEY_MAX_COMPARTMENTS,
	KEY_HARDENING,
	KEY_WEIGHTS,
	KEY_BUILD,
	KEY_COUNT
};

static const char *const top_keys[KEY_COUNT] = {
	"name",	     "components", "core",
	"groups",    "mechanisms", "max_compartments",
	"hardening", "weights",	   "build",
};

/* Units: groups merged, numbered by their first component. */
static void
form_units(struct loader *ld)
{
	struct cs_space *sp = ld->sp;
	int unit_of_group[CS_MAX_COMPONENTS + 1];

	for (int g = 0; g <= CS_MAX_COMPONENTS; g++)
		unit_of_group[g] = -1;
	sp->nunits = 0;
	for (int c = 0; c < sp->ncomp; c++) {
		int g = ld->group_of[c], u;

		if (g != 0 && unit_of_group[g] >= 0) {
			u = unit_of_group[g];
		} else {
			u = sp->nunits++;
			if (g != 0)
				unit_of_group[g] = u;
		}
		sp->unit_of[c] = u;
	}
}

static int load_sections(struct loader *ld, struct fy_node *root,
			 struct fy_node **val);

/*
 * Check the document's top level, then load its sections.  A problem that
 * has no node of its own to point at (an empty list) is placed at the key
 * of the section it was found in.
 */
static int
load_root(struct loader *ld, struct fy_node *root)
{
	struct fy_node *val[KEY_COUNT] = {0}, *keys[KEY_COUNT] = {0};
	struct fy_node_pair *pair;
	void *iter = NULL;

	if (root == NULL)
		return fail(ld, NULL,
			    "empty file: expected a mapping with "
			    "'name' and 'components'");
	if (expect_type(ld, root, FYNT_MAPPING, "the space") != 0)
		return -1;

	/* Collect the values first: components must be known before use. */
	while ((pair = fy_node_mapping_iterate(root, &iter)) != NULL) {
		struct fy_node *key = fy_node_pair_key(pair);
		const char *k = yaml_scalar(key);
		int i;

		for (i = 0; i < KEY_COUNT; i++)
			if (k != NULL && strcmp(k, top_keys[i]) == 0)
				break;
		if (i == KEY_COUNT)
			return fail(ld, key,
				    "unknown key '%s': expected name, "
				    "components, core, groups, mechanisms, "
				    "max_compartments, hardening, weights or "
				    "build",
				    k != NULL ? k : "?");
		val[i] = fy_node_pair_value(pair);
		keys[i] = key;
		if (val[i] == NULL)
			return fail(ld, key, "'%s' has no value", k);
	}

	if (load_sections(ld, root, val) == 0)
		return 0;
	if (ld->err->line == 0 && ld->section >= 0)
		yaml_place(keys[ld->section], &ld->err->line, &ld->err->column);
	return -1;
}

#define SECTION(ld, key) ((ld)->section = (key))

static int
load_sections(struct loader *ld, struct fy_node *root, struct fy_node **val)
{
	struct cs_space *sp = ld->sp;

	SECTION(ld, KEY_NAME);
	if (val[KEY_NAME] == NULL)
		return fail(ld, root,
			    "missing 'name': expected the space's "
			    "name");
	{
		const char *name;

		if (get_name(ld, val[KEY_NAME], "space", &name) != 0)
			return -1;
		sp->name = xstrdup(name);
	}
	SECTION(ld, KEY_COMPONENTS);
	if (val[KEY_COMPONENTS] == NULL)
		return fail(ld, root,
			    "missing 'components': expected the "
			    "list of components to place");
	for (int c = 0; c < CS_MAX_COMPONENTS; c++)
		for (int o = 0; o < CS_MAX_OPTIONS; o++)
			sp->slot[c][o] = -1;
	if (load_components(ld, val[KEY_COMPONENTS]) != 0)
		return -1;
	SECTION(ld, KEY_CORE);
	if (val[KEY_CORE] != NULL && load_core(ld, val[KEY_CORE]) != 0)
		return -1;
	SECTION(ld, KEY_GROUPS);
	if (val[KEY_GROUPS] != NULL && load_groups(ld, val[KEY_GROUPS]) != 0)
		return -1;
	form_units(ld);
	if (sp->nunits > CS_MAX_UNITS)
		return fail(ld, val[KEY_COMPONENTS],
			    "%d independent components: at most %d can be "
			    "placed (group some)",
			    sp->nunits, CS_MAX_UNITS);

	SECTION(ld, KEY_MECHANISMS);
	if (val[KEY_MECHANISMS] != NULL) {
		if (load_mechanisms(ld, val[KEY_MECHANISMS]) != 0)
			return -1;
	} else {
		for (size_t i = 0; i < FX_ARRAY_LEN(known_mechanisms); i++)
			sp->mech[sp->nmech++] = xstrdup(known_mechanisms[i]);
	}
	for (int m = 0; m < sp->nmech; m++) {
		sp->iso_pos[m] = -1;
		if (strcmp(sp->mech[m], "fcall") == 0)
			continue;
		sp->iso_pos[m] = sp->niso;
		sp->iso[sp->niso++] = m;
		sp->mech_weight[m] = sp->niso;
	}

	SECTION(ld, KEY_MAX_COMPARTMENTS);
	sp->max_compartments = sp->nunits;
	if (val[KEY_MAX_COMPARTMENTS] != NULL) {
		double v;

		if (get_number(ld, val[KEY_MAX_COMPARTMENTS],
			       "max_compartments", &v) != 0)
			return -1;
		if (v < 1 || v != floor(v))
			return fail(ld, val[KEY_MAX_COMPARTMENTS],
				    "expected a whole number of compartments "
				    "of at least 1");
		if (v < sp->max_compartments)
			sp->max_compartments = (int)v;
	}

	SECTION(ld, KEY_HARDENING);
	if (val[KEY_HARDENING] != NULL &&
	    load_hardening(ld, val[KEY_HARDENING]) != 0)
		return -1;
	SECTION(ld, KEY_WEIGHTS);
	if (val[KEY_WEIGHTS] != NULL && load_weights(ld, val[KEY_WEIGHTS]) != 0)
		return -1;
	SECTION(ld, KEY_BUILD);
	if (val[KEY_BUILD] != NULL && load_build(ld, val[KEY_BUILD]) != 0)
		return -1;

	SECTION(ld, KEY_COMPONENTS);
	return cs_prepare(sp, ld->err);
}

/* FNV-1a, 64 bits, as 16 hex digits: the file digest and name hashes. */
static void
hash_bytes(const char *p, size_t n, char out[CS_HASH_LEN + 1])
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ULL;
	}
	snprintf(out, CS_HASH_LEN + 1, "%016llx", (unsigned long long)h);
}

void
cs_hash_name(const char *name, char out[CS_HASH_LEN + 1])
{
	hash_bytes(name, strlen(name), out);
}

struct cs_space *
cs_load_string(const char *text, const char *name, struct cs_error *err)
{
	struct cs_space *sp = xcalloc(1, sizeof(*sp));
	struct loader ld = {.sp = sp, .err = err, .section = -1};
	struct yaml_error yerr;
	struct fy_document *doc;
	int rc;

	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", name);
	sp->path = xstrdup(name);
	hash_bytes(text, strlen(text), sp->digest);

	if ((doc = yaml_parse(text, &yerr)) == NULL) {
		err->line = yerr.line;
		err->column = yerr.column;
		if (strcmp(yerr.msg, "empty file") == 0)
			snprintf(err->msg, sizeof(err->msg),
				 "empty file: expected a mapping with 'name' "
				 "and 'components'");
		else
			snprintf(err->msg, sizeof(err->msg), "%s", yerr.msg);
		cs_free(sp);
		return NULL;
	}
	rc = load_root(&ld, fy_document_root(doc));
	fy_document_destroy(doc);
	if (rc != 0) {
		cs_free(sp);
		return NULL;
	}
	return sp;
}

struct cs_space *
cs_load(const char *path, struct cs_error *err)
{
	struct cs_space *sp;
	size_t len;
	char *text = fx_read_file(path, &len);

	if (text == NULL || strlen(text) != len) {
		memset(err, 0, sizeof(*err));
		snprintf(err->file, sizeof(err->file), "%s", path);
		snprintf(err->msg, sizeof(err->msg), "cannot read: %s",
			 text == NULL ? strerror(errno)
				      : "a NUL byte in a text file");
		free(text);
		return NULL;
	}
	sp = cs_load_string(text, path, err);
	free(text);
	return sp;
}

/* "a, b, c": the bundled applications, those with a space file. */
static void
list_apps(struct strbuf *out)
{
	char *dir = xasprintf("%s/os/apps", fx_srcdir());
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		char *space =
			xasprintf("%s/%s/space.yaml", dir, names[i]->d_name);

		if (names[i]->d_name[0] != '.' && access(space, R_OK) == 0)
			sb_addf(out, "%s%s", out->len > 0 ? ", " : "",
				names[i]->d_name);
		free(space);
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	free(dir);
}

struct cs_space *
cs_load_app(const char *app, struct cs_error *err)
{
	struct cs_space *sp = NULL;
	char *path = NULL;

	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", app);
	if (valid_name(app)) {
		path = xasprintf("%s/os/apps/%s/space.yaml", fx_srcdir(), app);
		if (access(path, F_OK) == 0)
			sp = cs_load(path, err);
	}
	if (sp == NULL && (path == NULL || access(path, F_OK) != 0)) {
		struct strbuf apps;

		sb_init(&apps);
		list_apps(&apps);
		snprintf(err->msg, sizeof(err->msg),
			 "unknown application: expected one of %s",
			 apps.len > 0 ? apps.buf : "(none bundled)");
		sb_free(&apps);
	}
	free(path);
	return sp;
}

void
cs_free(struct cs_space *sp)
{
	if (sp == NULL)
		return;
	free(sp->name);
	free(sp->path);
	free(sp->app);
	for (int i = 0; i < sp->ncomp; i++)
		free(sp->comp[i]);
	for (int i = 0; i < sp->ncore; i++)
		free(sp->core[i]);
	free(sp->core);
	for (int i = 0; i < sp->nmech; i++)
		free(sp->mech[i]);
	for (int i = 0; i < sp->nopt; i++)
		free(sp->opt[i]);
	free(sp);
}

void
cs_error_format(const struct cs_error *err, char *buf, size_t len)
{
	if (err->line > 0)
		snprintf(buf, len, "%s:%d:%d: %s", err->file, err->line,
			 err->column, err->msg);
	else
		snprintf(buf, len, "%s: %s", err->file, err->msg);
}
