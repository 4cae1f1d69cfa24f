/*
 * reports: what an exploration found, read back from the database.
 *
 * rp_load() reads one exploration (never writing to the database), loads
 * its space file again to get the safety order, covers and scores, and
 * derives everything the outputs show: the final outcome of every
 * configuration the exploration named, the ranking of the maximal
 * configurations that meet the budget, the Pareto set, monotonicity
 * violations and the Hasse diagram of the explored part of the poset.
 * Every output (text, HTML, CSV, JSON, DOT) is a function of that model.
 *
 * Invariants a caller may rely on after rp_load() returns 0:
 *  - nodes[] holds one entry per configuration the exploration decided
 *    about or stored on its border, in the order of its first decision.
 *  - ranking[] indexes nodes[] best first; nodes[i].rank is the 1-based
 *    position there, or 0.
 *  - edges[] are the covering pairs of the order restricted to the nodes
 *    whose names parse in the loaded space (lo strictly below hi).
 */
#ifndef FX_REPORT_H
#define FX_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "../configspace/configspace.h"
#include "../db/db.h"

/* Past this many nodes the drawings show the border region only. */
#define RP_DRAW_MAX 150

struct rp_node {
	int64_t config_id;
	char *name;	 /* canonical name as stored */
	char *parts;	 /* "lwip | newlib+redis | uksched" */
	char *mechanism; /* "none", "mpk", ... */
	char *hardening; /* "lwip=sanitize, redis=sanitize" or "-" */
	int compartments;
	struct cs_config cfg;
	int parsed;	   /* the name is a configuration of the space */
	double score;	   /* cs_score, or the stored score if not parsed */
	enum db_kind kind; /* the outcome that stands, see rp_load() */
	int inferred;	   /* the outcome was inferred, not measured */
	int pass;	   /* -1 unknown, 0 misses, 1 meets the budget */
	int has_value;
	double value, ci_low, ci_high;
	int samples;
	char *reason;	     /* of the decision that stands, or NULL */
	int64_t source_id;   /* config an inference came from, or 0 */
	int rank;	     /* 1-based in the ranking, 0 when not ranked */
	int pareto;	     /* in the Pareto set by safety score */
	int order_dominated; /* a safer one in the order measured faster */
	int border;	     /* 1 max-pass, -1 min-miss, 0 neither */
	int contradicted;    /* verified measurement disagrees */
	int layer;	     /* Hasse diagram layer from the bottom */
	int drawn;	     /* part of the drawn region */
};

struct rp_edge {
	int lo, hi; /* indices into nodes[] */
};

/* A safer configuration that measured better than a less safe one. */
struct rp_violation {
	int lo, hi; /* lo strictly less safe than hi, yet hi is better */
};

struct rp_counts {
	int evaluated, inferred_pass, inferred_miss, failed, skipped;
	int uncertain, verified, contradicted;
};

struct rp_report {
	struct db_exploration ex;
	char *db_path;
	char *space_name, *space_digest, *space_path;
	char *host_fingerprint, *host_description;
	int host_description_json; /* the description is valid JSON */
	char **host_mechanisms;	   /* what the host can run, if it says */
	char *revision;
	struct cs_space *sp;
	char *space_used;  /* the file the order was computed from */
	int space_changed; /* its digest differs from the recorded one */
	int engine_alive;  /* an engine holds the exploration's lock now */
	struct rp_node *nodes;
	int nnodes;
	int *ranking;
	int nranking;
	struct rp_edge *edges;
	int nedges;
	struct rp_violation *violations;
	int nviolations;
	struct rp_counts counts;
	int violations_by_covers; /* too many measured: covers checked */
	int covers_in_space;	  /* too many nodes: space covers only */
	int *idmap;		  /* config id -> node index + 1 */
	int64_t nidmap;
	int *by_name; /* node indices sorted by name */
	int has_range;
	double vmin, vmax; /* of the measured values */
	int ndrawn;
	int drawn_partial; /* only the border region is drawn */
};

/**
 * Choose an exploration: @id when > 0, else the newest whose application
 * or space name is @app, else the newest of the space in @spec (a path),
 * else the newest of all.  Returns an fx_exit code: FX_EXIT_OK with *out
 * set, FX_EXIT_USAGE (logged) when there is none.
 */
int rp_find(struct db *db, int64_t id, const char *app, const char *spec,
	    int64_t *out);

/**
 * Load exploration @id into @r.  @spec, when not NULL, is the space file
 * to use instead of the recorded one.  Returns an fx_exit code with the
 * reason logged.  rp_free() is safe after any return.
 */
int rp_load(struct db *db, int64_t id, const char *spec, struct rp_report *r);
void rp_free(struct rp_report *r);

/* Helpers the outputs share. */
/** Whether @a is better than @b in the metric's direction. */
int rp_better(const struct rp_report *r, double a, double b);
/** Percent of the baseline, or a negative number when there is none. */
double rp_percent(const struct rp_report *r, double value);
/** A number for people: no exponent for the usual magnitudes. */
void rp_add_number(struct strbuf *sb, double v);
/** The node of @config_id, or -1. */
int rp_node_of(const struct rp_report *r, int64_t config_id);
/** The node named @name, or -1. */
int rp_node_named(const struct rp_report *r, const char *name);
/** The mechanisms in the host description JSON, NULL-terminated. */
char **rp_host_mechanisms(struct db *db, const char *description);
void rp_strv_free(char **v);
/**
 * The covering pairs of the order among the nodes with @member[i] set,
 * into *edges (free() it).  Returns their number.
 */
int rp_hasse(const struct rp_report *r, const char *member,
	     struct rp_edge **edges);
/**
 * The fill colour of a measured value (viridis-like: dark is worse, light
 * is better in the metric's direction) as "#rrggbb" into @out[8].
 */
void rp_colour(const struct rp_report *r, double value, char out[8]);
/** Append @v so that strtod() reads back the same double. */
void rp_add_exact(struct strbuf *sb, double v);
/** Append @text at column @indent, broken at '|', ',' or ' ' to fit 80. */
void rp_add_wrapped(struct strbuf *sb, const char *text, int col, int indent);

/* Outputs: each returns an fx_exit code. */
/** The text report; @top bounds the ranking and Pareto lists (0: all). */
int rp_text(const struct rp_report *r, FILE *out, int colour, int top);
int rp_csv(const struct rp_report *r, struct strbuf *out);
int rp_json(const struct rp_report *r, struct strbuf *out);
int rp_dot(const struct rp_report *r, struct strbuf *out);
int rp_html(const struct rp_report *r, struct strbuf *out);

/**
 * Compare exploration @old_id with @new_id (same space, another host or
 * revision) as text.  Returns an fx_exit code.
 */
int rp_compare(struct db *db, int64_t old_id, int64_t new_id, const char *spec,
	       FILE *out, int colour);
/**
 * Choose the pair for rp_compare(): @new_id (or the newest of @app /
 * @spec when 0) and the newest older exploration of the same space name
 * and metric on another host or revision.  FX_EXIT_USAGE when none.
 */
int rp_find_pair(struct db *db, int64_t new_id, const char *app,
		 const char *spec, int64_t *old_id, int64_t *out_new);

#endif /* FX_REPORT_H */
