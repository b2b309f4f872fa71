package io.scstdrbd.scst.target;

import io.scstdrbd.scst.device.VirtualDevice;
import io.scstdrbd.scst.fabric.TaskManagementFunction;
import io.scstdrbd.scst.fabric.TaskManagementResult;
import io.scstdrbd.scst.sense.ScsiError;
import io.scstdrbd.scst.tm.ItlNexus;
import io.scstdrbd.scst.tm.Task;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Task management functions (SAM-5 7): ABORT TASK, ABORT TASK SET, CLEAR TASK SET, LOGICAL UNIT
 * RESET, TARGET WARM/COLD RESET and the QUERY functions. Aborted tasks end silently (TAS = 0);
 * nexuses that lose tasks to another nexus's action get COMMANDS CLEARED BY ANOTHER INITIATOR.
 * The result is reported once every affected task has finished.
 */
final class TaskManagement {
    private static final Logger LOG = LoggerFactory.getLogger(TaskManagement.class);

    private final ScstTarget target;

    TaskManagement(ScstTarget target) {
        this.target = target;
    }

    void execute(ScstSession s, TaskManagementFunction f, long lun, long refTag,
                 Consumer<TaskManagementResult> done) {
        ItlNexus nexus = s.lunTable().get(lun);
        switch (f) {
            case ABORT_TASK: {
                Task t = s.task(refTag);
                if (t == null || !t.abort(() -> done.accept(TaskManagementResult.FUNCTION_COMPLETE))) {
                    done.accept(TaskManagementResult.TASK_DOES_NOT_EXIST);
                }
                return;
            }
            case ABORT_TASK_SET:
                if (nexus == null) {
                    done.accept(TaskManagementResult.LUN_DOES_NOT_EXIST);
                    return;
                }
                abortAll(nexus.device().taskSet().select(t -> t.nexus() == nexus), nexus,
                        () -> done.accept(TaskManagementResult.FUNCTION_COMPLETE));
                return;
            case CLEAR_TASK_SET:
                if (nexus == null) {
                    done.accept(TaskManagementResult.LUN_DOES_NOT_EXIST);
                    return;
                }
                abortAll(nexus.device().taskSet().select(t -> true), nexus,
                        () -> done.accept(TaskManagementResult.FUNCTION_COMPLETE));
                return;
            case LOGICAL_UNIT_RESET:
                if (nexus == null) {
                    done.accept(TaskManagementResult.LUN_DOES_NOT_EXIST);
                    return;
                }
                LOG.info("LOGICAL UNIT RESET of {} from {}", nexus.device().name(), s.key().initiatorPortName());
                resetDevices(List.of(nexus.device()), nexus, ScsiError.BUS_DEVICE_RESET,
                        () -> done.accept(TaskManagementResult.FUNCTION_COMPLETE));
                return;
            case TARGET_WARM_RESET:
            case TARGET_COLD_RESET: {
                LOG.info("TARGET {} RESET of {} from {}", f == TaskManagementFunction.TARGET_COLD_RESET ? "COLD" : "WARM",
                        s.key().targetName(), s.key().initiatorPortName());
                Set<VirtualDevice> devs = new HashSet<>();
                for (ScstSession other : target.sessionsOf(s.key().targetName())) {
                    for (ItlNexus n : other.lunTable().values()) {
                        devs.add(n.device());
                    }
                }
                boolean cold = f == TaskManagementFunction.TARGET_COLD_RESET;
                resetDevices(List.copyOf(devs), null, cold ? ScsiError.POWER_ON_OCCURRED : ScsiError.POWER_ON_RESET,
                        () -> {
                            done.accept(TaskManagementResult.FUNCTION_COMPLETE);
                            if (cold) {
                                // a cold reset ends every session of the target; the issuer's
                                // transport ends its own after sending the response
                                target.endSessions(s.key().targetName(), s);
                            }
                        });
                return;
            }
            case QUERY_TASK: {
                Task t = s.task(refTag);
                done.accept(t != null ? TaskManagementResult.FUNCTION_SUCCEEDED : TaskManagementResult.FUNCTION_COMPLETE);
                return;
            }
            case QUERY_TASK_SET:
                if (nexus == null) {
                    done.accept(TaskManagementResult.LUN_DOES_NOT_EXIST);
                    return;
                }
                done.accept(nexus.device().taskSet().select(t -> t.nexus() == nexus).isEmpty()
                        ? TaskManagementResult.FUNCTION_COMPLETE : TaskManagementResult.FUNCTION_SUCCEEDED);
                return;
            case QUERY_ASYNC_EVENT:
                if (nexus == null) {
                    done.accept(TaskManagementResult.LUN_DOES_NOT_EXIST);
                    return;
                }
                done.accept(nexus.hasUnitAttention() ? TaskManagementResult.FUNCTION_SUCCEEDED
                        : TaskManagementResult.FUNCTION_COMPLETE);
                return;
            default:
                done.accept(TaskManagementResult.FUNCTION_NOT_SUPPORTED);
        }
    }

    /**
     * Aborts the tasks; nexuses other than {@code issuer} that lose tasks get COMMANDS CLEARED BY
     * ANOTHER INITIATOR. {@code whenDone} runs after the last one finished.
     */
    static void abortAll(List<Task> tasks, ItlNexus issuer, Runnable whenDone) {
        AtomicInteger pending = new AtomicInteger(tasks.size() + 1);
        Runnable countDown = () -> {
            if (pending.decrementAndGet() == 0) {
                whenDone.run();
            }
        };
        Set<ItlNexus> cleared = new HashSet<>();
        for (Task t : tasks) {
            if (issuer != null && t.nexus() != issuer) {
                cleared.add(t.nexus());
            }
            if (!t.abort(countDown)) {
                countDown.run();
            }
        }
        for (ItlNexus n : cleared) {
            n.addUnitAttention(ScsiError.COMMANDS_CLEARED_BY_ANOTHER_INITIATOR);
        }
        countDown.run();
    }

    /** LOGICAL UNIT RESET of each device: abort its tasks, then reset its state and report the reset. */
    static void resetDevices(List<VirtualDevice> devices, ItlNexus issuer, ScsiError ua, Runnable whenDone) {
        AtomicInteger pending = new AtomicInteger(devices.size() + 1);
        Runnable countDown = () -> {
            if (pending.decrementAndGet() == 0) {
                whenDone.run();
            }
        };
        for (VirtualDevice d : devices) {
            abortAll(d.taskSet().select(t -> true), null, () -> {
                d.reservation().clear();
                d.modePages().resetToSaved();
                for (ItlNexus n : d.nexuses()) {
                    n.setPreventRemoval(false);
                    n.addUnitAttention(ua);
                }
                countDown.run();
            });
        }
        countDown.run();
    }
}
