#!/bin/busybox sh
# The guest's init (fx-qemu.sh packs it as /init): set up a minimal system,
# run every program in /fx/tests in order, print its output and exit status
# on the console as delimited lines, then power off.
#
#   FX-OUT NN-NAME: <one line of output>
#   FX-RESULT NN-NAME <exit status>
#   FX-SECS NN-NAME <seconds it ran>
#   FX-DONE
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mount -t tmpfs tmp /tmp
# Keep kernel messages (segfault reports among them) off the console.
echo 1 >/proc/sys/kernel/printk
ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up

cd /fx || exit 1
echo "FX-BOOTED $(cut -d' ' -f1 /proc/uptime)"
for t in /fx/tests/*; do
	tag=${t##*/}
	t0=$(cut -d' ' -f1 /proc/uptime)
	timeout @PER_PROG@ "$t" >/tmp/fx.out 2>&1 </dev/null
	rc=$?
	t1=$(cut -d' ' -f1 /proc/uptime)
	sed "s/^/FX-OUT $tag: /" /tmp/fx.out
	echo "FX-RESULT $tag $rc"
	echo "FX-SECS $tag $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')"
done
echo "FX-DONE $(cut -d' ' -f1 /proc/uptime)"
sync
poweroff -f
