package io.scstdrbd.scst.target;

import io.scstdrbd.scst.device.VirtualDevice;
import io.scstdrbd.scst.fabric.FabricCommand;
import io.scstdrbd.scst.fabric.ScsiSession;
import io.scstdrbd.scst.fabric.SessionKey;
import io.scstdrbd.scst.fabric.TaskManagementFunction;
import io.scstdrbd.scst.fabric.TaskManagementResult;
import io.scstdrbd.scst.lun.AddressMethod;
import io.scstdrbd.scst.lun.GroupView;
import io.scstdrbd.scst.lun.LunMapping;
import io.scstdrbd.scst.sense.ScsiError;
import io.scstdrbd.scst.tm.ItlNexus;
import io.scstdrbd.scst.tm.Task;
import io.scstdrbd.scst.tm.TaskOwner;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One I_T nexus: the initiator's group, its LUN table of I_T_L nexuses, and its tasks by tag.
 * The LUN table is an immutable map replaced when the groups change, so a command looks its
 * LUN up without locking.
 */
final class ScstSession implements ScsiSession, TaskOwner {
    private final ScstTarget target;
    private final SessionKey key;
    private final long id;
    private final Map<Long, Task> tasks = new ConcurrentHashMap<>();
    private final AtomicLong allCommands = new AtomicLong();
    private volatile GroupView group;
    private volatile Map<Long, ItlNexus> lunTable = Map.of();
    private volatile List<Long> lunList = List.of();
    private volatile boolean closed;
    private final Runnable forcedClose;

    ScstSession(ScstTarget target, SessionKey key, long id, Runnable forcedClose) {
        this.target = target;
        this.key = key;
        this.id = id;
        this.forcedClose = forcedClose;
    }

    /**
     * Asks the transport to end this session (it then calls {@link #close()}); false if the
     * transport cannot end sessions on request.
     */
    boolean forceClose(String why) {
        if (forcedClose == null || closed) {
            return false;
        }
        org.slf4j.LoggerFactory.getLogger(ScstSession.class).info("ending session {} of {}: {}", id,
                key.initiatorPortName(), why);
        forcedClose.run();
        return true;
    }

    @Override
    public SessionKey key() {
        return key;
    }

    long id() {
        return id;
    }

    String groupName() {
        return group == null ? "" : group.name();
    }

    long allCommands() {
        return allCommands.get();
    }

    Map<Long, ItlNexus> lunTable() {
        return lunTable;
    }

    /**
     * Re-reads the group's LUN map. Nexuses of devices that stay keep their unit attentions;
     * if the set of LUNs changed (and this is not the login), every nexus gets REPORTED LUNS
     * DATA HAS CHANGED.
     */
    synchronized void refresh(GroupView g, boolean login) {
        this.group = g;
        Map<Long, ItlNexus> old = lunTable;
        Map<VirtualDevice, ItlNexus> byDevice = new HashMap<>();
        for (ItlNexus n : old.values()) {
            byDevice.put(n.device(), n);
        }
        Map<Long, ItlNexus> next = new HashMap<>();
        for (LunMapping m : g.luns().values()) {
            ItlNexus n = byDevice.remove(m.device());
            if (n == null) {
                n = new ItlNexus(this, key, id, m.device(), m.lun(), m.readOnly());
                m.device().addNexus(n);
                if (login) {
                    n.addUnitAttention(ScsiError.POWER_ON_RESET);
                }
            } else {
                n.remap(m.lun(), m.readOnly());
            }
            next.put(m.lun(), n);
        }
        for (ItlNexus gone : byDevice.values()) {
            dropNexus(gone);
        }
        boolean changed = !login && !old.keySet().equals(next.keySet());
        lunTable = Collections.unmodifiableMap(next);
        List<Long> l = new ArrayList<>(next.keySet());
        Collections.sort(l);
        lunList = List.copyOf(l);
        if (changed) {
            for (ItlNexus n : next.values()) {
                n.addUnitAttention(ScsiError.REPORTED_LUNS_DATA_HAS_CHANGED);
            }
        }
    }

    private void dropNexus(ItlNexus n) {
        for (Task t : n.device().taskSet().select(x -> x.nexus() == n)) {
            t.abort(null);
        }
        n.device().removeNexus(n);
        n.device().reservation().release(id);
    }

    @Override
    public void execute(FabricCommand command) {
        allCommands.incrementAndGet();
        if (closed) {
            command.aborted();
            return;
        }
        target.dispatcher().dispatch(this, lunTable.get(command.lun()), command);
    }

    void track(Task t) {
        tasks.put(t.tag(), t);
    }

    @Override
    public void taskFinished(Task task) {
        tasks.remove(task.tag(), task);
    }

    Task task(long tag) {
        return tasks.get(tag);
    }

    @Override
    public void taskManagement(TaskManagementFunction function, long lun, long referencedTag,
                               Consumer<TaskManagementResult> done) {
        target.taskManagement().execute(this, function, lun, referencedTag, done);
    }

    @Override
    public List<Long> luns() {
        return lunList;
    }

    @Override
    public List<Long> lunList() {
        return lunList;
    }

    @Override
    public AddressMethod addressMethod() {
        GroupView g = group;
        return g == null ? AddressMethod.PERIPHERAL : g.addressMethod();
    }

    @Override
    public int activeCommands() {
        return tasks.size();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (ItlNexus n : lunTable.values()) {
            dropNexus(n);
        }
        for (Task t : new ArrayList<>(tasks.values())) {
            t.abort(null);
        }
        lunTable = Map.of();
        lunList = List.of();
        target.sessionClosed(this);
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "session " + key.initiatorPortName() + " -> " + key.targetName();
    }
}
