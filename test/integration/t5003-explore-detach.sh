#!/usr/bin/env bash
# --detach: the exploration runs in the background with a log and a pid
# file; status shows it; stop ends it cleanly; the command resumes it.
. "$(dirname "$0")/../lib.sh"
cat >"$T/space.yaml" <<'YAML'
name: bg
components: [a, b, c, d]
mechanisms: [fcall, mpk]
hardening:
  - name: stack-protector
YAML
explore() {
	"$FX_BIN" --app bg --spec "$T/space.yaml" --budget 85% \
		--simulate seed=5,delay=0.1 --no-progress "$@"
}

expect_exit 0 "--detach returns at once" explore --detach
expect_grep "saying where the log is" "^log: $FLEXEXPLORE_HOME/explore-1.log" \
	"$T/out"
pid=$(sed -n 's/.*as process \([0-9]*\)$/\1/p' "$T/out")
expect_eq "the pid file names the engine" "$pid" \
	"$(cat "$FLEXEXPLORE_HOME/explore-1.pid" 2>/dev/null)"
kill -0 "$pid" 2>/dev/null
_report $? "which runs"
sleep 0.5
expect_exit 0 "status" "$FX_BIN" status
expect_grep "shows it running" "running +$pid " "$T/out"
expect_exit 0 "stop" "$FX_BIN" stop
expect_grep "ends it" "exploration 1 stopped" "$T/out"
# Gone (it may still be tearing down after its lock is released), or a
# zombie waiting for a parent that does not reap.
for _ in $(seq 50); do
	state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)
	[ -z "$state" ] || [ "$state" = Z ] && break
	sleep 0.1
done
[ -z "$state" ] || [ "$state" = Z ]
_report $? "the engine is gone"
expect_eq "marked stopped" stopped "$(sqlite3 "$FLEXEXPLORE_HOME/flexexplore.db" \
	"SELECT status FROM explorations")"
expect_grep "the log has its lines" "evaluated '" \
	"$FLEXEXPLORE_HOME/explore-1.log"
expect_exit 0 "stop again: nothing runs" "$FX_BIN" stop
expect_grep "says so" "no exploration is running" "$T/out"
expect_exit 2 "stop of an id that does not run" "$FX_BIN" stop 1

check "the command resumes it in the foreground" explore
expect_grep "resuming" "resuming exploration 1" "$T/err"
expect_eq "to the end" finished "$(sqlite3 "$FLEXEXPLORE_HOME/flexexplore.db" \
	"SELECT status FROM explorations")"
expect_exit 0 "detached again, it answers at once" explore --detach
expect_grep "from the database" "answering from the database" "$T/out"
echo "1..$_n"
