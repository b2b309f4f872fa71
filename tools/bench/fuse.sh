#!/bin/bash
# FUSE benchmark (not a test): fio with O_DIRECT on dev/tcmu000 of a private daemon (ram backend
# in anonymous memory) and, in the same run, on a file in a private tmpfs. Prints IOPS/bandwidth,
# the ratio FUSE/tmpfs, and the daemon's thread count and memory after every job, for several
# rounds (so growth across runs shows).
#
# Goals: 4k at depth 16 >= 0.30 of tmpfs, 1M sequential >= 0.35 of tmpfs, no growth of the
# daemon's threads or memory across rounds.
#
# Each job runs REPEAT times alternating FUSE and tmpfs, and the ratio is taken between the
# medians, so a burst of other load on the machine disturbs both sides alike.
#
# Usage (root): tools/bench/fuse.sh            build first: mvn -q -DskipTests package
# Environment: SIZE (512M), RUNTIME seconds per run (4), REPEAT (3), ROUNDS (2),
#              READERS (--fuse-threads, 4), BENCH_DIR (/tmp/fuse-h/bench),
#              JAR (daemon/target/scst-drbd.jar)
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
JAR=${JAR:-$TOP/daemon/target/scst-drbd.jar}
SIZE=${SIZE:-512M}
RUNTIME=${RUNTIME:-4}
REPEAT=${REPEAT:-3}
ROUNDS=${ROUNDS:-2}
READERS=${READERS:-4}
BENCH_DIR=${BENCH_DIR:-/tmp/fuse-h/bench}
ROOT=$BENCH_DIR/root
TMPFS=$BENCH_DIR/tmpfs
LOG=$BENCH_DIR/daemon.log
OUT=$BENCH_DIR/fio

die() { echo "fuse.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (mounts FUSE and tmpfs)"
command -v fio >/dev/null || die "fio is missing (tools/install-deps.sh)"
command -v python3 >/dev/null || die "python3 is missing (tools/install-deps.sh)"
[ -f "$JAR" ] || die "$JAR is missing: build it first (mvn -q -DskipTests package)"

mkdir -p "$BENCH_DIR" "$OUT"
PID=
cleanup() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID"
    for _ in $(seq 1 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$PID" 2>/dev/null && kill -KILL "$PID"
  fi
  mountpoint -q "$ROOT" && umount -l "$ROOT"
  mountpoint -q "$TMPFS" && umount "$TMPFS"
  true
}
trap cleanup EXIT

# the reference: a file of the same size on a private tmpfs
mkdir -p "$TMPFS"
mountpoint -q "$TMPFS" || mount -t tmpfs -o size=$(( $(numfmt --from=iec "$SIZE") + (64 << 20) )) tmpfs "$TMPFS"
REF=$TMPFS/file

# the daemon under test
java -jar "$JAR" -f --fuse-root "$ROOT" --fuse-threads "$READERS" --backend "tcmu000:ram:@:$SIZE" >"$LOG" 2>&1 &
PID=$!
for _ in $(seq 1 300); do
  grep -q " ready: " "$LOG" 2>/dev/null && mountpoint -q "$ROOT" && break
  kill -0 "$PID" 2>/dev/null || { cat "$LOG"; die "the daemon exited"; }
  sleep 0.1
done
grep -q " ready: " "$LOG" || die "the daemon did not become ready (see $LOG)"
DEV=$ROOT/dev/tcmu000

status() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$PID/status"; }

# fill both (so reads see data, and tmpfs has its pages), not measured
for f in "$DEV" "$REF"; do
  fio --name=fill --filename="$f" --size="$SIZE" --rw=write --bs=1M --direct=1 --ioengine=libaio --iodepth=4 \
      --output=/dev/null
done

# name  rw  bs  iodepth
JOBS=(
  "4k-randread-qd1   randread  4k 1"
  "4k-randread-qd16  randread  4k 16"
  "4k-randwrite-qd1  randwrite 4k 1"
  "4k-randwrite-qd16 randwrite 4k 16"
  "1M-read-qd4       read      1M 4"
  "1M-write-qd4      write     1M 4"
)

run_fio() { # target name rw bs depth out
  fio --name="$2" --filename="$1" --size="$SIZE" --rw="$3" --bs="$4" --iodepth="$5" --direct=1 \
      --ioengine=libaio --time_based --runtime="$RUNTIME" --ramp_time=1 --randrepeat=0 --norandommap \
      --output-format=json --output="$6"
}

echo "# $(date -u +%FT%TZ)  $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)  kernel $(uname -r)"
echo "# daemon pid $PID, $READERS FUSE readers, device $SIZE (ram, anonymous memory), tmpfs file $SIZE"
echo "# each job: $REPEAT x ${RUNTIME}s on FUSE and on tmpfs, alternating; medians shown"
echo "# after start: threads $(status Threads), RSS $(( $(status VmRSS) / 1024 )) MiB (anon $(( $(status RssAnon) / 1024 )) MiB)"
RESULTS=$OUT/results.txt
: > "$RESULTS"
for round in $(seq 1 "$ROUNDS"); do
  for job in "${JOBS[@]}"; do
    read -r name rw bs depth <<<"$job"
    fuse=(); tmpfs=()
    for rep in $(seq 1 "$REPEAT"); do
      f=$OUT/fuse-$name-$round-$rep.json; t=$OUT/tmpfs-$name-$round-$rep.json
      run_fio "$DEV" "$name" "$rw" "$bs" "$depth" "$f"
      run_fio "$REF" "$name" "$rw" "$bs" "$depth" "$t"
      fuse+=("$f"); tmpfs+=("$t")
    done
    th=$(status Threads); rss=$(( $(status VmRSS) / 1024 )); anon=$(( $(status RssAnon) / 1024 ))
    echo "$round $name $(IFS=,; echo "${fuse[*]}") $(IFS=,; echo "${tmpfs[*]}") $th $rss $anon" >> "$RESULTS"
  done
done

python3 - "$RESULTS" <<'PY'
import json, sys

def perf1(path):
    j = json.load(open(path))["jobs"][0]
    side = j["read"] if j["read"]["io_bytes"] > 0 else j["write"]
    return side["iops"], side["bw_bytes"]

def perf(paths):
    # the median run (by bandwidth) of the repeats
    runs = sorted((perf1(p) for p in paths.split(",")), key=lambda r: r[1])
    return runs[len(runs) // 2]

def fmt(name, iops, bw):
    if name.startswith("1M"):
        return "%7.2f GiB/s" % (bw / 2**30)
    return "%7.1fk IOPS" % (iops / 1000)

rows = [l.split() for l in open(sys.argv[1])]
print("%-5s %-18s %14s %14s %6s %8s %8s %9s" % ("round", "job", "FUSE", "tmpfs", "ratio", "threads", "RSS MiB", "anon MiB"))
ratios = {}
for rnd, name, fj, tj, th, rss, anon in rows:
    fi, fb = perf(fj)
    ti, tb = perf(tj)
    ratio = (fb / tb) if tb else 0.0
    ratios.setdefault(name, []).append(ratio)
    print("%-5s %-18s %14s %14s %6.2f %8s %8s %9s" % (rnd, name, fmt(name, fi, fb), fmt(name, ti, tb), ratio, th, rss, anon))

goals = [("4k-randread-qd16", 0.30), ("4k-randwrite-qd16", 0.30), ("1M-read-qd4", 0.35), ("1M-write-qd4", 0.35)]
print()
for n, g in goals:
    rs = ratios.get(n, [0])
    met = sum(1 for r in rs if r >= g)
    print("goal %-18s >= %.2f of tmpfs: rounds %s -> met in %d of %d" % (n, g, ", ".join("%.2f" % r for r in rs),
                                                                      met, len(rs)))
first = [r for r in rows if r[0] == rows[0][0]]
last = [r for r in rows if r[0] == rows[-1][0]]
print("daemon after round 1: %s threads, %s MiB RSS (%s MiB anon); after round %s: %s threads, %s MiB RSS (%s MiB anon)"
      % (first[-1][4], first[-1][5], first[-1][6], rows[-1][0], last[-1][4], last[-1][5], last[-1][6]))
PY
echo "# load at the end $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine disturbs the figures)"
