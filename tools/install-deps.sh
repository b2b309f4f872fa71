#!/bin/bash
# Installs the Debian 12 packages scst-drbd needs to build, run and test, then builds and
# installs the drbd-utils LD_PRELOAD shim and its wrappers. Idempotent: does nothing when
# everything is present and up to date. Run as root.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

PKGS=(
  openjdk-17-jdk-headless maven gcc make          # build
  e2fsprogs util-linux kmod fio                   # FUSE tree: mkfs.ext4, mount, losetup, fio
  libiscsi-bin libiscsi-dev                       # iscsi-test-cu, iscsi-ls, iscsi-inq; async API for bench
  qemu-utils qemu-block-extra                     # qemu-img with the iscsi driver
  tgt iperf3                                      # references for benchmarks: iSCSI target, TCP loopback
  drbd-utils                                      # drbdadm, drbdsetup, drbdmeta 9.22
  iproute2 procps psmisc python3 cpio qemu-system-x86   # network namespaces, QEMU guest peers
  sudo                                            # the README walk-through: sudo -E drbdadm ...
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-deps: need root to install: ${missing[*]}" >&2
    exit 1
  fi
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # no service start-ups from package scripts (tgt, iscsi): tests start private instances
  policy=/usr/sbin/policy-rc.d
  created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; created_policy=1
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  if [ "$created_policy" = 1 ]; then rm -f "$policy"; fi
fi

# The LD_PRELOAD shim for drbd-utils (tools/shim) and the drbdadm/drbdsetup/drbdmeta wrappers
# (tools/bin/drbd-wrapper.sh): built with gcc here, so this works before Maven has run, and
# installed to /usr/local/lib/scst-drbd and /usr/local/sbin. The wrappers change nothing unless
# UMC_FS_ROOT is set (README, "DRBD").
make -s -C "$top/tools/shim" O="$top/tools/target/shim" all
prefix=/usr/local
stale=0
cmp -s "$top/tools/target/shim/libscst-drbd-preload.so" "$prefix/lib/scst-drbd/libscst-drbd-preload.so" || stale=1
for t in drbdadm drbdsetup drbdmeta; do
  cmp -s "$top/tools/bin/drbd-wrapper.sh" "$prefix/sbin/$t" || stale=1
done
if [ "$stale" = 1 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-deps: need root to install the drbd-utils shim and wrappers" >&2
    exit 1
  fi
  make -s -C "$top/tools/shim" O="$top/tools/target/shim" PREFIX="$prefix" install
  echo "install-deps: installed the drbd-utils shim and wrappers in $prefix"
fi
exit 0
