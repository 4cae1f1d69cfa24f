#!/usr/bin/env bash
# httpd in three configurations: one compartment without hardening; proc
# with every component alone; proc with two compartments and mixed
# hardening.  In each: bodies and headers are checked against the web
# root, then wrk drives it briefly and the answers are checked again.
. "$(dirname "$0")/../lib.sh"
. "$FX_ROOT/test/gates/apps.sh"
content=$FX_ROOT/os/apps/httpd/content

http_checks() { # NAME
	local n=$1 url=http://127.0.0.1:$PORT
	curl -s -m 10 -o "$T/body" "$url/small.txt"
	cmp -s "$T/body" "$content/small.txt"
	_report $? "$n: GET /small.txt returns the file"
	curl -s -m 10 -o "$T/body" "$url/docs/200k.txt"
	cmp -s "$T/body" "$content/docs/200k.txt"
	_report $? "$n: GET /docs/200k.txt returns the file"
	curl -s -m 10 -I "$url/small.txt" >"$T/head"
	expect_grep "$n: HEAD answers 200" '^HTTP/1.1 200' "$T/head"
	expect_grep "$n: HEAD gives the length" \
		"^[Cc]ontent-[Ll]ength: $(stat -c %s "$content/small.txt")" \
		"$T/head"
	expect_eq "$n: missing file is 404" 404 \
		"$(curl -s -m 10 -o /dev/null -w '%{http_code}' "$url/nope")"
}

run_config() { # NAME CONFIG
	local n=$1 dir=$T/$1
	build_app httpd "$2" "$dir"
	if ! start_server "$dir/image"; then
		_report 1 "$n: image announces it is ready"
		return
	fi
	_report 0 "$n: image announces it is ready"
	http_checks "$n"
	timeout 30 wrk -t1 -c4 -d1s "http://127.0.0.1:$PORT/index.html" \
		>"$T/wrk" 2>&1
	expect_grep "$n: wrk completes requests" \
		'^[[:space:]]*[1-9][0-9]* requests in' "$T/wrk"
	if grep -qE 'Non-2xx|Socket errors' "$T/wrk"; then
		_report 1 "$n: wrk saw no errors"
		sed 's/^/#   /' "$T/wrk"
	else
		_report 0 "$n: wrk saw no errors"
	fi
	http_checks "$n after load"
	server_alive "$n: server survived"
	stop_server
}

run_config one 'httpd+httpparser+net+vfs'
run_config alone 'httpd|httpparser|net|vfs@proc'
run_config mixed \
	'httpd+httpparser|net+vfs@proc/httpparser=asan+stack-protector,net=ubsan,vfs=stack-protector'
