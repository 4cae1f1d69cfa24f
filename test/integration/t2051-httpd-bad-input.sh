#!/usr/bin/env bash
# httpd under bad input: truncated, oversized, malformed and binary
# requests and clients that vanish mid-request get an error status or a
# closed connection, and the server keeps serving.
. "$(dirname "$0")/../lib.sh"
. "$FX_ROOT/test/os-apps/app-lib.sh"

check "build httpd in one compartment" \
	app_build httpd 'httpd+httpparser+net+vfs' "$T/one"
check "the image starts" app_start "$T/one/image"
trap 'app_stop; rm -rf "$T"' EXIT
url=http://127.0.0.1:$APP_PORT

# Truncated requests, then the client leaves.
for part in 'GET' 'GET /index.html HT' 'GET / HTTP/1.1\r\nHost: a\r\n' \
	'GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nabc'; do
	raw_send "$APP_PORT" "$part" 0.3 >/dev/null
done
check "alive after truncated requests and early disconnects" app_alive

# Malformed request lines and fields, each answered 400 and closed.
i=0
for bad in 'GARBAGE\r\n\r\n' ' / HTTP/1.1\r\nHost: a\r\n\r\n' \
	'GET / HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n' \
	'GET / HTTP/1.x\r\nHost: a\r\n\r\n' \
	'GET /%%zz HTTP/1.1\r\nHost: a\r\n\r\n' \
	'GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n'; do
	i=$((i + 1))
	raw_send "$APP_PORT" "$bad" >"$T/raw"
	expect_grep "malformed request $i is a 400" '^HTTP/1.1 400 ' "$T/raw"
done

# A head far over the limit: 413, and the connection closes.
head -c 20000 /dev/zero | tr '\0' x >"$T/big"
{ printf 'GET / HTTP/1.1\r\nHost: a\r\nX-Big: '; cat "$T/big"; } >"$T/req"
timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"; cat "$2" >&3; cat <&3' \
	_ "$APP_PORT" "$T/req" >"$T/raw" 2>/dev/null
expect_grep "an oversized head is a 413" '^HTTP/1.1 413 ' "$T/raw"

# Binary noise.
head -c 4096 /dev/urandom >"$T/noise"
timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"; cat "$2" >&3; cat <&3' \
	_ "$APP_PORT" "$T/noise" >/dev/null 2>&1
check "alive after binary noise" app_alive

# Many connections opened and dropped while a large file is in flight.
pids=()
for i in $(seq 1 20); do
	curl -s -m 0.05 -o /dev/null "$url/docs/200k.txt" &
	pids+=($!)
done
wait "${pids[@]}" 2>/dev/null
check "alive after clients that leave during a large response" app_alive
curl -s -o "$T/body" "$url/docs/200k.txt"
check "and still serves files correctly" cmp "$T/body" \
	"$FX_ROOT/os/apps/httpd/content/docs/200k.txt"

# A client that connects and stays silent is dropped after the idle
# timeout.
app_stop
check "the image starts with --idle-timeout=1" app_start "$T/one/image" \
	--idle-timeout=1
start=$(date +%s)
timeout 10 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"; cat <&3' _ "$APP_PORT" \
	>/dev/null 2>&1
took=$(($(date +%s) - start))
expect_eq "a silent connection is closed within 1-3 s" 1 \
	"$([ "$took" -ge 1 ] && [ "$took" -le 3 ] && echo 1)"
check "and the server keeps running" app_alive
