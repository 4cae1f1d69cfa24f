#!/usr/bin/env bash
# Hardening per component: the flags reach exactly the component that
# carries them (ubsan traps and asan reports only there), clang-only
# options (cfi, safestack) build and run, and mixed hardening across
# compartments carries every gate shape.
. "$(dirname "$0")/../lib.sh"
spec=$FX_ROOT/os/test-components/isolation/space.yaml

build() { # CONFIG DIR
	"$FX_BIN" gen --spec "$spec" "$1" -o "$2" --make
}

check "build victim=ubsan" build 'prober|victim@proc/victim=ubsan' "$T/ubsan"
expect_exit 132 "ubsan in victim traps its signed overflow" \
	timeout 20 "$T/ubsan/image" --probe=overflow
expect_grep "the trap is reported in victim" \
	"compartment 'victim' stopped by SIGILL" "$T/err"

check "build prober=ubsan (victim plain)" build \
	'prober|victim@proc/prober=ubsan' "$T/pubsan"
check "victim without ubsan overflows silently" \
	timeout 20 "$T/pubsan/image" --probe=overflow
expect_grep "and wraps around" '^overflow: -2147483648$' "$T/out"

check "build victim=asan" build 'prober|victim@proc/victim=asan' "$T/asan"
expect_eq "the asan runtime is linked once, into the whole image" 1 \
	"$(ldd "$T/asan/image" | grep -c libasan)"
timeout 20 "$T/asan/image" --probe=oob >"$T/out" 2>"$T/err"
expect_grep "asan in victim reports the heap overflow" \
	'AddressSanitizer: heap-buffer-overflow' "$T/err"
expect_grep "and the image stops" "compartment 'victim' exited with status" \
	"$T/err"

mixed='prober|victim@proc/prober=auto-init+fortify+stack-clash+stack-protector,victim=sanitize'
check "build mixed hardening" build "$mixed" "$T/mixed"
check "mixed hardening: every gate shape" timeout 20 "$T/mixed/image" \
	--probe=calls
expect_grep "mixed hardening: flags reach victim" \
	'^FX_HCFLAGS_victim := .*-fsanitize=address' "$T/mixed/config.mk"
expect_grep "mixed hardening: flags reach prober" \
	'^FX_HCFLAGS_prober := .*-ftrivial-auto-var-init=zero' \
	"$T/mixed/config.mk"

# stack-protector reaches prober's object only.
expect_grep "stack-protector: prober's code checks its canary" \
	'U __stack_chk_fail' <(nm "$T/mixed/fxc_prober.o")

if command -v clang >/dev/null && command -v ld.lld >/dev/null; then
	check "build cfi and safestack (clang)" build \
		'prober|victim@proc/prober=safestack,victim=cfi' "$T/clang"
	check "clang-hardened compartments carry every gate shape" \
		timeout 20 "$T/clang/image" --probe=calls
	expect_exit 132 "cfi in victim stops its mistyped indirect call" \
		timeout 20 "$T/clang/image" --probe=icall
	expect_grep "in victim" "compartment 'victim' stopped by SIGILL" \
		"$T/err"
	expect_grep "safestack: its runtime is linked" '__safestack_init' \
		<(nm "$T/clang/image")
	check "build prober=cfi (victim plain)" build \
		'prober|victim@proc/prober=cfi' "$T/pcfi"
	check "victim without cfi makes the call" \
		timeout 20 "$T/pcfi/image" --probe=icall
	expect_grep "and gets its answer" '^icall: 42$' "$T/out"
else
	echo "ok - # SKIP clang or ld.lld missing"
fi
