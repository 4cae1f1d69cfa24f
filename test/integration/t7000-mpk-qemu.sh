#!/usr/bin/env bash
# The mpk mechanism under emulated protection keys: `make mpk-check` boots
# the guest programs under QEMU's software CPU and reports one FX-RESULT
# line per program; each becomes one TAP line here.
. "$(dirname "$0")/../lib.sh"
cd "$FX_ROOT" || exit 1
mode=$(basename "${FX_BUILD:-build/test}")

# The harness fails clearly when its tools are missing.
expect_exit 3 "harness exits 3 without QEMU" \
	env FX_QEMU=/nonexistent test/qemu/fx-qemu.sh /bin/true
expect_grep "and says how to install it" "apt-get install qemu-system-x86" \
	"$T/err"

# One run at a time per build tree: concurrent `make check` runs would
# otherwise build the same images at once.
mkdir -p "build/$mode"
exec 9>"build/$mode/mpk-check.lock"
flock -w 300 9 || echo "# waited 300 s for another mpk-check; running anyway"
# It reports a program's failure, and a guest that does not finish.
printf '#!/bin/sh\necho about to fail\nexit 7\n' >"$T/fails.sh"
chmod +x "$T/fails.sh"
expect_exit 1 "harness exits 1 when a guest program fails" \
	test/qemu/fx-qemu.sh "$T/fails.sh"
expect_grep "and reports its status and output" '^FX-RESULT fails.sh 7' \
	"$T/out"
expect_grep "with the program's output" '^about to fail$' "$T/out"
expect_exit 4 "harness exits 4 when the guest does not finish in time" \
	test/qemu/fx-qemu.sh -t 1 "$T/fails.sh"
expect_grep "and says so" 'the guest did not finish' "$T/err"

make --no-print-directory -s MODE="$mode" mpk-check >"$T/qemu" 2>&1
rc=$?
n=0
while read -r _ name result _; do
	n=$((n + 1))
	# The program's own checks ("ok WHAT" / "FAIL WHAT"), then its status.
	while IFS= read -r line; do
		case $line in
		"ok "*) _report 0 "$name: ${line#ok }" ;;
		"FAIL "*) _report 1 "$name: ${line#FAIL }" ;;
		esac
	done < <(sed -n "/^--- $name\$/,/^--- /p" "$T/qemu")
	[ "$result" = 0 ]
	_report $? "under emulated keys: $name exits 0"
	if [ "$result" != 0 ]; then
		echo "#   $name exited $result; its output:"
		sed -n "/^--- $name\$/,/^--- /p" "$T/qemu" | sed 's/^/#   /' |
			head -n 40
	fi
done < <(grep '^FX-RESULT ' "$T/qemu")
# Every program reported, and the harness itself had nothing to complain of.
[ "$n" -gt 0 ] && ! grep -q '^fx-qemu: ' "$T/qemu" && ! grep -q 'FX-RESULT .* missing' "$T/qemu"
_report $? "make mpk-check booted and ran every program (make exit $rc)"
[ "$rc" -eq 0 ] || sed 's/^/#   /' "$T/qemu" | tail -n 30
grep -E '^(FX-TIME|FX-RESULT|gate round trip|isolation [a-z]+ gate_ns)' "$T/qemu" | sed 's/^/# /'
