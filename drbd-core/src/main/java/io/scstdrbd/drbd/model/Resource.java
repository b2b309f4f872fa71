package io.scstdrbd.drbd.model;

import io.scstdrbd.drbd.netlink.NlStruct;
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
    volatile boolean failIo;
    /** Primary because a writer opened a device (auto-promote), so the last close demotes. */
    boolean autoPromoted;
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
