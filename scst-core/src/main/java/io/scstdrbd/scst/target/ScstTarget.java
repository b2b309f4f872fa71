package io.scstdrbd.scst.target;

import io.scstdrbd.scst.device.VirtualDevice;
import io.scstdrbd.scst.exec.CommandTable;
import io.scstdrbd.scst.exec.ExecContext;
import io.scstdrbd.scst.fabric.ScsiSession;
import io.scstdrbd.scst.fabric.ScsiTargetCore;
import io.scstdrbd.scst.fabric.SessionKey;
import io.scstdrbd.scst.lun.AccessControl;
import io.scstdrbd.scst.pr.PrNexus;
import io.scstdrbd.scst.tm.ItlNexus;
import io.scstdrbd.scst.tm.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SCSI target core as transports see it: opens sessions, which see their initiator group's
 * LUNs, and re-maps open sessions when the groups change.
 */
public final class ScstTarget implements ScsiTargetCore, ExecContext.TaskAborter {
    private static final Logger LOG = LoggerFactory.getLogger(ScstTarget.class);

    private final AccessControl acl;
    private final List<ScstSession> sessions = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private final TaskManagement tm = new TaskManagement(this);
    private volatile Dispatcher dispatcher;
    private volatile java.util.function.BooleanSupplier forciblyCloseSessions = () -> false;

    public ScstTarget(AccessControl acl) {
        this.acl = acl;
        acl.addListener(this::remapSessions);
    }

    /** Installs the command table (built after the target because handlers need the target as aborter). */
    public void setCommandTable(CommandTable table) {
        this.dispatcher = table == null ? null : new Dispatcher(table);
    }

    /** SCST's forcibly_close_sessions: end (rather than re-map) sessions whose group changes. */
    public void setForciblyCloseSessions(java.util.function.BooleanSupplier s) {
        this.forciblyCloseSessions = s;
    }

    /** Ends the sessions of a target other than {@code except} (TARGET COLD RESET). */
    void endSessions(String targetName, ScstSession except) {
        for (ScstSession s : sessionsOf(targetName)) {
            if (s != except) {
                s.forceClose("target cold reset");
            }
        }
    }

    Dispatcher dispatcher() {
        return dispatcher;
    }

    TaskManagement taskManagement() {
        return tm;
    }

    public AccessControl accessControl() {
        return acl;
    }

    @Override
    public ScsiSession openSession(SessionKey key) {
        return openSession(key, null);
    }

    @Override
    public ScsiSession openSession(SessionKey key, Runnable forcedClose) {
        if (key == null || key.initiatorName() == null || key.initiatorPortName() == null) {
            throw new IllegalArgumentException("session key without initiator name");
        }
        if (dispatcher == null) {
            throw new IllegalStateException("the SCSI target core is not running");
        }
        ScstSession s = new ScstSession(this, key, ids.incrementAndGet(), forcedClose);
        s.refresh(acl.groupFor(key.initiatorName()), true);
        sessions.add(s);
        LOG.info("session {} opened for {} in group {} with {} LUN(s)", s.id(), key.initiatorPortName(), s.groupName(),
                s.luns().size());
        return s;
    }

    void sessionClosed(ScstSession s) {
        sessions.remove(s);
        LOG.info("session {} of {} closed", s.id(), s.key().initiatorPortName());
    }

    List<ScstSession> sessionsOf(String targetName) {
        List<ScstSession> l = new ArrayList<>();
        for (ScstSession s : sessions) {
            if (s.key().targetName().equals(targetName)) {
                l.add(s);
            }
        }
        return l;
    }

    /** A row of the sessions listing. */
    public record SessionInfo(String targetName, String initiatorName, String group, int active, long all) {
    }

    public List<SessionInfo> sessionInfo() {
        List<SessionInfo> l = new ArrayList<>();
        for (ScstSession s : sessions) {
            l.add(new SessionInfo(s.key().targetName(), s.key().initiatorName(), s.groupName(), s.activeCommands(),
                    s.allCommands()));
        }
        return l;
    }

    /** Closes every session (module exit). */
    public void closeAll() {
        for (ScstSession s : new ArrayList<>(sessions)) {
            s.close();
        }
    }

    private void remapSessions() {
        for (ScstSession s : sessions) {
            if (s.isClosed()) {
                continue;
            }
            var g = acl.groupFor(s.key().initiatorName());
            if (!g.name().equals(s.groupName()) && forciblyCloseSessions.getAsBoolean() && s.forceClose(
                    "moved from group " + s.groupName() + " to " + g.name())) {
                continue;
            }
            s.refresh(g, false);
        }
    }

    @Override
    public void abortNexusTasks(VirtualDevice device, List<PrNexus> victims, ItlNexus issuer, Runnable done) {
        List<Task> tasks = device.taskSet().select(t -> {
            for (PrNexus v : victims) {
                if (t.nexus().matches(v)) {
                    return true;
                }
            }
            return false;
        });
        TaskManagement.abortAll(tasks, issuer, done);
    }
}
