# Shared by the report tests (t6000-t6999): a results database holding
# the FlexOS Redis measurements explored with metric get_mean and budget
# 500000, and the answers computed independently from the CSV.
#
# redis_db DB: the exploration by the explorer's replay when this build
# has one, else written by test/reports/redis_db.py straight from
# db/schema.sql.  Sets $how to "replay" or "helper".
redis="$FX_ROOT/spaces/flexos-redis.yaml"
csv="$FX_ROOT/../shared/data/flexos-asplos22-redis.csv"
[ -f "$csv" ] || csv=/work/shared/data/flexos-asplos22-redis.csv
helper="$FX_ROOT/test/reports/redis_db.py"

space_json() {
	[ -f "$T/space.json" ] && return 0
	"$FX_BIN" space --spec "$redis" --json >"$T/space.json" &&
		"$FX_BIN" space --spec "$redis" --list --json >"$T/list.json"
}

# helper_db DB HOST MECHANISMS [redis_db.py build options...]
helper_db() {
	local db=$1 host=$2 mechs=$3
	shift 3
	space_json &&
		python3 "$helper" build "$db" "$csv" "$redis" "$T/space.json" \
			"$T/list.json" --host "$host" --mechanisms "$mechs" \
			"$@" >/dev/null
}

redis_db() {
	local db=$1
	how=replay
	if "$FX_BIN" --spec "$redis" --replay "$csv" --metric get_mean \
		--budget 500000 --db "$db" >"$T/replay.out" 2>&1 &&
		[ "$(sqlite3 "$db" 'SELECT count(*) FROM explorations')" -ge 1 ]
	then
		return 0
	fi
	echo "# the explorer cannot replay yet; the database is written" \
		"by test/reports/redis_db.py"
	sed 's/^/#   /' "$T/replay.out" | head -n 3
	rm -f "$db" "$db-wal" "$db-shm"
	how=helper
	helper_db "$db" "testhost-a" "fcall,mpk,proc"
}
