# Shared by the report tests (t6000-t6999): a results database holding
# the FlexOS Redis measurements explored with metric get_mean and budget
# 500000, and the answers computed independently from the CSV.
#
# redis_db DB: the exploration the explorer's replay writes (strategy
# poset, the default).  helper_db writes further explorations (another
# host, inferred outcomes) with test/reports/redis_db.py, straight from
# db/schema.sql.
redis="$FX_ROOT/spaces/flexos-redis.yaml"
csv="$FX_ROOT/spaces/flexos-asplos22-redis.csv"
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
	"$FX_BIN" --spec "$redis" --replay "$csv" --metric get_mean \
		--budget 500000 --db "$1" >"$T/replay.out" 2>&1 || {
		sed 's/^/#   /' "$T/replay.out" | tail -n 5
		return 1
	}
}

# json_get FILE EXPRESSION: print a Python expression over the JSON in
# FILE, bound to d; lists print one item a line.
json_get() {
	python3 - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
v = eval(sys.argv[2])
print("\n".join(map(str, v)) if isinstance(v, list) else v)
PY
}
