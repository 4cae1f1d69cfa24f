#!/bin/sh
# Guest side: the isolation application under mpk with hardening, whose
# runtimes (sanitizers) must work across the keys: a sanitizer still
# stops what it is made for, isolation still holds, and the image exits
# cleanly (exit handlers in the core must reach every compartment).
fail=0
say() { # status what
	if [ "$1" -eq 0 ]; then echo "ok $2"; else echo "FAIL $2"; fail=1; fi
}

for img in iso-mpk-asan iso-mpk-mixed; do
	if [ ! -x /fx/img/$img ]; then
		echo "FAIL the image $img was not built"
		fail=1
		continue
	fi
	/fx/img/$img --probe=calls >/tmp/o 2>&1
	rc=$?
	[ $rc -eq 0 ] && grep -q '^calls ok$' /tmp/o && ! grep -q 'stopped by' /tmp/o
	say $? "$img: calls work and the image exits cleanly (exit $rc)"
	[ $rc -eq 0 ] || cat /tmp/o
	/fx/img/$img --probe=read >/tmp/o 2>&1
	rc=$?
	[ $rc -eq 139 ] && grep -q "compartment 'prober' stopped by SIGSEGV: read .* of compartment 'victim'" /tmp/o
	say $? "$img: reading victim's data is still stopped (exit $rc)"
done

/fx/img/iso-mpk-asan --probe=oob >/tmp/o 2>&1
rc=$?
grep -q 'AddressSanitizer: heap-buffer-overflow' /tmp/o
say $? "asan: victim's heap overflow is caught by AddressSanitizer (exit $rc)"
grep -q '^oob: ' /tmp/o && sed 's/^/  /' /tmp/o | head -n 5

/fx/img/iso-mpk-mixed --probe=overflow >/tmp/o 2>&1
rc=$?
[ $rc -eq 132 ]
say $? "ubsan: victim's signed overflow traps (exit $rc)"
exit $fail
