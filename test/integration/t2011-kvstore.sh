#!/usr/bin/env bash
# kvstore in three configurations: one compartment without hardening;
# proc with every component alone; proc with two compartments and mixed
# hardening.  In each: values written are read back, then every default
# redis-benchmark test runs pipelined (bounded) and the values are checked
# again.
. "$(dirname "$0")/../lib.sh"
. "$FX_ROOT/test/gates/apps.sh"

rcli() { timeout 10 redis-cli -p "$PORT" "$@"; }

kv_checks() { # NAME
	local n=$1
	expect_eq "$n: SET answers OK" OK "$(rcli SET fx:key 'hello world')"
	expect_eq "$n: GET returns the value" 'hello world' "$(rcli GET fx:key)"
	rcli DEL fx:count >/dev/null
	rcli INCR fx:count >/dev/null
	rcli INCR fx:count >/dev/null
	expect_eq "$n: INCR counts" 3 "$(rcli INCR fx:count)"
	rcli DEL fx:list >/dev/null
	rcli RPUSH fx:list b c >/dev/null
	rcli LPUSH fx:list a >/dev/null
	expect_eq "$n: LPUSH/RPUSH/LRANGE keep order" 'a b c' \
		"$(rcli LRANGE fx:list 0 -1 | tr '\n' ' ' | sed 's/ $//')"
	expect_eq "$n: missing key is nil" '' "$(rcli GET fx:none)"
}

run_config() { # NAME CONFIG
	local n=$1 dir=$T/$1
	build_app kvstore "$2" "$dir"
	if ! start_server "$dir/image"; then
		_report 1 "$n: image announces it is ready"
		return
	fi
	_report 0 "$n: image announces it is ready"
	kv_checks "$n"
	timeout 120 redis-benchmark -p "$PORT" -q -n 500 -c 4 -P 16 \
		2>&1 | tr '\r' '\n' | grep 'requests per second' >"$T/rb"
	for t in PING_INLINE PING_MBULK SET GET INCR LPUSH RPUSH LPOP RPOP \
		SADD HSET SPOP LRANGE_100 LRANGE_600 MSET; do
		expect_grep "$n: redis-benchmark -P 16 completes $t" "^ *$t" \
			"$T/rb"
	done
	kv_checks "$n after load"
	server_alive "$n: server survived"
	stop_server
}

run_config one 'kvdata+kvstore+net+resp'
run_config alone 'kvdata|kvstore|net|resp@proc'
run_config mixed \
	'kvdata+kvstore|net+resp@proc/kvdata=stack-protector+ubsan,resp=asan'
