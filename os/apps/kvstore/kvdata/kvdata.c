/*
 * kvdata: the key space is one dict from key to object.  Strings are
 * length-prefixed byte arrays; lists are ring buffers of strings; sets and
 * hashes are dicts; a sorted set keeps a dict from member to score for
 * lookups and an array sorted by (score, member) for order.  A container
 * emptied by a pop is removed with its key, as Redis does.
 */
#include "kvdata.h"

#include "dict.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kv_type { KV_STRING, KV_LIST, KV_SET, KV_HASH, KV_ZSET };

struct kv_str {
	size_t n;
	char p[];
};

struct kv_list {
	struct kv_str **a;
	size_t cap, head, n; /* element i is a[(head + i) % cap] */
};

struct kv_zel {
	double score;
	struct kv_str *member;
};

struct kv_zset {
	struct dict scores; /* member -> score */
	struct kv_zel *a;   /* sorted by (score, member) */
	size_t n, cap;
};

struct kv_obj {
	enum kv_type type;
	union {
		struct kv_str *str;
		struct kv_list *list;
		struct dict *dict; /* KV_SET, KV_HASH */
		struct kv_zset *zset;
	} u;
};

static struct dict kv_db;
static int kv_ready;

static int
kv_init(void)
{
	if (kv_ready)
		return 0;
	if (dict_init(&kv_db) < 0)
		return -ENOMEM;
	kv_ready = 1;
	return 0;
}

static struct kv_str *
kv_str_new(const char *p, size_t n)
{
	struct kv_str *s = malloc(sizeof(*s) + n);

	if (s == NULL)
		return NULL;
	s->n = n;
	memcpy(s->p, p, n);
	return s;
}

/* Copy @s out under the rule of kvdata.h; returns its length. */
static long
kv_copy_out(const struct kv_str *s, char *out, size_t cap)
{
	if (s->n <= cap)
		memcpy(out, s->p, s->n);
	return (long)s->n;
}

static void
kv_drop_value(struct dict_entry *e)
{
	free(e->v.p);
}

static void
kv_obj_free(struct kv_obj *o)
{
	size_t i;

	switch (o->type) {
	case KV_STRING:
		free(o->u.str);
		break;
	case KV_LIST:
		for (i = 0; i < o->u.list->n; i++)
			free(o->u.list->a[(o->u.list->head + i) %
					  o->u.list->cap]);
		free(o->u.list->a);
		free(o->u.list);
		break;
	case KV_SET:
		dict_free(o->u.dict, NULL);
		free(o->u.dict);
		break;
	case KV_HASH:
		dict_free(o->u.dict, kv_drop_value);
		free(o->u.dict);
		break;
	case KV_ZSET:
		for (i = 0; i < o->u.zset->n; i++)
			free(o->u.zset->a[i].member);
		dict_free(&o->u.zset->scores, NULL);
		free(o->u.zset->a);
		free(o->u.zset);
		break;
	}
	free(o);
}

static void
kv_drop_obj(struct dict_entry *e)
{
	kv_obj_free(e->v.p);
}

/* The object at @key, or NULL; -EWRONGTYPE style checks are the caller's. */
static struct kv_obj *
kv_lookup(const char *key, size_t klen)
{
	struct dict_entry *e;

	if (kv_init() < 0)
		return NULL;
	e = dict_find(&kv_db, key, klen);
	return e != NULL ? e->v.p : NULL;
}

/*
 * The object of @type at @key, created empty when missing.  Returns it,
 * or NULL with *@err set (-ENOMEM or KVDATA_EWRONGTYPE).
 */
static struct kv_obj *
kv_fetch(const char *key, size_t klen, enum kv_type type, int *err)
{
	struct dict_entry *e;
	struct kv_obj *o;
	int created;

	*err = -ENOMEM;
	if (kv_init() < 0)
		return NULL;
	e = dict_upsert(&kv_db, key, klen, &created);
	if (e == NULL)
		return NULL;
	if (!created) {
		o = e->v.p;
		if (o->type != type) {
			*err = KVDATA_EWRONGTYPE;
			return NULL;
		}
		return o;
	}

	o = calloc(1, sizeof(*o));
	if (o == NULL)
		goto err_detach;
	o->type = type;
	switch (type) {
	case KV_STRING:
		o->u.str = kv_str_new("", 0);
		if (o->u.str == NULL)
			goto err_free;
		break;
	case KV_LIST:
		o->u.list = calloc(1, sizeof(*o->u.list));
		if (o->u.list == NULL)
			goto err_free;
		break;
	case KV_SET:
	case KV_HASH:
		o->u.dict = malloc(sizeof(*o->u.dict));
		if (o->u.dict == NULL || dict_init(o->u.dict) < 0) {
			free(o->u.dict);
			goto err_free;
		}
		break;
	case KV_ZSET:
		o->u.zset = calloc(1, sizeof(*o->u.zset));
		if (o->u.zset == NULL || dict_init(&o->u.zset->scores) < 0) {
			free(o->u.zset);
			goto err_free;
		}
		break;
	}
	e->v.p = o;
	return o;

err_free:
	free(o);
err_detach:
	free(dict_detach(&kv_db, key, klen));
	return NULL;
}

/* Remove @key and its object (a container that became empty). */
static void
kv_remove(const char *key, size_t klen)
{
	struct dict_entry *e = dict_detach(&kv_db, key, klen);

	if (e != NULL) {
		kv_obj_free(e->v.p);
		free(e);
	}
}

int
kvdata_set(const char *key, size_t klen, const char *val, size_t vlen)
{
	struct kv_str *s = kv_str_new(val, vlen);
	struct dict_entry *e;
	int created;

	if (s == NULL || kv_init() < 0) {
		free(s);
		return -ENOMEM;
	}
	e = dict_upsert(&kv_db, key, klen, &created);
	if (e == NULL) {
		free(s);
		return -ENOMEM;
	}
	if (!created) {
		struct kv_obj *o = e->v.p;

		/* SET replaces any type; reuse the object when a string. */
		if (o->type == KV_STRING) {
			free(o->u.str);
			o->u.str = s;
			return 0;
		}
		kv_obj_free(o);
	}
	e->v.p = malloc(sizeof(struct kv_obj));
	if (e->v.p == NULL) {
		free(s);
		free(dict_detach(&kv_db, key, klen));
		return -ENOMEM;
	}
	((struct kv_obj *)e->v.p)->type = KV_STRING;
	((struct kv_obj *)e->v.p)->u.str = s;
	return 0;
}

long
kvdata_get(const char *key, size_t klen, char *out, size_t cap)
{
	struct kv_obj *o = kv_lookup(key, klen);

	if (o == NULL)
		return -ENOENT;
	if (o->type != KV_STRING)
		return KVDATA_EWRONGTYPE;
	return kv_copy_out(o->u.str, out, cap);
}

int
kvdata_del(const char *key, size_t klen)
{
	if (kv_lookup(key, klen) == NULL)
		return 0;
	kv_remove(key, klen);
	return 1;
}

int
kvdata_exists(const char *key, size_t klen)
{
	return kv_lookup(key, klen) != NULL;
}

/* Parse a whole string as a signed 64-bit decimal; 0 or -1. */
static int
kv_parse_ll(const struct kv_str *s, long long *out)
{
	char buf[32];
	char *end;

	if (s->n == 0 || s->n >= sizeof(buf))
		return -1;
	memcpy(buf, s->p, s->n);
	buf[s->n] = '\0';
	if (buf[0] == ' ' || buf[0] == '+' || (buf[0] == '0' && s->n > 1) ||
	    (buf[0] == '-' && (s->n == 1 || buf[1] == '0')))
		return -1;
	errno = 0;
	*out = strtoll(buf, &end, 10);
	return errno != 0 || *end != '\0' ? -1 : 0;
}

int
kvdata_incrby(const char *key, size_t klen, long long by, long long *result)
{
	struct kv_obj *o;
	struct kv_str *s;
	long long v = 0;
	char buf[32];
	int err, n;

	o = kv_fetch(key, klen, KV_STRING, &err);
	if (o == NULL)
		return err;
	if (o->u.str->n != 0 && kv_parse_ll(o->u.str, &v) < 0)
		return KVDATA_ENOTINT;
	if ((by > 0 && v > __LONG_LONG_MAX__ - by) ||
	    (by < 0 && v < -__LONG_LONG_MAX__ - 1 - by))
		return KVDATA_EOVERFLOW;
	v += by;
	n = snprintf(buf, sizeof(buf), "%lld", v);
	s = kv_str_new(buf, (size_t)n);
	if (s == NULL)
		return -ENOMEM;
	free(o->u.str);
	o->u.str = s;
	*result = v;
	return 0;
}

static int
kv_list_grow(struct kv_list *l)
{
	size_t cap = l->cap ? l->cap * 2 : 8, i;
	struct kv_str **a = malloc(cap * sizeof(*a));

	if (a == NULL)
		return -ENOMEM;
	for (i = 0; i < l->n; i++)
		a[i] = l->a[(l->head + i) % l->cap];
	free(l->a);
	l->a = a;
	l->cap = cap;
	l->head = 0;
	return 0;
}

long
kvdata_push(const char *key, size_t klen, int left, const char *val,
	    size_t vlen)
{
	struct kv_list *l;
	struct kv_obj *o;
	struct kv_str *s;
	int err;

	o = kv_fetch(key, klen, KV_LIST, &err);
	if (o == NULL)
		return err;
	l = o->u.list;
	s = kv_str_new(val, vlen);
	if (s == NULL || (l->n == l->cap && kv_list_grow(l) < 0)) {
		free(s);
		if (l->n == 0)
			kv_remove(key, klen);
		return -ENOMEM;
	}
	if (left) {
		l->head = (l->head + l->cap - 1) % l->cap;
		l->a[l->head] = s;
	} else {
		l->a[(l->head + l->n) % l->cap] = s;
	}
	l->n++;
	return (long)l->n;
}

long
kvdata_pop(const char *key, size_t klen, int left, char *out, size_t cap)
{
	struct kv_obj *o = kv_lookup(key, klen);
	struct kv_list *l;
	struct kv_str *s;
	size_t at;
	long n;

	if (o == NULL)
		return -ENOENT;
	if (o->type != KV_LIST)
		return KVDATA_EWRONGTYPE;
	l = o->u.list;
	at = left ? l->head : (l->head + l->n - 1) % l->cap;
	s = l->a[at];
	n = kv_copy_out(s, out, cap);
	if ((size_t)n > cap)
		return n;
	free(s);
	if (left)
		l->head = (l->head + 1) % l->cap;
	if (--l->n == 0)
		kv_remove(key, klen);
	return n;
}

long
kvdata_llen(const char *key, size_t klen)
{
	struct kv_obj *o = kv_lookup(key, klen);

	if (o == NULL)
		return 0;
	if (o->type != KV_LIST)
		return KVDATA_EWRONGTYPE;
	return (long)o->u.list->n;
}

long
kvdata_lrange(const char *key, size_t klen, long start, long stop, char *out,
	      size_t cap, long *count)
{
	struct kv_obj *o = kv_lookup(key, klen);
	struct kv_list *l;
	size_t need = 0, pos = 0;
	unsigned int n32;
	long i, n;

	*count = 0;
	if (o == NULL)
		return 0;
	if (o->type != KV_LIST)
		return KVDATA_EWRONGTYPE;
	l = o->u.list;
	n = (long)l->n;

	/* Clamp the range as Redis does. */
	if (start < 0)
		start = n + start < 0 ? 0 : n + start;
	if (stop < 0)
		stop = n + stop;
	if (stop >= n)
		stop = n - 1;
	if (start > stop)
		return 0;

	for (i = start; i <= stop; i++)
		need += sizeof(n32) + l->a[(l->head + (size_t)i) % l->cap]->n;
	if (need <= cap) {
		for (i = start; i <= stop; i++) {
			struct kv_str *s = l->a[(l->head + (size_t)i) % l->cap];

			n32 = (unsigned int)s->n;
			memcpy(out + pos, &n32, sizeof(n32));
			memcpy(out + pos + sizeof(n32), s->p, s->n);
			pos += sizeof(n32) + s->n;
		}
	}
	*count = stop - start + 1;
	return (long)need;
}

long
kvdata_sadd(const char *key, size_t klen, const char *member, size_t mlen)
{
	struct kv_obj *o;
	int err, created;

	o = kv_fetch(key, klen, KV_SET, &err);
	if (o == NULL)
		return err;
	if (dict_upsert(o->u.dict, member, mlen, &created) == NULL) {
		if (o->u.dict->count == 0)
			kv_remove(key, klen);
		return -ENOMEM;
	}
	return created;
}

long
kvdata_spop(const char *key, size_t klen, char *out, size_t cap)
{
	struct kv_obj *o = kv_lookup(key, klen);
	struct dict_entry *e;
	long n;

	if (o == NULL)
		return -ENOENT;
	if (o->type != KV_SET)
		return KVDATA_EWRONGTYPE;
	e = dict_random(o->u.dict);
	n = (long)e->klen;
	if (e->klen > cap)
		return n;
	memcpy(out, e->key, e->klen);
	free(dict_detach(o->u.dict, e->key, e->klen));
	if (o->u.dict->count == 0)
		kv_remove(key, klen);
	return n;
}

long
kvdata_scard(const char *key, size_t klen)
{
	struct kv_obj *o = kv_lookup(key, klen);

	if (o == NULL)
		return 0;
	if (o->type != KV_SET)
		return KVDATA_EWRONGTYPE;
	return (long)o->u.dict->count;
}

long
kvdata_hset(const char *key, size_t klen, const char *field, size_t flen,
	    const char *val, size_t vlen)
{
	struct dict_entry *e;
	struct kv_obj *o;
	struct kv_str *s;
	int err, created;

	o = kv_fetch(key, klen, KV_HASH, &err);
	if (o == NULL)
		return err;
	s = kv_str_new(val, vlen);
	e = s != NULL ? dict_upsert(o->u.dict, field, flen, &created) : NULL;
	if (e == NULL) {
		free(s);
		if (o->u.dict->count == 0)
			kv_remove(key, klen);
		return -ENOMEM;
	}
	free(e->v.p);
	e->v.p = s;
	return created;
}

long
kvdata_hget(const char *key, size_t klen, const char *field, size_t flen,
	    char *out, size_t cap)
{
	struct kv_obj *o = kv_lookup(key, klen);
	struct dict_entry *e;

	if (o == NULL)
		return -ENOENT;
	if (o->type != KV_HASH)
		return KVDATA_EWRONGTYPE;
	e = dict_find(o->u.dict, field, flen);
	if (e == NULL)
		return -ENOENT;
	return kv_copy_out(e->v.p, out, cap);
}

/* Order of sorted-set elements: by score, then by member bytes. */
static int
kv_zcmp(double score, const char *m, size_t mlen, const struct kv_zel *el)
{
	size_t n = mlen < el->member->n ? mlen : el->member->n;
	int c;

	if (score != el->score)
		return score < el->score ? -1 : 1;
	c = memcmp(m, el->member->p, n);
	if (c != 0)
		return c;
	return mlen < el->member->n ? -1 : mlen > el->member->n;
}

/* The index where (score, member) is or would be inserted. */
static size_t
kv_zsearch(const struct kv_zset *z, double score, const char *m, size_t mlen)
{
	size_t lo = 0, hi = z->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (kv_zcmp(score, m, mlen, &z->a[mid]) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
kv_zdelete_at(struct kv_zset *z, size_t i)
{
	memmove(&z->a[i], &z->a[i + 1], (z->n - i - 1) * sizeof(z->a[0]));
	z->n--;
}

long
kvdata_zadd(const char *key, size_t klen, double score, const char *member,
	    size_t mlen)
{
	struct dict_entry *e;
	struct kv_zset *z;
	struct kv_obj *o;
	struct kv_str *s;
	size_t i;
	int err, created;

	o = kv_fetch(key, klen, KV_ZSET, &err);
	if (o == NULL)
		return err;
	z = o->u.zset;
	if (z->n == z->cap) {
		size_t cap = z->cap ? z->cap * 2 : 8;
		struct kv_zel *a = realloc(z->a, cap * sizeof(*a));

		if (a == NULL)
			goto err_nomem;
		z->a = a;
		z->cap = cap;
	}
	e = dict_upsert(&z->scores, member, mlen, &created);
	if (e == NULL)
		goto err_nomem;

	/* An existing member moves: take it out at its old place. */
	if (!created) {
		if (e->v.d == score)
			return 0;
		i = kv_zsearch(z, e->v.d, member, mlen);
		s = z->a[i].member;
		kv_zdelete_at(z, i);
	} else {
		s = kv_str_new(member, mlen);
		if (s == NULL) {
			free(dict_detach(&z->scores, member, mlen));
			goto err_nomem;
		}
	}
	e->v.d = score;
	i = kv_zsearch(z, score, member, mlen);
	memmove(&z->a[i + 1], &z->a[i], (z->n - i) * sizeof(z->a[0]));
	z->a[i].score = score;
	z->a[i].member = s;
	z->n++;
	return created;

err_nomem:
	if (z->n == 0)
		kv_remove(key, klen);
	return -ENOMEM;
}

long
kvdata_zpopmin(const char *key, size_t klen, char *out, size_t cap,
	       double *score)
{
	struct kv_obj *o = kv_lookup(key, klen);
	struct kv_zset *z;
	struct kv_str *s;
	long n;

	if (o == NULL)
		return -ENOENT;
	if (o->type != KV_ZSET)
		return KVDATA_EWRONGTYPE;
	z = o->u.zset;
	s = z->a[0].member;
	n = kv_copy_out(s, out, cap);
	if ((size_t)n > cap)
		return n;
	*score = z->a[0].score;
	free(dict_detach(&z->scores, s->p, s->n));
	free(s);
	kv_zdelete_at(z, 0);
	if (z->n == 0)
		kv_remove(key, klen);
	return n;
}

long
kvdata_dbsize(void)
{
	return kv_init() < 0 ? 0 : (long)kv_db.count;
}

int
kvdata_flush(void)
{
	if (!kv_ready)
		return 0;
	dict_free(&kv_db, kv_drop_obj);
	kv_ready = 0;
	return kv_init();
}
