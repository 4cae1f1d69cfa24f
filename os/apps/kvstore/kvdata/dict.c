/*
 * dict: chained hashing with FNV-1a, power-of-two bucket arrays and
 * whole-table doubling.
 */
#include "dict.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static uint64_t dict_rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
dict_hash(const char *key, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)key[i];
		h *= 0x100000001b3ULL;
	}
	return h ^ (h >> 29);
}

int
dict_init(struct dict *d)
{
	d->buckets = calloc(16, sizeof(*d->buckets));
	if (d->buckets == NULL)
		return -ENOMEM;
	d->mask = 15;
	d->count = 0;
	return 0;
}

void
dict_free(struct dict *d, void (*drop)(struct dict_entry *))
{
	struct dict_entry *e, *next;
	size_t i;

	for (i = 0; i <= d->mask; i++) {
		for (e = d->buckets[i]; e != NULL; e = next) {
			next = e->next;
			if (drop != NULL)
				drop(e);
			free(e);
		}
	}
	free(d->buckets);
	d->buckets = NULL;
	d->count = 0;
}

struct dict_entry *
dict_find(const struct dict *d, const char *key, size_t klen)
{
	uint64_t h = dict_hash(key, klen);
	struct dict_entry *e;

	for (e = d->buckets[h & d->mask]; e != NULL; e = e->next)
		if (e->hash == h && e->klen == klen &&
		    memcmp(e->key, key, klen) == 0)
			return e;
	return NULL;
}

/* Double the bucket array; on failure the table stays as it was. */
static void
dict_grow(struct dict *d)
{
	size_t n = (d->mask + 1) * 2, i;
	struct dict_entry **b, *e, *next;

	b = calloc(n, sizeof(*b));
	if (b == NULL)
		return;
	for (i = 0; i <= d->mask; i++) {
		for (e = d->buckets[i]; e != NULL; e = next) {
			next = e->next;
			e->next = b[e->hash & (n - 1)];
			b[e->hash & (n - 1)] = e;
		}
	}
	free(d->buckets);
	d->buckets = b;
	d->mask = n - 1;
}

struct dict_entry *
dict_upsert(struct dict *d, const char *key, size_t klen, int *created)
{
	struct dict_entry *e = dict_find(d, key, klen);

	*created = 0;
	if (e != NULL)
		return e;
	e = malloc(sizeof(*e) + klen + 1);
	if (e == NULL)
		return NULL;
	e->hash = dict_hash(key, klen);
	e->v.p = NULL;
	e->klen = klen;
	memcpy(e->key, key, klen);
	e->key[klen] = '\0';
	e->next = d->buckets[e->hash & d->mask];
	d->buckets[e->hash & d->mask] = e;
	d->count++;
	*created = 1;
	if (d->count > d->mask + 1)
		dict_grow(d);
	return e;
}

struct dict_entry *
dict_detach(struct dict *d, const char *key, size_t klen)
{
	uint64_t h = dict_hash(key, klen);
	struct dict_entry **pp, *e;

	for (pp = &d->buckets[h & d->mask]; (e = *pp) != NULL; pp = &e->next) {
		if (e->hash == h && e->klen == klen &&
		    memcmp(e->key, key, klen) == 0) {
			*pp = e->next;
			d->count--;
			return e;
		}
	}
	return NULL;
}

struct dict_entry *
dict_random(const struct dict *d)
{
	size_t i, start;

	if (d->count == 0)
		return NULL;

	/* xorshift64 picks a bucket; the first non-empty one from there. */
	dict_rng ^= dict_rng << 13;
	dict_rng ^= dict_rng >> 7;
	dict_rng ^= dict_rng << 17;
	start = (size_t)dict_rng & d->mask;
	for (i = 0; i <= d->mask; i++) {
		struct dict_entry *e = d->buckets[(start + i) & d->mask];

		if (e != NULL)
			return e;
	}
	return NULL;
}
