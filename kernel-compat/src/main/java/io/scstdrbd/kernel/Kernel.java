package io.scstdrbd.kernel;

import io.scstdrbd.kernel.block.DeviceNumbers;
import io.scstdrbd.kernel.block.DeviceRegistry;
import io.scstdrbd.kernel.block.PartitionsProcNode;
import io.scstdrbd.kernel.block.SysBlockNodes;
import io.scstdrbd.kernel.errno.KernelException;
import io.scstdrbd.kernel.genl.GenlBus;
import io.scstdrbd.kernel.helper.UsermodeHelper;
import io.scstdrbd.kernel.proc.ModuleParams;
import io.scstdrbd.kernel.proc.ProcFs;
import io.scstdrbd.kernel.workqueue.KernelTimers;
import io.scstdrbd.kernel.workqueue.WorkQueues;
import java.util.Map;

/**
 * The process's "kernel": the shared services every module is built on. One instance per
 * daemon (tests build their own); passed to constructors, never reached through statics.
 */
public final class Kernel implements AutoCloseable {
    private final String fsRoot;
    private final DeviceRegistry devices;
    private final DeviceNumbers deviceNumbers;
    private final ProcFs procfs;
    private final ModuleParams params;
    private final WorkQueues workQueues;
    private final KernelTimers timers;
    private final UsermodeHelper usermodeHelper;
    private final GenlBus genl;

    /**
     * @param fsRoot the FUSE root, e.g. {@code /UMCfuse}; also passed to usermode helpers as
     *               {@code UMC_FS_ROOT} so the drbd-utils they run talk to this daemon
     */
    public Kernel(String fsRoot) {
        this.fsRoot = fsRoot;
        this.devices = new DeviceRegistry(fsRoot);
        this.procfs = new ProcFs();
        this.deviceNumbers = new DeviceNumbers();
        devices.addListener(deviceNumbers);
        try {
            procfs.register(PartitionsProcNode.PATH, new PartitionsProcNode(devices, deviceNumbers));
        } catch (KernelException e) {
            throw new IllegalStateException(e);
        }
        this.params = new ModuleParams(procfs);
        this.workQueues = new WorkQueues();
        this.timers = new KernelTimers();
        this.usermodeHelper = new UsermodeHelper(Map.of("UMC_FS_ROOT", fsRoot));
        this.genl = new GenlBus();
        this.devices.addListener(new SysBlockNodes(procfs));
    }

    public String fsRoot() {
        return fsRoot;
    }

    public DeviceRegistry devices() {
        return devices;
    }

    /** Device numbers (major:minor) of the registered devices, as proc/partitions shows them. */
    public DeviceNumbers deviceNumbers() {
        return deviceNumbers;
    }

    public ProcFs procfs() {
        return procfs;
    }

    public ModuleParams params() {
        return params;
    }

    public WorkQueues workQueues() {
        return workQueues;
    }

    public KernelTimers timers() {
        return timers;
    }

    public UsermodeHelper usermodeHelper() {
        return usermodeHelper;
    }

    /** The generic-netlink bus (families such as "drbd" register here). */
    public GenlBus genl() {
        return genl;
    }

    /** Stops timers and work queues (after every module has exited). */
    @Override
    public void close() {
        timers.close();
        workQueues.close();
    }
}
