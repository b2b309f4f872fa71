package io.scstdrbd.drbd.model;

import io.scstdrbd.drbd.netlink.NlStruct;
import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.ReplState;

/**
 * A device as seen through one connection: replication state, the peer's disk state, resync
 * suspension flags and options (its data counters are the driver's, see
 * {@link ConnectionDriver#statistics}). Its out-of-sync bits live in the device's bitmap
 * slot {@link #bitmapIndex()} (from the metadata; -1 while diskless or unassigned).
 */
public final class PeerDevice {
    private final Connection connection;
    private final Device device;
    private volatile NlStruct conf;
    private volatile ReplState repl = ReplState.OFF;
    private volatile DiskState peerDisk = DiskState.UNKNOWN;
    volatile boolean resyncSuspUser;
    volatile boolean resyncSuspPeer;
    volatile boolean resyncSuspDependency;

    PeerDevice(Connection connection, Device device, NlStruct conf) {
        this.connection = connection;
        this.device = device;
        this.conf = conf;
    }

    public Connection connection() {
        return connection;
    }

    public Device device() {
        return device;
    }

    public int peerNodeId() {
        return connection.peerNodeId();
    }

    public NlStruct conf() {
        return conf;
    }

    void conf(NlStruct c) {
        conf = c;
    }

    public ReplState repl() {
        return repl;
    }

    void repl(ReplState r) {
        repl = r;
    }

    public DiskState peerDisk() {
        return peerDisk;
    }

    void peerDisk(DiskState d) {
        peerDisk = d;
    }

    public boolean resyncSuspUser() {
        return resyncSuspUser;
    }

    public boolean resyncSuspPeer() {
        return resyncSuspPeer;
    }

    public boolean resyncSuspDependency() {
        return resyncSuspDependency;
    }

    /** The bitmap slot of this peer in the local metadata, or -1. */
    public int bitmapIndex() {
        LocalDisk l = device.ldev();
        return l == null ? -1 : l.md().superblock().peer(peerNodeId()).bitmapIndex();
    }

    /** Whether this peer's writes are tracked in a bitmap (peer_device_conf bitmap). */
    public boolean wantBitmap() {
        return conf.flag("bitmap");
    }

    @Override
    public String toString() {
        return connection + "/" + device.volume();
    }
}
