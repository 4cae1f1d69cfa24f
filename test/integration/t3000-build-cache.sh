#!/usr/bin/env bash
# flexexplore build and its object cache on the bundled httpd: a second
# build is up to date with the same digest, a forced rebuild takes every
# object from the cache and gives the same bytes, one component's new
# hardening recompiles exactly that component's object.
. "$(dirname "$0")/../lib.sh"
. "$FX_ROOT/test/builder/lib.sh"

# A tree of our own: edits others make meanwhile are a new revision.
copy_tree "$T/src"
export FLEXEXPLORE_SRCDIR="$T/src"

build "$BASE"
expect_eq "cold build succeeds" 0 "$rc"
expect_eq "cold build compiled objects" true \
	"$([ "$(jfield compiled "$T/out")" -gt 0 ] && echo true)"
image=$(jfield image "$T/out")
digest=$(jfield sha256 "$T/out")
check "the image exists and runs as a program" test -x "$image"
expect_eq "digest is the image's SHA-256" \
	"$(sha256sum "$image" | cut -d' ' -f1)" "$digest"
manifest="$(dirname "$image")/manifest.json"
expect_grep "manifest records the digest" \
	"\"image_sha256\": \"$digest\"" "$manifest"
expect_grep "manifest records the compiler" '"version": ".*gcc' "$manifest"
expect_grep "manifest records the revision" '"revision": \{' "$manifest"

build "$BASE"
expect_eq "second build succeeds" 0 "$rc"
expect_eq "second build is up to date" true "$(jfield up_to_date "$T/out")"
expect_eq "second build has the same digest" "$digest" \
	"$(jfield sha256 "$T/out")"

# The same configuration by its hash.
hash=$(jfield hash "$T/out")
build "$hash"
expect_eq "a hash names the configuration" "$image" \
	"$(jfield image "$T/out")"

build --force "$BASE"
expect_eq "forced rebuild compiles nothing" 0 "$(jfield compiled "$T/out")"
expect_eq "forced rebuild is bit-identical" "$digest" \
	"$(jfield sha256 "$T/out")"

# One component hardened: its object alone is compiled again.
build "$BASE/net=stack-protector"
expect_eq "hardened build succeeds" 0 "$rc"
expect_eq "exactly one object compiled" 1 "$(jfield compiled "$T/out")"
hdir=$(dirname "$(jfield image "$T/out")")
expect_grep "it is net's object" '^miss [0-9a-f]+ /fxbuild/obj/net/' \
	"$hdir/cache.log"
expect_grep "manifest: net compiled 1 with its flags" \
	'"name": "net".*"hardening": \["stack-protector"\].*-fstack-protector-strong.*"compiled": 1' \
	"$hdir/manifest.json"
expect_eq "the other configuration's image differs" true \
	"$([ "$(jfield sha256 "$T/out")" != "$digest" ] && echo true)"

# A second option on another component: again one object.
build "$BASE/net=stack-protector,vfs=ubsan"
expect_eq "one more option, one more component" \
	"$(ls "$(dirname "$image")"/obj/vfs/*.o | wc -l)" \
	"$(jfield compiled "$T/out")"

# --prune keeps the image and its provenance, not the objects; the next
# build of the folder takes every object from the cache.
build --prune "$BASE/httpparser=ubsan"
pdir=$(dirname "$(jfield image "$T/out")")
check "pruned: no objects left" test ! -e "$pdir/obj" -a ! -e "$pdir/core"
check "pruned: image and manifest stay" test -x "$pdir/image" -a \
	-s "$pdir/manifest.json"
build "$BASE/httpparser=ubsan"
expect_eq "pruned image is still up to date" true \
	"$(jfield up_to_date "$T/out")"
build --force "$BASE/httpparser=ubsan"
expect_eq "rebuilding a pruned folder compiles nothing" 0 \
	"$(jfield compiled "$T/out")"
