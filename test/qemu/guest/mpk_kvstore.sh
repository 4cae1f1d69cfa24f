#!/bin/sh
# Guest side: kvstore with every component alone under mpk
# (kvdata|kvstore|net|resp@mpk), driven by redis-cli and redis-benchmark.
img=/fx/img/kvstore-mpk
cli="/fx/bin/redis-cli -p 6379"
fail=0
say() { # status what
	if [ "$1" -eq 0 ]; then echo "ok $2"; else echo "FAIL $2"; fail=1; fi
}
[ -x $img ] || { echo "FAIL the image $img was not built"; exit 1; }

$img --port=6379 --host=127.0.0.1 >/tmp/kv.out 2>&1 &
pid=$!
for _ in $(seq 40); do
	grep -q '^ready port=6379' /tmp/kv.out && break
	sleep 0.25
done
grep -q '^ready port=6379' /tmp/kv.out
say $? "kvstore@mpk starts and says ready"

# One redis-cli session: every command, then every answer checked.
cat >/tmp/cmds <<'CMDS'
PING
SET greeting hello
GET greeting
INCR counter
INCR counter
LPUSH list a b
RPUSH list c
LRANGE list 0 -1
LPOP list
RPOP list
SADD set x y
HSET hash field value
MSET k1 v1 k2 v2
GET k2
CMDS
cat >/tmp/want <<'WANT'
PONG
OK
hello
1
2
2
3
b
a
c
b
c
2
1
OK
v2
WANT
$cli </tmp/cmds >/tmp/got 2>&1
if cmp -s /tmp/want /tmp/got; then
	say 0 "PING SET GET INCR LPUSH RPUSH LRANGE LPOP RPOP SADD HSET MSET answer correctly"
else
	say 1 "PING SET GET INCR LPUSH RPUSH LRANGE LPOP RPOP SADD HSET MSET answer correctly"
	paste /tmp/want /tmp/got | sed 's/^/  want|got: /'
fi

if [ -x /fx/bin/redis-benchmark ]; then
	/fx/bin/redis-benchmark -p 6379 -n 50 -c 2 -q \
		-t ping,set,get,incr,lpush,rpush,lpop,rpop,sadd,hset,spop,lrange,mset \
		>/tmp/rb 2>&1
	rc=$?
	tr '\r' '\n' </tmp/rb | grep 'requests per second' | grep -v 'rps='
	n=$(tr '\r' '\n' </tmp/rb | grep 'requests per second' | grep -vc 'rps=')
	[ $rc -eq 0 ] && [ "$n" -ge 13 ]
	say $? "redis-benchmark ran every default command ($n results)"
	[ "$($cli PING)" = PONG ]
	say $? "PING answers PONG after the load"
fi

kill -0 $pid 2>/dev/null
say $? "kvstore@mpk is still running after the load"
kill $pid
wait $pid
grep -q 'stopped by' /tmp/kv.out && { cat /tmp/kv.out; say 1 "no compartment was stopped"; }
exit $fail
