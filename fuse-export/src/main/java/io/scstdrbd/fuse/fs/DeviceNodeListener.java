package io.scstdrbd.fuse.fs;

import io.scstdrbd.kernel.block.BlockDevice;
import io.scstdrbd.kernel.block.DeviceListener;

/**
 * Keeps {@code dev/} in step with the device registry: a removed device's node is forgotten and
 * the kernel is told at once (so it vanishes without waiting for cache timeouts); an added one
 * invalidates any cached negative lookup; a resize invalidates the node's attributes.
 */
public final class DeviceNodeListener implements DeviceListener {
    private final FuseTree tree;
    private final TreeNotifications notify;

    public DeviceNodeListener(FuseTree tree, TreeNotifications notify) {
        this.tree = tree;
        this.notify = notify;
    }

    private long devDirId() {
        FsNode dev = tree.resolve(FuseTree.DEV);
        return dev != null ? dev.id() : 0;
    }

    @Override
    public void added(BlockDevice device) {
        notify.entryChanged(devDirId(), device.name());
    }

    @Override
    public void removed(BlockDevice device) {
        String path = FuseTree.DEV + "/" + device.name();
        long child = tree.forget(path).map(FsNode::id).orElse(0L);
        notify.entryDeleted(devDirId(), child, device.name());
    }

    @Override
    public void resized(BlockDevice device, long oldCapacity, long newCapacity) {
        tree.known(FuseTree.DEV + "/" + device.name()).ifPresent(n -> notify.attributesChanged(n.id()));
    }
}
