/*
 * Benchmark definitions: os/apps/APP/bench.yaml, read with libfyaml.
 *
 * A definition says how an application is driven and what is read back:
 *
 *	kind: server                 # or workload
 *	protocol: http               # http or resp: readiness and checks
 *	ready: /                     # http: the path the readiness probe gets
 *	check:                       # the correctness check after readiness
 *	  get: /index.html           # http: get this...
 *	  file: index.html           # ...it must equal this content file
 *	  set-get: true              # resp: SET a key, GET it back
 *	  equal: [rows, inserts]     # workload: two keys, one value
 *	client:                      # server kind: the load generator
 *	  tool: wrk
 *	  package: wrk               # the Debian package that has it
 *	  args: [-c16, "-d{duration}s", "http://{host}:{port}/"]
 *	  output: wrk                # wrk, redis-csv or keyvalue
 *	  requests: {min: 1000, max: 100000}
 *	workload:                    # workload kind: how the image is run
 *	  args: ["--inserts={requests}"]
 *	  output: keyvalue
 *	  requests: {min: 500, max: 50000}
 *	metrics:
 *	  - name: requests           # what --metric names; the first decides
 *	    unit: requests/s
 *	    better: higher           # or lower
 *	    field: Requests/sec      # what the output parser looks for
 *
 * Every error names file:line and what was expected there.
 */
#include <errno.h>
#include <libfyaml.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/util.h"
#include "../util/yaml.h"
#include "internal.h"

struct loader {
	struct bench_def *def;
	const char *name;
	char *err;
	size_t errlen;
};

static int
node_line(struct fy_node *node)
{
	int line, column;

	yaml_place(node, &line, &column);
	return line;
}

static int fail(struct loader *ld, struct fy_node *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
fail(struct loader *ld, struct fy_node *at, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(ld->err, ld->errlen, "%s:%d: %s", ld->name, node_line(at),
		 msg);
	return -1;
}

/* Copy a scalar into a fixed buffer, refusing what does not fit. */
static int
get_str(struct loader *ld, struct fy_node *node, const char *what, char *dst,
	size_t len)
{
	const char *s = yaml_scalar(node);

	if (s == NULL || *s == '\0')
		return fail(ld, node, "expected %s (a string)", what);
	if (strlen(s) >= len)
		return fail(ld, node, "%s is longer than %zu characters", what,
			    len - 1);
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

static int
get_ulong(struct loader *ld, struct fy_node *node, const char *what,
	  unsigned long *out)
{
	unsigned long long v;

	if (fx_parse_u64(yaml_scalar(node), &v) != 0 || v == 0)
		return fail(ld, node, "expected %s (a positive integer)", what);
	*out = (unsigned long)v;
	return 0;
}

static int
expect_type(struct loader *ld, struct fy_node *node, enum fy_node_type t,
	    const char *what)
{
	static const char *const names[] = {
		[FYNT_SCALAR] = "a scalar",
		[FYNT_SEQUENCE] = "a list",
		[FYNT_MAPPING] = "a mapping",
	};

	if (node != NULL && fy_node_get_type(node) == t)
		return 0;
	return fail(ld, node, "expected %s (%s)", what, names[t]);
}

static int
pick(struct loader *ld, struct fy_node *node, const char *what,
     const char *const *choices, int *out)
{
	const char *s = yaml_scalar(node);
	char list[128] = "";

	for (int i = 0; choices[i] != NULL; i++) {
		if (s != NULL && strcmp(s, choices[i]) == 0) {
			*out = i;
			return 0;
		}
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "%s%s", i ? ", " : "", choices[i]);
	}
	return fail(ld, node, "expected %s: one of %s", what, list);
}

static int
load_args(struct loader *ld, struct fy_node *list)
{
	struct bench_def *def = ld->def;
	struct fy_node *item;
	void *iter = NULL;

	if (expect_type(ld, list, FYNT_SEQUENCE, "'args'") != 0)
		return -1;
	while ((item = fy_node_sequence_iterate(list, &iter)) != NULL) {
		const char *s = yaml_scalar(item);

		if (s == NULL)
			return fail(ld, item,
				    "expected an argument (a string)");
		if (def->nargs == BDEF_MAX_ARGS)
			return fail(ld, item, "more than %d arguments",
				    BDEF_MAX_ARGS);
		def->args[def->nargs++] = xstrdup(s);
	}
	return 0;
}

static int
load_requests(struct loader *ld, struct fy_node *map)
{
	struct fy_node *lo, *hi;

	if (expect_type(ld, map, FYNT_MAPPING,
			"'requests' with 'min' and 'max'") != 0)
		return -1;
	lo = fy_node_mapping_lookup_by_string(map, "min", FY_NT);
	hi = fy_node_mapping_lookup_by_string(map, "max", FY_NT);
	if (get_ulong(ld, lo != NULL ? lo : map, "'min'",
		      &ld->def->requests_min) != 0 ||
	    get_ulong(ld, hi != NULL ? hi : map, "'max'",
		      &ld->def->requests_max) != 0)
		return -1;
	if (ld->def->requests_min > ld->def->requests_max)
		return fail(ld, lo, "'min' is larger than 'max'");
	return 0;
}

/* The client (server kind) or workload (workload kind) section. */
static int
load_driver(struct loader *ld, struct fy_node *map, int is_client)
{
	static const char *const outputs[] = {"wrk", "redis-csv", "keyvalue",
					      NULL};
	struct bench_def *def = ld->def;
	struct fy_node_pair *pair;
	void *iter = NULL;
	int have_output = 0, v;

	if (expect_type(ld, map, FYNT_MAPPING,
			is_client ? "'client'" : "'workload'") != 0)
		return -1;
	while ((pair = fy_node_mapping_iterate(map, &iter)) != NULL) {
		struct fy_node *key = fy_node_pair_key(pair);
		struct fy_node *val = fy_node_pair_value(pair);
		const char *k = yaml_scalar(key);
		int rc;

		if (k == NULL)
			return fail(ld, key, "expected a key");
		if (is_client && strcmp(k, "tool") == 0)
			rc = get_str(ld, val, "'tool'", def->tool,
				     sizeof(def->tool));
		else if (is_client && strcmp(k, "package") == 0)
			rc = get_str(ld, val, "'package'", def->package,
				     sizeof(def->package));
		else if (strcmp(k, "args") == 0)
			rc = load_args(ld, val);
		else if (strcmp(k, "requests") == 0)
			rc = load_requests(ld, val);
		else if (strcmp(k, "output") == 0) {
			rc = pick(ld, val, "'output'", outputs, &v);
			def->parser = (enum bdef_parser)v;
			have_output = 1;
		} else
			return fail(ld, key,
				    "unknown key '%s' in '%s' (expected %s)", k,
				    is_client ? "client" : "workload",
				    is_client ? "tool, package, args, output, "
						"requests"
					      : "args, output, requests");
		if (rc != 0)
			return -1;
	}
	if (is_client && def->tool[0] == '\0')
		return fail(ld, map, "'client' needs 'tool'");
	if (!have_output)
		return fail(ld, map, "'%s' needs 'output'",
			    is_client ? "client" : "workload");
	return 0;
}

static int
load_check(struct loader *ld, struct fy_node *map)
{
	struct bench_def *def = ld->def;
	struct fy_node_pair *pair;
	void *iter = NULL;

	if (expect_type(ld, map, FYNT_MAPPING, "'check'") != 0)
		return -1;
	while ((pair = fy_node_mapping_iterate(map, &iter)) != NULL) {
		struct fy_node *key = fy_node_pair_key(pair);
		struct fy_node *val = fy_node_pair_value(pair);
		const char *k = yaml_scalar(key);
		int rc;

		if (k != NULL && strcmp(k, "get") == 0)
			rc = get_str(ld, val, "'get' (a path)", def->check_get,
				     sizeof(def->check_get));
		else if (k != NULL && strcmp(k, "file") == 0)
			rc = get_str(ld, val, "'file' (a content file)",
				     def->check_file, sizeof(def->check_file));
		else if (k != NULL && strcmp(k, "set-get") == 0) {
			const char *s = yaml_scalar(val);

			def->check_setget = s != NULL && strcmp(s, "true") == 0;
			rc = s != NULL && (def->check_setget ||
					   strcmp(s, "false") == 0)
				     ? 0
				     : fail(ld, val,
					    "expected 'set-get' true or false");
		} else if (k != NULL && strcmp(k, "equal") == 0) {
			struct fy_node *a, *b;

			if (expect_type(ld, val, FYNT_SEQUENCE,
					"'equal' [KEY, KEY]") != 0)
				return -1;
			a = fy_node_sequence_get_by_index(val, 0);
			b = fy_node_sequence_get_by_index(val, 1);
			if (fy_node_sequence_item_count(val) != 2)
				return fail(ld, val,
					    "expected 'equal' with two keys");
			rc = get_str(ld, a, "a key", def->check_equal[0],
				     sizeof(def->check_equal[0]));
			if (rc == 0)
				rc = get_str(ld, b, "a key",
					     def->check_equal[1],
					     sizeof(def->check_equal[1]));
		} else
			return fail(ld, key,
				    "unknown key in 'check' (expected get, "
				    "file, set-get, equal)");
		if (rc != 0)
			return -1;
	}
	if ((def->check_get[0] != '\0') != (def->check_file[0] != '\0'))
		return fail(ld, map, "'check' needs both 'get' and 'file'");
	return 0;
}

static int
load_metric(struct loader *ld, struct fy_node *map)
{
	static const char *const dirs[] = {"lower", "higher", NULL};
	struct bench_def *def = ld->def;
	struct bdef_metric *m;
	struct fy_node *name, *unit, *better, *field;

	if (expect_type(ld, map, FYNT_MAPPING,
			"a metric with name, unit, better, field") != 0)
		return -1;
	if (def->nmetrics == BENCH_MAX_METRICS)
		return fail(ld, map, "more than %d metrics", BENCH_MAX_METRICS);
	m = &def->metrics[def->nmetrics];
	m->line = node_line(map);
	name = fy_node_mapping_lookup_by_string(map, "name", FY_NT);
	unit = fy_node_mapping_lookup_by_string(map, "unit", FY_NT);
	better = fy_node_mapping_lookup_by_string(map, "better", FY_NT);
	field = fy_node_mapping_lookup_by_string(map, "field", FY_NT);
	if (fy_node_mapping_item_count(map) != 4)
		return fail(ld, map,
			    "a metric has exactly the keys name, unit, better "
			    "and field");
	if (get_str(ld, name ? name : map, "'name'", m->name,
		    sizeof(m->name)) != 0 ||
	    get_str(ld, unit ? unit : map, "'unit'", m->unit,
		    sizeof(m->unit)) != 0 ||
	    pick(ld, better ? better : map, "'better'", dirs,
		 &m->higher_is_better) != 0 ||
	    get_str(ld, field ? field : map, "'field'", m->field,
		    sizeof(m->field)) != 0)
		return -1;
	if (bdef_metric_index(def, m->name) >= 0)
		return fail(ld, name, "metric '%s' is defined twice", m->name);
	def->nmetrics++;
	return 0;
}

static int
load_metrics(struct loader *ld, struct fy_node *list)
{
	struct fy_node *item;
	void *iter = NULL;

	if (expect_type(ld, list, FYNT_SEQUENCE, "'metrics'") != 0)
		return -1;
	while ((item = fy_node_sequence_iterate(list, &iter)) != NULL)
		if (load_metric(ld, item) != 0)
			return -1;
	if (ld->def->nmetrics == 0)
		return fail(ld, list, "expected at least one metric");
	return 0;
}

/* Once every key is read: what the kind needs. */
static int
check_complete(struct loader *ld, struct fy_node *root, struct fy_node *driver)
{
	struct bench_def *def = ld->def;

	if (def->nmetrics == 0)
		return fail(ld, root, "expected 'metrics'");
	if (def->kind == BDEF_SERVER) {
		if (def->protocol == BDEF_PROTO_NONE)
			return fail(ld, root,
				    "a server needs 'protocol' (http or resp)");
		if (def->tool[0] == '\0')
			return fail(ld, root, "a server needs 'client'");
		if (def->check_setget && def->protocol != BDEF_PROTO_RESP)
			return fail(ld, root, "'set-get' needs protocol resp");
		if (def->check_get[0] && def->protocol != BDEF_PROTO_HTTP)
			return fail(ld, root, "'get' needs protocol http");
	} else if (driver == NULL) {
		return fail(ld, root, "a workload needs 'workload'");
	}
	for (int i = 0; i < def->nargs; i++)
		if (strstr(def->args[i], "{requests}") != NULL &&
		    def->requests_min == 0)
			return fail(ld, driver,
				    "'{requests}' in args needs 'requests' "
				    "with 'min' and 'max'");
	return 0;
}

static int
load_root(struct loader *ld, struct fy_node *root)
{
	static const char *const kinds[] = {"server", "workload", NULL};
	static const char *const protos[] = {"none", "http", "resp", NULL};
	struct bench_def *def = ld->def;
	struct fy_node_pair *pair;
	struct fy_node *driver = NULL;
	void *iter = NULL;
	int v;

	if (expect_type(ld, root, FYNT_MAPPING, "a benchmark definition") != 0)
		return -1;
	while ((pair = fy_node_mapping_iterate(root, &iter)) != NULL) {
		struct fy_node *key = fy_node_pair_key(pair);
		struct fy_node *val = fy_node_pair_value(pair);
		const char *k = yaml_scalar(key);
		int rc;

		if (k == NULL)
			return fail(ld, key, "expected a key");
		if (strcmp(k, "kind") == 0) {
			rc = pick(ld, val, "'kind'", kinds, &v);
			def->kind = (enum bdef_kind)v;
		} else if (strcmp(k, "protocol") == 0) {
			rc = pick(ld, val, "'protocol'", protos, &v);
			def->protocol = (enum bdef_protocol)v;
		} else if (strcmp(k, "ready") == 0) {
			rc = get_str(ld, val, "'ready' (a path)",
				     def->ready_path, sizeof(def->ready_path));
		} else if (strcmp(k, "check") == 0) {
			rc = load_check(ld, val);
		} else if (strcmp(k, "client") == 0 ||
			   strcmp(k, "workload") == 0) {
			if (driver != NULL)
				return fail(ld, key,
					    "only one of 'client' and "
					    "'workload'");
			driver = val;
			rc = load_driver(ld, val, strcmp(k, "client") == 0);
		} else if (strcmp(k, "metrics") == 0) {
			rc = load_metrics(ld, val);
		} else {
			return fail(
				ld, key,
				"unknown key '%s' (expected kind, protocol, "
				"ready, check, client, workload, metrics)",
				k);
		}
		if (rc != 0)
			return -1;
	}
	return check_complete(ld, root, driver);
}

int
bdef_load_string(const char *text, const char *name, struct bench_def *def,
		 char *err, size_t errlen)
{
	struct loader ld = {def, name, err, errlen};
	struct yaml_error yerr;
	struct fy_document *doc;
	int rc;

	memset(def, 0, sizeof(*def));
	snprintf(def->path, sizeof(def->path), "%s", name);
	snprintf(def->ready_path, sizeof(def->ready_path), "/");
	err[0] = '\0';

	if ((doc = yaml_parse(text, &yerr)) == NULL) {
		snprintf(err, errlen, "%s:%d: %s%s", name,
			 yerr.line > 0 ? yerr.line : 1, yerr.msg,
			 strcmp(yerr.msg, "empty file") == 0
				 ? ": expected a benchmark definition"
				 : "");
		rc = -1;
	} else {
		rc = load_root(&ld, fy_document_root(doc));
		fy_document_destroy(doc);
	}
	if (rc != 0)
		bdef_free(def);
	return rc;
}

int
bdef_load(const char *path, struct bench_def *def, char *err, size_t errlen)
{
	char *text = fx_read_file(path, NULL);
	int rc;

	if (text == NULL) {
		memset(def, 0, sizeof(*def));
		snprintf(err, errlen, "%s: cannot read: %s", path,
			 strerror(errno));
		return -1;
	}
	rc = bdef_load_string(text, path, def, err, errlen);
	free(text);
	return rc;
}

void
bdef_free(struct bench_def *def)
{
	for (int i = 0; i < def->nargs; i++)
		free(def->args[i]);
	def->nargs = 0;
}

int
bdef_metric_index(const struct bench_def *def, const char *name)
{
	for (int i = 0; i < def->nmetrics; i++)
		if (strcmp(def->metrics[i].name, name) == 0)
			return i;
	return -1;
}
