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
build --jobs 2 "$BASE/net=stack-protector" "$BASE/httpparser=stack-protector"
expect_eq "exit 1 when a build failed" 1 "$rc"
grep '"config": "[^"]*net=stack-protector' "$T/out" >"$T/bad.json"
grep '"config": "[^"]*httpparser=stack-protector' "$T/out" >"$T/good.json"
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

# vfs fails to link under the stack protector: the linker's words.
cat >>"$T/src/os/lib/vfs/vfs.c" <<'C'
#ifdef __SSP_STRONG__
int fx_missing_on_purpose(void);
int fx_calls_missing(void) { return fx_missing_on_purpose(); }
#endif
C
build "$BASE/vfs=stack-protector"
expect_eq "a link failure is a failed result" 1 "$rc"
expect_eq "it names the component" vfs "$(jfield component "$T/out")"
expect_grep "and the undefined symbol" \
	"\"reason\": \"linking component 'vfs': os/lib/vfs/vfs.c:[0-9]+: undefined reference to .fx_missing_on_purpose" \
	"$T/out"

# A compiler that hangs: the build stops at its limit, compilers too.
# The sleep is marked with this script's pid: other runs may be about.
nap="317.$$"
mkdir -p "$T/bin"
cat >"$T/bin/slowcc" <<SH
#!/bin/sh
case "\$*" in *--version*) exec gcc "\$@" ;; esac
exec sleep $nap
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
	sh -c "! pgrep -f '^sleep $nap\$' -u $(id -u) >/dev/null"

# Interrupted (Ctrl-C) while two builds run: nothing is left running.
export FLEXEXPLORE_HOME="$T/inthome"
FLEXEXPLORE_CC="$T/bin/slowcc" "$FX_BIN" build --spec "$SPEC" --jobs 2 \
	"$BASE" "$BASE/net=stack-protector" >"$T/int.out" 2>&1 &
pid=$!
for _ in $(seq 100); do
	[ "$(pgrep -f "^sleep $nap\$" -u "$(id -u)" | wc -l)" -ge 2 ] && break
	sleep 0.1
done
check "both builds were compiling" \
	test "$(pgrep -f "^sleep $nap\$" -u "$(id -u)" | wc -l)" -ge 2
kill -INT "$pid"
wait "$pid"
sleep 0.5
check "after Ctrl-C no compiler is left" \
	sh -c "! pgrep -f '^sleep $nap\$' -u $(id -u) >/dev/null"
check "and no make" sh -c "! pgrep -f '[B]UILD=$T/inthome' >/dev/null"
