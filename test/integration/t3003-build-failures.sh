#!/usr/bin/env bash
# Failed builds are results: a broken component (in a copied tree) gives
# the component and the compiler's first error, keeps the log and does not
# stop the other builds; a build past its time limit is stopped together
# with its compilers.
. "$(dirname "$0")/../lib.sh"
. "$FX_ROOT/test/builder/lib.sh"

copy_tree "$T/src"
export FLEXEXPLORE_SRCDIR="$T/src"

# net breaks only under the stack protector: one of two configurations.
cat >>"$T/src/os/lib/net/net.c" <<'C'
#ifdef __SSP_STRONG__
int fx_broken_on_purpose = ;
#endif
C
build --jobs 2 "$BASE/net=stack-protector" "$BASE/vfs=stack-protector"
expect_eq "exit 1 when a build failed" 1 "$rc"
grep '"config": "[^"]*net=stack-protector' "$T/out" >"$T/bad.json"
grep '"config": "[^"]*vfs=stack-protector' "$T/out" >"$T/good.json"
expect_eq "the broken configuration failed" false "$(jfield ok "$T/bad.json")"
expect_eq "the failed component is named" net \
	"$(jfield component "$T/bad.json")"
expect_grep "the reason quotes the compiler" \
	"\"reason\": \"component 'net': os/lib/net/net.c:[0-9]+:[0-9]+: error: expected expression" \
	"$T/bad.json"
check "the log is kept" test -s "$(jfield log "$T/bad.json")"
expect_eq "the other configuration built" true \
	"$(jfield ok "$T/good.json")"
check "its image exists" test -x "$(jfield image "$T/good.json")"

# The text output says the same.
"$FX_BIN" build --spec "$SPEC" "$BASE/net=stack-protector" >"$T/text" \
	2>"$T/err"
expect_grep "text output: FAILED with the reason" \
	"FAILED +component 'net': .*error: expected expression" "$T/text"

# A compiler that hangs: the build stops at its limit, compilers too.
mkdir -p "$T/bin"
cat >"$T/bin/slowcc" <<SH
#!/bin/sh
case "\$*" in *--version*) exec gcc "\$@" ;; esac
exec sleep 317
SH
chmod +x "$T/bin/slowcc"
export FLEXEXPLORE_HOME="$T/slowhome"
started=$(date +%s)
FLEXEXPLORE_CC="$T/bin/slowcc" build --timeout 2 "$BASE"
expect_eq "a build past its limit is a failed result" 1 "$rc"
expect_grep "the reason says it timed out" '"reason": "timed out after 2 s' \
	"$T/out"
check "stopped within seconds" test $(($(date +%s) - started)) -lt 20
check "no compiler left running" \
	sh -c "! pgrep -f '^sleep 317$' -u $(id -u) >/dev/null"
