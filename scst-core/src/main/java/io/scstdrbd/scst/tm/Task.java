package io.scstdrbd.scst.tm;

import io.scstdrbd.scst.device.VirtualDevice;
import io.scstdrbd.scst.fabric.FabricCommand;
import io.scstdrbd.scst.fabric.ScsiResponse;
import io.scstdrbd.scst.fabric.TaskAttribute;
import io.scstdrbd.scst.sense.ScsiError;
import io.scstdrbd.scst.sense.ScsiException;
import io.scstdrbd.scst.sense.SenseData;
import io.scstdrbd.scst.sense.SenseFormat;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SCSI command on its way through the core (SAM's "task"). Executors read its CDB, ask for
 * data-out with {@link #receiveData}, and finish it exactly once with {@link #complete} or
 * {@link #fail}; task management may {@link #abort} it at any time.
 *
 * <p>Threading: the methods may be called from any thread. A finished task hands its response to
 * the transport on the calling thread.
 */
public final class Task {
    private static final Logger LOG = LoggerFactory.getLogger(Task.class);

    /** Life cycle of a task; transitions are checked. */
    public enum State {
        /** Created, not yet in the task set. */
        NEW,
        /** Waiting in the task set behind an ORDERED task. */
        BLOCKED,
        /** Enabled and executing. */
        RUNNING,
        /** Executing and waiting for the initiator's data-out. */
        DATA_OUT,
        /** Response (or abort) handed to the transport. */
        DONE;

        boolean canMoveTo(State next) {
            switch (this) {
                case NEW: return next == BLOCKED || next == RUNNING || next == DONE;
                case BLOCKED: return next == RUNNING || next == DONE;
                case RUNNING: return next == DATA_OUT || next == DONE;
                case DATA_OUT: return next == RUNNING || next == DONE;
                default: return false;
            }
        }
    }

    /** Receives the data-out of {@link #receiveData}; may throw to fail the task. */
    @FunctionalInterface
    public interface DataOutHandler {
        void received(Task task, ByteBuffer[] data) throws ScsiException;
    }

    private final ItlNexus nexus;
    private final FabricCommand command;
    private final byte[] cdb;
    private final TaskAttribute attribute;
    private final boolean exclusive;
    private final TaskBody body;
    private State state = State.NEW;
    private boolean aborted;
    private boolean detachOnAbort;
    private List<Runnable> abortWaiters;

    // owned by the TaskSet (guarded by its lock)
    Task prev;
    Task next;
    boolean linked;
    boolean enabled;
    boolean barrier;

    /**
     * @param exclusive run as if ORDERED whatever the attribute (commands that read and write the
     *                  same blocks atomically: COMPARE AND WRITE, ORWRITE)
     */
    public Task(ItlNexus nexus, FabricCommand command, byte[] cdb, boolean exclusive, TaskBody body) {
        this.nexus = nexus;
        this.command = command;
        this.cdb = cdb;
        this.attribute = command.taskAttribute();
        this.exclusive = exclusive;
        this.body = body;
    }

    public ItlNexus nexus() {
        return nexus;
    }

    public VirtualDevice device() {
        return nexus.device();
    }

    public FabricCommand command() {
        return command;
    }

    public byte[] cdb() {
        return cdb;
    }

    public long tag() {
        return command.tag();
    }

    public TaskAttribute attribute() {
        return attribute;
    }

    /** True if the task must run alone (ORDERED attribute or an atomic read-modify-write command). */
    boolean ordered() {
        return exclusive || attribute == TaskAttribute.ORDERED;
    }

    boolean headOfQueue() {
        return attribute == TaskAttribute.HEAD_OF_QUEUE;
    }

    public long expectedDataLength() {
        return command.expectedDataLength();
    }

    public synchronized State state() {
        return state;
    }

    public synchronized boolean isAborted() {
        return aborted;
    }

    private void move(State next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("task " + Long.toHexString(tag()) + ": " + state + " -> " + next);
        }
        state = next;
    }

    /** Called by the task set when it blocks the task behind an ORDERED one. */
    synchronized void markBlocked() {
        if (state == State.NEW) {
            move(State.BLOCKED);
        }
    }

    /** Called by the task set when the task may run. */
    void start() {
        boolean abortNow;
        synchronized (this) {
            if (state == State.DONE) {
                return;
            }
            abortNow = aborted;
            if (!abortNow) {
                move(State.RUNNING);
            }
        }
        if (abortNow) {
            finish(null);
            return;
        }
        try {
            body.run(this);
        } catch (RuntimeException e) {
            LOG.error("command {} on {} failed", opcodeName(), nexus, e);
            fail(SenseData.of(ScsiError.INTERNAL_TARGET_FAILURE));
        }
    }

    /**
     * Asks the transport for {@code length} bytes of data-out and passes them to {@code handler}.
     * The task must be running; the buffers stay valid until the task completes.
     */
    public void receiveData(long length, DataOutHandler handler) {
        synchronized (this) {
            if (state != State.RUNNING) {
                return;
            }
            move(State.DATA_OUT);
        }
        command.receiveData(length, new FabricCommand.DataOutCallback() {
            @Override
            public void received(ByteBuffer[] data) {
                synchronized (Task.this) {
                    if (state != State.DATA_OUT) {
                        return; // aborted meanwhile
                    }
                    move(State.RUNNING);
                }
                try {
                    handler.received(Task.this, data);
                } catch (ScsiException e) {
                    fail(e);
                } catch (RuntimeException e) {
                    LOG.error("command {} on {} failed", opcodeName(), nexus, e);
                    fail(SenseData.of(ScsiError.INTERNAL_TARGET_FAILURE));
                }
            }

            @Override
            public void failed(String reason) {
                synchronized (Task.this) {
                    if (state != State.DATA_OUT) {
                        return;
                    }
                    move(State.RUNNING);
                }
                LOG.debug("data-out of {} failed: {}", opcodeName(), reason);
                fail(SenseData.of(ScsiError.DATA_OUT_FAILED));
            }
        });
    }

    /** Finishes the task with a response (or drops it if the task was aborted). */
    public void complete(ScsiResponse response) {
        finish(response);
    }

    public void good() {
        finish(ScsiResponse.status(ScsiResponse.GOOD));
    }

    public void fail(ScsiException e) {
        if (e.sense() == null) {
            finish(ScsiResponse.status(e.status()));
        } else {
            fail(e.sense());
        }
    }

    public void fail(SenseData sense) {
        finish(ScsiResponse.checkCondition(SenseFormat.encode(sense, device().descriptorSense())));
    }

    public void fail(ScsiError error) {
        fail(SenseData.of(error));
    }

    /**
     * The command's work goes on after an abort (SANITIZE keeps sanitizing): an abort then ends
     * the task at once instead of waiting for the work, whose later completion is dropped.
     */
    public synchronized void detachOnAbort() {
        detachOnAbort = true;
    }

    /**
     * Aborts the task. {@code whenDone} runs once the transport has been told (immediately for
     * a task that is blocked or waiting for data-out, after the current I/O otherwise).
     *
     * @return false if the task had already finished
     */
    public boolean abort(Runnable whenDone) {
        State s;
        synchronized (this) {
            if (state == State.DONE) {
                return false;
            }
            aborted = true;
            if (whenDone != null) {
                if (abortWaiters == null) {
                    abortWaiters = new ArrayList<>(1);
                }
                abortWaiters.add(whenDone);
            }
            s = state;
            if (s == State.RUNNING && detachOnAbort) {
                s = State.DATA_OUT; // handled like a task waiting for data: finish now
            }
        }
        if (s == State.BLOCKED) {
            if (device().taskSet().removeBlocked(this)) {
                finish(null);
            }
        } else if (s == State.DATA_OUT) {
            finish(null);
        }
        return true;
    }

    private void finish(ScsiResponse response) {
        boolean wasAborted;
        List<Runnable> waiters;
        synchronized (this) {
            if (state == State.DONE) {
                if (response != null) {
                    response.release().run();
                    if (!aborted) {
                        LOG.error("command {} on {} completed twice", opcodeName(), nexus);
                    }
                }
                return;
            }
            wasAborted = aborted;
            state = State.DONE;
            waiters = abortWaiters;
            abortWaiters = null;
        }
        if (wasAborted) {
            if (response != null) {
                response.release().run();
            }
            command.aborted();
        } else {
            command.respond(response);
        }
        device().taskSet().finished(this);
        nexus.owner().taskFinished(this);
        if (waiters != null) {
            for (Runnable r : waiters) {
                r.run();
            }
        }
    }

    /** Operation code in hex, for logs. */
    public String opcodeName() {
        return String.format("0x%02x", cdb[0] & 0xff);
    }

    @Override
    public String toString() {
        return "Task[" + opcodeName() + " tag=0x" + Long.toHexString(tag()) + " " + nexus + "]";
    }
}
