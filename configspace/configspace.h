/*
 * configspace: the space of configurations of one application.
 *
 * A space file (YAML) declares the application's components, the groups of
 * components that must share a compartment, the trusted core, the
 * mechanisms that may separate compartments (weakest first), the hardening
 * options and which components may carry each, and limits.  This module
 * checks the file and then offers the space lazily: its exact count, rank
 * and unrank, canonical names, the safety order and the covers of a
 * configuration.  Nothing here ever holds the whole space in memory.
 *
 * Invariants a caller may rely on:
 *  - Components are kept sorted by name; a component index is its position
 *    in that order.  Groups of components that must share a compartment are
 *    merged into "units"; a partition is a partition of the units.
 *  - A configuration with one compartment has mechanism CS_MECH_NONE, and a
 *    configuration never has two or more compartments separated by a
 *    mechanism that gives no isolation (fcall): such a configuration is the
 *    one-compartment configuration and is only ever represented as that.
 *  - Every struct cs_config produced by this module is normalized: its
 *    unused bytes are zero, so two configurations are equal exactly when
 *    cs_config_equal() (a memcmp) says so, and rank is a bijection onto
 *    [0, cs_count()).
 */
#ifndef FX_CONFIGSPACE_H
#define FX_CONFIGSPACE_H

#include <stdint.h>

#include "../util/util.h"

#define CS_MAX_COMPONENTS 64
#define CS_MAX_UNITS 24
#define CS_MAX_MECHANISMS 8
#define CS_MAX_OPTIONS 32
#define CS_MECH_NONE (-1)
#define CS_HASH_LEN 16 /* hex digits of a configuration hash */

struct cs_space; /* opaque */

/* Where a space file is wrong, and what was expected there. */
struct cs_error {
	char file[256];
	int line; /* 1-based; 0 when the error is not tied to a place */
	int column;
	char msg[256];
};

/*
 * One configuration.  block[u] is the compartment of unit u as a
 * restricted growth string (block[0] == 0, each block[u] at most one more
 * than the largest before it), so equivalent labellings are one value.
 * hard has one bit per (component, option) slot the space allows; see
 * cs_space_slot().
 */
struct cs_config {
	uint8_t block[CS_MAX_UNITS];
	int8_t mech;
	uint8_t pad[7];
	uint64_t hard;
};

/* Result of cs_compare(). */
enum cs_order {
	CS_LESS = -1, /* a is strictly less safe than b */
	CS_EQUAL = 0,
	CS_GREATER = 1, /* a is strictly safer than b */
	CS_INCOMPARABLE = 2,
};

/**
 * Load and check a space file.  Returns the space, or NULL with *err
 * filled (file, line, column, what was expected).
 */
struct cs_space *cs_load(const char *path, struct cs_error *err);

/** Load a space from a string; @name stands for the file in errors. */
struct cs_space *cs_load_string(const char *text, const char *name,
				struct cs_error *err);

/**
 * Load the space file of a bundled application (os/apps/NAME/space.yaml
 * under fx_srcdir()).  An unknown application is an error naming the
 * applications there are.
 */
struct cs_space *cs_load_app(const char *app, struct cs_error *err);

void cs_free(struct cs_space *sp);

/** Format *err as "file:line:column: message" into @buf. */
void cs_error_format(const struct cs_error *err, char *buf, size_t len);

/* The space as declared. */
const char *cs_space_name(const struct cs_space *sp);
const char *cs_space_path(const struct cs_space *sp);
/** Hex digest of the space file's bytes: a changed file is a new space. */
const char *cs_space_digest(const struct cs_space *sp);
/** The bundled application the space builds, or NULL (simulation only). */
const char *cs_space_app(const struct cs_space *sp);
int cs_space_ncomponents(const struct cs_space *sp);
const char *cs_space_component(const struct cs_space *sp, int c);
/** Index of component @name, or -1. */
int cs_space_component_index(const struct cs_space *sp, const char *name);
int cs_space_ncore(const struct cs_space *sp);
const char *cs_space_core(const struct cs_space *sp, int i);
int cs_space_nunits(const struct cs_space *sp);
/** The unit (group) component @c belongs to. */
int cs_space_unit_of(const struct cs_space *sp, int c);
int cs_space_nmechanisms(const struct cs_space *sp);
/** Mechanism @m by strength, weakest first; "none" for CS_MECH_NONE. */
const char *cs_space_mechanism(const struct cs_space *sp, int m);
/** Index of mechanism @name, or -2 when the space does not declare it. */
int cs_space_mechanism_index(const struct cs_space *sp, const char *name);
/** Whether mechanism @m separates compartments (every one but fcall). */
int cs_space_mechanism_isolates(const struct cs_space *sp, int m);
int cs_space_max_compartments(const struct cs_space *sp);
int cs_space_noptions(const struct cs_space *sp);
const char *cs_space_option(const struct cs_space *sp, int o);
int cs_space_option_index(const struct cs_space *sp, const char *name);
/**
 * The hardening slot of option @o on component @c: the bit number in
 * cs_config.hard, or -1 when the space does not allow @o on @c.
 */
int cs_space_slot(const struct cs_space *sp, int c, int o);

/** The exact number of configurations. */
uint64_t cs_count(const struct cs_space *sp);

/* Rank and unrank: a stable bijection between [0, count) and the space. */
uint64_t cs_rank(const struct cs_space *sp, const struct cs_config *cfg);
/** Returns 0, or -1 when @index >= cs_count(). */
int cs_unrank(const struct cs_space *sp, uint64_t index, struct cs_config *cfg);

/**
 * The least safe configuration (the baseline), and a safest one: the most
 * compartments allowed, the strongest mechanism, every hardening option.
 * The safest is unique unless max_compartments cuts the partitions short.
 */
void cs_bottom(const struct cs_space *sp, struct cs_config *cfg);
void cs_top(const struct cs_space *sp, struct cs_config *cfg);

/* Reading a configuration. */
int cs_config_equal(const struct cs_config *a, const struct cs_config *b);
int cs_config_ncompartments(const struct cs_space *sp,
			    const struct cs_config *cfg);
/** Compartment of component @c, numbered in canonical-name order. */
int cs_config_compartment(const struct cs_space *sp,
			  const struct cs_config *cfg, int c);
/** Mechanism name ("none" for one compartment). */
const char *cs_config_mechanism(const struct cs_space *sp,
				const struct cs_config *cfg);
int cs_config_has(const struct cs_space *sp, const struct cs_config *cfg, int c,
		  int o);

/**
 * The canonical name: compartments of sorted components joined by '+',
 * compartments sorted and joined by '|', then '@mechanism' when there are
 * two or more, then '/' and the hardening of each hardened component as
 * 'component=opt+opt' joined by ','.  For example
 *	lwip|newlib+redis|uksched@mpk/lwip=asan+ubsan,redis=stack-protector
 * Appended to @out.
 */
void cs_name(const struct cs_space *sp, const struct cs_config *cfg,
	     struct strbuf *out);

/**
 * Parse a name back.  Any order of components, compartments and options
 * is accepted and normalized; so is a hash from cs_hash() when it names a
 * configuration of the space (found by scanning: slow on big spaces).
 * Returns 0, or -1 with a message in @msg.
 */
int cs_parse(const struct cs_space *sp, const char *name, struct cs_config *cfg,
	     char *msg, size_t msglen);

/** The short stable hash of a canonical name: CS_HASH_LEN hex + NUL. */
void cs_hash_name(const char *name, char out[CS_HASH_LEN + 1]);
void cs_hash(const struct cs_space *sp, const struct cs_config *cfg,
	     char out[CS_HASH_LEN + 1]);

/* The safety order. */
/** Whether a ⊑ b: b is at least as safe as a. */
int cs_leq(const struct cs_space *sp, const struct cs_config *a,
	   const struct cs_config *b);
enum cs_order cs_compare(const struct cs_space *sp, const struct cs_config *a,
			 const struct cs_config *b);

/**
 * Visit the upper covers (immediate safer neighbours) or lower covers of
 * @cfg, generated directly.  @fn returning non-zero stops the walk and is
 * returned; otherwise 0.
 */
typedef int (*cs_visit_fn)(const struct cs_config *cfg, void *arg);
int cs_upper_covers(const struct cs_space *sp, const struct cs_config *cfg,
		    cs_visit_fn fn, void *arg);
int cs_lower_covers(const struct cs_space *sp, const struct cs_config *cfg,
		    cs_visit_fn fn, void *arg);

/**
 * Safety score in [0, 100] for ranking configurations the order cannot
 * compare: strictly increasing along the order, 0 at the bottom and 100 at
 * the top.  Weights come from the space file's 'weights' section.
 */
double cs_score(const struct cs_space *sp, const struct cs_config *cfg);

#endif /* FX_CONFIGSPACE_H */
