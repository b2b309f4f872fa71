#!/bin/sh
# scst-drbd wrapper for drbdadm, drbdsetup and drbdmeta (installed under those three names in
# /usr/local/sbin by tools/install-deps.sh). It runs the real Debian tool from /usr/sbin.
# Only when UMC_FS_ROOT is set does it add the LD_PRELOAD shim that connects the tool to the
# scst-drbd daemon serving that FUSE root; without UMC_FS_ROOT nothing changes, so a kernel
# DRBD on the same host is driven exactly as before. Children inherit LD_PRELOAD, so drbdadm's
# drbdsetup/drbdmeta calls and drbdmeta's "drbdsetup <minor> dstate" reach the daemon too.
tool=${0##*/}
for dir in /usr/sbin /sbin; do
  if [ -x "$dir/$tool" ] && [ "$dir/$tool" != "$0" ]; then
    real=$dir/$tool
    break
  fi
done
if [ -z "$real" ]; then
  echo "$tool: the real $tool was not found in /usr/sbin or /sbin (install drbd-utils)" >&2
  exit 127
fi
if [ -n "$UMC_FS_ROOT" ]; then
  shim=/usr/local/lib/scst-drbd/libscst-drbd-preload.so
  LD_PRELOAD="$shim${LD_PRELOAD:+ $LD_PRELOAD}"
  export LD_PRELOAD
fi
exec "$real" "$@"
