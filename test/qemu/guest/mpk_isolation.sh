#!/bin/sh
# Guest side: the isolation test application (os/test-components) built
# as prober|victim@mpk.  Prints "ok WHAT" / "FAIL WHAT"; exits 1 when one
# failed.
img=/fx/img/iso-mpk
fail=0
say() { # status what
	if [ "$1" -eq 0 ]; then echo "ok $2"; else echo "FAIL $2"; fail=1; fi
}
[ -x $img ] || { echo "FAIL the image $img was not built"; exit 1; }

$img --probe=calls >/tmp/o 2>&1
say $? "every gate shape carries its data under mpk"
grep -q '^calls ok$' /tmp/o
say $? "calls report ok"
grep '^FAIL' /tmp/o

# prober touches victim's private data and heap; victim touches prober's
# data (peek).
for p in read write heap peek; do
	$img --probe=$p >/tmp/o 2>&1
	rc=$?
	sed 's/^/  /' /tmp/o
	case $p in
	read) re="'prober' stopped by SIGSEGV: read at 0x[0-9a-f]+, in the private data of compartment 'victim'" ;;
	write) re="'prober' stopped by SIGSEGV: write at 0x[0-9a-f]+, in the private data of compartment 'victim'" ;;
	heap) re="'prober' stopped by SIGSEGV: read at 0x[0-9a-f]+, in the private heap of compartment 'victim'" ;;
	peek) re="'victim' stopped by SIGSEGV: read at 0x[0-9a-f]+, in the private data of compartment 'prober'" ;;
	esac
	[ $rc -eq 139 ]
	say $? "$p: the offender is stopped by SIGSEGV (exit $rc)"
	grep -Eq "compartment $re" /tmp/o
	say $? "$p: the message names both compartments"
	! grep -Eq '^(read|wrote|heap read|victim read) ' /tmp/o
	say $? "$p: the offender saw nothing"
done

# A forged call: prober writes an argument block by hand whose buffer is
# victim's secret; victim's dispatcher must refuse it.
$img --probe=forge >/tmp/o 2>&1
rc=$?
sed 's/^/  /' /tmp/o
[ $rc -eq 4 ] && grep -q "compartment 'victim' refused a call to 'victim_fill': its 'buf' lies outside shared memory" /tmp/o
say $? "forge: a block whose buffer is victim's own memory is refused (exit $rc)"
! grep -q '^forged call done' /tmp/o
say $? "forge: victim's data was not written for the forger"

# Protection keys do not govern instruction fetch: a jump into victim's
# code runs it, but with prober's keys, so victim's data stays out of
# reach (gatetest's jump case shows the first access stopped).  Checked
# here so that a change in either direction is noticed.
$img --probe=jump >/tmp/o 2>&1
rc=$?
sed 's/^/  /' /tmp/o
[ $rc -eq 0 ] && grep -q '^jumped: 4242$' /tmp/o
say $? "jump: victim's code runs with prober's keys (not stopped at the jump)"
exit $fail
