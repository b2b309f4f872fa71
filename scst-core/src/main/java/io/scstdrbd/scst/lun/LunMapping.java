package io.scstdrbd.scst.lun;

import io.scstdrbd.scst.device.VirtualDevice;

/** One entry of a group's LUN map: LUN number, device, and whether it is exported read-only. */
public record LunMapping(long lun, VirtualDevice device, boolean readOnly) {
}
