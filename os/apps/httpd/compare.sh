#!/usr/bin/env bash
# httpd in one compartment against Debian's nginx with one worker, both
# serving this application's web root on 127.0.0.1 under the same wrk
# settings (-t1 -c10 -d3s), the runs alternating.  Prints the median
# requests per second of each and their ratio (goal: httpd >= nginx).
#
#   BENCH_RUNS=N (default 5)   WRK_ARGS (default "-t1 -c10 -d3s")
. "$(dirname "$0")/../bench-lib.sh"
bench_need wrk nginx curl
WRK_ARGS=${WRK_ARGS:--t1 -c10 -d3s}
web=$FX_ROOT/os/apps/httpd/content
img=$(bench_image httpd 'httpd+httpparser+net+vfs')
work=$(mktemp -d "${TMPDIR:-/tmp}/fxbench-httpd.XXXXXX")
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

# httpd.
$PIN_SERVER "$img" --port=0 --host=127.0.0.1 --log=warn >"$work/httpd.out" \
	2>"$work/httpd.err" &
pids+=($!)
for i in $(seq 1 100); do
	hport=$(sed -n 's/^ready port=//p' "$work/httpd.out")
	[ -n "$hport" ] && break
	sleep 0.1
done
[ -n "$hport" ] || bench_die 4 "httpd did not start: $(cat "$work/httpd.err")"

# nginx: one worker, no master, no access log, the same files.
nport=$(bench_free_port)
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
master_process off;
daemon off;
error_log $work/nginx-error.log;
pid $work/nginx.pid;
events { worker_connections 1024; }
http {
	include /etc/nginx/mime.types;
	access_log off;
	server {
		listen 127.0.0.1:$nport;
		root $web;
	}
}
CONF
$PIN_SERVER nginx -c "$work/nginx.conf" -p "$work" 2>"$work/nginx.err" &
pids+=($!)
bench_wait_port "$nport" ||
	bench_die 3 "nginx did not start: $(cat "$work/nginx.err")"

# Both must serve the same bytes before anything is timed.
for f in index.html docs/32k.txt; do
	curl -s "http://127.0.0.1:$hport/$f" | cmp -s - "$web/$f" ||
		bench_die 4 "httpd serves a wrong /$f"
	curl -s "http://127.0.0.1:$nport/$f" | cmp -s - "$web/$f" ||
		bench_die 4 "nginx serves a wrong /$f"
done

echo "httpd (one compartment) vs nginx (1 worker): wrk $WRK_ARGS," \
	"$BENCH_RUNS runs each, alternating"
printf '%-16s %14s %14s %8s\n' file "httpd req/s" "nginx req/s" ratio
for f in index.html docs/32k.txt; do
	: >"$work/h" && : >"$work/n"
	for r in $(seq 1 "$BENCH_RUNS"); do
		$PIN_CLIENT wrk $WRK_ARGS "http://127.0.0.1:$hport/$f" |
			awk '/^Requests\/sec:/ { print $2 }' >>"$work/h"
		$PIN_CLIENT wrk $WRK_ARGS "http://127.0.0.1:$nport/$f" |
			awk '/^Requests\/sec:/ { print $2 }' >>"$work/n"
	done
	h=$(median <"$work/h")
	n=$(median <"$work/n")
	printf '%-16s %14s %14s %8s\n' "/$f" "$h" "$n" "$(ratio "$h" "$n")"
done
