#!/bin/bash
# DRBD benchmark (not a test). One run, three phases, all through the FUSE tree with fio O_DIRECT:
#
#  1. standalone: drbd1 Primary with its peer absent (activity log, per-peer bitmap marking)
#     against the unreplicated backend tcmu000 of the same kind and size on the same daemon;
#  2. resync: a second daemon (the peer, 127.0.0.2) comes up; the full sync of drbd1 runs with
#     resync-rate unlimited (c-plan-ahead 0, resync-rate 4194304K); then invalidate-remote resyncs
#     the whole device again, RS_WARMUP times unmeasured and REPEAT times measured: the median of
#     those is the figure (from the sync source's "resync done" lines; the first sync is printed too);
#  3. replicated: drbd1 connected with protocol C against tcmu000 again.
#
# Each fio job first runs once on each device unmeasured (the JIT compiles the paths of a job,
# e.g. the peer's receive path, in its first seconds), then REPEAT times alternating the devices;
# ratios are between medians. Goals:
#   standalone  4k random write depth 16 >= 0.70, 1M sequential write >= 0.80, 4k random read >= 0.90
#   replicated  1M sequential write >= 0.80, 4k random write depth 16 >= 0.60
#   resync throughput >= 0.50 of the unreplicated 1M sequential write throughput
#
# Usage (root, after tools/install-deps.sh and mvn -q -DskipTests package): tools/bench/drbd.sh
# Environment: SIZE (512M), RUNTIME seconds per run (4), REPEAT (3), BENCH_DIR (/tmp/drbd-h/bench),
#              JAR (daemon/target/scst-drbd.jar), AL_EXTENTS (1237), PORT (17799), ISCSI_PORT (17798),
#              RS_WARMUP (6), JAVA_OPTS (extra JVM options for both daemons, e.g. a profiler agent)
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
JAR=${JAR:-$TOP/daemon/target/scst-drbd.jar}
SIZE=${SIZE:-512M}
RUNTIME=${RUNTIME:-4}
REPEAT=${REPEAT:-3}
AL_EXTENTS=${AL_EXTENTS:-1237}
PORT=${PORT:-17799}
ISCSI_PORT=${ISCSI_PORT:-17798} # each daemon is also an iSCSI target: its own portal, not 3260
BENCH_DIR=${BENCH_DIR:-/tmp/drbd-h/bench}
ROOT=$BENCH_DIR/root
ROOT_B=$BENCH_DIR/root-peer
LOG=$BENCH_DIR/daemon.log
LOG_B=$BENCH_DIR/daemon-peer.log
OUT=$BENCH_DIR/fio
SHIM=$TOP/tools/target/shim/libscst-drbd-preload.so
[ -f "$SHIM" ] || SHIM=/usr/local/lib/scst-drbd/libscst-drbd-preload.so
PEER=bench-peer

die() { echo "drbd.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root"
command -v fio >/dev/null || die "fio is missing (tools/install-deps.sh)"
command -v python3 >/dev/null || die "python3 is missing (tools/install-deps.sh)"
[ -x /usr/sbin/drbdadm ] || die "drbd-utils are missing (tools/install-deps.sh)"
[ -f "$JAR" ] || die "$JAR is missing: mvn -q -DskipTests package"
[ -f "$SHIM" ] || die "the shim is missing: tools/install-deps.sh"

mkdir -p "$BENCH_DIR" "$OUT" "$ROOT" "$ROOT_B"
drbd() { UMC_FS_ROOT=$ROOT LD_PRELOAD=$SHIM "/usr/sbin/$@"; }
drbd_peer() { UMC_FS_ROOT=$ROOT_B LD_PRELOAD=$SHIM __DRBD_NODE__=$PEER "/usr/sbin/$@" 2> >(grep -v "__DRBD_NODE__\|PRETENDING\|^$" >&2); }
PID= PID_B=
stop_daemon() { # pid root
  local pid=$1 root=$2
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  if mountpoint -q "$root"; then umount -l "$root"; fi
  true
}
cleanup() {
  drbd drbdsetup down r0 >/dev/null 2>&1 || true
  drbd_peer drbdsetup down r0 >/dev/null 2>&1 || true
  stop_daemon "$PID_B" "$ROOT_B"
  stop_daemon "$PID" "$ROOT"
}
trap cleanup EXIT

start_daemon() { # root log args...
  local root=$1 log=$2; shift 2
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  java ${JAVA_OPTS:-} -jar "$JAR" -f --fuse-root "$root" "$@" >"$log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 300); do
    grep -q "ready: FUSE root" "$log" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || die "daemon died: $(tail -5 "$log")"
    sleep 0.1
  done
  echo "$pid"
}
PID=$(start_daemon "$ROOT" "$LOG" --iscsi-listen "127.0.0.1:$ISCSI_PORT" --backend "tcmu000:ram:@:$SIZE" --backend "tcmu001:ram:@:$SIZE")

# touch every page of both fresh anonymous backends once: the runs measure the data paths, not the
# first page faults of new memory (a read of a never-written page allocates it, too)
for dev in tcmu000 tcmu001; do
  dd if=/dev/zero of="$ROOT/dev/$dev" bs=1M oflag=direct status=none 2>/dev/null || true
done

CONF=$BENCH_DIR/r0.res
cat >"$CONF" <<RES
resource r0 {
  net { protocol C; }
  disk { al-extents $AL_EXTENTS; c-plan-ahead 0; resync-rate 4194304K; c-min-rate 0; }
  on $(uname -n) { node-id 0; address 127.0.0.1:$PORT;
    volume 0 { device drbd1 minor 1; disk "$ROOT/dev/tcmu001"; meta-disk internal; } }
  on $PEER { node-id 1; address 127.0.0.2:$PORT;
    volume 0 { device drbd1 minor 1; disk "$ROOT_B/dev/tcmu001"; meta-disk internal; } }
}
RES
drbd drbdmeta 1 v09 "$ROOT/dev/tcmu001" internal create-md 2 >/dev/null 2>&1
sleep 0.5 # the FUSE export releases drbdmeta's writer asynchronously
drbd drbdadm -c "$CONF" up r0
drbd drbdadm -c "$CONF" primary --force r0
BYTES=$(stat -c %s "$ROOT/dev/drbd1")

run() { # name device fio-args...
  local name=$1 dev=$2; shift 2
  # fio opens a FUSE node (a "regular file" to it) twice; the FUSE export admits one writer per
  # device and releases asynchronously, so a run can start with EBUSY: retry it once
  for attempt in 1 2; do
    if fio --name="$name" --filename="$dev" --size="$BYTES" --direct=1 --ioengine=libaio --time_based \
        --fallocate=none --runtime="$RUNTIME" --group_reporting --output-format=json "$@" >"$OUT/$name.json" \
        && ! grep -q "^fio: " "$OUT/$name.json"; then
      return 0
    fi
    sleep 3
  done
  die "fio failed: $(head -3 "$OUT/$name.json")"
}
value() { # json-file rw field
  python3 -c "import json,sys; j=json.load(open(sys.argv[1]))['jobs'][0][sys.argv[2]]; print(j[sys.argv[3]])" "$@"
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -A REF DUT
phase() { # label jobs...
  local label=$1; shift
  printf '\n%s\n%-22s %14s %14s %7s\n' "$label" job tcmu000 drbd1 ratio
  for job in "$@"; do
    IFS=: read -r name rw field args <<<"$job"
    local ref=() dut=()
    run "$label-$name-ref-warmup" "$ROOT/dev/tcmu000" $args
    run "$label-$name-drbd-warmup" "$ROOT/dev/drbd1" $args
    for i in $(seq 1 "$REPEAT"); do
      run "$label-$name-ref-$i" "$ROOT/dev/tcmu000" $args
      ref+=("$(value "$OUT/$label-$name-ref-$i.json" "$rw" "$field")")
      run "$label-$name-drbd-$i" "$ROOT/dev/drbd1" $args
      dut+=("$(value "$OUT/$label-$name-drbd-$i.json" "$rw" "$field")")
    done
    local r d unit
    r=$(printf '%s\n' "${ref[@]}" | median)
    d=$(printf '%s\n' "${dut[@]}" | median)
    REF[$name]=$r
    DUT[$name]=$d
    unit=$([ "$field" = bw ] && echo KiB/s || echo IOPS)
    printf '%-22s %14s %14s %7.2f\n' "$name ($unit)" "$r" "$d" "$(python3 -c "print($d/$r)")"
  done
}

RW4K="randwrite4k:write:iops:--rw=randwrite --bs=4k --iodepth=16"
SEQ1M="seqwrite1M:write:bw:--rw=write --bs=1M --iodepth=4"
RR4K="randread4k:read:iops:--rw=randread --bs=4k --iodepth=16"

phase standalone "$RW4K" "$SEQ1M" "$RR4K"
drbd drbdsetup status r0 --verbose --statistics | sed -n '4,6p'

# the peer comes up: a full sync of the whole device, unthrottled
PID_B=$(start_daemon "$ROOT_B" "$LOG_B" --iscsi-listen "127.0.0.2:$ISCSI_PORT" --backend "tcmu001:ram:@:$SIZE" --node "$PEER")
# touch the peer's memory once, as the fio runs did on this node: the resync is to measure
# replication, not the first page faults of a fresh anonymous mapping
dd if=/dev/zero of="$ROOT_B/dev/tcmu001" bs=1M oflag=direct status=none 2>/dev/null || true
drbd_peer drbdmeta 1 v09 "$ROOT_B/dev/tcmu001" internal create-md 2 >/dev/null 2>&1
sleep 0.5
drbd_peer drbdadm -c "$CONF" up r0
# waits for the n-th "resync done" line of the sync source; prints its figure in KiB/s
resync_figure() { # n
  for _ in $(seq 1 1200); do
    [ "$(grep -c "resync done" "$LOG")" -ge "$1" ] && break
    sleep 0.1
  done
  local line
  line=$(grep -o "resync done (total [0-9.]* sec; [0-9]* KiB/sec)" "$LOG" | sed -n "$1p")
  [ -n "$line" ] || die "resync $1 did not finish: $(drbd drbdadm -c "$CONF" status r0)"
  sed 's/.*; \([0-9]*\) KiB.*/\1/' <<<"$line"
  for _ in $(seq 1 100); do
    drbd drbdadm -c "$CONF" status r0 | grep -q "peer-disk:UpToDate" && break
    sleep 0.1
  done
}
RS_COLD=$(resync_figure 1)
# The first sync ran in a just-started peer JVM. The resync paths (P_RS_DATA_REQUEST/REPLY, about
# 2,000 packets per 2 GiB) are hot only after several full resyncs: before, both JVMs' compilers
# still take a fifth of the CPU and the rate climbs run after run. As the fio jobs are measured warm,
# RS_WARMUP full resyncs (invalidate-remote) run unmeasured, then REPEAT measured; the median counts.
RS_WARMUP=${RS_WARMUP:-6}
n=1 RS_ALL=()
for i in $(seq 1 $((RS_WARMUP + REPEAT))); do
  drbd drbdadm -c "$CONF" invalidate-remote r0
  n=$((n + 1))
  kibs=$(resync_figure "$n")
  [ "$i" -gt "$RS_WARMUP" ] && RS_ALL+=("$kibs")
done
RS_KIBS=$(printf '%s\n' "${RS_ALL[@]}" | median)
RS="full resync of $BYTES bytes, median of ${RS_ALL[*]} KiB/s after $RS_WARMUP unmeasured; the first one, in the cold peer: $RS_COLD KiB/s"
drbd drbdadm -c "$CONF" status r0

phase "replicated-protocol-C" "$SEQ1M" "$RW4K"

printf '\n%-34s %14s %14s %7.2f\n' "resync, rate unlimited (KiB/s)" "${REF[seqwrite1M]}" "$RS_KIBS" \
  "$(python3 -c "print($RS_KIBS/${REF[seqwrite1M]})")"
echo "  (reference: unreplicated 1M sequential write of the replicated phase; $RS)"

# what one TCP stream over loopback carries on this machine right now: the ceiling of any
# replication between two processes here (both directions share the same two cores)
if command -v iperf3 >/dev/null; then
  IPERF_PORT=${IPERF_PORT:-17797}
  iperf3 -s -B 127.0.0.2 -p "$IPERF_PORT" -1 >/dev/null 2>&1 &
  sleep 0.5
  TCP_KIBS=$(iperf3 -c 127.0.0.2 -B 127.0.0.1 -p "$IPERF_PORT" -t 3 -l 1M -J 2>/dev/null \
    | python3 -c "import json,sys; print(int(json.load(sys.stdin)['end']['sum_received']['bits_per_second']/8/1024))" \
    || echo 0)
  wait || true
  if [ "$TCP_KIBS" -gt 0 ]; then
    printf '%-34s %14s %14s %7.2f\n' "one loopback TCP stream (KiB/s)" "${REF[seqwrite1M]}" "$TCP_KIBS" \
      "$(python3 -c "print($TCP_KIBS/${REF[seqwrite1M]})")"
    printf '  replicated 1M write / TCP stream %.2f, resync / TCP stream %.2f\n' \
      "$(python3 -c "print(${DUT[seqwrite1M]:-0}/$TCP_KIBS)")" "$(python3 -c "print($RS_KIBS/$TCP_KIBS)")"
  fi
fi
