#!/usr/bin/env bash
# Generate and build the images the guest tests run, with the engine's
# generator and os/Makefile (both incremental: an unchanged image is not
# rebuilt).
#
#   test/qemu/build-images.sh FLEXEXPLORE OUTDIR
#
# Writes OUTDIR/NAME/image for every image below and OUTDIR/NAME.log.
# A failed build is reported on stderr and leaves no image (the guest test
# that needs it then fails); the exit status is 1 when one failed.
set -u
fx=$1
out=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
iso=$root/os/test-components/isolation/space.yaml
status=0
mkdir -p "$out"

# The engine may be relinked by a concurrent build in this shared tree:
# work with a private copy, taken once a copy runs.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fxbuild.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
for _ in $(seq 30); do
	cp "$fx" "$tmp/flexexplore" 2>/dev/null &&
		"$tmp/flexexplore" --help >/dev/null 2>&1 && break
	sleep 1
done
fx=$tmp/flexexplore

build() { # NAME SPEC CONFIG
	local dir=$out/$1
	if "$fx" gen --spec "$2" "$3" -o "$dir" --make >"$dir.log" 2>&1; then
		echo "  IMAGE   $1 ($3)"
	else
		echo "build-images: $1 ($3) did not build; $dir.log says:" >&2
		tail -n 8 "$dir.log" >&2
		rm -f "$dir/image"
		status=1
	fi
}

# The isolation test application under each mechanism (isolation tests
# and the gate round trip of generated stubs).
build iso-mpk "$iso" 'prober|victim@mpk'
build iso-proc "$iso" 'prober|victim@proc'
build iso-fcall "$iso" 'prober|victim@fcall'

# mpk with hardening: AddressSanitizer (its own allocator) and a mix.
build iso-mpk-asan "$iso" 'prober|victim@mpk/victim=asan'
build iso-mpk-mixed "$iso" \
	'prober|victim@mpk/prober=auto-init+fortify+stack-clash+stack-protector,victim=ubsan'

# Each application with every component alone, under mpk, from the
# application's own space file.
for app in httpd kvstore sqlite; do
	space=$root/os/apps/$app/space.yaml
	comps=$("$fx" space --spec "$space" 2>/dev/null |
		sed -n 's/^components  *//p' | tr ' ' '|')
	if [ -z "$comps" ]; then
		echo "build-images: $space: no components listed" >&2
		status=1
		continue
	fi
	build "$app-mpk" "$space" "$comps@mpk"
done
exit $status
