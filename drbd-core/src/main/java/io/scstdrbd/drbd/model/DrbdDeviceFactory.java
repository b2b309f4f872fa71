package io.scstdrbd.drbd.model;

import io.scstdrbd.kernel.block.BlockDevice;

/**
 * Makes the block device (drbdN) of a new minor; supplied by the device package so that the
 * model does not depend on the I/O path. Called with the node lock held; must not block.
 */
@FunctionalInterface
public interface DrbdDeviceFactory {
    BlockDevice create(DrbdNode node, Device device);
}
