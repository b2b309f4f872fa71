package io.scstdrbd.drbd.model;

import io.scstdrbd.drbd.meta.MetaData;
import io.scstdrbd.drbd.netlink.NlStruct;
import io.scstdrbd.kernel.block.DeviceHandle;

/**
 * The backing storage of an attached device (the kernel's drbd_backing_dev): the exclusively
 * opened data and metadata devices, the metadata, and the disk options.
 */
public final class LocalDisk {
    private final DeviceHandle backing;
    private final DeviceHandle meta;
    private final MetaData md;
    private volatile NlStruct diskConf;

    LocalDisk(DeviceHandle backing, DeviceHandle meta, MetaData md, NlStruct diskConf) {
        this.backing = backing;
        this.meta = meta;
        this.md = md;
        this.diskConf = diskConf;
    }

    /** The data device (holds the DRBD data at sector 0). */
    public DeviceHandle backing() {
        return backing;
    }

    /** The metadata device (the backing device itself for internal metadata). */
    public DeviceHandle meta() {
        return meta;
    }

    public MetaData md() {
        return md;
    }

    public NlStruct diskConf() {
        return diskConf;
    }

    void diskConf(NlStruct c) {
        diskConf = c;
    }

    public String backingPath() {
        return diskConf.str("backing_dev");
    }

    /** EP_PASS_ON 0, EP_CALL_HELPER 1, EP_DETACH 2. */
    public int onIoError() {
        return (int) diskConf.num("on_io_error");
    }

    void close() {
        backing.close();
        if (meta != backing) {
            meta.close();
        }
    }
}
