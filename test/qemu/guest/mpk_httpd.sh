#!/bin/sh
# Guest side: httpd with every component alone under mpk
# (httpd|httpparser|net|vfs@mpk), driven by busybox wget and wrk.
img=/fx/img/httpd-mpk
web=/fx/content
fail=0
say() { # status what
	if [ "$1" -eq 0 ]; then echo "ok $2"; else echo "FAIL $2"; fail=1; fi
}
[ -x $img ] || { echo "FAIL the image $img was not built"; exit 1; }

$img --port=8080 --host=127.0.0.1 --content=$web >/tmp/httpd.out 2>&1 &
pid=$!
for _ in $(seq 40); do
	grep -q '^ready port=8080' /tmp/httpd.out && break
	sleep 0.25
done
grep -q '^ready port=8080' /tmp/httpd.out
say $? "httpd@mpk starts and says ready"

for f in index.html small.txt css/style.css; do
	rm -f /tmp/body
	wget -q -O /tmp/body http://127.0.0.1:8080/$f
	say $? "GET /$f answers 200"
	cmp -s /tmp/body $web/$f
	say $? "GET /$f body is the file"
done
wget -q -O /tmp/body http://127.0.0.1:8080/no-such-file 2>/tmp/err
[ $? -ne 0 ] && grep -q '404' /tmp/err
say $? "GET of a missing file answers 404"
wget -S --spider http://127.0.0.1:8080/index.html >/tmp/head 2>&1
grep -q 'HTTP/1.1 200' /tmp/head && grep -qi "Content-Length: $(wc -c <$web/index.html)" /tmp/head
say $? "HEAD /index.html: 200 with the file's length"

if [ -x /fx/bin/wrk ]; then
	/fx/bin/wrk -t1 -c2 -d2s http://127.0.0.1:8080/index.html >/tmp/wrk 2>&1
	cat /tmp/wrk
	n=$(sed -n 's/^ *\([0-9][0-9]*\) requests in.*/\1/p' /tmp/wrk)
	[ "${n:-0}" -gt 0 ] && ! grep -q 'Non-2xx\|Socket errors' /tmp/wrk
	say $? "wrk: ${n:-0} requests, all 2xx, no socket errors"
fi

kill -0 $pid 2>/dev/null
say $? "httpd@mpk is still running after the load"
kill $pid
wait $pid
grep -q 'stopped by' /tmp/httpd.out && { cat /tmp/httpd.out; say 1 "no compartment was stopped"; }
exit $fail
