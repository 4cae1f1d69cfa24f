#!/usr/bin/env bash
# flexexplore gen: usage and input errors, exports.api mistakes reported
# as file:line, the documented make route, and rebuilds limited to what a
# new configuration changes.
. "$(dirname "$0")/../lib.sh"
spec=$FX_ROOT/os/test-components/isolation/space.yaml

expect_exit 2 "gen without -o is a usage error" \
	"$FX_BIN" gen --spec "$spec" 'prober+victim'
expect_exit 2 "gen of a configuration outside the space" \
	"$FX_BIN" gen --spec "$spec" 'prober+ghost' -o "$T/x"
expect_grep "names the configuration" "configuration 'prober\+ghost'" \
	"$T/err"
expect_exit 2 "an application whose space names another" \
	"$FX_BIN" gen --app httpd --spec "$spec" 'prober+victim' -o "$T/x"

# A broken exports.api in a copy of the source tree.
mkdir -p "$T/src/os/test-components"
cp -r "$FX_ROOT/os/test-components/isolation" "$T/src/os/test-components/"
api=$T/src/os/test-components/isolation/victim/exports.api
sed -i 's/^int victim_nop(int x);$/int victim_nop(char *x);/' "$api"
line=$(grep -n '^int victim_nop' "$api" | cut -d: -f1)
FLEXEXPLORE_SRCDIR=$T/src expect_exit 2 "a pointer without annotation" \
	"$FX_BIN" gen --spec "$spec" 'prober|victim@proc' -o "$T/x"
expect_grep "is reported as file:line" \
	"victim/exports.api:$line: pointer parameter 'x' of 'victim_nop' needs an annotation" \
	"$T/err"

# The documented route: gen, then make -C os BUILD=DIR.
check "gen writes the build directory" \
	"$FX_BIN" gen --spec "$spec" 'prober|victim@proc' -o "$T/b"
for f in config.mk gates.c image.ld syms/prober.syms syms/victim.syms \
	config.name; do
	check "it holds $f" test -s "$T/b/$f" -o "$f" = syms/victim.syms
done
check "make -C os BUILD=DIR builds the image" make -C "$FX_ROOT/os" \
	BUILD="$T/b"
check "the image runs" timeout 20 "$T/b/image" --probe=calls

# A new configuration that hardens victim only rebuilds victim.
check "gen of victim=ubsan into the same directory" \
	"$FX_BIN" gen --spec "$spec" 'prober|victim@proc/victim=ubsan' \
	-o "$T/b"
make -C "$FX_ROOT/os" BUILD="$T/b" >"$T/make.out" 2>&1
expect_grep "victim is compiled again" 'CC +victim/victim.c' "$T/make.out"
if grep -q 'CC *prober/prober.c' "$T/make.out"; then
	_report 1 "prober is not compiled again"
else
	_report 0 "prober is not compiled again"
fi
check "the rebuilt image runs" timeout 20 "$T/b/image" --probe=calls

# The platform's image options.
expect_exit 2 "an image refuses an argument that is not --name=value" \
	"$T/b/image" bogus
expect_grep "and says which" "argument 'bogus' is not --name=value" "$T/err"
expect_exit 2 "an unknown log level is refused" "$T/b/image" --log=loud
expect_grep "naming the levels" "--log='loud' is not one of error, warn, info, debug" \
	"$T/err"
expect_exit 4 "a number option that is not a number stops the image" \
	timeout 20 "$T/b/image" --probe=bench --count=many
expect_grep "naming the option" "option --count='many' is not a number" \
	"$T/err"
check "the last of repeated options wins" timeout 20 "$T/b/image" \
	--probe=read --probe=calls
expect_grep "so the calls probe ran" '^calls ok$' "$T/out"
check "--log=debug lists the compartments' memory regions" \
	timeout 20 "$T/b/image" --log=debug
expect_grep "with their sections" \
	"compartment 1 'victim': code 0x[0-9a-f]+-0x[0-9a-f]+, rodata" "$T/err"
