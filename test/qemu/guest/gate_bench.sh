#!/bin/sh
# Guest side: the gate round trip under fcall, proc and mpk, in one boot:
# the generated stubs of the isolation application (prober calls
# victim_nop) and the hand-written gatetest image.  Under QEMU's software
# CPU these figures say nothing about real hardware; they only compare
# the three mechanisms on the same emulated CPU.
fail=0
for m in fcall proc mpk; do
	n=20000
	[ $m = mpk ] && n=5000
	[ $m = proc ] && n=200
	if [ -x /fx/img/iso-$m ]; then
		printf 'isolation %s ' $m
		/fx/img/iso-$m --probe=bench --count=$n || fail=1
	else
		echo "FAIL the image iso-$m was not built"
		fail=1
	fi
done
for m in fcall proc mpk; do
	iters=20000
	[ $m = mpk ] && iters=5000
	[ $m = proc ] && iters=100
	/fx/gatetest-$m --case=bench --iters=$iters || fail=1
done
exit $fail
