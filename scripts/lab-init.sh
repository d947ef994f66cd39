#!/bin/sh
# /init of the kernel-lab initramfs, run by busybox ash as PID 1 in the guest.
#
# scripts/kernel-lab writes /lab/env.sh (exports) and /lab/command.sh (the
# quoted command). The guest reports back on the second serial port, which
# the host records to a file, one line per message:
#   TTMLAB-BOOTED <uptime s>   when /init starts
#   TTMLAB-STATUS <n>          the command's exit status
#   TTMLAB-TAR-BEGIN, base64 of a gzip tarball of /lab/out, TTMLAB-TAR-END
#   TTMLAB-DONE                everything above was written
# The first port is the console: kernel messages and the command's output.

channel=/dev/ttyS1

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

# The kernel may start /init without stdio when the initramfs has no
# /dev/console, so open it once devtmpfs is there.
exec </dev/console >/dev/console 2>&1

mount -t tracefs tracefs /sys/kernel/tracing
mount -t debugfs debugfs /sys/kernel/debug
mount -t bpf bpf /sys/fs/bpf
mount -t tmpfs tmpfs /tmp

# results/<time>-<hostname> folders of ttmbench run carry this name.
hostname ttmbench-lab

# Connect workloads need a server on 127.0.0.1.
ip link set lo up

# Raw mode: no \n to \r\n translation on the data channel.
stty -F "$channel" raw -echo

read -r uptime _ </proc/uptime
echo "TTMLAB-BOOTED $uptime" >"$channel"
echo "lab-init: guest $(uname -r) booted in ${uptime} s"

. /lab/env.sh
cd /lab/out || poweroff -f
echo "lab-init: running $(cat /lab/command.txt)"
sh /lab/command.sh </dev/null
status=$?
echo "lab-init: command exited with status $status"
echo "TTMLAB-STATUS $status" >"$channel"

{
	echo TTMLAB-TAR-BEGIN
	tar -czf - -C /lab/out . | base64
	echo TTMLAB-TAR-END
	echo TTMLAB-DONE
} >"$channel"

# Closing the tty above waited until the UART had sent its buffer.
poweroff -f
