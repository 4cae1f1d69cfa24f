/*
 * SHA-256 (FIPS 180-4) of arbitrary bytes, for object-cache keys, source
 * fingerprints and image digests.
 *
 * Written here rather than taken from libcrypto: the compiler wrapper runs
 * once per compiled file and stays a small program with no library beyond
 * libc, and libgit2 1.5 offers no digest of arbitrary data.
 */
#ifndef FX_SHA256_H
#define FX_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32
#define SHA256_HEX_LEN 64

struct sha256 {
	uint32_t h[8];
	uint64_t total; /* bytes fed so far */
	uint8_t block[64];
	size_t fill; /* bytes waiting in block */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
/** Feed a NUL-terminated string including its NUL, as a field separator. */
void sha256_field(struct sha256 *s, const char *str);
void sha256_final(struct sha256 *s, uint8_t out[SHA256_LEN]);
/** Finish and write 64 lowercase hex digits and a NUL into @hex. */
void sha256_final_hex(struct sha256 *s, char hex[SHA256_HEX_LEN + 1]);

/** Digest of a whole file as hex.  Returns 0, or -1 with errno set. */
int sha256_file_hex(const char *path, char hex[SHA256_HEX_LEN + 1]);

#endif /* FX_SHA256_H */
