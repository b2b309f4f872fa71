#!/bin/bash
# iSCSI benchmark of scst-drbd against Linux tgt, both measured in the same run on a RAM LUN.
#
#   tools/bench/iscsi.sh [-t SECONDS] [-r ROUNDS] [-o DIR] [--port P] [--tgt-port P] [--size 1G]
#
# 1. starts the daemon (daemon/target/scst-drbd.jar, build it first) with one RAM backend as
#    LUN 0 on 127.0.0.1:PORT;
# 2. runs the workspace's shared/tools/iscsi/perf.sh --compare-tgt against it (iscsi-perf reads,
#    qemu-img sequential writes, each also on a private tgt);
# 3. runs tools/bench/iscsi-load (libiscsi's asynchronous API; built here with gcc) for what
#    those tools cannot do: 4 KiB random writes at depth 32 and depth-1 write latency, on both
#    targets, alternating which goes first;
# 4. prints the ratios target/tgt next to the goals (>= 2x for 4 KiB random read and write at
#    depth 32 and 1 MiB sequential read, >= 3x for 1 MiB sequential write, depth-1 latency no
#    worse than tgt).
# Needs root (tgtd, FUSE), libiscsi-bin, libiscsi-dev, gcc, tgt, qemu-utils. A benchmark, not a test:
# other load on the machine moves the numbers; compare the ratios, and rerun when they look off.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
secs=20
rounds=2
out=
port=13280
tgt_port=13281
load_tgt_port=13282
size=1G
while [ $# -gt 0 ]; do
  case $1 in
    -t) secs=$2; shift 2 ;;
    -r) rounds=$2; shift 2 ;;
    -o) out=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --tgt-port) tgt_port=$2; load_tgt_port=$((tgt_port + 1)); shift 2 ;;
    --size) size=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "iscsi.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

jar=$top/daemon/target/scst-drbd.jar
[ -f "$jar" ] || { echo "iscsi.sh: $jar is missing: run 'mvn -q -DskipTests package' first" >&2; exit 2; }
tools=${ISCSI_TOOLS:-}
for c in "$tools" "$top/../shared/tools/iscsi" "$top/../../shared/tools/iscsi" /work/shared/tools/iscsi; do
  if [ -n "$c" ] && [ -x "$c/perf.sh" ]; then tools=$c; break; fi
done
[ -x "$tools/perf.sh" ] || { echo "iscsi.sh: shared/tools/iscsi/perf.sh not found (set ISCSI_TOOLS)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "iscsi.sh: needs root (tgtd and the daemon's FUSE mount)" >&2; exit 2; }

out=${out:-$(mktemp -d /tmp/iscsi-bench.XXXXXX)}
mkdir -p "$out"
gcc -O2 -Wall -o "$out/iscsi-load" "$top/tools/bench/iscsi-load.c" -liscsi

daemon_pid=
cleanup() {
  if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
    kill -TERM "$daemon_pid"; wait "$daemon_pid" 2>/dev/null || true
  fi
  ISCSI_WORK_DIR=$out "$tools/setup-tgt.sh" stop "$load_tgt_port" >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

iqn=iqn.2024-01.io.scst-drbd:bench
java -jar "$jar" -f --node bench --fuse-root "$out/root" --backend "tcmu000:ram:@:$size" \
  --scst-state-dir "$out/state" --iscsi-listen "127.0.0.1:$port" >"$out/daemon.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 600); do
  grep -q "scst-drbd .* ready" "$out/daemon.log" && break
  kill -0 "$daemon_pid" 2>/dev/null || { cat "$out/daemon.log" >&2; exit 1; }
  sleep 0.1
done
url=iscsi://127.0.0.1:$port/$iqn/0
echo "target $url (daemon pid $daemon_pid, log $out/daemon.log); results in $out"

# 1. the shared harness: reads with iscsi-perf, sequential writes with qemu-img, tgt in the same run
"$tools/perf.sh" "$url" --compare-tgt --tgt-port "$tgt_port" -t "$secs" -r "$rounds" -o "$out/perf" | tee "$out/perf.txt"

# 2. random writes and depth-1 latency with iscsi-load, against a second private tgt
ref=$(ISCSI_WORK_DIR=$out TGT_LUN_SIZE=$size "$tools/setup-tgt.sh" start "$load_tgt_port" | tail -n 1)
load=$out/iscsi-load
echo "warm-up: one sequential 1 MiB write pass over each LUN"
bytes=$(iscsi-readcapacity16 "$url" | awk -F: '/Total size/ {print $2}')
"$load" -w -s -b 1048576 -q 8 -n "$bytes" "$url" >/dev/null
"$load" -w -s -b 1048576 -q 8 -n "$bytes" "$ref" >/dev/null
workloads=("randwrite-4k 32:-w -b 4096 -q 32" "randread-4k 32:-b 4096 -q 32" "randwrite-4k 1:-w -b 4096 -q 1"
  "seqwrite-1m 8:-w -s -b 1048576 -q 8")
: >"$out/load.tsv"
for r in $(seq "$rounds"); do
  for w in "${workloads[@]}"; do
    name=${w%%:*}; args=${w#*:}
    if [ $((r % 2)) = 1 ]; then order="target tgt"; else order="tgt target"; fi
    for side in $order; do
      u=$url; [ "$side" = tgt ] && u=$ref
      # shellcheck disable=SC2086
      line=$("$load" $args -t "$secs" "$u")
      echo "  round $r $side: $name $line"
      printf '%s\t%s\t%s\t%s\n' "$r" "$side" "$name" "$line" >>"$out/load.tsv"
    done
  done
done

echo
echo "iscsi-load (libiscsi async), mean over $rounds round(s):"
awk -F'\t' '
  { split($4, f, " "); for (i in f) { split(f[i], kv, "="); v[kv[1]] = kv[2] }
    iops[$3, $2] += v["iops"]; lat[$3, $2] += v["lat_us"]; n[$3, $2]++; names[$3] = 1 }
  END {
    printf "%-16s %12s %12s %8s %12s %12s\n", "workload", "target_IOPS", "tgt_IOPS", "ratio", "target_lat_us", "tgt_lat_us"
    for (w in names) {
      a = iops[w, "target"] / n[w, "target"]; b = iops[w, "tgt"] / n[w, "tgt"]
      printf "%-16s %12.0f %12.0f %8.2f %12.1f %12.1f\n", w, a, b, a / b, lat[w, "target"] / n[w, "target"], lat[w, "tgt"] / n[w, "tgt"]
    }
  }' "$out/load.tsv" | tee "$out/load.txt"

echo
echo "goals (ratio = target / tgt):"
ratio() { awk -v t="$1" -v w="$2" -v q="$3" '$1 == t && $2 == w && $4 == q { print $9 }' "$out/perf.txt" | tail -n 1; }
lratio() { awk -v w="$1" '$1 " " $2 == w { print $5 }' "$out/load.txt"; }
printf '  4k random read  qd32 >= 2: %s (iscsi-perf)\n' "$(ratio iscsi-perf randread-4k 32)"
printf '  4k random write qd32 >= 2: %s (iscsi-load)\n' "$(lratio "randwrite-4k 32")"
printf '  1M seq read     qd8  >= 2: %s (iscsi-perf)\n' "$(ratio iscsi-perf seqread-1m 8)"
printf '  1M seq write    qd8  >= 3: %s (qemu-img), %s (iscsi-load)\n' "$(ratio qemu-img seqwrite-1m 8)" "$(lratio "seqwrite-1m 8")"
printf '  depth-1 latency <= tgt: randread qd1 IOPS ratio %s (iscsi-perf), randwrite qd1 IOPS ratio %s (iscsi-load)\n' \
  "$(ratio iscsi-perf randread-4k 1)" "$(lratio "randwrite-4k 1")"
