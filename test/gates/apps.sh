# Helpers for the application integration scripts (t201x): build an image
# of a configuration, start a server image and wait for its "ready" line,
# stop it.  Source after test/lib.sh.
SERVER_PID=
PORT=

trap 'stop_server; rm -rf "$T"' EXIT

# build_app APP CONFIG DIR: generate and build; passes when DIR/image runs.
build_app() {
	check "build $2" "$FX_BIN" gen $(app_space "$1") "$2" -o "$3" --make
}

# start_server IMAGE [OPTIONS...]: sets PORT, SERVER_PID; 1 when no ready.
start_server() {
	local img=$1
	shift
	: >"$T/server.out"
	timeout 300 "$img" --port=0 --host=127.0.0.1 "$@" \
		>"$T/server.out" 2>"$T/server.err" &
	SERVER_PID=$!
	for _ in $(seq 100); do
		PORT=$(sed -n 's/^ready port=\([0-9]*\).*/\1/p' "$T/server.out")
		[ -n "$PORT" ] && return 0
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.1
	done
	sed 's/^/#   /' "$T/server.err" | head -n 20
	return 1
}

stop_server() {
	if [ -n "$SERVER_PID" ]; then
		kill "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
		SERVER_PID=
	fi
}

# server_alive DESCRIPTION: the server has not died meanwhile.
server_alive() {
	kill -0 "$SERVER_PID" 2>/dev/null
	_report $? "$1"
}
