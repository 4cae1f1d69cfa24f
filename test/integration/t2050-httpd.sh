#!/usr/bin/env bash
# httpd in one compartment: files come back byte for byte with the right
# headers, every error status is answered as documented, keep-alive reuses
# one connection, and a short wrk run completes without errors.
. "$(dirname "$0")/../lib.sh"
. "$FX_ROOT/test/os-apps/app-lib.sh"
web=$FX_ROOT/os/apps/httpd/content

check "build httpd in one compartment" \
	app_build httpd 'httpd+httpparser+net+vfs' "$T/one"
check "the image starts and says it is ready" app_start "$T/one/image"
trap 'app_stop; rm -rf "$T"' EXIT
url=http://127.0.0.1:$APP_PORT

for f in index.html small.txt css/style.css docs/4k.txt docs/32k.txt \
	docs/200k.txt; do
	curl -s -o "$T/body" "$url/$f"
	check "GET /$f returns the file byte for byte" cmp "$T/body" "$web/$f"
done
curl -s -o "$T/body" "$url/"
check "GET / returns index.html" cmp "$T/body" "$web/index.html"
curl -s -o "$T/body" "$url/docs/"
check "GET /docs/ returns docs/index.html" cmp "$T/body" \
	"$web/docs/index.html"

curl -s -D "$T/h" -o /dev/null "$url/docs/4k.txt"
expect_grep "200 status line" '^HTTP/1.1 200 OK' "$T/h"
expect_grep "Content-Length of 4k.txt" '^Content-Length: 4096' "$T/h"
expect_grep "Content-Type of a .txt file" '^Content-Type: text/plain' "$T/h"
expect_grep "a Date header in RFC 9110 form" \
	'^Date: [A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} GMT' \
	"$T/h"
expect_grep "Connection: keep-alive for HTTP/1.1" '^Connection: keep-alive' \
	"$T/h"
curl -s -D "$T/h" -o /dev/null "$url/"
expect_grep "Content-Type of / is text/html" '^Content-Type: text/html' "$T/h"

curl -s -I -o "$T/h" "$url/docs/32k.txt"
expect_grep "HEAD gives the length of the body" '^Content-Length: 32768' \
	"$T/h"
raw_send "$APP_PORT" 'HEAD /small.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n' >"$T/raw"
expect_grep "HEAD is answered 200" '^HTTP/1.1 200 OK' "$T/raw"
expect_eq "HEAD sends no body" "" "$(sed '1,/^\r$/d' "$T/raw")"

expect_eq "404 for a missing file" 404 \
	"$(curl -s -o /dev/null -w '%{http_code}' "$url/missing.html")"
expect_eq "405 for POST" 405 \
	"$(curl -s -o /dev/null -w '%{http_code}' -d x "$url/")"
curl -s -D "$T/h" -o /dev/null -X DELETE "$url/"
expect_grep "405 names the allowed methods" '^Allow: GET, HEAD' "$T/h"
expect_eq "400 for a path climbing above the root" 400 \
	"$(curl -s --path-as-is -o /dev/null -w '%{http_code}' "$url/../etc/passwd")"
long=$(head -c 3000 /dev/zero | tr '\0' a)
expect_eq "414 for a 3000-byte target" 414 \
	"$(curl -s -o /dev/null -w '%{http_code}' "$url/$long")"
raw_send "$APP_PORT" 'GET / HTTP/2.0\r\nHost: t\r\n\r\n' >"$T/raw"
expect_grep "505 for HTTP/2.0 in a request line" '^HTTP/1.1 505 ' "$T/raw"
raw_send "$APP_PORT" 'GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 99999999\r\n\r\n' >"$T/raw"
expect_grep "413 for an announced body over the limit" '^HTTP/1.1 413 ' \
	"$T/raw"
raw_send "$APP_PORT" 'GET / HTTP/1.1\r\n\r\n' >"$T/raw"
expect_grep "400 for HTTP/1.1 without Host" '^HTTP/1.1 400 ' "$T/raw"
expect_grep "an error closes the connection" '^Connection: close' "$T/raw"

# Two requests on one connection; then two pipelined in one write.
n=$(curl -s -o /dev/null -o /dev/null -w '%{num_connects}\n' \
	"$url/small.txt" "$url/docs/4k.txt" | awk '{ s += $1 } END { print s }')
expect_eq "keep-alive: two requests, one connection" 1 "$n"
raw_send "$APP_PORT" 'GET /small.txt HTTP/1.1\r\nHost: t\r\n\r\nGET /small.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n' >"$T/raw"
expect_eq "pipelining: two responses to two requests" 2 \
	"$(grep -c '^HTTP/1.1 200' "$T/raw")"
raw_send "$APP_PORT" 'GET /small.txt HTTP/1.0\r\n\r\n' >"$T/raw"
expect_grep "HTTP/1.0 without keep-alive closes" '^Connection: close' \
	"$T/raw"

wrk -t1 -c10 -d2s "$url/index.html" >"$T/wrk" 2>&1
expect_grep "wrk -t1 -c10 -d2s completes" '^Requests/sec:' "$T/wrk"
if grep -qE 'Non-2xx|Socket errors' "$T/wrk"; then
	_report 1 "wrk saw no errors"
	sed 's/^/#   /' "$T/wrk"
else
	_report 0 "wrk saw no errors"
fi
check "the server is still running" app_alive

# The web root may also come as a tar archive.
app_stop
tar -C "$web" -cf "$T/root.tar" .
check "the image starts with --content=ARCHIVE" \
	app_start "$T/one/image" "--content=$T/root.tar"
url=http://127.0.0.1:$APP_PORT
for f in index.html docs/200k.txt; do
	curl -s -o "$T/body" "$url/$f"
	check "GET /$f from the archive returns the file" cmp "$T/body" \
		"$web/$f"
done
app_stop
printf 'not a tar archive\n' >"$T/junk.tar"
expect_exit 1 "content that is no archive stops the image at start" \
	timeout 20 "$T/one/image" "--content=$T/junk.tar" --port=0
expect_grep "and says why" "cannot load content from" "$T/err"
