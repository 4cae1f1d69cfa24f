/*
 * Evaluators: where the numbers come from.  Replay answers from a CSV file
 * of recorded results, the simulator from planted monotone costs, and the
 * real one builds the image and benchmarks it on this host.
 */
#include <errno.h>
#include <libfyaml.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../bench/bench.h"
#include "../builder/builder.h"
#include "../builder/sha256.h"
#include "../util/log.h"
#include "../util/util.h"
#include "explorer.h"

void
ev_free(struct evaluator *ev)
{
	if (ev == NULL)
		return;
	if (ev->free != NULL)
		ev->free(ev);
	free(ev->id);
	free(ev->revision);
	free(ev->toolchain);
	free(ev->host_fp);
	free(ev->host_json);
	free(ev->metric);
	for (int i = 0; ev->mechanisms != NULL && ev->mechanisms[i]; i++)
		free(ev->mechanisms[i]);
	free(ev->mechanisms);
	for (int i = 0; i < CS_MAX_MECHANISMS; i++)
		free(ev->lacks[i]);
	free(ev);
}

int
ev_runnable_mechanism(const struct evaluator *ev, const char *mech)
{
	for (int i = 0; ev->mechanisms[i] != NULL; i++)
		if (strcmp(ev->mechanisms[i], mech) == 0)
			return 1;
	return 0;
}

int
ev_runnable(const struct evaluator *ev, const struct cs_space *sp,
	    const struct cs_config *cfg)
{
	if (cfg->mech == CS_MECH_NONE)
		return 1;
	return ev_runnable_mechanism(ev, cs_space_mechanism(sp, cfg->mech));
}

/* Every mechanism the space declares, as a NULL-terminated list. */
static char **
all_mechanisms(const struct cs_space *sp)
{
	int n = cs_space_nmechanisms(sp);
	char **v = xcalloc(n + 1, sizeof(*v));

	for (int i = 0; i < n; i++)
		v[i] = xstrdup(cs_space_mechanism(sp, i));
	return v;
}

/* A host description for evaluators that do not run on this host. */
static char *
host_json(const char *source, char **mechs)
{
	struct strbuf sb;

	sb_init(&sb);
	sb_addf(&sb, "{\"source\":\"%s\",\"mechanisms\":[", source);
	for (int i = 0; mechs[i] != NULL; i++)
		sb_addf(&sb, "%s\"%s\"", i ? "," : "", mechs[i]);
	sb_adds(&sb, "]}");
	return sb_detach(&sb);
}

/* ---- Replay ---------------------------------------------------------- */

struct replay_row {
	uint64_t rank;
	double value;
	int line;
};

struct replay {
	char *path;
	struct replay_row *rows;
	int n;
};

/*
 * Split one CSV line into fields in place: commas separate, double quotes
 * group (a doubled quote is a quote).  Returns the number of fields.
 */
static int
csv_split(char *line, char **fields, int max)
{
	int n = 0;
	char *r = line, *w = line;

	while (n < max) {
		int quoted = 0;

		fields[n++] = w;
		for (;;) {
			if (*r == '"') {
				if (quoted && r[1] == '"') {
					*w++ = '"';
					r += 2;
					continue;
				}
				quoted = !quoted;
				r++;
			} else if (*r == '\0' || (*r == ',' && !quoted)) {
				break;
			} else {
				*w++ = *r++;
			}
		}
		if (*r == '\0') {
			*w = '\0';
			break;
		}
		*w++ = '\0';
		r++;
	}
	return n;
}

static int
column_of(char **names, int n, const char *want)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], want) == 0)
			return i;
	return -1;
}

static int
cmp_row(const void *a, const void *b)
{
	const struct replay_row *x = a, *y = b;

	return (x->rank > y->rank) - (x->rank < y->rank);
}

/* The canonical-name text of one row, before cs_parse() checks it. */
static int
row_name(const struct cs_space *sp, const char *path, int line,
	 const char *parts, const char *mechcol, const char *hardened,
	 struct strbuf *name)
{
	int iso = -1, niso = 0;

	sb_adds(name, parts);
	if (strchr(parts, '|') != NULL) {
		if (mechcol != NULL && *mechcol != '\0') {
			sb_addf(name, "@%s", mechcol);
		} else {
			for (int m = 0; m < cs_space_nmechanisms(sp); m++)
				if (cs_space_mechanism_isolates(sp, m)) {
					iso = m;
					niso++;
				}
			if (niso != 1) {
				log_errx("%s:%d: space '%s' has %d isolating "
					 "mechanisms; expected a 'mechanism' "
					 "column saying which",
					 path, line, cs_space_name(sp), niso);
				return -1;
			}
			sb_addf(name, "@%s", cs_space_mechanism(sp, iso));
		}
	}
	if (strcmp(hardened, "-") == 0 || *hardened == '\0')
		return 0;
	sb_addc(name, '/');
	for (const char *p = hardened; *p != '\0';) {
		size_t len, skip = strspn(p, " \t");
		char *item;

		p += skip;
		len = strcspn(p, ",");
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		item = xstrndup(p, len);

		if (p != hardened)
			sb_addc(name, ',');
		if (strchr(item, '=') != NULL) {
			sb_adds(name, item);
		} else if (cs_space_noptions(sp) == 1) {
			sb_addf(name, "%s=%s", item, cs_space_option(sp, 0));
		} else {
			log_errx("%s:%d: component '%s' in column 'hardened' "
				 "names no option, and space '%s' has %d; "
				 "expected 'component=option'",
				 path, line, item, cs_space_name(sp),
				 cs_space_noptions(sp));
			free(item);
			return -1;
		}
		free(item);
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
	return 0;
}

static int
replay_evaluate(struct evaluator *ev, const struct cs_config *cfg,
		struct ev_result *res)
{
	struct replay *r = ev->state;
	struct replay_row key = {.rank = cs_rank(ev->sp, cfg)};
	struct replay_row *hit;

	memset(res, 0, sizeof(*res));
	hit = bsearch(&key, r->rows, r->n, sizeof(*r->rows), cmp_row);
	if (hit == NULL) {
		snprintf(res->reason, sizeof(res->reason),
			 "no row for it in '%s'", r->path);
		return 0;
	}
	res->ok = 1;
	res->nsamples = 1;
	res->samples[0] = hit->value;
	return 0;
}

static void
replay_free(struct evaluator *ev)
{
	struct replay *r = ev->state;

	free(r->path);
	free(r->rows);
	free(r);
}

/* Parse the rows after the header; 0, or -1 with the reason logged. */
static int
replay_rows(const struct cs_space *sp, struct replay *r, char *text, int ccomp,
	    int chard, int cmech, int cval, int ncols, const char *metric)
{
	char *save = NULL, *line, *fields[64];
	int lineno = 1, cap = 0;

	for (line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		struct strbuf name;
		struct cs_config cfg;
		char msg[256], *end;
		double v;
		int n;

		lineno++;
		line[strcspn(line, "\r")] = '\0';
		if (*line == '\0')
			continue;
		n = csv_split(line, fields, 64);
		if (n != ncols) {
			log_errx("%s:%d: %d fields; expected %d as in the "
				 "header",
				 r->path, lineno, n, ncols);
			return -1;
		}
		errno = 0;
		v = strtod(fields[cval], &end);
		if (errno != 0 || end == fields[cval] || *end != '\0' ||
		    !isfinite(v) || v <= 0) {
			log_errx("%s:%d: column '%s': '%s' is not a positive "
				 "number",
				 r->path, lineno, metric, fields[cval]);
			return -1;
		}
		sb_init(&name);
		if (row_name(sp, r->path, lineno, fields[ccomp],
			     cmech >= 0 ? fields[cmech] : NULL, fields[chard],
			     &name) != 0) {
			sb_free(&name);
			return -1;
		}
		if (cs_parse(sp, name.buf, &cfg, msg, sizeof(msg)) != 0) {
			log_errx("%s:%d: '%s' is not a configuration of space "
				 "'%s': %s",
				 r->path, lineno, name.buf, cs_space_name(sp),
				 msg);
			sb_free(&name);
			return -1;
		}
		sb_free(&name);
		if (r->n == cap) {
			cap = cap ? 2 * cap : 64;
			r->rows = xrealloc(r->rows, cap * sizeof(*r->rows));
		}
		r->rows[r->n].rank = cs_rank(sp, &cfg);
		r->rows[r->n].value = v;
		r->rows[r->n].line = lineno;
		r->n++;
	}
	if (r->n == 0) {
		log_errx("%s:%d: no rows; expected one configuration per line "
			 "after the header",
			 r->path, lineno);
		return -1;
	}
	qsort(r->rows, r->n, sizeof(*r->rows), cmp_row);
	for (int i = 1; i < r->n; i++)
		if (r->rows[i].rank == r->rows[i - 1].rank) {
			int a = r->rows[i - 1].line, b = r->rows[i].line;
			log_errx("%s:%d: the configuration of line %d again",
				 r->path, a > b ? a : b, a < b ? a : b);
			return -1;
		}
	return 0;
}

struct evaluator *
ev_replay_open(const struct cs_space *sp, const char *path, const char *metric,
	       int *code)
{
	char *text = fx_read_file(path, NULL), *nl, *cols[64];
	char digest[SHA256_HEX_LEN + 1];
	struct replay *r;
	struct evaluator *ev;
	int ncols, ccomp, chard, cmech, cval = -1;

	*code = FX_EXIT_USAGE;
	if (text == NULL) {
		log_warn("cannot read replay file '%s'", path);
		return NULL;
	}
	nl = strchr(text, '\n');
	if (nl == NULL) {
		log_errx("%s:1: expected a header line and rows", path);
		free(text);
		return NULL;
	}
	*nl = '\0';
	text[strcspn(text, "\r")] = '\0';
	ncols = csv_split(text, cols, 64);
	ccomp = column_of(cols, ncols, "compartments");
	chard = column_of(cols, ncols, "hardened");
	cmech = column_of(cols, ncols, "mechanism");
	if (metric != NULL) {
		cval = column_of(cols, ncols, metric);
	} else {
		for (int i = 0; i < ncols && cval < 0; i++)
			if (i != ccomp && i != chard && i != cmech &&
			    strcmp(cols[i], "samples") != 0)
				cval = i;
	}
	if (ccomp < 0 || chard < 0 || cval < 0) {
		log_errx("%s:1: no column '%s'; expected columns "
			 "'compartments', 'hardened' and one per metric",
			 path,
			 ccomp < 0   ? "compartments"
			 : chard < 0 ? "hardened"
			 : metric    ? metric
				     : "(a metric)");
		free(text);
		return NULL;
	}

	r = xcalloc(1, sizeof(*r));
	r->path = xstrdup(path);
	ev = xcalloc(1, sizeof(*ev));
	ev->kind = "replay";
	ev->sp = sp;
	ev->state = r;
	ev->evaluate = replay_evaluate;
	ev->free = replay_free;
	ev->metric = xstrdup(cols[cval]);
	ev->higher_is_better = 1;
	ev->mechanisms = all_mechanisms(sp);
	if (replay_rows(sp, r, nl + 1, ccomp, chard, cmech, cval, ncols,
			ev->metric) != 0 ||
	    sha256_file_hex(path, digest) != 0) {
		free(text);
		ev_free(ev);
		return NULL;
	}
	free(text);
	ev->id = xasprintf("replay:%s", digest);
	ev->revision = xasprintf("replay:%s", digest);
	ev->toolchain = xstrdup("recorded");
	ev->host_fp = xasprintf("recorded:%.16s", digest);
	ev->host_json = host_json("replay", ev->mechanisms);
	*code = FX_EXIT_OK;
	return ev;
}

/* ---- Simulation ------------------------------------------------------ */

int
sim_parse(const char *spec, struct sim_params *p, char *msg, size_t msglen)
{
	char *copy = xstrdup(spec), *save = NULL, *item;
	int rc = 0;

	memset(p, 0, sizeof(*p));
	p->seed = 1;
	p->base = 100000;
	for (item = strtok_r(copy, ",", &save); item != NULL && rc == 0;
	     item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '='), *end = NULL;
		double v = 0;

		if (strcmp(item, "lower") == 0) {
			p->lower_better = 1;
			continue;
		}
		if (eq != NULL) {
			*eq = '\0';
			v = strtod(eq + 1, &end);
		}
		if (eq == NULL || *end != '\0' || v < 0) {
			snprintf(msg, msglen,
				 "'%s' in '%s': expected "
				 "seed=N, noise=X, samples=N, delay=S, "
				 "base=V or lower",
				 item, spec);
			rc = -1;
		} else if (strcmp(item, "seed") == 0) {
			p->seed = (uint64_t)v;
		} else if (strcmp(item, "noise") == 0) {
			p->noise = v;
		} else if (strcmp(item, "samples") == 0) {
			p->samples = (int)v;
		} else if (strcmp(item, "delay") == 0) {
			p->delay = v;
		} else if (strcmp(item, "base") == 0 && v > 0) {
			p->base = v;
		} else {
			snprintf(msg, msglen,
				 "unknown simulation setting "
				 "'%s'",
				 item);
			rc = -1;
		}
	}
	if (p->samples <= 0)
		p->samples = p->noise > 0 ? 5 : 1;
	if (p->samples > EV_MAX_SAMPLES)
		p->samples = EV_MAX_SAMPLES;
	free(copy);
	return rc;
}

double
sim_value(const struct cs_space *sp, const struct sim_params *p,
	  const struct cs_config *cfg)
{
	int nunits = cs_space_nunits(sp), pair = 0, iso = 0;
	double cost = 0;

	/* Stronger mechanisms cost more on every boundary they guard. */
	if (cfg->mech >= 0)
		for (int m = 0; m <= cfg->mech; m++)
			iso += cs_space_mechanism_isolates(sp, m);
	for (int u = 0; u < nunits; u++)
		for (int v = u + 1; v < nunits; v++, pair++)
			if (cfg->block[u] != cfg->block[v])
				cost += (0.004 +
					 0.05 * ex_unit_random(p->seed, pair)) *
					iso;
	for (int b = 0; b < 64; b++)
		if (cfg->hard >> b & 1)
			cost += 0.01 + 0.2 * ex_unit_random(p->seed, 1000 + b);
	return p->lower_better ? p->base * exp(cost) : p->base * exp(-cost);
}

struct sim {
	struct sim_params p;
	uint64_t draws;
};

static int
sim_evaluate(struct evaluator *ev, const struct cs_config *cfg,
	     struct ev_result *res)
{
	struct sim *s = ev->state;
	double v = sim_value(ev->sp, &s->p, cfg);

	memset(res, 0, sizeof(*res));
	if (s->p.delay > 0) {
		struct timespec ts = {
			.tv_sec = (time_t)s->p.delay,
			.tv_nsec =
				(long)((s->p.delay - floor(s->p.delay)) * 1e9),
		};
		nanosleep(&ts, NULL);
	}
	res->ok = 1;
	res->nsamples = s->p.samples;
	for (int i = 0; i < s->p.samples; i++)
		res->samples[i] =
			v * (1 + s->p.noise * ex_gaussian(s->p.seed ^ 0x5eed,
							  s->draws++));
	return 0;
}

static void
sim_free(struct evaluator *ev)
{
	free(ev->state);
}

struct evaluator *
ev_sim_open(const struct cs_space *sp, const struct sim_params *p)
{
	struct evaluator *ev = xcalloc(1, sizeof(*ev));
	struct sim *s = xcalloc(1, sizeof(*s));

	s->p = *p;
	ev->kind = "sim";
	ev->sp = sp;
	ev->state = s;
	ev->evaluate = sim_evaluate;
	ev->free = sim_free;
	ev->id = xasprintf("sim:seed=%llu,noise=%g,samples=%d,base=%g%s",
			   (unsigned long long)p->seed, p->noise, p->samples,
			   p->base, p->lower_better ? ",lower" : "");
	ev->revision = xstrdup(ev->id);
	ev->toolchain = xstrdup("none");
	ev->host_fp = xstrdup("simulated");
	ev->metric = xstrdup(p->lower_better ? "latency" : "throughput");
	ev->higher_is_better = !p->lower_better;
	ev->mechanisms = all_mechanisms(sp);
	ev->host_json = host_json("simulation", ev->mechanisms);
	return ev;
}

/* ---- Build and benchmark on this host -------------------------------- */

struct real {
	struct bld_ctx *bld;
	int runs;
	double seconds;
	char *metric; /* as asked, or NULL for the definition's first */
};

static int
real_evaluate(struct evaluator *ev, const struct cs_config *cfg,
	      struct ev_result *res)
{
	struct real *r = ev->state;
	struct bench_options opt;
	struct bench_result br;
	struct bld_result b;
	const struct bench_metric_result *m;
	int rc;

	memset(res, 0, sizeof(*res));
	rc = bld_build(r->bld, cfg, &b);
	if (rc < 0)
		return b.exit_code ? b.exit_code : FX_EXIT_ENV;
	res->built = 1;
	res->build_ok = rc == 0 && b.ok;
	res->build_seconds = b.seconds;
	snprintf(res->image, sizeof(res->image), "%s", b.image);
	if (rc > 0 || !b.ok) {
		snprintf(res->reason, sizeof(res->reason),
			 "build failed%s%.64s: %.512s",
			 b.component[0] ? " in " : "", b.component, b.reason);
		return 0;
	}
	bench_options_init(&opt);
	opt.app = cs_space_app(ev->sp);
	opt.image = b.image;
	opt.metric = r->metric;
	if (r->runs > 0)
		opt.min_reps = opt.max_reps = r->runs;
	if (r->seconds > 0)
		opt.duration = r->seconds;
	rc = bench_run(&opt, &br);
	if (rc != 0)
		return rc;
	if (br.status != BENCH_OK) {
		snprintf(res->reason, sizeof(res->reason), "%s: %.512s",
			 bench_status_name(br.status), br.reason);
		return 0;
	}
	m = &br.metrics[br.decided];
	ev->higher_is_better = m->higher_is_better;
	res->ok = 1;
	res->nsamples =
		m->nsamples < EV_MAX_SAMPLES ? m->nsamples : EV_MAX_SAMPLES;
	memcpy(res->samples, m->samples, res->nsamples * sizeof(double));
	return 0;
}

static void
real_free(struct evaluator *ev)
{
	struct real *r = ev->state;

	bld_close(r->bld);
	free(r->metric);
	free(r);
}

/*
 * The metric the application's benchmark definition lists first, and
 * which way it is better, so that the exploration is keyed by its real
 * name.  0, or -1 when the definition cannot say (bench will).
 */
static int
default_metric(const char *app, char **name, int *higher)
{
	char *path = xasprintf("%s/os/apps/%s/bench.yaml", fx_srcdir(), app);
	struct fy_document *fyd = fy_document_build_from_file(NULL, path);
	struct fy_node *root, *n;
	const char *v;
	int rc = -1;

	free(path);
	if (fyd == NULL)
		return -1;
	root = fy_document_root(fyd);
	n = fy_node_by_path(root, "/metrics/0/name", FY_NT, FYNWF_DONT_FOLLOW);
	v = n != NULL ? fy_node_get_scalar0(n) : NULL;
	if (v != NULL) {
		*name = xstrdup(v);
		n = fy_node_by_path(root, "/metrics/0/better", FY_NT,
				    FYNWF_DONT_FOLLOW);
		v = n != NULL ? fy_node_get_scalar0(n) : NULL;
		*higher = v == NULL || strcmp(v, "lower") != 0;
		rc = 0;
	}
	fy_document_destroy(fyd);
	return rc;
}

/* The first line of `cc --version`: the compiler that builds images. */
static char *
toolchain_id(void)
{
	FILE *p = popen("cc --version 2>/dev/null", "r");
	char line[256] = "";

	if (p != NULL) {
		if (fgets(line, sizeof(line), p) == NULL)
			line[0] = '\0';
		pclose(p);
	}
	line[strcspn(line, "\n")] = '\0';
	return xstrdup(line[0] ? line : "unknown");
}

struct evaluator *
ev_real_open(const struct cs_space *sp, const char *metric, int runs,
	     double seconds, int *code)
{
	struct bld_options bopt = {0};
	struct bench_host host;
	struct evaluator *ev;
	struct real *r;
	struct strbuf sb;
	char msg[512];
	int n = 0;

	if (cs_space_app(sp) == NULL) {
		log_errx("space '%s' has no build section, so it cannot be "
			 "built here; use --replay FILE",
			 cs_space_name(sp));
		*code = FX_EXIT_USAGE;
		return NULL;
	}
	*code = bench_host_fingerprint(&host);
	if (*code != 0)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->bld = bld_open(sp, &bopt, code, msg, sizeof(msg));
	if (r->bld == NULL) {
		log_errx("%s", msg);
		free(r);
		return NULL;
	}
	r->metric = metric ? xstrdup(metric) : NULL;
	r->runs = runs;
	r->seconds = seconds;
	ev = xcalloc(1, sizeof(*ev));
	ev->kind = "real";
	ev->sp = sp;
	ev->state = r;
	ev->evaluate = real_evaluate;
	ev->free = real_free;
	ev->higher_is_better = 1;
	if (metric != NULL)
		ev->metric = xstrdup(metric);
	else if (default_metric(cs_space_app(sp), &ev->metric,
				&ev->higher_is_better) != 0)
		ev->metric = xstrdup("default");
	ev->revision = xstrdup(bld_revision_id(r->bld));
	ev->toolchain = toolchain_id();
	ev->host_fp = xstrdup(host.id);
	ev->id = xstrdup("real");

	/* The mechanisms of the space this host can run. */
	ev->mechanisms = xcalloc(cs_space_nmechanisms(sp) + 1, sizeof(char *));
	for (int i = 0; i < cs_space_nmechanisms(sp); i++) {
		const char *mech = cs_space_mechanism(sp, i);
		const char *why = bench_host_lacks(&host, mech);

		if (why == NULL)
			ev->mechanisms[n++] = xstrdup(mech);
		else
			ev->lacks[i] = xstrdup(why);
	}

	/* The host's description already lists the mechanisms it runs. */
	sb_init(&sb);
	bench_host_json(&host, &sb);
	ev->host_json = sb_detach(&sb);
	*code = FX_EXIT_OK;
	return ev;
}
