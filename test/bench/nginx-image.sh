#!/usr/bin/env bash
# Debian's nginx dressed as an image, to test the benchmark machinery
# before the bundled httpd exists: takes --port=N --host=ADDR
# [--content=DIR] and prints "ready port=N" once it answers.
set -u
here=$(cd "$(dirname "$0")" && pwd)
port=
host=127.0.0.1
content=$here/../../os/apps/httpd/content
for a in "$@"; do
	case $a in
	--port=*) port=${a#--port=} ;;
	--host=*) host=${a#--host=} ;;
	--content=*) content=${a#--content=} ;;
	esac
done
[ -n "$port" ] || { echo "nginx-image: --port=N is required" >&2; exit 2; }
content=$(cd "$content" && pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/nginx-image.XXXXXX")
trap 'rm -rf "$dir"' EXIT
cat >"$dir/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 512; }
http {
	access_log off;
	client_body_temp_path $dir/body;
	proxy_temp_path $dir/proxy;
	fastcgi_temp_path $dir/fastcgi;
	uwsgi_temp_path $dir/uwsgi;
	scgi_temp_path $dir/scgi;
	server {
		listen $host:$port;
		root $content;
	}
}
CONF
nginx -c "$dir/nginx.conf" -p "$dir" -e "$dir/error.log" &
pid=$!
for _ in $(seq 200); do
	if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
		echo "ready port=$port"
		wait "$pid"
		exit $?
	fi
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.05
done
wait "$pid"
