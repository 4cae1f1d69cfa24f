#!/usr/bin/env bash
# make bench-builder: build times of each bundled application through
# flexexplore build, on a copy of the source tree and a fresh home:
#
#   cold       first build, empty object cache
#   warm       the same configuration again: the image is up to date
#   link       the link steps alone, by make in the build folder (each
#              component's ld -r and objcopy, the image's link)
#   cached     --force: an empty build folder, every object from the cache
#   one-comp   one component newly hardened: one recompile and a link
#
# Warm, link and one-comp are medians of REPS runs (default 3).
set -u -o pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${FX_BIN:-$root/build/release/flexexplore}
reps=${REPS:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/fxbench.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src" "$work/bin"
cp -r "$root/os" "$root/gates" "$work/src/"

# Our own copy of the engine (fxcc beside it), safe from rebuilds meanwhile.
cp "$bin" "$(dirname "$bin")/fxcc" "$work/bin/"
bin="$work/bin/flexexplore"
export FLEXEXPLORE_SRCDIR="$work/src"

now() { date +%s.%N; }
median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
field() { sed -n "s/.*\"$1\": \\([0-9.]*\\).*/\\1/p" | head -n 1; }

# timed ARGS...: wall seconds of one flexexplore build; output in $work/out
timed() {
	local t0 t1
	t0=$(now)
	"$bin" build --json "$@" >"$work/out" 2>"$work/err" || {
		echo "bench-builder: build $* failed:" >&2
		cat "$work/out" "$work/err" >&2
		exit 1
	}
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}'
}

# A space for the application from its app.mk: its components, the stack
# protector on each.
space_for() {
	local app=$1 comps
	comps=$(sed -n 's/^APP_\(COMPONENTS\|LIBS\) *:= *//p' \
		"$work/src/os/apps/$app/app.mk" | tr '\n' ' ')
	cat <<YAML
name: bench-$app
components: [$(echo $comps | sed 's/ /, /g')]
mechanisms: [fcall, proc]
hardening:
  - name: stack-protector
build:
  app: $app
YAML
}

printf '%-8s %8s %8s %8s %8s %9s %7s\n' app cold warm link cached \
	one-comp objects
for app in $(ls "$root/os/apps"); do
	[ -f "$root/os/apps/$app/app.mk" ] || continue
	export FLEXEXPLORE_HOME="$work/home-$app"
	space_for "$app" >"$work/$app.yaml"
	comps=$(sed -n 's/^components: \[\(.*\)\]/\1/p' "$work/$app.yaml" |
		tr -d ' ' | tr ',' ' ')
	base=$(echo $comps | tr ' ' '+')
	spec=(--spec "$work/$app.yaml")

	cold=$(timed "${spec[@]}" "$base") || exit 1
	objects=$(field compiled <"$work/out")
	dir=$(dirname "$(sed -n 's/.*"image": "\([^"]*\)".*/\1/p' "$work/out")")

	warm=$(for _ in $(seq "$reps"); do
		timed "${spec[@]}" "$base" || exit 1
	done | median) || exit 1
	relink=$(for _ in $(seq "$reps"); do
		rm -f "$dir/image" "$dir"/fxc_*.o
		t0=$(now)
		make -s -C "$work/src/os" BUILD="$dir" >/dev/null || exit 1
		awk -v a="$t0" -v b="$(now)" 'BEGIN {print b - a}'
	done | median) || exit 1
	cached=$(timed "${spec[@]}" --force "$base") || exit 1
	one=$(for c in $comps; do
		timed "${spec[@]}" "$base/$c=stack-protector" || exit 1
		[ "$(field compiled <"$work/out")" -ge 1 ] || exit 1
	done | median) || exit 1
	printf '%-8s %7.2fs %7.3fs %7.2fs %7.2fs %8.2fs %7s\n' "$app" "$cold" \
		"$warm" "$relink" "$cached" "$one" "$objects"
done
echo "(one-comp: median over the application's components; objects:"
echo " compiled in the cold build; machine: $(nproc) cores, load average"
echo " $(cut -d" " -f1-3 /proc/loadavg) at the end)"
