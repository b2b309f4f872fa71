#!/bin/bash
# Installs the Debian 12 packages scst-drbd needs to build, run and test. Idempotent: does
# nothing when everything is present. Run as root.
set -euo pipefail

PKGS=(
  openjdk-17-jdk-headless maven gcc make          # build
  e2fsprogs util-linux kmod fio                   # FUSE tree: mkfs.ext4, mount, losetup, fio
  libiscsi-bin libiscsi-dev                       # iscsi-test-cu, iscsi-ls, iscsi-inq; async API for bench
  qemu-utils qemu-block-extra                     # qemu-img with the iscsi driver
  tgt                                             # reference iSCSI target for benchmarks
  drbd-utils                                      # drbdadm, drbdsetup, drbdmeta 9.22
  iproute2 procps psmisc python3 cpio qemu-system-x86   # network namespaces, QEMU guest peers
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
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
[ "$created_policy" = 1 ] && rm -f "$policy"
exit 0
