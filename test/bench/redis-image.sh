#!/usr/bin/env bash
# Debian's redis-server dressed as an image, to test the benchmark
# machinery before the bundled kvstore exists: takes --port=N --host=ADDR
# and prints "ready port=N" on stdout once it answers PING.
set -u
port=
host=127.0.0.1
for a in "$@"; do
	case $a in
	--port=*) port=${a#--port=} ;;
	--host=*) host=${a#--host=} ;;
	esac
done
[ -n "$port" ] || { echo "redis-image: --port=N is required" >&2; exit 2; }

redis-server --port "$port" --bind "$host" --save '' --appendonly no \
	--daemonize no --logfile '' >&2 &
pid=$!
for _ in $(seq 200); do
	if [ "$(redis-cli -h "$host" -p "$port" ping 2>/dev/null)" = PONG ]; then
		echo "ready port=$port"
		wait "$pid"
		exit $?
	fi
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.05
done
wait "$pid"
