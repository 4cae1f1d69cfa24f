#!/bin/sh
# Guest side: the gate round trip of the same two-compartment image under
# fcall, proc and mpk, in one boot.  Under QEMU's software CPU these
# figures say nothing about real hardware; they only compare the three.
fail=0
for m in fcall proc mpk; do
	iters=20000
	[ $m = proc ] && iters=100
	/fx/gatetest-$m --case=bench --iters=$iters || fail=1
done
exit $fail
