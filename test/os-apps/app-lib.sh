# Helpers for the application integration scripts (t2050-t2099), sourced
# after test/lib.sh: build an application image, start a server image and
# wait until it is ready, stop it.

# app_build APP CONFIG DIR: the image of CONFIG in DIR/image, through the
# engine's generator and os/Makefile.
app_build() {
	"$FX_BIN" gen $(app_space "$1") "$2" -o "$3" --make
}

# app_start IMAGE ARGS...: start a server image on a free port; sets
# APP_PID and APP_PORT, or returns 1 when no "ready port=N" came within
# 20 seconds.  Its stdout and stderr go to $T/server.out and .err.
app_start() {
	local img=$1 i
	shift
	"$img" --port=0 --host=127.0.0.1 "$@" >"$T/server.out" \
		2>"$T/server.err" &
	APP_PID=$!
	APP_PORT=
	for i in $(seq 1 200); do
		APP_PORT=$(sed -n 's/^ready port=\([0-9]*\)$/\1/p' \
			"$T/server.out")
		[ -n "$APP_PORT" ] && return 0
		kill -0 "$APP_PID" 2>/dev/null || break
		sleep 0.1
	done
	sed 's/^/#   /' "$T/server.err" | head -n 20
	return 1
}

# app_alive: the server started last still runs.
app_alive() {
	kill -0 "$APP_PID" 2>/dev/null
}

# app_stop: stop the server started last (and its compartment processes,
# which are in its process group only when it made one: kill the children
# it forked by their parent id first).
app_stop() {
	[ -n "${APP_PID:-}" ] || return 0
	pkill -TERM -P "$APP_PID" 2>/dev/null
	kill "$APP_PID" 2>/dev/null
	wait "$APP_PID" 2>/dev/null
	APP_PID=
}

# raw_send PORT DATA [SECONDS]: send DATA (printf format) on one
# connection and print what comes back until the server closes or
# SECONDS (default 2) pass.
raw_send() {
	local port=$1 data=$2 secs=${3:-2}
	timeout "$secs" bash -c '
		exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		printf "$2" >&3
		cat <&3
	' raw_send "$port" "$data" 2>/dev/null
	return 0
}
