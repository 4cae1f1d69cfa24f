#!/usr/bin/env bash
# Isolation, with the isolation test application: under proc, reading,
# writing or jumping into another compartment's private memory stops the
# image and the message names both compartments; a system call outside
# the allow-list is stopped and named; in one compartment (no isolation)
# the same accesses succeed.  Every gate shape carries its data.
. "$(dirname "$0")/../lib.sh"
spec=$FX_ROOT/os/test-components/isolation/space.yaml

build() { # CONFIG DIR
	"$FX_BIN" gen --spec "$spec" "$1" -o "$2" --make
}

check "build prober|victim@proc" build 'prober|victim@proc' "$T/proc"
check "build prober+victim (one compartment)" build 'prober+victim' "$T/one"

img=$T/proc/image
check "proc: every gate shape carries its data" timeout 20 "$img" --probe=calls
expect_grep "proc: calls report ok" '^calls ok$' "$T/out"

for what in read write jump; do
	expect_exit 139 "proc: $what into victim's memory is stopped by SIGSEGV" \
		timeout 20 "$img" --probe=$what
	expect_grep "proc: $what names both compartments" \
		"compartment 'prober' stopped by SIGSEGV: $what at 0x[0-9a-f]+, in the private (data|code) of compartment 'victim'" \
		"$T/err"
	if grep -q '^read \|^wrote\|^jumped' "$T/out"; then
		_report 1 "proc: $what saw nothing of victim"
	else
		_report 0 "proc: $what saw nothing of victim"
	fi
done

# victim's heap lies in a window of its own, without access in prober.
expect_exit 139 "proc: reading victim's heap is stopped by SIGSEGV" \
	timeout 20 "$img" --probe=heap
expect_grep "proc: heap read names both compartments" \
	"compartment 'prober' stopped by SIGSEGV: read at 0x[0-9a-f]+, in the private heap of compartment 'victim'" \
	"$T/err"

expect_exit 159 "proc: a system call outside the allow-list is stopped" \
	timeout 20 "$img" --probe=syscall
expect_grep "proc: the message names the call and the compartment" \
	"compartment 'prober' stopped by SIGSYS: system call 'uname' \(63\) is not in its allow-list" \
	"$T/err"

# One compartment: no isolation, so every access succeeds.
one=$T/one/image
check "one compartment: calls" timeout 20 "$one" --probe=calls
check "one compartment: read succeeds" timeout 20 "$one" --probe=read
expect_grep "one compartment: read sees the secret" '^read 0x5ec7e7$' "$T/out"
check "one compartment: write succeeds" timeout 20 "$one" --probe=write
expect_grep "one compartment: victim sees the write" \
	'^wrote; victim now reads 0xbad$' "$T/out"
check "one compartment: heap read succeeds" timeout 20 "$one" --probe=heap
expect_grep "one compartment: it sees victim's heap secret" '^heap read 0x4ea9$' \
	"$T/out"
check "one compartment: jump succeeds" timeout 20 "$one" --probe=jump
expect_grep "one compartment: the jump ran victim's code" '^jumped: 4242$' \
	"$T/out"
check "one compartment: no allow-list" timeout 20 "$one" --probe=syscall
expect_grep "one compartment: uname answered" '^uname: Linux$' "$T/out"

# The one-compartment image has no stubs: its calls are plain calls.
if nm "$one" | grep -q '__fxg_'; then
	_report 1 "one compartment: no gate stubs linked"
else
	_report 0 "one compartment: no gate stubs linked"
fi
expect_grep "proc: victim's code sits in a page-aligned section of its own" \
	'\.fx\.c1\.text' <(readelf -SW "$img")

# A fault in a compartment other than the entry's: victim reads prober's
# data; victim is stopped, names both, and the image goes down with it.
expect_exit 139 "proc: victim reading prober's memory stops the image" \
	timeout 20 "$img" --probe=peek
expect_grep "proc: victim's fault names both compartments" \
	"compartment 'victim' stopped by SIGSEGV: read at 0x[0-9a-f]+, in the private data of compartment 'prober'" \
	"$T/err"
expect_grep "proc: the image reports which compartment died, and how" \
	"compartment 'victim' died of SIGSEGV; stopping the image" "$T/err"
check "one compartment: victim reads prober's memory" \
	timeout 20 "$one" --probe=peek
expect_grep "one compartment: victim saw prober's secret" \
	'^victim read 0x9207e5$' "$T/out"

# A compromised caller that skips its stubs and hands victim a buffer in
# victim's own private data is refused by victim's dispatcher.
expect_exit 4 "proc: a forged gate call is refused" \
	timeout 20 "$img" --probe=forge
expect_grep "proc: the refusal names the compartment, function and buffer" \
	"compartment 'victim' refused a call to 'victim_fill': its 'buf' lies outside shared memory" \
	"$T/err"
if grep -q '^forged call done' "$T/out"; then
	_report 1 "proc: victim's data was not written for the forger"
else
	_report 0 "proc: victim's data was not written for the forger"
fi

# The entry's exit status is the image's, under proc as in one compartment.
expect_exit 2 "proc: the entry's exit status is the image's" \
	timeout 20 "$img" --probe=nonsense
expect_exit 2 "one compartment: the same" timeout 20 "$one" --probe=nonsense
