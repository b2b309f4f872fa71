#!/bin/bash
# DRBD benchmark (not a test): fio with O_DIRECT through the FUSE tree on drbd1 (standalone
# Primary, peer absent: activity log, per-peer bitmap marking) and, in the same run, on the
# unreplicated backend tcmu000 of the same kind and size (the reference). Prints IOPS/bandwidth
# and the ratio drbd1/tcmu000 for each job; each job runs REPEAT times alternating the two
# devices and the ratio is taken between the medians.
#
# Goals: 4k random write at depth 16 >= 0.70 of the unreplicated device, 1M sequential write
# >= 0.80, 4k random read >= 0.90.
#
# Usage (root, after tools/install-deps.sh and mvn -q -DskipTests package): tools/bench/drbd.sh
# Environment: SIZE (512M), RUNTIME seconds per run (4), REPEAT (3), BENCH_DIR (/tmp/drbd-h/bench),
#              JAR (daemon/target/scst-drbd.jar), AL_EXTENTS (1237)
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
JAR=${JAR:-$TOP/daemon/target/scst-drbd.jar}
SIZE=${SIZE:-512M}
RUNTIME=${RUNTIME:-4}
REPEAT=${REPEAT:-3}
AL_EXTENTS=${AL_EXTENTS:-1237}
BENCH_DIR=${BENCH_DIR:-/tmp/drbd-h/bench}
ROOT=$BENCH_DIR/root
LOG=$BENCH_DIR/daemon.log
OUT=$BENCH_DIR/fio
SHIM=$TOP/tools/target/shim/libscst-drbd-preload.so
[ -f "$SHIM" ] || SHIM=/usr/local/lib/scst-drbd/libscst-drbd-preload.so

die() { echo "drbd.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root"
command -v fio >/dev/null || die "fio is missing (tools/install-deps.sh)"
command -v python3 >/dev/null || die "python3 is missing (tools/install-deps.sh)"
[ -x /usr/sbin/drbdadm ] || die "drbd-utils are missing (tools/install-deps.sh)"
[ -f "$JAR" ] || die "$JAR is missing: mvn -q -DskipTests package"
[ -f "$SHIM" ] || die "the shim is missing: tools/install-deps.sh"

mkdir -p "$BENCH_DIR" "$OUT"
export UMC_FS_ROOT=$ROOT
drbd() { LD_PRELOAD=$SHIM "/usr/sbin/$@"; }
PID=
cleanup() {
  drbd drbdsetup down r0 >/dev/null 2>&1 || true
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID"
    for _ in $(seq 1 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$PID" 2>/dev/null && kill -KILL "$PID"
  fi
  mountpoint -q "$ROOT" && umount -l "$ROOT"
  true
}
trap cleanup EXIT

java -jar "$JAR" -f --backend "tcmu000:ram:@:$SIZE" --backend "tcmu001:ram:@:$SIZE" >"$LOG" 2>&1 &
PID=$!
for _ in $(seq 1 300); do
  grep -q "ready: FUSE root" "$LOG" 2>/dev/null && break
  kill -0 "$PID" 2>/dev/null || die "daemon died: $(tail -5 "$LOG")"
  sleep 0.1
done

CONF=$BENCH_DIR/r0.res
cat >"$CONF" <<RES
resource r0 {
  disk { al-extents $AL_EXTENTS; }
  on $(uname -n) { node-id 0; address 127.0.0.1:17799;
    volume 0 { device drbd1 minor 1; disk "$ROOT/dev/tcmu001"; meta-disk internal; } }
  on bench-peer { node-id 1; address 127.0.0.2:17799;
    volume 0 { device drbd1 minor 1; disk "$ROOT/dev/tcmu001"; meta-disk internal; } }
}
RES
drbd drbdmeta 1 v09 "$ROOT/dev/tcmu001" internal create-md 2 >/dev/null 2>&1
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

printf '%-22s %14s %14s %7s\n' job tcmu000 drbd1 ratio
for job in "randwrite4k:write:iops:--rw=randwrite --bs=4k --iodepth=16" \
           "seqwrite1M:write:bw:--rw=write --bs=1M --iodepth=4" \
           "randread4k:read:iops:--rw=randread --bs=4k --iodepth=16"; do
  IFS=: read -r name rw field args <<<"$job"
  ref=() dut=()
  for i in $(seq 1 "$REPEAT"); do
    run "$name-ref-$i" "$ROOT/dev/tcmu000" $args
    ref+=("$(value "$OUT/$name-ref-$i.json" "$rw" "$field")")
    run "$name-drbd-$i" "$ROOT/dev/drbd1" $args
    dut+=("$(value "$OUT/$name-drbd-$i.json" "$rw" "$field")")
  done
  r=$(printf '%s\n' "${ref[@]}" | median)
  d=$(printf '%s\n' "${dut[@]}" | median)
  unit=$([ "$field" = bw ] && echo KiB/s || echo IOPS)
  printf '%-22s %14s %14s %7.2f\n' "$name ($unit)" "$r" "$d" "$(python3 -c "print($d/$r)")"
done
drbd drbdsetup status r0 --verbose --statistics | sed -n '4,6p'
