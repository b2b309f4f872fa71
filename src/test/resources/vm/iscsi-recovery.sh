# Guest scenario (shared/vm harness): ErrorRecoveryLevel 0 session recovery. Logs in, writes 4 MiB,
# signals the host (/mnt/host/phase1), waits while the host restarts the target (/mnt/host/phase2),
# then writes 4 MiB more, which needs the initiator to have logged in again. Results: md5a, md5b.
# Environment: ISCSI_PORT, TARGET_IQN, IDLE_S (seconds to stay idle before phase1).
set -u
. "${VM_LIB:-/mnt/ctl/lib.sh}"
PORTAL=10.0.2.2:$ISCSI_PORT
need_modules iscsi_tcp sd_mod ext4 crc32c_generic
iscsid || die "iscsid"
wait_until 5 sh -c 'iscsiadm -m session >/dev/null 2>&1; [ $? -ne 20 ]' || die "iscsid does not answer"
iscsiadm -m node -o new -T "$TARGET_IQN" -p "$PORTAL" >/dev/null || die "node"
iscsiadm -m node -T "$TARGET_IQN" -p "$PORTAL" -o update -n node.session.timeo.replacement_timeout -v 120
iscsiadm -m node -T "$TARGET_IQN" -p "$PORTAL" --login || die "login"
wait_until 15 sh -c "iscsiadm -m session -P 3 2>/dev/null | grep -q 'Attached scsi disk'" || die "no disk"
DISK=/dev/$(iscsiadm -m session -P 3 | awk '/Attached scsi disk/ { print $4; exit }')
wait_until 5 test -b "$DISK" || die "no $DISK"
dd if=/dev/urandom of=/tmp/a bs=1M count=4 2>/dev/null
dd if=/tmp/a of="$DISK" bs=1M count=4 oflag=direct 2>/dev/null || die "write a"
result md5a "$(md5sum < /tmp/a | cut -c1-32)"
sleep "${IDLE_S:-0}"   # an idle session: the target's NOP-In pings must be answered
touch /mnt/host/phase1
log "waiting for the host to restart the target"
wait_file 120 /mnt/host/phase2 || die "no phase2"
dd if=/dev/urandom of=/tmp/b bs=1M count=4 2>/dev/null
t=$(vm_up)
dd if=/tmp/b of="$DISK" bs=1M count=4 seek=8 oflag=direct 2>/dev/null || die "write b after recovery"
result recover_s "$(elapsed "$t")"
result md5b "$(md5sum < /tmp/b | cut -c1-32)"
dmesg | grep -i "connection\|session\|iscsi" | tail -15
iscsiadm -m node -T "$TARGET_IQN" -p "$PORTAL" --logout || die "logout"
exit 0
