#!/usr/bin/env bash
# The three applications under the proc mechanism: every component in a
# compartment of its own, and two compartments with mixed hardening.  The
# loads are small (gates cost), but the answers are checked as in one
# compartment: bodies, values and row counts.
. "$(dirname "$0")/../lib.sh"
. "$FX_ROOT/test/os-apps/app-lib.sh"
trap 'app_stop; rm -rf "$T"' EXIT
web=$FX_ROOT/os/apps/httpd/content

httpd_checks() { # WHAT
	local url=http://127.0.0.1:$APP_PORT
	curl -s -m 10 -o "$T/body" "$url/docs/200k.txt"
	check "$1: 200k.txt byte for byte" cmp "$T/body" "$web/docs/200k.txt"
	curl -s -m 10 -o "$T/body" "$url/"
	check "$1: / is index.html" cmp "$T/body" "$web/index.html"
	expect_eq "$1: 404" 404 \
		"$(curl -s -m 10 -o /dev/null -w '%{http_code}' "$url/nope")"
	wrk -t1 -c4 -d1s "$url/small.txt" >"$T/wrk" 2>&1
	expect_grep "$1: wrk completes" '^Requests/sec:' "$T/wrk"
	if grep -qE 'Non-2xx|Socket errors' "$T/wrk"; then
		_report 1 "$1: wrk saw no errors"
	else
		_report 0 "$1: wrk saw no errors"
	fi
}

kvstore_checks() { # WHAT
	local cli="timeout 10 redis-cli -p $APP_PORT"
	expect_eq "$1: SET" OK "$($cli set k v1)"
	expect_eq "$1: GET" v1 "$($cli get k)"
	expect_eq "$1: RPUSH" 3 "$($cli rpush l a b c)"
	expect_eq "$1: LRANGE" "a b c" "$($cli lrange l 0 -1 | paste -sd' ')"
	timeout 120 redis-benchmark -p "$APP_PORT" -n 200 -P 16 -q \
		>"$T/rb" 2>&1
	# 19 tests, LPUSH twice (once to fill the list LRANGE reads).
	expect_eq "$1: every redis-benchmark test completes" 20 \
		"$(tr '\r' '\n' <"$T/rb" | grep -c 'requests per second')"
	$cli del counter:__rand_int__ >/dev/null
	timeout 60 redis-benchmark -p "$APP_PORT" -n 300 -t incr -q \
		>/dev/null 2>&1
	expect_eq "$1: 300 INCRs count to 300" 300 \
		"$($cli get counter:__rand_int__)"
}

for cfg in 'httpd|httpparser|net|vfs@proc' \
	'httpd+httpparser|net+vfs@proc/httpparser=asan+stack-protector,net=ubsan'; do
	check "build httpd $cfg" app_build httpd "$cfg" "$T/h"
	check "httpd $cfg starts" app_start "$T/h/image"
	httpd_checks "httpd $cfg"
	check "httpd $cfg still runs" app_alive
	app_stop
done

for cfg in 'kvdata|kvstore|net|resp@proc' \
	'kvdata+kvstore|net+resp@proc/kvdata=ubsan,resp=asan+ubsan'; do
	check "build kvstore $cfg" app_build kvstore "$cfg" "$T/k"
	check "kvstore $cfg starts" app_start "$T/k/image"
	kvstore_checks "kvstore $cfg"
	check "kvstore $cfg still runs" app_alive
	app_stop
done

for cfg in 'sqlite|vfs@proc' 'sqlite|vfs@proc/sqlite=stack-protector,vfs=asan'; do
	check "build sqlite $cfg" app_build sqlite "$cfg" "$T/s"
	check "sqlite $cfg: 1000 inserts" timeout 60 "$T/s/image" --inserts=1000
	expect_grep "sqlite $cfg: 1000 rows" '^rows=1000$' "$T/out"
done
