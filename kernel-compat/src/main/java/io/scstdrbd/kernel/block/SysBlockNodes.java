package io.scstdrbd.kernel.block;

import io.scstdrbd.kernel.errno.KernelException;
import io.scstdrbd.kernel.proc.ProcFs;
import io.scstdrbd.kernel.proc.ProcNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes {@code sys/block/NAME/size} (capacity in 512-byte sectors, as Linux shows it) for
 * every registered block device. Tools read it through the FUSE tree (drbdadm resize reads
 * /sys/block/drbdN/size through the LD_PRELOAD shim), and the shim treats
 * {@code $UMC_FS_ROOT/dev/NAME} as a block device exactly when {@code sys/block/NAME} exists.
 */
public final class SysBlockNodes implements DeviceListener {
    private static final Logger LOG = LoggerFactory.getLogger(SysBlockNodes.class);
    private final ProcFs procfs;

    public SysBlockNodes(ProcFs procfs) {
        this.procfs = procfs;
    }

    static String dir(String device) {
        return "sys/block/" + device;
    }

    @Override
    public void added(BlockDevice device) {
        try {
            procfs.register(dir(device.name()) + "/size",
                    ProcNode.readOnly(() -> (device.capacity() >> Bio.SECTOR_SHIFT) + "\n"));
        } catch (KernelException e) {
            LOG.warn("cannot publish sys/block/{}: {}", device.name(), e.getMessage());
        }
    }

    @Override
    public void removed(BlockDevice device) {
        procfs.unregisterTree(dir(device.name()));
    }
}
