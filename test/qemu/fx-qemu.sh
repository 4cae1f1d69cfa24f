#!/usr/bin/env bash
# Boot a Debian kernel under QEMU's software CPU (which emulates protection
# keys), run guest programs inside it, and report one result per program.
#
#   test/qemu/fx-qemu.sh [options] PROGRAM...
#
# Each PROGRAM is a host executable (static, or dynamic: its libraries are
# copied in) or a shell script; it runs in the guest as /fx/tests/NN-NAME,
# in the order given, with the guest's /fx as its working directory.
#   -f HOST[:GUEST]   also copy HOST (a file or folder) into the guest at
#                     GUEST (default /fx/<basename>); executables among
#                     them get their libraries copied in too
#   -t SECONDS        time limit for the whole boot (default 90)
#   -p SECONDS        time limit per program inside the guest (default 30)
#   -o DIR            keep the console log and per-program output in DIR
#   -m SIZE           guest memory (default 512M)
#   -k                keep the work folder (initramfs, console log)
#
# Output: for every program one line "FX-RESULT NAME RC (SECONDS)" (RC is
# the exit status, 128+N for signal N, "missing" when the guest never
# reported it), then "FX-TIME boot+run S", then each program's output
# under a "--- NAME" header.  The script exits 0 when every program exited
# 0, 1 when one did not, 2 on bad arguments, 3 when QEMU, the kernel,
# busybox or cpio is missing, 4 when the guest did not finish in time.
#
# Environment: FX_QEMU (qemu binary), FX_KERNEL (kernel image).
set -u
here=$(cd "$(dirname "$0")" && pwd)
apt_line="apt-get install qemu-system-x86 linux-image-cloud-amd64 busybox-static cpio"

limit=90
per_prog=30
outdir=
mem=512M
keep=0
extra=()
while getopts "f:t:p:o:m:kh" opt; do
	case $opt in
	f) extra+=("$OPTARG") ;;
	t) limit=$OPTARG ;;
	p) per_prog=$OPTARG ;;
	o) outdir=$OPTARG ;;
	m) mem=$OPTARG ;;
	k) keep=1 ;;
	h)
		sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'
		exit 0
		;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -eq 0 ]; then
	echo "fx-qemu: no program to run (see -h)" >&2
	exit 2
fi

die_env() {
	echo "fx-qemu: $1" >&2
	echo "fx-qemu: install with: $apt_line" >&2
	exit 3
}

# The tools: QEMU, a kernel with protection keys, a static busybox, cpio.
qemu=${FX_QEMU:-$(command -v qemu-system-x86_64 || true)}
[ -n "$qemu" ] && [ -x "$qemu" ] || die_env "qemu-system-x86_64 not found"
kernel=${FX_KERNEL:-$(ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sort -V |
	tail -n 1)}
[ -n "$kernel" ] && [ -r "$kernel" ] ||
	die_env "no readable /boot/vmlinuz-*-cloud-amd64 (Debian cloud kernel)"
busybox=$(command -v busybox || true)
if [ -z "$busybox" ] || ldd "$busybox" >/dev/null 2>&1; then
	die_env "no static busybox (package busybox-static)"
fi
command -v cpio >/dev/null || die_env "cpio not found"

work=$(mktemp -d "${TMPDIR:-/tmp}/fxqemu.XXXXXX")
if [ "$keep" -eq 0 ]; then
	trap 'rm -rf "$work"' EXIT
else
	echo "fx-qemu: work folder $work" >&2
fi
root=$work/root
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,fx/tests}

# copy_libs FILE: copy the shared libraries FILE needs (and the loader) to
# the same paths in the guest.  Static files and scripts need none.
copy_libs() {
	local lib libs
	libs=$(ldd "$1" 2>/dev/null) || return 0 # static, or a script
	echo "$libs" | grep -oE '/[^ ]+' | while read -r lib; do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

cp "$busybox" "$root/bin/busybox"

# The programs, numbered so that they run in the order given.
n=0
names=()
tags=()
for prog in "$@"; do
	[ -f "$prog" ] && [ -x "$prog" ] || {
		echo "fx-qemu: $prog: not an executable file" >&2
		exit 2
	}
	n=$((n + 1))
	name=$(basename "$prog")
	names+=("$name")
	tags+=("$(printf '%02d' "$n")-$name")
	cp -L "$prog" "$root/fx/tests/${tags[-1]}"
	copy_libs "$prog"
done

for spec in ${extra[@]+"${extra[@]}"}; do
	src=${spec%%:*}
	dst=/fx/$(basename "$src")
	[ "$spec" != "$src" ] && dst=${spec#*:}
	[ -e "$src" ] || {
		echo "fx-qemu: $src: no such file" >&2
		exit 2
	}
	mkdir -p "$root$(dirname "$dst")"
	cp -rL "$src" "$root$dst"
	while IFS= read -r f; do
		copy_libs "$f"
	done < <(find "$src" -type f -perm -u+x)
done

sed "s/@PER_PROG@/$per_prog/" "$here/init.sh" >"$root/init"
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) >"$work/initrd.cpio"

# Boot.  TCG with -cpu max emulates PKU; KVM is not used on purpose.
console=$work/console.log
start=$(date +%s.%N)
timeout -k 5 "$limit" "$qemu" -accel tcg -cpu max -m "$mem" -smp 1 \
	-nographic -no-reboot -nodefaults -serial stdio \
	-kernel "$kernel" -initrd "$work/initrd.cpio" \
	-append "console=ttyS0 quiet loglevel=1 panic=-1 rdinit=/init" \
	</dev/null >"$console" 2>&1
qrc=$?
end=$(date +%s.%N)
tr -d '\r' <"$console" >"$console.txt"
mv "$console.txt" "$console"
total=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')

[ -n "$outdir" ] && mkdir -p "$outdir" && cp "$console" "$outdir/console.log"

# Results: FX-RESULT lines from the guest; output lines are "FX-OUT NAME:".
status=0
for i in "${!names[@]}"; do
	name=${names[$i]}
	tag=${tags[$i]}
	rc=$(sed -n "s/^FX-RESULT $tag \([0-9]*\)\$/\1/p" "$console" | tail -n 1)
	rc=${rc:-missing}
	secs=$(sed -n "s/^FX-SECS $tag \([0-9.]*\)\$/\1/p" "$console" | tail -n 1)
	echo "FX-RESULT $name $rc${secs:+ (${secs}s)}"
	[ "$rc" = 0 ] || status=1
	if [ -n "$outdir" ]; then
		sed -n "s/^FX-OUT $tag: \{0,1\}//p" "$console" >"$outdir/$name.out"
	fi
done
echo "FX-TIME boot+run $total"
for i in "${!names[@]}"; do
	echo "--- ${names[$i]}"
	sed -n "s/^FX-OUT ${tags[$i]}: \{0,1\}//p" "$console"
done

if ! grep -q '^FX-DONE' "$console"; then
	echo "fx-qemu: the guest did not finish (qemu exit $qrc after ${total}s); console tail:" >&2
	tail -n 30 "$console" >&2
	exit 4
fi
exit $status
