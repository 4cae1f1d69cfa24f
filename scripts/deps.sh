#!/usr/bin/env bash
# Install the Debian packages listed in scripts/packages.txt that are not
# installed yet.  Needs root and apt-get; says what to do otherwise.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
list="$here/packages.txt"

missing=()
while read -r pkg _; do
	case "$pkg" in "" | "#"*) continue ;; esac
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	[ "$status" = "install ok installed" ] || missing+=("$pkg")
done <"$list"

[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: these Debian packages are missing: ${missing[*]}" >&2
	echo "deps: this system has no apt-get; install their equivalents" \
		"by hand (see README.md, Dependencies)" >&2
	exit 3
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: these Debian packages are missing: ${missing[*]}" >&2
	echo "deps: run as root, or: sudo apt-get install ${missing[*]}" >&2
	exit 3
fi

echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# A stale package list makes installs fail; refresh it when older than a day.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' \
	-mmin -1440 2>/dev/null | head -n 1)" ]; then
	apt-get update -qq >&2
fi
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2; then
	apt-get update -qq >&2
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 || {
		echo "deps: apt-get could not install: ${missing[*]}" >&2
		exit 3
	}
fi
