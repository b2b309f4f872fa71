package io.scstdrbd.scst.fabric;

import java.util.List;
import java.util.function.Consumer;

/**
 * One I_T nexus as the SCSI core sees it, created by {@link ScsiTargetCore#openSession}.
 *
 * <p>Threading: all methods are thread-safe and never block on I/O; completions arrive through
 * the {@link FabricCommand} callbacks and the {@code done} consumers, on any thread.
 */
public interface ScsiSession {

    SessionKey key();

    /** Starts a command; its outcome arrives through the command's callbacks. */
    void execute(FabricCommand command);

    /**
     * Runs a task management function.
     *
     * @param lun           the LUN it applies to (ignored for target resets)
     * @param referencedTag the task's tag for ABORT TASK / QUERY TASK, else ignored
     * @param done          called once with the result, after every affected command was
     *                      aborted (its {@link FabricCommand#aborted()} was called)
     */
    void taskManagement(TaskManagementFunction function, long lun, long referencedTag,
                        Consumer<TaskManagementResult> done);

    /** The LUNs this initiator sees (its group's LUN map), ascending. */
    List<Long> luns();

    /** Number of commands in progress (for the sessions listing and for draining). */
    int activeCommands();

    /**
     * Ends the nexus: aborts outstanding commands (their {@link FabricCommand#aborted()} is
     * called) and releases what the session holds. Persistent reservations and registrations
     * survive (they belong to the initiator port, not to the connection); RESERVE(6/10)
     * reservations are released as SPC requires on I_T nexus loss.
     */
    void close();
}
