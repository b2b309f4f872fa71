package io.scstdrbd.drbd.model;

import io.scstdrbd.drbd.netlink.NlStruct;
import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.ReplState;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One volume of a resource and its minor: the drbdN block device, the local disk (if attached)
 * and its peer devices. State fields are guarded by the node lock and volatile for lock-free
 * readers on the I/O path.
 */
public final class Device {
    private final Resource resource;
    private final int minor;
    private final int volume;
    private volatile NlStruct deviceConf;
    private volatile DiskState disk = DiskState.DISKLESS;
    private volatile LocalDisk ldev;
    /** Size exposed to users, in sectors (0 while nothing is attached or connected). */
    private volatile long sizeSectors;
    final TreeMap<Integer, PeerDevice> peerDevices = new TreeMap<>();
    /** Holders that have drbdN open for writing / read-only (FUSE, SCSI, tests). */
    final AtomicInteger openWriters = new AtomicInteger();
    final AtomicInteger openReaders = new AtomicInteger();
    /** Local backing I/O of every kind (application, peer, resync, verify): read_cnt / writ_cnt. */
    public final AtomicLong readSectors = new AtomicLong();
    public final AtomicLong writtenSectors = new AtomicLong();
    public final AtomicInteger upperPending = new AtomicInteger();
    public final AtomicInteger lowerPending = new AtomicInteger();
    /** The metadata said the node crashed while Primary (MDF_CRASHED_PRIMARY at attach). */
    volatile boolean crashedPrimary;
    /** A detach was forced (no graceful metadata handling). */
    volatile boolean forceDetach;
    /** The data UUID the device was last exposed with while Primary. */
    volatile long exposedDataUuid;
    /** The enforced quorum (always true with quorum off), set with every state change. */
    volatile boolean haveQuorum = true;

    Device(Resource resource, int minor, int volume, NlStruct deviceConf) {
        this.resource = resource;
        this.minor = minor;
        this.volume = volume;
        this.deviceConf = deviceConf;
    }

    /** The metadata said the node crashed while Primary (MDF_CRASHED_PRIMARY at attach). */
    public boolean crashedPrimary() {
        return crashedPrimary;
    }

    public Resource resource() {
        return resource;
    }

    public int minor() {
        return minor;
    }

    public int volume() {
        return volume;
    }

    /** The block device's registry (and FUSE) name. */
    public String name() {
        return "drbd" + minor;
    }

    public NlStruct deviceConf() {
        return deviceConf;
    }

    public DiskState disk() {
        return disk;
    }

    void disk(DiskState d) {
        disk = d;
    }

    /** The attached backing storage, or null. */
    public LocalDisk ldev() {
        return ldev;
    }

    /** Attach or detach: the I/O counters start again, as the kernel's do. */
    void ldev(LocalDisk l) {
        ldev = l;
        readSectors.set(0);
        writtenSectors.set(0);
    }

    public long sizeSectors() {
        return sizeSectors;
    }

    void sizeSectors(long s) {
        sizeSectors = s;
    }

    public long exposedDataUuid() {
        return exposedDataUuid;
    }

    /** Peer devices by peer node id (a copy). */
    public List<PeerDevice> peerDevices() {
        return new ArrayList<>(peerDevices.values());
    }

    public PeerDevice peerDevice(int peerNodeId) {
        return peerDevices.get(peerNodeId);
    }

    public int openWriters() {
        return openWriters.get();
    }

    public int openReaders() {
        return openReaders.get();
    }

    /** Whether this volume has quorum (dev_has_quorum; always with quorum off). */
    public boolean hasQuorum() {
        return haveQuorum;
    }

    /** on-no-quorum io-error without quorum: application I/O fails with EIO (the kernel's cached_err_io). */
    public boolean failsIoForQuorum() {
        return !haveQuorum && resource.options().num("on_no_quorum") == Quorum.IO_ERROR;
    }

    /** Local data is good, or a connected peer has good data (drbd_data_accessible). */
    public boolean dataAccessible() {
        if (disk == DiskState.UP_TO_DATE) {
            return true;
        }
        for (PeerDevice pd : peerDevices()) {
            if (pd.peerDisk() == DiskState.UP_TO_DATE && pd.repl().code() >= ReplState.ESTABLISHED.code()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return resource.name() + "/" + volume + " (minor " + minor + ")";
    }
}
