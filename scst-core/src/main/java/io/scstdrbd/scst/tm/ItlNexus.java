package io.scstdrbd.scst.tm;

import io.scstdrbd.scst.device.VirtualDevice;
import io.scstdrbd.scst.fabric.SessionKey;
import io.scstdrbd.scst.pr.PrNexus;
import io.scstdrbd.scst.sense.ScsiError;
import java.util.ArrayDeque;

/**
 * An I_T_L nexus: one session's view of one logical unit. Holds what SAM keeps per I_T_L: the
 * unit attention conditions waiting to be reported and the medium-removal prevention state.
 * The LUN number and read-only flag come from the LUN map and may change on reconfiguration.
 * Thread-safe.
 */
public final class ItlNexus {
    private final TaskOwner owner;
    private final SessionKey key;
    private final long sessionId;
    private final VirtualDevice device;
    private final PrNexus prNexus;
    private volatile long lun;
    private volatile boolean readOnly;
    private final ArrayDeque<ScsiError> unitAttentions = new ArrayDeque<>(2);
    /** Fast path: read without the lock on every command. */
    private volatile boolean uaPending;
    private volatile boolean preventRemoval;
    /** EXTENDED COPY results by list identifier: {status, segments processed, KiB copied}. */
    private final java.util.Map<Integer, long[]> copyResults = new java.util.concurrent.ConcurrentHashMap<>();

    public ItlNexus(TaskOwner owner, SessionKey key, long sessionId, VirtualDevice device, long lun,
                    boolean readOnly) {
        this.owner = owner;
        this.key = key;
        this.sessionId = sessionId;
        this.device = device;
        this.prNexus = new PrNexus(key.initiatorPortName(), key.relativeTargetPort(), key.transportId());
        this.lun = lun;
        this.readOnly = readOnly;
    }

    public TaskOwner owner() {
        return owner;
    }

    public SessionKey key() {
        return key;
    }

    /** Unique per session within the process (RESERVE(6) holder identity). */
    public long sessionId() {
        return sessionId;
    }

    public VirtualDevice device() {
        return device;
    }

    /** This nexus as persistent reservations identify it. */
    public PrNexus prNexus() {
        return prNexus;
    }

    /** True if a persistent reservation notice for {@code n} concerns this nexus. */
    public boolean matches(PrNexus n) {
        if (n.relativeTargetPort() != key.relativeTargetPort()) {
            return false;
        }
        return n.initiatorPort().equals(key.initiatorPortName()) || n.initiatorPort().equals(key.initiatorName());
    }

    public long lun() {
        return lun;
    }

    public boolean readOnly() {
        return readOnly;
    }

    public void remap(long newLun, boolean newReadOnly) {
        this.lun = newLun;
        this.readOnly = newReadOnly;
    }

    /** Same initiator port and target port (the I_T nexus PR registrations belong to). */
    public boolean sameItNexus(ItlNexus other) {
        return key.initiatorPortName().equals(other.key.initiatorPortName())
                && key.relativeTargetPort() == other.key.relativeTargetPort();
    }

    /**
     * Establishes a unit attention. A reset condition replaces the queue (SAM: the reset
     * reports everything that happened before it); duplicates are not queued twice.
     */
    public synchronized void addUnitAttention(ScsiError ua) {
        if (ua.asc() == 0x29) {
            unitAttentions.clear();
        } else if (unitAttentions.contains(ua)) {
            return;
        }
        if (unitAttentions.size() >= 8) {
            unitAttentions.pollLast();
        }
        unitAttentions.addLast(ua);
        uaPending = true;
    }

    public boolean hasUnitAttention() {
        return uaPending;
    }

    /** Removes and returns the oldest unit attention, or null. */
    public synchronized ScsiError takeUnitAttention() {
        ScsiError ua = unitAttentions.pollFirst();
        uaPending = !unitAttentions.isEmpty();
        return ua;
    }

    /** Clears one kind of unit attention (REPORT LUNS clears REPORTED LUNS DATA HAS CHANGED). */
    public synchronized void clearUnitAttention(ScsiError ua) {
        unitAttentions.remove(ua);
        uaPending = !unitAttentions.isEmpty();
    }

    public synchronized void clearUnitAttentions() {
        unitAttentions.clear();
        uaPending = false;
    }

    public boolean preventRemoval() {
        return preventRemoval;
    }

    public void setPreventRemoval(boolean prevent) {
        this.preventRemoval = prevent;
    }

    /** Results of EXTENDED COPY commands of this nexus, for RECEIVE COPY RESULTS. */
    public java.util.Map<Integer, long[]> copyResults() {
        return copyResults;
    }

    @Override
    public String toString() {
        return key.initiatorPortName() + " LUN " + lun + " (" + device.name() + ")";
    }
}
