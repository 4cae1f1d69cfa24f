# Helpers for integration scripts (test/integration/tNNNN-*.sh).
#
# A script sources this file, then calls check/check_fail/expect_* once
# per assertion; each prints one TAP line.  $FX_BIN is the engine under
# test; every script gets a fresh $FLEXEXPLORE_HOME under $T (removed at
# exit), so no test sees another's database or builds.
set -u
FX_BIN=${FX_BIN:-$PWD/build/test/flexexplore}
FX_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/fxtest.XXXXXX")
export FLEXEXPLORE_HOME="$T/home"
trap 'rm -rf "$T"' EXIT
_n=0

_report() { # status description
	_n=$((_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_n - $2"
	else
		echo "not ok $_n - $2"
	fi
}

# check DESCRIPTION COMMAND...: passes when COMMAND exits 0.
check() {
	local what=$1
	shift
	"$@" >"$T/out" 2>"$T/err"
	local rc=$?
	_report "$rc" "$what"
	if [ "$rc" -ne 0 ]; then
		echo "#   exit $rc from: $*"
		sed 's/^/#   /' "$T/err" | head -n 20
	fi
	return 0
}

# expect_exit CODE DESCRIPTION COMMAND...: passes when COMMAND exits CODE.
# Its output stays in $T/out and $T/err for the next assertion.
expect_exit() {
	local code=$1 what=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	local rc=$?
	[ "$rc" -eq "$code" ]
	_report $? "$what"
	if [ "$rc" -ne "$code" ]; then
		echo "#   expected exit $code, got $rc from: $*"
		sed 's/^/#   /' "$T/err" | head -n 20
	fi
	return 0
}

# expect_grep DESCRIPTION PATTERN FILE: passes when FILE matches PATTERN.
expect_grep() {
	grep -qE -- "$2" "$3"
	local rc=$?
	_report "$rc" "$1"
	if [ "$rc" -ne 0 ]; then
		echo "#   no match for '$2' in $3:"
		sed 's/^/#   /' "$3" | head -n 20
	fi
	return 0
}

# expect_eq DESCRIPTION EXPECTED ACTUAL
expect_eq() {
	[ "$2" = "$3" ]
	local rc=$?
	_report "$rc" "$1"
	[ "$rc" -eq 0 ] || echo "#   expected '$2', got '$3'"
	return 0
}

# app_space APP: the options that name the richest space of a bundled
# application: its full space when it has one (every hardening option),
# else its default space.  For tests that build configurations the small
# default space does not have.
app_space() {
	local full="$FX_ROOT/os/apps/$1/space-full.yaml"
	if [ -f "$full" ]; then
		echo --spec "$full"
	else
		echo --app "$1"
	fi
}
