package io.scstdrbd.drbd.model;

import io.scstdrbd.drbd.netlink.NlStruct;
import io.scstdrbd.drbd.state.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A DRBD resource: a node id, options, a role, and its volumes (devices) and connections.
 * Mutable state is guarded by the owning {@link DrbdNode}'s lock; readers outside the lock see
 * values that may be a moment old, which is fine for I/O decisions and status.
 */
public final class Resource {
    private final String name;
    private volatile NlStruct options;
    private volatile Role role = Role.SECONDARY;
    volatile boolean suspUser;
    /** I/O suspended by fencing resource-and-stonith (res_susp_fen), as status and events2 show it. */
    volatile boolean suspFen;
    /**
     * The I/O path's own view of the fencing suspension: set on the connection loss itself, before
     * any write could complete without the peer, and cleared just before the held I/O resumes.
     */
    private volatile boolean fencingFreeze;
    /** I/O suspended for lack of quorum (on-no-quorum suspend-io; res_susp_quorum), set with every state change. */
    volatile boolean suspQuorum;
    /**
     * The I/O path's view of a quorum loss: set when a Primary with quorum enabled loses a
     * connection, before any write could complete without the peer; cleared once the model has
     * counted the votes (at once if quorum held, or when it returns).
     */
    private volatile boolean quorumFreeze;
    /** Peers whose connection loss froze the I/O path and that the model has not counted yet. */
    final java.util.Set<Integer> uncountedLosses = java.util.concurrent.ConcurrentHashMap.newKeySet();
    volatile boolean failIo;
    /** Primary because a writer opened a device (auto-promote), so the last close demotes. */
    boolean autoPromoted;
    /**
     * Serializes promotions of this resource while fence-peer runs with the model lock released
     * (the kernel's adm_mutex): a second promotion waits for the first one's fencing.
     */
    final java.util.concurrent.locks.ReentrantLock promotion = new java.util.concurrent.locks.ReentrantLock();
    final TreeMap<Integer, Device> devices = new TreeMap<>();
    final TreeMap<Integer, Connection> connections = new TreeMap<>();

    Resource(String name, NlStruct options) {
        this.name = name;
        this.options = options;
    }

    public String name() {
        return name;
    }

    public int nodeId() {
        return (int) options.num("node_id");
    }

    public NlStruct options() {
        return options;
    }

    void options(NlStruct o) {
        options = o;
    }

    public Role role() {
        return role;
    }

    void role(Role r) {
        role = r;
    }

    public boolean suspendedByUser() {
        return suspUser;
    }

    public boolean suspendedByFencing() {
        return suspFen;
    }

    public boolean suspendedByQuorum() {
        return suspQuorum;
    }

    /** Whether new application I/O waits (suspend-io, fencing resource-and-stonith, or no quorum). */
    public boolean ioSuspended() {
        return suspUser || fencingFreeze || suspQuorum || quorumFreeze;
    }

    /** Whether completions of writes that failed to reach a peer are held (fencing or quorum pending). */
    public boolean completionsFrozen() {
        return fencingFreeze || quorumFreeze || suspQuorum;
    }

    public boolean quorumFreeze() {
        return quorumFreeze;
    }

    /** Sets or clears the I/O path's quorum freeze (any thread, no lock: see {@link #quorumFreeze}). */
    void quorumFreeze(boolean on) {
        quorumFreeze = on;
    }

    /**
     * The connection to {@code peer} is ending while quorum counts (any thread): the I/O path
     * freezes until the model has counted the loss ({@link #lossCounted}).
     */
    public void lossPending(int peer) {
        uncountedLosses.add(peer);
        quorumFreeze = true;
    }

    /** The model is about to apply the loss of {@code peer} (its serial queue, before the state change). */
    public void lossCounted(int peer) {
        uncountedLosses.remove(peer);
    }

    /** Whether quorum is enabled (the resource option quorum is not off). */
    public boolean quorumEnabled() {
        return Quorum.enabled(this);
    }

    /** Whether completions of writes that failed to reach a peer are held (fencing in progress). */
    public boolean fencingFreeze() {
        return fencingFreeze;
    }

    /** Sets or clears the I/O path's fencing freeze (any thread, no lock: see {@link #fencingFreeze}). */
    public void fencingFreeze(boolean on) {
        fencingFreeze = on;
    }

    public boolean failIo() {
        return failIo;
    }

    /** Write ordering as reported in resource statistics: flush (2). */
    public int writeOrdering() {
        return 2;
    }

    /** Devices by volume number (a copy; call under the node lock for a consistent view). */
    public List<Device> devices() {
        return new ArrayList<>(devices.values());
    }

    public Device device(int volume) {
        return devices.get(volume);
    }

    /** Connections by peer node id (a copy). */
    public List<Connection> connections() {
        return new ArrayList<>(connections.values());
    }

    public Connection connection(int peerNodeId) {
        return connections.get(peerNodeId);
    }

    @Override
    public String toString() {
        return name;
    }
}
