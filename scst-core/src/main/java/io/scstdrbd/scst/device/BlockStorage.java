package io.scstdrbd.scst.device;

import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.kernel.block.DeviceCapability;
import io.scstdrbd.kernel.block.DeviceHandle;
import java.util.Set;

/** BLOCKIO: a vdisk over an in-process block device of the registry (tcmu000, drbd1). */
public final class BlockStorage implements Storage {
    private final DeviceHandle handle;
    private final String path;

    public BlockStorage(DeviceHandle handle, String path) {
        this.handle = handle;
        this.path = path;
    }

    public String deviceName() {
        return handle.device().name();
    }

    @Override
    public long capacity() {
        return handle.device().capacity();
    }

    @Override
    public Set<DeviceCapability> capabilities() {
        return handle.device().capabilities();
    }

    @Override
    public int physicalBlockSize() {
        return handle.device().physicalBlockSize();
    }

    @Override
    public void submit(Bio bio) {
        handle.submit(bio);
    }

    @Override
    public String describe() {
        return path;
    }

    @Override
    public void close() {
        handle.close();
    }
}
