package io.scstdrbd.iscsi.session;

import io.scstdrbd.iscsi.login.LoginException;
import io.scstdrbd.iscsi.login.LoginStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The live sessions of the target: TSIH allocation, lookup for reinstatement, MaxSessions, and
 * the login gate closed at shutdown.
 *
 * <p>Threading: all methods are synchronized and short; none blocks on I/O.
 */
public final class SessionRegistry {
    private final Map<Integer, IscsiSession> byTsih = new HashMap<>();
    private final Map<SessionIdentity, IscsiSession> byIdentity = new HashMap<>();
    private final Set<Integer> reserved = new HashSet<>();
    private int nextTsih = 1;
    private boolean closed;

    /** A TSIH set aside for a login in progress, and the session it reinstates (or null). */
    public record Reservation(int tsih, IscsiSession replaced) {
    }

    /**
     * Reserves a TSIH for a new session of {@code identity}. An existing session with the same
     * identity is removed and returned for the caller to end (session reinstatement).
     *
     * @param maxSessions limit on sessions of the same target (0 = unlimited)
     * @throws LoginException when logins are closed or the target is full
     */
    public synchronized Reservation reserve(SessionIdentity identity, int maxSessions) throws LoginException {
        return reserve(identity, maxSessions, 0);
    }

    /**
     * As {@link #reserve(SessionIdentity, int)}; a non-zero {@code tsih} that belongs to the
     * replaced session is kept (ErrorRecoveryLevel 0 connection reinstatement: the initiator keeps
     * its TSIH, the connection's tasks are gone).
     */
    public synchronized Reservation reserve(SessionIdentity identity, int maxSessions, int tsih)
            throws LoginException {
        if (closed) {
            throw new LoginException(LoginStatus.SERVICE_UNAVAILABLE, "the target is shutting down");
        }
        IscsiSession old = byIdentity.remove(identity);
        if (old != null) {
            byTsih.remove(old.tsih());
        }
        if (maxSessions > 0 && identity.targetName() != null && count(identity.targetName()) >= maxSessions) {
            throw new LoginException(LoginStatus.OUT_OF_RESOURCES, "MaxSessions " + maxSessions + " reached on "
                    + identity.targetName());
        }
        if (byTsih.size() + reserved.size() >= 65535) {
            throw new LoginException(LoginStatus.OUT_OF_RESOURCES, "no free TSIH");
        }
        if (tsih != 0 && old != null && old.tsih() == tsih) {
            reserved.add(tsih);
            return new Reservation(tsih, old);
        }
        while (nextTsih == 0 || byTsih.containsKey(nextTsih) || reserved.contains(nextTsih)) {
            nextTsih = (nextTsih + 1) & 0xffff;
        }
        int t = nextTsih;
        nextTsih = (nextTsih + 1) & 0xffff;
        reserved.add(t);
        return new Reservation(t, old);
    }

    /** Publishes a session under its reserved TSIH. */
    public synchronized void add(IscsiSession s) {
        reserved.remove(s.tsih());
        IscsiSession other = byIdentity.put(s.identity(), s);
        if (other != null && other != s) {
            byTsih.remove(other.tsih());
        }
        byTsih.put(s.tsih(), s);
    }

    /** Gives back a reservation whose login failed. */
    public synchronized void cancel(int tsih) {
        reserved.remove(tsih);
    }

    public synchronized void remove(IscsiSession s) {
        if (byTsih.get(s.tsih()) == s) {
            byTsih.remove(s.tsih());
        }
        if (byIdentity.get(s.identity()) == s) {
            byIdentity.remove(s.identity());
        }
    }

    public synchronized IscsiSession find(int tsih) {
        return byTsih.get(tsih);
    }

    public synchronized List<IscsiSession> all() {
        return new ArrayList<>(byTsih.values());
    }

    /** Stops new logins (shutdown). */
    public synchronized void closeLogins() {
        closed = true;
    }

    public synchronized boolean loginsClosed() {
        return closed;
    }

    private int count(String targetName) {
        int n = 0;
        for (IscsiSession s : byTsih.values()) {
            if (targetName.equals(s.identity().targetName())) {
                n++;
            }
        }
        return n;
    }
}
