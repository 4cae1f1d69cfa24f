#!/usr/bin/env bash
# Run every unit test program and every integration script, then print one
# summary line: "N passed, N failed".  Exit status 0 only when none failed.
#
#   FX_BUILD       build directory of the test build (default build/test)
#   FX_TESTS=PAT   run only unit programs and scripts whose path matches
set -u
cd "$(dirname "$0")/.."
export FX_BUILD=${FX_BUILD:-build/test}
export FX_BIN="$PWD/$FX_BUILD/flexexplore"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
pattern=${FX_TESTS:-}
passed=0
failed=0
failures=()
logdir="$FX_BUILD/test-logs"
mkdir -p "$logdir"

# Unit tests: cmocka prints "[  PASSED  ] N test(s)." and "[  FAILED  ] N".
while IFS= read -r bin; do
	[ -n "$pattern" ] && [[ "$bin" != *$pattern* ]] && continue
	log="$logdir/$(echo "${bin#"$FX_BUILD"/}" | tr / _).log"
	echo "== $bin"
	"$bin" >"$log" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # crashed before cmocka could count
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -ne 0 ]; then
		failures+=("$bin")
		grep -E '^\[  (FAILED|  ERROR)|ERROR|error:|Sanitizer' "$log" |
			head -n 20
	fi
	echo "   $p passed, $f failed"
done < <(find "$FX_BUILD/test" -type f -perm -u+x -name 'test_*' | sort)

# Integration scripts print TAP lines: "ok N - what" / "not ok N - what".
for script in test/integration/t[0-9]*.sh; do
	[ -e "$script" ] || continue
	[ -n "$pattern" ] && [[ "$script" != *$pattern* ]] && continue
	log="$logdir/$(basename "$script" .sh).log"
	echo "== $script"
	bash "$script" >"$log" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "   exited $rc"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -ne 0 ]; then
		failures+=("$script")
		grep -A8 '^not ok ' "$log" | head -n 40
		tail -n 5 "$log"
	fi
	echo "   $p passed, $f failed"
done

echo
if [ ${#failures[@]} -ne 0 ]; then
	echo "failing: ${failures[*]} (logs in $logdir)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
