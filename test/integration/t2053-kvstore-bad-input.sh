#!/usr/bin/env bash
# kvstore under bad input: malformed RESP gets a protocol error and a
# closed connection, oversized and truncated commands and clients that
# leave mid-command never stop the server.
. "$(dirname "$0")/../lib.sh"
. "$FX_ROOT/test/os-apps/app-lib.sh"

check "build kvstore in one compartment" \
	app_build kvstore 'kvdata+kvstore+net+resp' "$T/one"
check "the image starts" app_start "$T/one/image"
trap 'app_stop; rm -rf "$T"' EXIT

i=0
for bad in '*x\r\n' '*1\r\n:5\r\n' '*1\r\n$3\r\nabcd\r\n' '*1\r\n$-5\r\n' \
	'*2\r\n$3\r\nGET\r\n+k\r\n'; do
	i=$((i + 1))
	raw_send "$APP_PORT" "$bad" >"$T/raw"
	expect_grep "malformed command $i gets a protocol error" \
		'^-ERR Protocol error' "$T/raw"
done
raw_send "$APP_PORT" '*1\r\n$999999999\r\n' >"$T/raw"
expect_grep "an argument over the size limit is refused" \
	'^-ERR Protocol error: invalid bulk length' "$T/raw"

# Replies before the error still come, in order.
raw_send "$APP_PORT" 'PING\r\n*1\r\n$4\r\nPING\r\n*1\r\nbad\r\n' >"$T/raw"
expect_eq "good commands before a bad one are answered" \
	"+PONG +PONG -ERR Protocol error: malformed request" \
	"$(tr -d '\r' <"$T/raw" | paste -sd' ')"

# Truncated commands from clients that leave.
for part in '*3\r\n$3\r\nSET\r\n$1\r\nk' '*2\r\n$3\r\nGET' '*1' 'PIN'; do
	raw_send "$APP_PORT" "$part" 0.3 >/dev/null
done
check "alive after truncated commands and early disconnects" app_alive

# Too many arguments is an error reply, not a closed connection.
args=$(for i in $(seq 1 300); do printf ' x'; done)
raw_send "$APP_PORT" "DEL$args\r\nPING\r\n" 1 >"$T/raw"
expect_eq "too many arguments: an error, then the next reply" \
	"-ERR too many arguments +PONG" "$(tr -d '\r' <"$T/raw" | paste -sd' ')"

# A 900 KiB value set and read back intact.
head -c 921600 /dev/zero | tr '\0' v >"$T/big"
timeout 10 redis-cli -p "$APP_PORT" -x set big <"$T/big" >/dev/null
timeout 10 redis-cli -p "$APP_PORT" --no-raw strlen big >/dev/null 2>&1
timeout 10 redis-cli -p "$APP_PORT" get big | head -c 921600 >"$T/back"
check "a 900 KiB value comes back intact" cmp "$T/big" "$T/back"

# Binary noise.
head -c 8192 /dev/urandom >"$T/noise"
timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"; cat "$2" >&3; cat <&3' \
	_ "$APP_PORT" "$T/noise" >/dev/null 2>&1
check "alive after binary noise" app_alive
expect_eq "and still answers" PONG "$(timeout 5 redis-cli -p "$APP_PORT" ping)"
