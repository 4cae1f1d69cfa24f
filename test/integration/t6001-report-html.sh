#!/usr/bin/env bash
# flexexplore report --html opened in headless Chromium: the page renders
# the ranking table, the Hasse diagram and the chart, its script runs
# without a console error, and the screenshot is not blank.
. "$(dirname "$0")/../lib.sh"
. "$FX_ROOT/test/reports/setup.sh"
db="$T/r.db"

chrome() { # chromium in a fresh profile, no network, bounded in time
	rm -rf "$T/profile"
	timeout 90 chromium --headless --no-sandbox --disable-gpu \
		--disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--user-data-dir="$T/profile" "$@"
}

check "a database of the FlexOS Redis exploration" redis_db "$db"
expect_exit 0 "report --html" "$FX_BIN" report --db "$db" \
	--html "$T/report.html"
expect_eq "no reference outside the page" 0 \
	"$(grep -ciE '(src|href)="(https?:)?//|@import|url\(' \
		"$T/report.html")"
named=$(sqlite3 "$db" 'SELECT count(DISTINCT config_id) FROM decisions')

check "chromium renders the page" chrome --enable-logging=stderr --v=0 \
	--dump-dom "file://$T/report.html"
cp "$T/out" "$T/dom.html"
cp "$T/err" "$T/console.log"
expect_grep "the page's script ran to its end" \
	'<body[^>]* data-report-ready="yes"' "$T/dom.html"
expect_eq "no console errors" 0 \
	"$(grep -ciE 'uncaught|:CONSOLE[:(].*(error|exception)' \
		"$T/console.log")"
expect_grep "the ranking table is there" '<table id="ranking"' "$T/dom.html"
expect_eq "it has a row per maximal configuration" 2 \
	"$(sed -n '/<table id="ranking"/,/<\/table>/p' "$T/dom.html" |
		grep -c '<tr class=')"
expect_grep "the Hasse diagram is there" '<svg id="hasse"' "$T/dom.html"
expect_eq "it draws every named configuration" "$named" \
	"$(grep -o '<g class="node' "$T/dom.html" | wc -l)"
expect_eq "it marks the two recommended ones" 2 \
	"$(grep -o '<g class="node recommended"' "$T/dom.html" | wc -l)"
expect_grep "it shows where the budget border runs" \
	'<line class="edge border"' "$T/dom.html"
expect_grep "every node has a tooltip" \
	'<g class="node[^"]*"[^>]*><title>lwip\+newlib\+redis\+uksched' \
	"$T/dom.html"
expect_grep "the chart has the budget line" '<line id="budget-line"' \
	"$T/dom.html"
expect_grep "the chart has the Pareto set" '<polyline id="pareto-line"' \
	"$T/dom.html"

# Sorting, through the page's own click handlers ('#sort=' clicks).
first_cell() { # TABLE COLUMN: that cell of the first body row
	python3 - "$T/out" "$1" "$2" <<'PY'
import re, sys
dom = open(sys.argv[1]).read()
table = re.search(r'<table id="%s".*?</table>' % sys.argv[2], dom, re.S)
row = re.search(r'<tbody>\s*<tr[^>]*>(.*?)</tr>', table.group(0), re.S)
cells = re.findall(r'<td[^>]*>(.*?)</td>', row.group(1), re.S)
print(re.sub(r'<[^>]+>', '', cells[int(sys.argv[3])]))
PY
}
check "ranking sorted by get_mean, ascending" chrome --dump-dom \
	"file://$T/report.html#sort=ranking:4"
expect_eq "puts the second-ranked first" 2 "$(first_cell ranking 0)"
expect_grep "and marks the column" \
	'<th data-type="num" aria-sort="ascending">get_mean' "$T/out"
check "every configuration sorted by score, descending" chrome --dump-dom \
	"file://$T/report.html#sort=all:7:desc"
expect_eq "puts the safest first" 100.0 "$(first_cell all 7)"
check "and ascending" chrome --dump-dom "file://$T/report.html#sort=all:7"
expect_eq "puts the baseline first" 0.0 "$(first_cell all 7)"

check "chromium takes a screenshot" chrome --window-size=1280,1400 \
	--screenshot="$T/shot.png" "file://$T/report.html"
read -r w h colours ink < <(python3 "$FX_ROOT/test/reports/pngstat.py" \
	"$T/shot.png")
expect_eq "the screenshot is 1280 wide" 1280 "$w"
check "the screenshot is not blank (${colours:-0} colours, ${ink:-0}% ink)" \
	test "${colours:-0}" -gt 50 -a "${ink%.*}" -ge 3
logs="$FX_ROOT/${FX_BUILD:-build/test}/test-logs"
mkdir -p "$logs"
cp "$T/shot.png" "$T/report.html" "$logs/" 2>/dev/null || true
