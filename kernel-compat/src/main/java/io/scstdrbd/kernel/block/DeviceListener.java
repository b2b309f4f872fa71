package io.scstdrbd.kernel.block;

/**
 * Learns about devices appearing, vanishing and changing size (FUSE nodes, SCSI capacity-changed
 * unit attentions). Threading: called on the thread that changed the registry, after the change,
 * outside registry locks. Must not block.
 */
public interface DeviceListener {
    default void added(BlockDevice device) {
    }

    default void removed(BlockDevice device) {
    }

    default void resized(BlockDevice device, long oldCapacity, long newCapacity) {
    }
}
