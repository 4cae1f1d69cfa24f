#!/bin/sh
# Guest side: on a CPU with protection keys (emulated), the engine's
# hardware probe sees them and counts mpk among the mechanisms this host
# can run, so an exploration here would explore mpk configurations.
fail=0
say() { # status what
	if [ "$1" -eq 0 ]; then echo "ok $2"; else echo "FAIL $2"; fail=1; fi
}
[ -x /fx/bin/flexexplore ] || { echo "FAIL no engine in the guest"; exit 1; }
/fx/bin/flexexplore hw >/tmp/hw 2>&1
say $? "flexexplore hw runs"
sed 's/^/  /' /tmp/hw
grep -q 'pku=yes ospke=yes' /tmp/hw
say $? "flexexplore hw: protection keys present and enabled"
grep -Eq '^mechanisms: .*\<mpk\>' /tmp/hw
say $? "flexexplore hw: mpk among the mechanisms"
exit $fail
