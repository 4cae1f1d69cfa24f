/*
 * configspace's own view of a space: what load.c fills in and space.c
 * computes with.  Not for other modules; they use configspace.h.
 */
#ifndef FX_CONFIGSPACE_INTERNAL_H
#define FX_CONFIGSPACE_INTERNAL_H

#include "configspace.h"

struct cs_space {
	char *name;
	char *path;
	char *app; /* build.app, or NULL */
	char digest[CS_HASH_LEN + 1];

	/* Components, sorted by name, and the units (groups) they form. */
	int ncomp;
	char *comp[CS_MAX_COMPONENTS];
	double comp_weight[CS_MAX_COMPONENTS];
	int unit_of[CS_MAX_COMPONENTS];
	int nunits;
	uint64_t unit_members[CS_MAX_UNITS]; /* component bitmask */

	int ncore;
	char **core;

	/* Mechanisms, weakest first; iso[] lists those that isolate. */
	int nmech;
	char *mech[CS_MAX_MECHANISMS];
	double mech_weight[CS_MAX_MECHANISMS];
	int niso;
	int iso[CS_MAX_MECHANISMS];
	int iso_pos[CS_MAX_MECHANISMS]; /* position in iso[], or -1 */

	int max_compartments;

	/* Hardening options in declaration order, and their slots. */
	int nopt;
	char *opt[CS_MAX_OPTIONS];
	double opt_weight[CS_MAX_OPTIONS];
	int nslots;
	int slot[CS_MAX_COMPONENTS][CS_MAX_OPTIONS];
	int slot_comp[64];
	int slot_opt[64];

	/*
	 * partitions[i][m]: the number of ways to place units i.. when the
	 * units before i use m compartments, under max_compartments.
	 */
	uint64_t partitions[CS_MAX_UNITS + 1][CS_MAX_UNITS + 2];
	uint64_t
		npartitions; /* restricted growth strings, one block included */
	uint64_t nplacements; /* (partition, mechanism) pairs */
	uint64_t count;
	double top_raw_score;
};

/**
 * Derive the counting tables and totals from the declared space.  Returns
 * 0, or -1 with @err filled when the space is empty or too large.
 */
int cs_prepare(struct cs_space *sp, struct cs_error *err);

/** Number of compartments of a configuration (largest block + 1). */
int cs_blocks(const struct cs_space *sp, const struct cs_config *cfg);

#endif /* FX_CONFIGSPACE_INTERNAL_H */
