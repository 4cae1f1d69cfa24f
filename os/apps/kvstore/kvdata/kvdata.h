/*
 * kvdata: the data store of kvstore, a component of its own.
 *
 * Keys map to a string, a list, a set, a hash or a sorted set, with the
 * semantics of the Redis commands of the same names.  Keys, values and
 * members are byte strings given as pointer and length.
 *
 * Functions that hand an element out copy it into @out (@cap bytes) and
 * return its length; when that exceeds @cap nothing was copied and
 * nothing changed, so the caller retries with room for it.  Errors are
 * negative: -ENOENT (no such key or element), -ENOMEM, and the codes
 * below.
 */
#ifndef KVDATA_H
#define KVDATA_H

#include <stddef.h>

#define KVDATA_EWRONGTYPE (-1001) /* the key holds another type */
#define KVDATA_ENOTINT (-1002)	  /* the value is not a 64-bit integer */
#define KVDATA_EOVERFLOW (-1003)  /* the increment would overflow */

/** Set @key to the string @val; 0 or -ENOMEM. */
int kvdata_set(const char *key, size_t klen, const char *val, size_t vlen);

/** Copy the string at @key out (see the rule above); -ENOENT if none. */
long kvdata_get(const char *key, size_t klen, char *out, size_t cap);

/** Remove @key; 1 when it existed, else 0. */
int kvdata_del(const char *key, size_t klen);

/** 1 when @key exists, else 0. */
int kvdata_exists(const char *key, size_t klen);

/**
 * Add @by to the integer in the string at @key (a missing key counts as
 * 0) and store the result in *@result.  0 or a negative code.
 */
int kvdata_incrby(const char *key, size_t klen, long long by,
		  long long *result);

/**
 * Push @val at the head (@left != 0) or tail of the list at @key,
 * creating it.  Returns the new length or a negative code.
 */
long kvdata_push(const char *key, size_t klen, int left, const char *val,
		 size_t vlen);

/** Pop from the head (@left != 0) or tail of the list at @key. */
long kvdata_pop(const char *key, size_t klen, int left, char *out, size_t cap);

/** The length of the list at @key (0 when missing). */
long kvdata_llen(const char *key, size_t klen);

/**
 * The elements @start to @stop (inclusive; negative counts from the end)
 * of the list at @key, packed into @out as a 4-byte native length then the
 * bytes, for each.  *@count gets the number of elements.  Returns the
 * packed length (see the rule above: when it exceeds @cap, retry), 0 and
 * *@count 0 for a missing key or an empty range.
 */
long kvdata_lrange(const char *key, size_t klen, long start, long stop,
		   char *out, size_t cap, long *count);

/** Add @member to the set at @key: 1 when new, 0 when already there. */
long kvdata_sadd(const char *key, size_t klen, const char *member, size_t mlen);

/** Remove and copy out some member of the set at @key. */
long kvdata_spop(const char *key, size_t klen, char *out, size_t cap);

/** The number of members of the set at @key. */
long kvdata_scard(const char *key, size_t klen);

/** Set @field of the hash at @key to @val: 1 when new, 0 when updated. */
long kvdata_hset(const char *key, size_t klen, const char *field, size_t flen,
		 const char *val, size_t vlen);

/** Copy the value of @field of the hash at @key out. */
long kvdata_hget(const char *key, size_t klen, const char *field, size_t flen,
		 char *out, size_t cap);

/**
 * Give @member the @score in the sorted set at @key: 1 when new, 0 when
 * its score changed or stayed.
 */
long kvdata_zadd(const char *key, size_t klen, double score, const char *member,
		 size_t mlen);

/** Remove and copy out the member of lowest score; *@score gets it. */
long kvdata_zpopmin(const char *key, size_t klen, char *out, size_t cap,
		    double *score);

/** The number of keys. */
long kvdata_dbsize(void);

/** Remove every key; returns 0. */
int kvdata_flush(void);

#endif /* KVDATA_H */
