# Helpers of the builder's integration scripts (t3xxx), sourced after
# test/lib.sh.
SPEC="$FX_ROOT/test/builder/httpd.yaml"
BASE='httpd+httpparser+net+vfs'

# copy_tree DIR: a source tree of our own (os/ and gates/) to edit.
copy_tree() {
	mkdir -p "$1"
	cp -r "$FX_ROOT/os" "$FX_ROOT/gates" "$1/"
}

# jfield NAME FILE: the value of NAME in the first JSON line of FILE.
jfield() {
	sed -n "s/.*\"$1\": \\(\"[^\"]*\"\\|[a-z0-9.]*\\).*/\\1/p" "$2" |
		head -n 1 | tr -d '"'
}

# build ARGS...: flexexplore build --spec SPEC --json ARGS..., output in
# $T/out and $T/err, exit status in $rc.
build() {
	"$FX_BIN" build --spec "$SPEC" --json "$@" >"$T/out" 2>"$T/err"
	rc=$?
}
