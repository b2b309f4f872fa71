package io.scstdrbd.drbd.model;

import io.scstdrbd.drbd.netlink.NlStruct;
import io.scstdrbd.drbd.state.ConnState;
import io.scstdrbd.drbd.state.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The connection of a resource to one peer node: its net options, paths, connection state,
 * the peer's role as we know it, and its peer devices. The network side is a
 * {@link ConnectionDriver}. Mutable state is guarded by the node lock.
 */
public final class Connection {
    private final Resource resource;
    private final int peerNodeId;
    private volatile NlStruct netConf;
    private volatile ConnState cstate = ConnState.STANDALONE;
    private volatile long connects;
    private volatile Role peerRole = Role.UNKNOWN;
    final List<Path> paths = new ArrayList<>();
    final TreeMap<Integer, PeerDevice> peerDevices = new TreeMap<>();
    ConnectionDriver driver;
    boolean discardMyData;
    boolean tentative;

    Connection(Resource resource, int peerNodeId, NlStruct netConf) {
        this.resource = resource;
        this.peerNodeId = peerNodeId;
        this.netConf = netConf;
    }

    public Resource resource() {
        return resource;
    }

    public int peerNodeId() {
        return peerNodeId;
    }

    /** The peer's name (net_conf name, drbdsetup's conn-name). */
    public String name() {
        return netConf.str("name");
    }

    public NlStruct netConf() {
        return netConf;
    }

    void netConf(NlStruct n) {
        netConf = n;
    }

    public ConnState cstate() {
        return cstate;
    }

    void cstate(ConnState c) {
        if (c == ConnState.CONNECTED && cstate != ConnState.CONNECTED) {
            connects++;
        }
        cstate = c;
    }

    /** How often this connection became Connected (the kernel's connect_cnt). */
    long connects() {
        return connects;
    }

    public Role peerRole() {
        return peerRole;
    }

    void peerRole(Role r) {
        peerRole = r;
    }

    public List<Path> paths() {
        return new ArrayList<>(paths);
    }

    /** Peer devices by volume (a copy). */
    public List<PeerDevice> peerDevices() {
        return new ArrayList<>(peerDevices.values());
    }

    public PeerDevice peerDevice(int volume) {
        return peerDevices.get(volume);
    }

    /** The network side (never null once the connection exists). */
    public ConnectionDriver driver() {
        return driver;
    }

    public boolean discardMyData() {
        return discardMyData;
    }

    @Override
    public String toString() {
        return resource.name() + ":" + name() + "(" + peerNodeId + ")";
    }
}
