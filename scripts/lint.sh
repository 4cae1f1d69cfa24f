#!/usr/bin/env bash
# make lint: every engine C file against .clang-format, every tracked text
# file against .editorconfig's basic rules (final newline, no trailing
# blanks).  Prints what is wrong; exit 1 when anything is.
set -u
cd "$(dirname "$0")/.."
bad=0

c_files=$(git ls-files '*.c' '*.h' | grep -Ev '^(os|gates)/.*/third_party/')
for f in $c_files; do
	if ! clang-format --dry-run -Werror "$f" 2>/dev/null; then
		echo "lint: $f: not in .clang-format layout (run make format)"
		bad=1
	fi
done

for f in $(git ls-files | grep -Ev '\.(png|gz|bin|db)$|/corpus/'); do
	[ -f "$f" ] && [ -s "$f" ] || continue
	if [ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" != '\n' ]; then
		echo "lint: $f: no newline at end of file"
		bad=1
	fi
	if grep -nE '[[:blank:]]+$' "$f" >/dev/null; then
		echo "lint: $f:$(grep -nE '[[:blank:]]+$' "$f" | head -1 |
			cut -d: -f1): trailing whitespace"
		bad=1
	fi
done
exit $bad
