#!/usr/bin/env bash
# kvstore in one compartment: every command redis-benchmark runs answers
# with the right values, every default redis-benchmark test completes,
# plain and with a pipeline of 16, and the counters it leaves are exact.
. "$(dirname "$0")/../lib.sh"
. "$FX_ROOT/test/os-apps/app-lib.sh"

check "build kvstore in one compartment" \
	app_build kvstore 'kvdata+kvstore+net+resp' "$T/one"
check "the image starts and says it is ready" app_start "$T/one/image"
trap 'app_stop; rm -rf "$T"' EXIT

cli() {
	timeout 5 redis-cli -p "$APP_PORT" "$@" 2>&1
}

expect_eq "PING" PONG "$(cli ping)"
expect_eq "the default key space holds 1000 keys" 1000 "$(cli dbsize)"
expect_eq "key:000000000042 holds 42" 42 "$(cli get key:000000000042)"
expect_eq "SET" OK "$(cli set k hello)"
expect_eq "GET" hello "$(cli get k)"
expect_eq "GET of a missing key is nil" "" "$(cli get nokey)"
expect_eq "INCR from nothing" 1 "$(cli incr n)"
expect_eq "INCR again" 2 "$(cli incr n)"
expect_eq "INCR of a non-number" \
	"ERR value is not an integer or out of range" "$(cli incr k)"
expect_eq "RPUSH" 3 "$(cli rpush l a b c)"
expect_eq "LPUSH" 4 "$(cli lpush l z)"
expect_eq "LRANGE 0 -1" "z a b c" "$(cli lrange l 0 -1 | paste -sd' ')"
expect_eq "LRANGE 1 2" "a b" "$(cli lrange l 1 2 | paste -sd' ')"
expect_eq "LPOP" z "$(cli lpop l)"
expect_eq "RPOP" c "$(cli rpop l)"
expect_eq "SADD" 2 "$(cli sadd s x y)"
expect_eq "SADD of a member already there" 0 "$(cli sadd s x)"
p=$(cli spop s)
expect_eq "SPOP gives a member" 1 "$(case $p in x | y) echo 1 ;; esac)"
expect_eq "HSET" 1 "$(cli hset h f v)"
expect_eq "HGET" v "$(cli hget h f)"
expect_eq "ZADD" 2 "$(cli zadd z 2 two 1 one)"
expect_eq "ZPOPMIN" "one 1" "$(cli zpopmin z | paste -sd' ')"
expect_eq "MSET" OK "$(cli mset a 1 b 2)"
expect_eq "MGET" "1 2" "$(cli mget a b | paste -sd' ')"
expect_eq "WRONGTYPE on a list read as a string" \
	"WRONGTYPE Operation against a key holding the wrong kind of value" \
	"$(cli get l)"
expect_eq "CONFIG GET appendonly" "appendonly no" \
	"$(cli config get appendonly | paste -sd' ')"
expect_eq "an unknown command is an error" "ERR unknown command 'nosuch'" \
	"$(cli nosuch)"
expect_eq "wrong arity is an error" \
	"ERR wrong number of arguments for 'get' command" "$(cli get)"

# Every default test, plain and pipelined; each must report a rate.
tests="PING_INLINE PING_MBULK SET GET INCR LPUSH RPUSH LPOP RPOP SADD HSET \
SPOP ZADD ZPOPMIN LRANGE_100 LRANGE_300 LRANGE_500 LRANGE_600 MSET"
for P in 1 16; do
	timeout 120 redis-benchmark -p "$APP_PORT" -n 2000 -P $P -q \
		>"$T/rb" 2>&1
	tr '\r' '\n' <"$T/rb" | grep 'requests per second' >"$T/rates"
	missing=
	for t in $tests; do
		grep -q "^$t" "$T/rates" || missing="$missing $t"
	done
	expect_eq "redis-benchmark -n 2000 -P $P: every test completes" "" \
		"$missing"
done

# INCR's counter and LPUSH's list hold exactly what the runs put there
# (without a pipeline: with one, redis-benchmark sends whole pipelines and
# overshoots, against redis-server too).
cli del counter:__rand_int__ >/dev/null
timeout 60 redis-benchmark -p "$APP_PORT" -n 3000 -t incr -q >/dev/null 2>&1
expect_eq "3000 INCRs count to 3000" 3000 "$(cli get counter:__rand_int__)"
cli del mylist >/dev/null
timeout 60 redis-benchmark -p "$APP_PORT" -n 700 -t lpush -q >/dev/null 2>&1
expect_eq "700 LPUSHes make a list of 700" 700 "$(cli llen mylist)"
check "the server is still running" app_alive
app_stop
check "--keys=0 starts empty" app_start "$T/one/image" --keys=0
expect_eq "no keys" 0 "$(cli dbsize)"
