/*
 * The configuration model: counting, rank and unrank, names, the safety
 * order and covers.
 *
 * Index layout.  A configuration's index is
 *	placement * 2^nslots + hard
 * where hard is the hardening bit set and placement numbers the (partition,
 * mechanism) pairs: 0 is the one-compartment placement, and a partition of
 * rank r > 0 (restricted growth strings in lexicographic order, so the
 * one-block string has rank 0) with the i-th isolating mechanism is
 *	1 + (r - 1) * niso + i.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static double raw_score(const struct cs_space *sp, const struct cs_config *cfg);

int
cs_prepare(struct cs_space *sp, struct cs_error *err)
{
	int n = sp->nunits, k = sp->max_compartments;
	uint64_t hard;

	/* Slots: component-major, options in declaration order. */
	sp->nslots = 0;
	for (int c = 0; c < sp->ncomp; c++) {
		for (int o = 0; o < sp->nopt; o++) {
			if (sp->slot[c][o] < 0)
				continue;
			if (sp->nslots == 62) {
				snprintf(err->msg, sizeof(err->msg),
					 "too many hardening choices: at "
					 "most 62 component-option pairs");
				return -1;
			}
			sp->slot_comp[sp->nslots] = c;
			sp->slot_opt[sp->nslots] = o;
			sp->slot[c][o] = sp->nslots++;
		}
	}
	for (int u = 0; u < sp->nunits; u++)
		sp->unit_members[u] = 0;
	for (int c = 0; c < sp->ncomp; c++)
		sp->unit_members[sp->unit_of[c]] |= 1ULL << c;

	/* Ways to finish a partition of units i.. with m blocks used. */
	for (int m = 0; m <= k + 1 && m <= CS_MAX_UNITS + 1; m++)
		sp->partitions[n][m] = 1;
	for (int i = n - 1; i >= 1; i--) {
		for (int m = 1; m <= k && m <= i; m++) {
			uint64_t same, fresh = 0;

			if (__builtin_mul_overflow((uint64_t)m,
						   sp->partitions[i + 1][m],
						   &same))
				goto too_large;
			if (m < k)
				fresh = sp->partitions[i + 1][m + 1];
			if (__builtin_add_overflow(same, fresh,
						   &sp->partitions[i][m]))
				goto too_large;
		}
	}
	sp->npartitions = n >= 1 ? sp->partitions[1][1] : 1;

	/* One compartment, plus every finer partition per isolating mech. */
	if (__builtin_mul_overflow(sp->npartitions - 1, (uint64_t)sp->niso,
				   &sp->nplacements) ||
	    __builtin_add_overflow(sp->nplacements, 1, &sp->nplacements))
		goto too_large;
	hard = 1ULL << sp->nslots;
	if (__builtin_mul_overflow(sp->nplacements, hard, &sp->count) ||
	    sp->count > (1ULL << 62))
		goto too_large;

	/* The top's raw score normalizes every score to [0, 100]. */
	{
		struct cs_config top;

		cs_top(sp, &top);
		sp->top_raw_score = raw_score(sp, &top);
	}
	return 0;

too_large:
	snprintf(err->msg, sizeof(err->msg),
		 "space too large: more than 2^62 configurations");
	return -1;
}

int
cs_blocks(const struct cs_space *sp, const struct cs_config *cfg)
{
	int max = 0;

	for (int u = 0; u < sp->nunits; u++)
		if (cfg->block[u] > max)
			max = cfg->block[u];
	return max + 1;
}

/* Relabel blocks so they appear in first-use order (a normal form). */
static void
normalize(const struct cs_space *sp, struct cs_config *cfg)
{
	int map[CS_MAX_UNITS];
	int next = 0;

	for (int i = 0; i < CS_MAX_UNITS; i++)
		map[i] = -1;
	for (int u = 0; u < sp->nunits; u++) {
		int b = cfg->block[u];

		if (map[b] < 0)
			map[b] = next++;
		cfg->block[u] = (uint8_t)map[b];
	}
	for (int u = sp->nunits; u < CS_MAX_UNITS; u++)
		cfg->block[u] = 0;
	memset(cfg->pad, 0, sizeof(cfg->pad));
	if (next <= 1 || sp->niso == 0) {
		memset(cfg->block, 0, sizeof(cfg->block));
		cfg->mech = CS_MECH_NONE;
	}
}

uint64_t
cs_count(const struct cs_space *sp)
{
	return sp->count;
}

uint64_t
cs_rank(const struct cs_space *sp, const struct cs_config *cfg)
{
	uint64_t r = 0, placement;
	int m = 1;

	for (int i = 1; i < sp->nunits; i++) {
		r += cfg->block[i] * sp->partitions[i + 1][m];
		if (cfg->block[i] == m)
			m++;
	}
	if (r == 0)
		placement = 0;
	else
		placement = 1 + (r - 1) * (uint64_t)sp->niso +
			    (uint64_t)sp->iso_pos[cfg->mech];
	return (placement << sp->nslots) | cfg->hard;
}

int
cs_unrank(const struct cs_space *sp, uint64_t index, struct cs_config *cfg)
{
	uint64_t placement, r;
	int m = 1;

	if (index >= sp->count)
		return -1;
	memset(cfg, 0, sizeof(*cfg));
	cfg->hard = index & ((1ULL << sp->nslots) - 1);
	placement = index >> sp->nslots;
	if (placement == 0) {
		cfg->mech = CS_MECH_NONE;
		return 0;
	}
	cfg->mech = (int8_t)sp->iso[(placement - 1) % (uint64_t)sp->niso];
	r = 1 + (placement - 1) / (uint64_t)sp->niso;

	/* Walk the restricted growth string digit by digit. */
	for (int i = 1; i < sp->nunits; i++) {
		uint64_t each = sp->partitions[i + 1][m];

		if (r < (uint64_t)m * each) {
			cfg->block[i] = (uint8_t)(r / each);
			r %= each;
		} else {
			cfg->block[i] = (uint8_t)m;
			r -= (uint64_t)m * each;
			m++;
		}
	}
	return 0;
}

void
cs_bottom(const struct cs_space *sp, struct cs_config *cfg)
{
	(void)sp;
	memset(cfg, 0, sizeof(*cfg));
	cfg->mech = CS_MECH_NONE;
}

void
cs_top(const struct cs_space *sp, struct cs_config *cfg)
{
	int k = sp->max_compartments;

	memset(cfg, 0, sizeof(*cfg));
	cfg->mech = CS_MECH_NONE;
	cfg->hard = (1ULL << sp->nslots) - 1;
	if (sp->niso == 0 || k < 2)
		return;

	/* As many compartments as allowed; the last one takes the rest. */
	for (int u = 0; u < sp->nunits; u++)
		cfg->block[u] = (uint8_t)(u < k ? u : k - 1);
	cfg->mech = (int8_t)sp->iso[sp->niso - 1];
}

int
cs_config_equal(const struct cs_config *a, const struct cs_config *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

int
cs_config_ncompartments(const struct cs_space *sp, const struct cs_config *cfg)
{
	return cs_blocks(sp, cfg);
}

int
cs_config_compartment(const struct cs_space *sp, const struct cs_config *cfg,
		      int c)
{
	return cfg->block[sp->unit_of[c]];
}

const char *
cs_config_mechanism(const struct cs_space *sp, const struct cs_config *cfg)
{
	return cs_space_mechanism(sp, cfg->mech);
}

int
cs_config_has(const struct cs_space *sp, const struct cs_config *cfg, int c,
	      int o)
{
	int s = sp->slot[c][o];

	return s >= 0 && (cfg->hard >> s & 1);
}

static int
compare_option_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void
cs_name(const struct cs_space *sp, const struct cs_config *cfg,
	struct strbuf *out)
{
	int nblocks = cs_blocks(sp, cfg);
	int first = 1;

	/* Blocks are numbered by their first component: already sorted. */
	for (int b = 0; b < nblocks; b++) {
		int inner = 0;

		if (b > 0)
			sb_addc(out, '|');
		for (int c = 0; c < sp->ncomp; c++) {
			if (cfg->block[sp->unit_of[c]] != b)
				continue;
			if (inner++)
				sb_addc(out, '+');
			sb_adds(out, sp->comp[c]);
		}
	}
	if (nblocks > 1)
		sb_addf(out, "@%s", sp->mech[cfg->mech]);

	for (int c = 0; c < sp->ncomp; c++) {
		const char *opts[CS_MAX_OPTIONS];
		int n = 0;

		for (int o = 0; o < sp->nopt; o++)
			if (cs_config_has(sp, cfg, c, o))
				opts[n++] = sp->opt[o];
		if (n == 0)
			continue;
		qsort(opts, (size_t)n, sizeof(*opts), compare_option_names);
		sb_addf(out, "%c%s=", first ? '/' : ',', sp->comp[c]);
		first = 0;
		for (int i = 0; i < n; i++)
			sb_addf(out, "%s%s", i ? "+" : "", opts[i]);
	}
}

void
cs_hash(const struct cs_space *sp, const struct cs_config *cfg,
	char out[CS_HASH_LEN + 1])
{
	struct strbuf name;

	sb_init(&name);
	cs_name(sp, cfg, &name);
	cs_hash_name(name.buf, out);
	sb_free(&name);
}

static int parse_error(char *msg, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
parse_error(char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	return -1;
}

/* Split s at the first of any of @seps; returns the rest or NULL. */
static char *
cut(char *s, const char *seps)
{
	char *p = strpbrk(s, seps);

	if (p == NULL)
		return NULL;
	*p = '\0';
	return p + 1;
}

static int
parse_partition(const struct cs_space *sp, char *part, struct cs_config *cfg,
		char *msg, size_t len)
{
	int seen[CS_MAX_COMPONENTS] = {0};
	int unit_block[CS_MAX_UNITS];
	int nblocks = 0;
	char *save = NULL;

	for (int u = 0; u < CS_MAX_UNITS; u++)
		unit_block[u] = -1;
	for (char *comp = strtok_r(part, "|", &save); comp != NULL;
	     comp = strtok_r(NULL, "|", &save), nblocks++) {
		char *save2 = NULL;

		for (char *name = strtok_r(comp, "+", &save2); name != NULL;
		     name = strtok_r(NULL, "+", &save2)) {
			int c = cs_space_component_index(sp, name), u;

			if (c < 0)
				return parse_error(msg, len,
						   "unknown component '%s'",
						   name);
			if (seen[c]++)
				return parse_error(msg, len,
						   "component '%s' is placed "
						   "twice",
						   name);
			u = sp->unit_of[c];
			if (unit_block[u] >= 0 && unit_block[u] != nblocks)
				return parse_error(msg, len,
						   "component '%s' must share "
						   "a compartment with its "
						   "group",
						   name);
			unit_block[u] = nblocks;
		}
	}
	for (int c = 0; c < sp->ncomp; c++)
		if (!seen[c])
			return parse_error(msg, len,
					   "component '%s' is not placed",
					   sp->comp[c]);
	for (int u = 0; u < sp->nunits; u++)
		cfg->block[u] = (uint8_t)unit_block[u];
	if (nblocks > sp->max_compartments)
		return parse_error(msg, len,
				   "%d compartments: the space allows at most "
				   "%d",
				   nblocks, sp->max_compartments);
	return nblocks;
}

static int
parse_hardening(const struct cs_space *sp, char *text, struct cs_config *cfg,
		char *msg, size_t len)
{
	char *save = NULL;

	for (char *item = strtok_r(text, ",", &save); item != NULL;
	     item = strtok_r(NULL, ",", &save)) {
		char *opts = cut(item, "="), *save2 = NULL;
		int c = cs_space_component_index(sp, item);

		if (c < 0)
			return parse_error(msg, len,
					   "unknown component '%s' in the "
					   "hardening",
					   item);
		if (opts == NULL || *opts == '\0')
			return parse_error(msg, len,
					   "expected 'component=option' in "
					   "the hardening, found '%s'",
					   item);
		for (char *o = strtok_r(opts, "+", &save2); o != NULL;
		     o = strtok_r(NULL, "+", &save2)) {
			int oi = cs_space_option_index(sp, o);

			if (oi < 0)
				return parse_error(msg, len,
						   "unknown hardening option "
						   "'%s'",
						   o);
			if (sp->slot[c][oi] < 0)
				return parse_error(msg, len,
						   "'%s' may not carry '%s' "
						   "in this space",
						   item, o);
			cfg->hard |= 1ULL << sp->slot[c][oi];
		}
	}
	return 0;
}

static int
is_hash(const char *s)
{
	if (strlen(s) != CS_HASH_LEN)
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

static int
find_hash(const struct cs_space *sp, const char *hash, struct cs_config *cfg)
{
	char h[CS_HASH_LEN + 1];

	for (uint64_t i = 0; i < sp->count; i++) {
		cs_unrank(sp, i, cfg);
		cs_hash(sp, cfg, h);
		if (strcmp(h, hash) == 0)
			return 0;
	}
	return -1;
}

int
cs_parse(const struct cs_space *sp, const char *name, struct cs_config *cfg,
	 char *msg, size_t len)
{
	char *copy, *hard, *mech;
	int nblocks, rc = -1;

	memset(cfg, 0, sizeof(*cfg));
	cfg->mech = CS_MECH_NONE;
	if (is_hash(name) && cs_space_component_index(sp, name) < 0) {
		if (find_hash(sp, name, cfg) == 0)
			return 0;
		return parse_error(msg, len,
				   "no configuration of space '%s' has hash "
				   "'%s'",
				   sp->name, name);
	}

	copy = xstrdup(name);
	hard = cut(copy, "/");
	mech = cut(copy, "@");
	nblocks = parse_partition(sp, copy, cfg, msg, len);
	if (nblocks < 0)
		goto out;

	if (mech != NULL) {
		int m = cs_space_mechanism_index(sp, mech);

		if (m < 0) {
			parse_error(msg, len,
				    "mechanism '%s' is not one of this "
				    "space's",
				    mech);
			goto out;
		}
		cfg->mech = (int8_t)m;
	} else if (nblocks > 1) {
		parse_error(msg, len,
			    "%d compartments need a mechanism: add "
			    "'@mechanism'",
			    nblocks);
		goto out;
	}
	/* Compartments that nothing separates are one compartment. */
	if (cfg->mech >= 0 && !cs_space_mechanism_isolates(sp, cfg->mech))
		nblocks = 1;
	if (nblocks == 1)
		memset(cfg->block, 0, sizeof(cfg->block));
	normalize(sp, cfg);

	if (hard != NULL && parse_hardening(sp, hard, cfg, msg, len) != 0)
		goto out;
	rc = 0;
out:
	free(copy);
	return rc;
}

/* Whether partition b refines partition a (b's blocks split a's). */
static int
refines(const struct cs_space *sp, const struct cs_config *a,
	const struct cs_config *b)
{
	for (int i = 0; i < sp->nunits; i++)
		for (int j = i + 1; j < sp->nunits; j++)
			if (b->block[i] == b->block[j] &&
			    a->block[i] != a->block[j])
				return 0;
	return 1;
}

int
cs_leq(const struct cs_space *sp, const struct cs_config *a,
       const struct cs_config *b)
{
	if ((a->hard & ~b->hard) != 0)
		return 0;
	if (a->mech > b->mech) /* CS_MECH_NONE is below every mechanism */
		return 0;
	return refines(sp, a, b);
}

enum cs_order
cs_compare(const struct cs_space *sp, const struct cs_config *a,
	   const struct cs_config *b)
{
	int le = cs_leq(sp, a, b), ge = cs_leq(sp, b, a);

	if (le && ge)
		return CS_EQUAL;
	if (le)
		return CS_LESS;
	if (ge)
		return CS_GREATER;
	return CS_INCOMPARABLE;
}

/* Covers along the hardening: add or remove one option on one component. */
static int
hardening_covers(const struct cs_space *sp, const struct cs_config *cfg, int up,
		 cs_visit_fn fn, void *arg)
{
	for (int s = 0; s < sp->nslots; s++) {
		struct cs_config next = *cfg;
		int rc;

		if (((cfg->hard >> s) & 1) == (uint64_t)up)
			continue;
		next.hard ^= 1ULL << s;
		if ((rc = fn(&next, arg)) != 0)
			return rc;
	}
	return 0;
}

int
cs_upper_covers(const struct cs_space *sp, const struct cs_config *cfg,
		cs_visit_fn fn, void *arg)
{
	int nblocks = cs_blocks(sp, cfg);
	int rc;

	if ((rc = hardening_covers(sp, cfg, 1, fn, arg)) != 0)
		return rc;

	/* A stronger mechanism between the same compartments. */
	if (nblocks > 1 && sp->iso_pos[cfg->mech] + 1 < sp->niso) {
		struct cs_config next = *cfg;

		next.mech = (int8_t)sp->iso[sp->iso_pos[cfg->mech] + 1];
		if ((rc = fn(&next, arg)) != 0)
			return rc;
	}

	/* Split one compartment in two; from one, with the weakest mech. */
	if (nblocks >= sp->max_compartments || sp->niso == 0)
		return 0;
	for (int b = 0; b < nblocks; b++) {
		int units[CS_MAX_UNITS], n = 0;

		for (int u = 0; u < sp->nunits; u++)
			if (cfg->block[u] == b)
				units[n++] = u;
		/* Subsets that keep units[0]: mask over units[1..n-1]. */
		for (uint32_t mask = 0; mask + 1 < (1U << (n - 1)); mask++) {
			struct cs_config next = *cfg;

			for (int i = 1; i < n; i++)
				if (!(mask >> (i - 1) & 1))
					next.block[units[i]] = (uint8_t)nblocks;
			if (nblocks == 1)
				next.mech = (int8_t)sp->iso[0];
			normalize(sp, &next);
			if ((rc = fn(&next, arg)) != 0)
				return rc;
		}
	}
	return 0;
}

int
cs_lower_covers(const struct cs_space *sp, const struct cs_config *cfg,
		cs_visit_fn fn, void *arg)
{
	int nblocks = cs_blocks(sp, cfg);
	int rc;

	if ((rc = hardening_covers(sp, cfg, 0, fn, arg)) != 0)
		return rc;
	if (nblocks == 1)
		return 0;

	/* A weaker isolating mechanism between the same compartments. */
	if (sp->iso_pos[cfg->mech] > 0) {
		struct cs_config next = *cfg;

		next.mech = (int8_t)sp->iso[sp->iso_pos[cfg->mech] - 1];
		if ((rc = fn(&next, arg)) != 0)
			return rc;
	}

	/*
	 * Merge two compartments.  Merging the last two gives the one
	 * compartment, which sits below only the weakest mechanism.
	 */
	if (nblocks == 2 && sp->iso_pos[cfg->mech] != 0)
		return 0;
	for (int b1 = 0; b1 < nblocks; b1++) {
		for (int b2 = b1 + 1; b2 < nblocks; b2++) {
			struct cs_config next = *cfg;

			for (int u = 0; u < sp->nunits; u++)
				if (next.block[u] == b2)
					next.block[u] = (uint8_t)b1;
			normalize(sp, &next);
			if ((rc = fn(&next, arg)) != 0)
				return rc;
		}
	}
	return 0;
}

static double
raw_score(const struct cs_space *sp, const struct cs_config *cfg)
{
	double raw = 0;
	int nblocks = cs_blocks(sp, cfg);

	if (nblocks > 1)
		raw += sp->mech_weight[cfg->mech] * (nblocks - 1);
	for (int s = 0; s < sp->nslots; s++)
		if (cfg->hard >> s & 1)
			raw += sp->comp_weight[sp->slot_comp[s]] *
			       sp->opt_weight[sp->slot_opt[s]];
	return raw;
}

double
cs_score(const struct cs_space *sp, const struct cs_config *cfg)
{
	if (sp->top_raw_score <= 0)
		return 0;
	return 100 * raw_score(sp, cfg) / sp->top_raw_score;
}

/* Plain accessors. */

const char *
cs_space_name(const struct cs_space *sp)
{
	return sp->name;
}

const char *
cs_space_path(const struct cs_space *sp)
{
	return sp->path;
}

const char *
cs_space_digest(const struct cs_space *sp)
{
	return sp->digest;
}

const char *
cs_space_app(const struct cs_space *sp)
{
	return sp->app;
}

int
cs_space_ncomponents(const struct cs_space *sp)
{
	return sp->ncomp;
}

const char *
cs_space_component(const struct cs_space *sp, int c)
{
	return sp->comp[c];
}

int
cs_space_component_index(const struct cs_space *sp, const char *name)
{
	for (int c = 0; c < sp->ncomp; c++)
		if (strcmp(sp->comp[c], name) == 0)
			return c;
	return -1;
}

int
cs_space_ncore(const struct cs_space *sp)
{
	return sp->ncore;
}

const char *
cs_space_core(const struct cs_space *sp, int i)
{
	return sp->core[i];
}

int
cs_space_nunits(const struct cs_space *sp)
{
	return sp->nunits;
}

int
cs_space_unit_of(const struct cs_space *sp, int c)
{
	return sp->unit_of[c];
}

int
cs_space_nmechanisms(const struct cs_space *sp)
{
	return sp->nmech;
}

const char *
cs_space_mechanism(const struct cs_space *sp, int m)
{
	return m == CS_MECH_NONE ? "none" : sp->mech[m];
}

int
cs_space_mechanism_index(const struct cs_space *sp, const char *name)
{
	for (int m = 0; m < sp->nmech; m++)
		if (strcmp(sp->mech[m], name) == 0)
			return m;
	return -2;
}

int
cs_space_mechanism_isolates(const struct cs_space *sp, int m)
{
	return m >= 0 && sp->iso_pos[m] >= 0;
}

int
cs_space_max_compartments(const struct cs_space *sp)
{
	return sp->max_compartments;
}

int
cs_space_noptions(const struct cs_space *sp)
{
	return sp->nopt;
}

const char *
cs_space_option(const struct cs_space *sp, int o)
{
	return sp->opt[o];
}

int
cs_space_option_index(const struct cs_space *sp, const char *name)
{
	for (int o = 0; o < sp->nopt; o++)
		if (strcmp(sp->opt[o], name) == 0)
			return o;
	return -1;
}

int
cs_space_slot(const struct cs_space *sp, int c, int o)
{
	return sp->slot[c][o];
}
