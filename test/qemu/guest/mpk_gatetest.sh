#!/bin/sh
# Guest side: the mpk runtime on the hand-written two-compartment image
# (gatetest-mpk, packed into /fx).  Prints "ok WHAT" / "FAIL WHAT" lines;
# exits 1 when one failed.
img=/fx/gatetest-mpk
fail=0
say() { # status what
	if [ "$1" -eq 0 ]; then echo "ok $2"; else echo "FAIL $2"; fail=1; fi
}

for c in roundtrip regs; do
	$img --case=$c >/tmp/gt.out 2>&1
	rc=$?
	cat /tmp/gt.out
	grep -q '^FAIL' /tmp/gt.out && fail=1
	say $rc "case $c exits 0"
done

# Offences: each must be stopped by SIGSEGV (139) with a message that
# names the offender 'a' and the victim 'b'.
for c in read write jump jumpdata heap bigheap stack; do
	$img --case=$c >/tmp/gt.out 2>&1
	rc=$?
	sed 's/^/  /' /tmp/gt.out
	case $c in
	read | jump) what=read region='(data|heap)' ;;
	write) what=write region=data ;;
	jumpdata) what=jump region=data ;;
	heap | bigheap) what=read region=heap ;;
	stack) what=read region=stack ;;
	esac
	[ $rc -eq 139 ]
	say $? "$c: the offender is stopped by SIGSEGV (exit $rc)"
	grep -Eq "compartment 'a' stopped by SIGSEGV: $what at 0x[0-9a-f]+, in the private $region of compartment 'b'" /tmp/gt.out
	say $? "$c: the message names 'a' and the $region of 'b'"
	! grep -q 'nothing stopped it' /tmp/gt.out
	say $? "$c: the access did not complete"
done

# A jump straight to the gate's wrpkru with PKRU 0 (every key) in eax.
$img --case=gadget >/tmp/gt.out 2>&1
rc=$?
sed 's/^/  /' /tmp/gt.out
[ $rc -eq 134 ]
say $? "gadget: a wrpkru reached without the gate is stopped (exit $rc)"
grep -q 'mpk gate: stopped a call or return the gate did not make' /tmp/gt.out
say $? "gadget: the gate says what it found"

# The switch called directly with a function index outside the table.
$img --case=badfn >/tmp/gt.out 2>&1
rc=$?
sed 's/^/  /' /tmp/gt.out
[ $rc -eq 134 ] && grep -q 'mpk gate: stopped a call or return the gate did not make' /tmp/gt.out
say $? "badfn: a function index outside the gate table is stopped (exit $rc)"

# The gate's own state is on a key no compartment has.
$img --case=gatestate >/tmp/gt.out 2>&1
rc=$?
sed 's/^/  /' /tmp/gt.out
[ $rc -eq 139 ] && grep -q "compartment 'a' stopped by SIGSEGV: write at 0x[0-9a-f]*, in the gate's own state" /tmp/gt.out
say $? "gatestate: writing the gate's state is stopped (exit $rc)"

# An argument block outside the gate arena (b would write into itself).
$img --case=badargs >/tmp/gt.out 2>&1
rc=$?
sed 's/^/  /' /tmp/gt.out
[ $rc -eq 134 ] && grep -q 'mpk gate: stopped a call or return the gate did not make' /tmp/gt.out
say $? "badargs: an argument block outside the gate arena is stopped (exit $rc)"

# Only the thread that started the image crosses compartments.
$img --case=thread >/tmp/gt.out 2>&1
rc=$?
sed 's/^/  /' /tmp/gt.out
[ $rc -eq 134 ] && grep -q 'mpk gate: stopped a call or return the gate did not make' /tmp/gt.out
say $? "thread: a gate from another thread is stopped (exit $rc)"
exit $fail
