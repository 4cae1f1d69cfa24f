/*
 * dict: a chained hash table from byte-string keys to one value each
 * (internal to kvdata).  It doubles its bucket array when the entries
 * outnumber the buckets.
 */
#ifndef DICT_H
#define DICT_H

#include <stddef.h>
#include <stdint.h>

struct dict_entry {
	struct dict_entry *next;
	uint64_t hash;
	union {
		void *p;
		double d;
	} v;
	size_t klen;
	char key[]; /* klen bytes, then a NUL */
};

struct dict {
	struct dict_entry **buckets;
	size_t mask; /* buckets - 1; the count is a power of two */
	size_t count;
};

/** An empty table; 0 or -ENOMEM. */
int dict_init(struct dict *d);

/** Free the buckets and every entry, calling @drop on each first. */
void dict_free(struct dict *d, void (*drop)(struct dict_entry *));

/** The entry for @key, or NULL. */
struct dict_entry *dict_find(const struct dict *d, const char *key,
			     size_t klen);

/**
 * The entry for @key, added (value zeroed, *@created set to 1) when
 * missing.  NULL when out of memory.
 */
struct dict_entry *dict_upsert(struct dict *d, const char *key, size_t klen,
			       int *created);

/** Take the entry for @key out of the table and return it (free() it). */
struct dict_entry *dict_detach(struct dict *d, const char *key, size_t klen);

/** Some entry, picked at random, or NULL when the table is empty. */
struct dict_entry *dict_random(const struct dict *d);

#endif /* DICT_H */
