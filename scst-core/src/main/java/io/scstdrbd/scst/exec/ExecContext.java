package io.scstdrbd.scst.exec;

import io.scstdrbd.scst.device.VirtualDevice;
import io.scstdrbd.scst.pr.PrNexus;
import io.scstdrbd.scst.tm.ItlNexus;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The services command handlers use besides their task.
 *
 * @param buffers    data-in buffers
 * @param background an ordered executor for blocking work (state files); never an event loop
 * @param aborter    aborts tasks for PREEMPT AND ABORT
 * @param devices    all vdisks (EXTENDED COPY finds its copy targets here)
 */
public record ExecContext(BufferPool buffers, Executor background, TaskAborter aborter, DeviceDirectory devices) {

    /** Aborts the tasks of some I_T nexuses on a device. */
    public interface TaskAborter {
        /** Aborts every task on {@code device} from the nexuses of {@code victims}; then runs {@code done}. */
        void abortNexusTasks(VirtualDevice device, List<PrNexus> victims, ItlNexus issuer, Runnable done);
    }

    /** The vdisks of the target. */
    public interface DeviceDirectory {
        Collection<VirtualDevice> all();
    }
}
