#!/usr/bin/env bash
# Bad input to flexexplore build ends with a clear message and exit 2
# (usage, configuration) or 3 (a missing tool), building nothing.
. "$(dirname "$0")/../lib.sh"
. "$FX_ROOT/test/builder/lib.sh"

expect_exit 2 "no --app" "$FX_BIN" build "$BASE"
expect_exit 2 "no configuration" "$FX_BIN" build --spec "$SPEC"
expect_exit 2 "bad --jobs" "$FX_BIN" build --spec "$SPEC" --jobs 0 "$BASE"
expect_exit 2 "unknown application" "$FX_BIN" build --app no-such-app \
	"$BASE"

expect_exit 2 "unknown component" "$FX_BIN" build --spec "$SPEC" \
	'httpd+httpparser+net+vfs+nosuch'
expect_grep "the message names the configuration" \
	"'httpd\+httpparser\+net\+vfs\+nosuch' is not a configuration" \
	"$T/err"
expect_exit 2 "a mechanism outside the space" "$FX_BIN" build \
	--spec "$SPEC" 'httpd+httpparser|net+vfs@mpk'
expect_exit 2 "an option outside the space" "$FX_BIN" build \
	--spec "$SPEC" "$BASE/net=cfi"
expect_exit 2 "an unknown hash" "$FX_BIN" build --spec "$SPEC" \
	0123456789abcdef
expect_exit 2 "one bad configuration builds none" "$FX_BIN" build \
	--spec "$SPEC" "$BASE" 'nosuch'
check "nothing was built" test ! -e "$FLEXEXPLORE_HOME/builds/"*/image

FLEXEXPLORE_CLANG=/nonexistent/clang expect_exit 3 "cfi without clang" \
	"$FX_BIN" build --spec "$SPEC" "$BASE/httpparser=cfi"
expect_grep "the message says clang is missing" \
	"hardening 'cfi' of component 'httpparser' needs clang" "$T/err"
FLEXEXPLORE_MAKE=no-such-make expect_exit 3 "no make" "$FX_BIN" build \
	--spec "$SPEC" "$BASE"
expect_grep "the message says make is missing" "'make' not found" "$T/err"

# The application's own space file, through --app.
copy_tree "$T/src"
export FLEXEXPLORE_SRCDIR="$T/src"
expect_exit 2 "an option the application's space does not allow" \
	"$FX_BIN" build --app httpd "$BASE/vfs=stack-protector"
expect_grep "the message says which and why" \
	"'vfs' may not carry 'stack-protector'" "$T/err"
expect_exit 0 "the application's baseline builds with --app" \
	"$FX_BIN" build --app httpd "$BASE"
expect_grep "it prints the image" "^  image +$FLEXEXPLORE_HOME/builds/[0-9a-f]{16}/image$" \
	"$T/out"
expect_grep "and whether it came from the cache" "^  cached +no: " "$T/out"
expect_grep "and the build time" "^  time +[0-9.]+ s$" "$T/out"
