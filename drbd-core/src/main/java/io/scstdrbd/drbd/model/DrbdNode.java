package io.scstdrbd.drbd.model;

import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_APV_TOO_LOW;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_CONG_NOT_PROTO_A;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_CONNECTED;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_CSUMS_RESYNC_RUNNING;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_DATA_NOT_CURRENT;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_DISCARD_IMPOSSIBLE;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_DISK_CONFIGURED;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_DISK_TOO_SMALL;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_IMPLICIT_SHRINK;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_INVALID_REQUEST;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_IO_MD_DISK;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_LOCAL_ADDR;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_LOCAL_AND_PEER_ADDR;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_MANDATORY_TAG;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_MD_IDX_INVALID;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_MD_LAYOUT_NO_FIT;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_MINOR_CONFIGURED;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_MINOR_INVALID;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_MINOR_OR_VOLUME_EXISTS;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_NEED_ALLOW_TWO_PRI;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_NEED_APV_100;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_NEED_APV_93;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_NET_CONFIGURED;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_NOT_PROTO_C;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_NO_DISK;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_NO_PRIMARY;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_OPEN_DISK;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_OPEN_MD_DISK;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_PEER_ADDR;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_RESIZE_RESYNC;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_RESYNC_AFTER;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_RES_IN_USE;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_RES_NOT_KNOWN;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_STONITH_AND_PROT_A;
import static io.scstdrbd.drbd.netlink.DrbdConst.ERR_VERIFY_RUNNING;
import static io.scstdrbd.drbd.netlink.DrbdConst.NO_ERROR;

import io.scstdrbd.drbd.meta.ActivityLog;
import io.scstdrbd.drbd.meta.MdException;
import io.scstdrbd.drbd.meta.MdLayout;
import io.scstdrbd.drbd.meta.MetaData;
import io.scstdrbd.drbd.size.DeviceSizeRule;
import io.scstdrbd.drbd.meta.PeerMd;
import io.scstdrbd.drbd.meta.Superblock;
import io.scstdrbd.drbd.meta.UuidOps;
import io.scstdrbd.drbd.netlink.AdmException;
import io.scstdrbd.drbd.netlink.DrbdConst;
import io.scstdrbd.drbd.netlink.NlStruct;
import io.scstdrbd.drbd.netlink.Tlas;
import io.scstdrbd.drbd.state.ConnState;
import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.ReplState;
import io.scstdrbd.drbd.state.Role;
import io.scstdrbd.drbd.state.StateResult;
import io.scstdrbd.kernel.block.BlockDevice;
import io.scstdrbd.kernel.block.DeviceBusyException;
import io.scstdrbd.kernel.block.DeviceHandle;
import io.scstdrbd.kernel.block.DeviceRegistry;
import io.scstdrbd.kernel.block.FuseOpeners;
import io.scstdrbd.kernel.block.OpenMode;
import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DRBD engine of one node: resources, minors, connections and their states, and every
 * administrative operation drbdsetup can ask for, with the kernel's checks, return codes and
 * messages (drbd_nl.c, drbd_state.c of DRBD 9.2). Netlink handlers parse requests and call these
 * methods; the block devices and the replication drivers call back for opens and state changes.
 *
 * <p>Threading: one lock serialises all configuration and state changes (the kernel's adm
 * mutex plus state lock). Events are emitted under it, so their order is the order of the
 * changes. Replication drivers are called after the lock is released. The I/O path reads
 * volatile state without the lock.
 */
public final class DrbdNode {
    private static final Logger LOG = LoggerFactory.getLogger(DrbdNode.class);
    private static final Pattern STRICT_NAME = Pattern.compile("[0-9A-Za-z+._-]+");

    private final ReentrantLock lock = new ReentrantLock();
    private final DeviceRegistry registry;
    private final ModelEvents events;
    private final ReplicationFactory replication;
    private final DrbdDeviceFactory deviceFactory;
    private final HelperRunner helpers;
    private final RandomGenerator random;
    private final Map<String, Resource> resources = new LinkedHashMap<>();
    private final TreeMap<Integer, Device> minors = new TreeMap<>();
    private final Map<Device, BlockDevice> blockDevices = new HashMap<>();
    /** Work for replication drivers, run after the lock is released (never under it). */
    private final ThreadLocal<List<Runnable>> afterUnlock = ThreadLocal.withInitial(ArrayList::new);
    /** A state change the engine reports (under the lock): the rules for admin requests do not refuse it. */
    private boolean engineReport;

    public DrbdNode(DeviceRegistry registry, ModelEvents events, ReplicationFactory replication,
            DrbdDeviceFactory deviceFactory, HelperRunner helpers, RandomGenerator random) {
        this.registry = registry;
        this.events = events;
        this.replication = replication;
        this.deviceFactory = deviceFactory;
        this.helpers = helpers;
        this.random = random;
    }

    public DeviceRegistry registry() {
        return registry;
    }

    public ModelEvents events() {
        return events;
    }

    // ---------------------------------------------------------------------------------------
    // locking

    /** Runs {@code body} under the node lock, then any deferred driver calls. */
    public <T> T locked(Callable<T> body) throws AdmException {
        lock.lock();
        T result;
        try {
            result = body.call();
        } catch (AdmException e) {
            throw e;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            lock.unlock();
        }
        runDeferred();
        return result;
    }

    /** Runs a read-only view under the lock (dumps, events2 initial state). */
    public <T> T read(java.util.function.Supplier<T> body) {
        lock.lock();
        try {
            return body.get();
        } finally {
            lock.unlock();
        }
    }

    public boolean holdsLock() {
        return lock.isHeldByCurrentThread();
    }

    /** Releases every hold of the lock around {@code r} (waiting for I/O or a driver), then retakes it. */
    private void withoutLock(Runnable r) {
        int holds = lock.getHoldCount();
        for (int i = 0; i < holds; i++) {
            lock.unlock();
        }
        try {
            r.run();
        } finally {
            for (int i = 0; i < holds; i++) {
                lock.lock();
            }
        }
    }

    private void defer(Runnable r) {
        afterUnlock.get().add(r);
    }

    private void runDeferred() {
        if (lock.isHeldByCurrentThread()) {
            return;
        }
        List<Runnable> l = afterUnlock.get();
        while (!l.isEmpty()) {
            List<Runnable> copy = new ArrayList<>(l);
            l.clear();
            for (Runnable r : copy) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.error("replication driver call failed", e);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // lookups (call under the lock for a consistent view)

    public List<Resource> resources() {
        return new ArrayList<>(resources.values());
    }

    public Resource resource(String name) {
        return resources.get(name);
    }

    public Device minor(int minor) {
        return minors.get(minor);
    }

    public List<Device> minors() {
        return new ArrayList<>(minors.values());
    }

    public BlockDevice blockDevice(Device d) {
        return blockDevices.get(d);
    }

    /**
     * Resolves the objects a request names and applies the kernel's consistency checks
     * (drbd_adm_prepare). Call under the lock.
     *
     * @param minor  drbd_genlmsghdr.minor (-1 when none)
     * @param flags  AdmTarget.NEED_* bits
     */
    public AdmTarget prepare(int minor, String resName, Integer volume, Integer peerNodeId, int flags)
            throws AdmException {
        if ((flags & AdmTarget.NEED_PEER_DEVICE) != 0) {
            flags |= AdmTarget.NEED_CONNECTION;
        }
        if ((flags & AdmTarget.NEED_CONNECTION) != 0) {
            flags |= AdmTarget.NEED_PEER_NODE;
        }
        if ((flags & AdmTarget.NEED_PEER_NODE) != 0) {
            flags |= AdmTarget.NEED_RESOURCE;
        }
        Resource res = resName == null ? null : resources.get(resName);
        Device dev = minor >= 0 ? minors.get(minor) : null;
        if (dev == null && (flags & AdmTarget.NEED_MINOR) != 0) {
            throw new AdmException(ERR_MINOR_INVALID, "unknown minor");
        }
        if (res == null && (flags & AdmTarget.NEED_RESOURCE) != 0) {
            throw new AdmException(resName != null ? ERR_RES_NOT_KNOWN : ERR_INVALID_REQUEST, "unknown resource");
        }
        Connection conn = null;
        if (peerNodeId != null) {
            if (peerNodeId < 0 || peerNodeId >= DrbdConst.NODE_ID_MAX) {
                throw new AdmException(ERR_INVALID_REQUEST, "peer node id out of range");
            }
            if (res == null) {
                throw new AdmException(ERR_INVALID_REQUEST, "peer node id given without a resource");
            }
            if (peerNodeId == res.nodeId()) {
                throw new AdmException(ERR_INVALID_REQUEST, "peer node id cannot be my own node id");
            }
            conn = res.connections.get(peerNodeId);
        } else if ((flags & AdmTarget.NEED_PEER_NODE) != 0) {
            throw new AdmException(ERR_INVALID_REQUEST, "peer node id missing");
        }
        if ((flags & AdmTarget.NEED_CONNECTION) != 0 && conn == null) {
            throw new AdmException(ERR_INVALID_REQUEST, "unknown connection");
        }
        PeerDevice pd = null;
        if ((flags & AdmTarget.NEED_PEER_DEVICE) != 0) {
            if (volume != null) {
                pd = conn.peerDevices.get(volume);
            }
            if (pd == null) {
                throw new AdmException(ERR_INVALID_REQUEST, "unknown volume");
            }
            if (dev == null) {
                dev = pd.device();
            }
        }
        if (dev != null && res != null && dev.resource() != res) {
            throw new AdmException(ERR_INVALID_REQUEST, "minor exists in different resource");
        }
        if (dev != null && volume != null && volume != dev.volume()) {
            throw new AdmException(ERR_INVALID_REQUEST, "minor exists as different volume");
        }
        if (dev != null && pd != null && pd.device() != dev) {
            throw new AdmException(ERR_INVALID_REQUEST, "peer_device->device != device");
        }
        if (res == null) {
            res = dev != null ? dev.resource() : conn != null ? conn.resource() : null;
        }
        return new AdmTarget(res, dev, conn, pd, resName, volume, peerNodeId, minor);
    }

    // ---------------------------------------------------------------------------------------
    // state changes

    /** A state change of one resource: mutate, then validate; refused changes are undone. */
    private StateResult change(Resource r, boolean hard, boolean ignoreOpeners, Runnable mutate) {
        Snapshot old = new Snapshot(r);
        mutate.run();
        sanitize(r);
        Quorum.update(r);
        StateRules.Origin origin = engineReport ? StateRules.Origin.ENGINE : StateRules.Origin.ADMIN;
        StateResult rv = StateRules.hard(old, r);
        if (rv.isSuccess() && !hard) {
            rv = StateRules.soft(old, r, ignoreOpeners, origin);
        }
        if (!rv.isSuccess()) {
            old.restore(r);
            if (r.quorumEnabled()) {
                // the refused values were visible to the I/O path for a moment: what they held goes on
                releaseQuorumHold(old, r);
                resumeHeldIo(r);
            }
            return rv;
        }
        if (!changed(old, r)) {
            releaseQuorumHold(old, r);
            return StateResult.NOTHING_TO_DO;
        }
        afterStateChange(old, r);
        releaseQuorumHold(old, r);
        return StateResult.SUCCESS;
    }

    /**
     * Once the model has counted every loss the I/O path froze for: if quorum is there (kept or
     * back) or on-no-quorum is io-error, the held I/O goes on (unless fencing still holds it);
     * the held completions of writes fail with EIO in the latter case.
     */
    private void releaseQuorumHold(Snapshot old, Resource r) {
        if (r.suspQuorum || !(old.res.suspQuorum() || r.quorumFreeze())) {
            return;
        }
        if (quorumCounted(r)) {
            r.quorumFreeze(false);
            resumeHeldIo(r);
        } else {
            r.quorumFreeze(true); // a loss the model has not applied yet: hold on until it has
        }
    }

    /** Values that follow from others (sanitize_state). */
    private static void sanitize(Resource r) {
        for (Connection c : r.connections.values()) {
            if (c.cstate().code() < ConnState.CONNECTED.code()) {
                c.peerRole(Role.UNKNOWN);
                for (PeerDevice pd : c.peerDevices.values()) {
                    pd.repl(ReplState.OFF);
                    pd.resyncSuspPeer = false; // what the peer said about pausing ends with the connection
                    // what a disconnected node may still know of its peer: Inconsistent or Outdated
                    // (e.g. after fence-peer); anything else is unknown
                    DiskState pdsk = pd.peerDisk();
                    if (pdsk.code() > DiskState.UNKNOWN.code() || pdsk.code() < DiskState.INCONSISTENT.code()) {
                        pd.peerDisk(DiskState.UNKNOWN);
                    }
                }
                for (Path p : c.paths) {
                    if (c.cstate() != ConnState.CONNECTING) {
                        p.established(false);
                    }
                }
            }
        }
    }

    private static boolean changed(Snapshot old, Resource r) {
        if (!old.res.equals(Snapshot.of(r))) {
            return true;
        }
        for (Device d : r.devices.values()) {
            if (old.deviceChanged(d)) {
                return true;
            }
        }
        for (Connection c : r.connections.values()) {
            if (!new Snapshot.ConnValues(c.cstate(), c.peerRole()).equals(old.conns.get(c))) {
                return true;
            }
            for (PeerDevice pd : c.peerDevices.values()) {
                if (!Snapshot.of(pd).equals(old.pds.get(pd))) {
                    return true;
                }
            }
            for (Path p : c.paths) {
                if (!Boolean.valueOf(p.established()).equals(old.paths.get(p))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A peer disk that receives the writes: Inconsistent, Consistent or UpToDate. */
    private static boolean hadPeerData(DiskState pdsk) {
        return pdsk.code() >= DiskState.INCONSISTENT.code() && pdsk != DiskState.UNKNOWN
                && pdsk != DiskState.OUTDATED;
    }

    /** Consequences of a committed change: metadata flags and UUIDs, then events (w_after_state_change). */
    private void afterStateChange(Snapshot old, Resource r) {
        Role oRole = old.res.role();
        Role nRole = r.role();
        for (Device d : r.devices.values()) {
            Boolean had = old.quorum.get(d);
            if (had != null && had != d.haveQuorum) {
                if (d.haveQuorum) {
                    LOG.info("{}: quorum( no -> yes )", d);
                } else {
                    LOG.warn("{}: quorum( yes -> no ): {}{}", d, Quorum.of(d).explain(d), nRole == Role.PRIMARY
                            ? (r.suspQuorum ? "; I/O suspended" : "; I/O fails") : "");
                }
            }
        }
        for (Device d : r.devices.values()) {
            LocalDisk l = d.ldev();
            if (l == null) {
                continue;
            }
            DiskState nd = d.disk();
            boolean createNewUuid = oRole == Role.SECONDARY && nRole == Role.PRIMARY;
            for (PeerDevice pd : d.peerDevices.values()) {
                Snapshot.PdState o = old.pds.get(pd);
                // the kernel's lost_contact_to_peer_data: a peer becoming SyncTarget (Inconsistent)
                // keeps up with the writes and needs no new data generation
                boolean lostPeerData = hadPeerData(o.peerDisk()) && !hadPeerData(pd.peerDisk());
                if (lostPeerData && nRole == Role.PRIMARY && d.dataAccessible()) {
                    createNewUuid = true;
                }
            }
            if (nd == DiskState.NEGOTIATING || nd.code() < DiskState.DETACHING.code()
                    || nd == DiskState.FAILED) {
                continue;
            }
            boolean graceful = nd == DiskState.DETACHING && !d.forceDetach;
            boolean somePeerPrimary = false;
            for (Connection c : r.connections.values()) {
                somePeerPrimary |= c.peerRole() == Role.PRIMARY;
            }
            final boolean peerPrimary = somePeerPrimary;
            MetaData md = l.md();
            boolean wasPrimaryInd = md.superblock().hasFlag(Superblock.MDF_PRIMARY_IND);
            md.update(b -> {
                Superblock s = b.build();
                int f = s.flags();
                f &= ~Superblock.MDF_AL_CLEAN;
                f &= ~Superblock.MDF_CRASHED_PRIMARY;
                if (d.crashedPrimary || (nRole == Role.PRIMARY && !graceful)) {
                    f |= Superblock.MDF_CRASHED_PRIMARY;
                }
                if (nd.code() >= DiskState.INCONSISTENT.code()) {
                    f &= ~(Superblock.MDF_CONSISTENT | Superblock.MDF_WAS_UP_TO_DATE);
                    if (nd.code() > DiskState.INCONSISTENT.code()) {
                        f |= Superblock.MDF_CONSISTENT;
                    }
                    if (nd.code() > DiskState.OUTDATED.code()) {
                        f |= Superblock.MDF_WAS_UP_TO_DATE;
                    }
                }
                if (nRole == Role.PRIMARY || peerPrimary) {
                    f |= Superblock.MDF_PRIMARY_IND;
                } else if (graceful || (nRole == Role.SECONDARY && nd.code() >= DiskState.INCONSISTENT.code()
                        && d.lowerPending.get() == 0)) {
                    f &= ~Superblock.MDF_PRIMARY_IND;
                }
                if (d.haveQuorum) {
                    f |= Superblock.MDF_HAVE_QUORUM;
                } else {
                    f &= ~Superblock.MDF_HAVE_QUORUM;
                }
                b.flags(f);
                for (PeerDevice pd : d.peerDevices.values()) {
                    PeerMd pm = s.peer(pd.peerNodeId());
                    if (pm.bitmapIndex() == -1) {
                        continue;
                    }
                    int mf = pm.flags() & ~(PeerMd.MDF_PEER_CONNECTED | PeerMd.MDF_PEER_OUTDATED
                            | PeerMd.MDF_PEER_FENCING);
                    if (pd.repl().code() > ReplState.OFF.code()) {
                        mf |= PeerMd.MDF_PEER_CONNECTED;
                    }
                    DiskState pdsk = pd.peerDisk();
                    if (pdsk.code() >= DiskState.INCONSISTENT.code()) {
                        if (pdsk.code() <= DiskState.OUTDATED.code()) {
                            mf |= PeerMd.MDF_PEER_OUTDATED;
                        }
                        if (pdsk != DiskState.UNKNOWN) {
                            mf |= PeerMd.MDF_PEER_DEVICE_SEEN;
                        }
                    }
                    if (pd.connection().netConf().num("fencing_policy") != 0) {
                        mf |= PeerMd.MDF_PEER_FENCING;
                    }
                    b.peer(pd.peerNodeId(), pm.withFlags(mf));
                }
                if (oRole == Role.PRIMARY && nRole == Role.SECONDARY) {
                    UuidOps.setCurrent(b, s.currentUuid(), false);
                }
            });
            if (createNewUuid) {
                newCurrentUuid(d, false);
            }
            try {
                if (wasPrimaryInd && !md.superblock().hasFlag(Superblock.MDF_PRIMARY_IND)) {
                    // the AL stops counting once PRIMARY_IND is gone: every bit must be on disk first
                    md.writeBitmap(null);
                }
                md.sync();
            } catch (KernelException e) {
                LOG.error("{}: writing meta data failed: {}", d, e.getMessage());
            }
            if (nRole == Role.PRIMARY) {
                d.exposedDataUuid = md.superblock().currentUuid();
            }
        }
        emitChanges(old, r);
        for (Connection c : r.connections.values()) {
            ConnectionDriver drv = c.driver;
            if (drv == null) {
                continue;
            }
            for (Device d : r.devices.values()) {
                if (old.disks.get(d) != d.disk() || oRole != nRole) {
                    defer(() -> drv.localStateChanged(d));
                }
            }
        }
    }

    /**
     * Whether the model has seen every connection loss the I/O path froze for: none is waiting to
     * be applied, and no connection is Connected here whose driver already lost it. Until then a
     * quorum freeze must stay.
     */
    private static boolean quorumCounted(Resource r) {
        for (int peer : r.uncountedLosses) {
            if (r.connections.containsKey(peer)) {
                return false;
            }
        }
        for (Connection c : r.connections.values()) {
            if (c.cstate() == ConnState.CONNECTED && c.driver != null && !c.driver.isConnected()) {
                return false;
            }
        }
        return true;
    }

    /** Starts a new data generation on a device (rotate into bitmap UUIDs, new random current). */
    private boolean newCurrentUuid(Device d, boolean forced) {
        LocalDisk l = d.ldev();
        if (l == null) {
            return false;
        }
        Map<Integer, Boolean> peers = new TreeMap<>();
        long weak = 0;
        for (PeerDevice pd : d.peerDevices.values()) {
            DiskState pdsk = pd.peerDisk();
            peers.put(pd.peerNodeId(), pdsk.code() <= DiskState.UNKNOWN.code() && pdsk != DiskState.NEGOTIATING);
            if (forced && pdsk == DiskState.INCONSISTENT && pd.repl() == ReplState.ESTABLISHED) {
                weak |= 1L << pd.peerNodeId();
            }
        }
        final long w = weak;
        boolean[] made = new boolean[1];
        l.md().update(b -> made[0] = UuidOps.newCurrent(b, peers, w, 0, d.resource().role() == Role.PRIMARY,
                random));
        if (made[0]) {
            LOG.info("{}: new current UUID {}", d, String.format("%016X", l.md().superblock().currentUuid()));
        }
        return made[0];
    }

    /** CHANGE notifications for every object whose state differs from the snapshot, in the kernel's order. */
    private void emitChanges(Snapshot old, Resource r) {
        List<Object[]> list = new ArrayList<>();
        if (!old.res.equals(Snapshot.of(r))) {
            list.add(new Object[] {r});
        }
        for (Device d : r.devices.values()) {
            if (old.deviceChanged(d)) {
                list.add(new Object[] {d});
            }
        }
        for (Connection c : r.connections.values()) {
            if (!new Snapshot.ConnValues(c.cstate(), c.peerRole()).equals(old.conns.get(c))) {
                list.add(new Object[] {c});
            }
        }
        for (Connection c : r.connections.values()) {
            for (PeerDevice pd : c.peerDevices.values()) {
                if (!Snapshot.of(pd).equals(old.pds.get(pd))) {
                    list.add(new Object[] {pd});
                }
            }
        }
        for (Connection c : r.connections.values()) {
            for (Path p : c.paths) {
                if (!Boolean.valueOf(p.established()).equals(old.paths.get(p))) {
                    list.add(new Object[] {c, p});
                }
            }
        }
        for (int i = 0; i < list.size(); i++) {
            Object[] o = list.get(i);
            boolean more = i < list.size() - 1;
            if (o[0] instanceof Resource res) {
                events.resource(res, Notify.CHANGE, more);
            } else if (o[0] instanceof Device dev) {
                events.device(dev, Notify.CHANGE, more);
            } else if (o[0] instanceof PeerDevice pd) {
                events.peerDevice(pd, Notify.CHANGE, more);
            } else if (o.length == 2) {
                events.path((Connection) o[0], (Path) o[1], Notify.CHANGE, more);
            } else {
                events.connection((Connection) o[0], Notify.CHANGE, more);
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // resources

    static String checkName(String name) {
        if (name == null || name.isEmpty()) {
            return "name missing";
        }
        if (!STRICT_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            return "invalid name (strict_names=1 allows only [0-9A-Za-z+._-])";
        }
        return null;
    }

    /** NEW_RESOURCE: resOpts are the given fields (defaults are applied here). */
    public AdmResult newResource(String name, NlStruct given) throws AdmException {
        return locked(() -> {
            NlStruct opts = Tlas.RESOURCE_OPTS.defaults().merge(given);
            if (opts.missingRequired() != null) {
                throw new AdmException(ERR_MANDATORY_TAG, "required attribute missing");
            }
            if (resources.containsKey(name)) {
                return AdmResult.OK;
            }
            String bad = checkName(name);
            if (bad != null) {
                throw new AdmException(name == null || name.isEmpty() ? ERR_MANDATORY_TAG : ERR_INVALID_REQUEST, bad);
            }
            if (opts.num("node_id") < 0 || opts.num("node_id") >= DrbdConst.NODE_ID_MAX) {
                throw new AdmException(ERR_INVALID_REQUEST, null);
            }
            Resource r = new Resource(name, opts);
            resources.put(name, r);
            LOG.info("resource {} created (node id {})", name, r.nodeId());
            events.resource(r, Notify.CREATE, false);
            return AdmResult.OK;
        });
    }

    /** RESOURCE_OPTS: a change of the options (invariants refused by the parser). */
    public AdmResult resourceOptions(AdmTarget t, NlStruct given, boolean setDefaults) throws AdmException {
        return locked(() -> {
            Resource r = t.resource();
            NlStruct base = setDefaults ? Tlas.RESOURCE_OPTS.defaults().with("node_id", r.options().num("node_id"))
                    : r.options();
            r.options(base.merge(given));
            recount(r); // the quorum settings take effect at once (held I/O may resume)
            for (Connection c : r.connections.values()) {
                ConnectionDriver drv = c.driver;
                if (drv != null) {
                    defer(drv::configChanged);
                }
            }
            return AdmResult.OK;
        });
    }

    /** DEL_RESOURCE. */
    public AdmResult delResource(AdmTarget t) throws AdmException {
        return locked(() -> {
            Resource r = t.resource();
            if (!r.connections.isEmpty()) {
                throw new AdmException(ERR_NET_CONFIGURED, null);
            }
            if (!r.devices.isEmpty()) {
                throw new AdmException(ERR_RES_IN_USE, null);
            }
            resources.remove(r.name());
            events.resource(r, Notify.DESTROY, false);
            LOG.info("resource {} deleted", r.name());
            return AdmResult.OK;
        });
    }

    // ---------------------------------------------------------------------------------------
    // minors

    /** NEW_MINOR. */
    public AdmResult newMinor(AdmTarget t, NlStruct devConfGiven) throws AdmException {
        return locked(() -> {
            int minor = t.minor();
            if (minor < 0 || minor > DrbdConst.MINOR_MAX) {
                throw new AdmException(ERR_INVALID_REQUEST, "requested minor out of range");
            }
            int vol = t.volume() == null ? -1 : t.volume();
            if (vol < 0 || vol > DrbdConst.VOLUME_MAX) {
                throw new AdmException(ERR_INVALID_REQUEST, "requested volume id out of range");
            }
            if (t.device() != null) {
                return AdmResult.OK;
            }
            Resource r = t.resource();
            if (minors.containsKey(minor) || r.devices.containsKey(vol)) {
                throw new AdmException(ERR_MINOR_OR_VOLUME_EXISTS, null);
            }
            Device d = new Device(r, minor, vol, Tlas.DEVICE_CONF.defaults().merge(devConfGiven));
            BlockDevice bd = deviceFactory.create(this, d);
            try {
                registry.register(bd);
            } catch (KernelException e) {
                throw new AdmException(ERR_MINOR_OR_VOLUME_EXISTS, "block device " + d.name() + ": " + e.getMessage());
            }
            minors.put(minor, d);
            r.devices.put(vol, d);
            blockDevices.put(d, bd);
            List<PeerDevice> pds = new ArrayList<>();
            for (Connection c : r.connections.values()) {
                PeerDevice pd = new PeerDevice(c, d, Tlas.PEER_DEVICE_OPTS.defaults());
                c.peerDevices.put(vol, pd);
                d.peerDevices.put(c.peerNodeId(), pd);
                pds.add(pd);
            }
            d.haveQuorum = !r.quorumEnabled() || Quorum.of(d).have(); // born with it or without: no change to report
            LOG.info("{}: minor {} created as {}", r.name(), minor, d.name());
            events.device(d, Notify.CREATE, !pds.isEmpty());
            for (int i = 0; i < pds.size(); i++) {
                events.peerDevice(pds.get(i), Notify.CREATE, i < pds.size() - 1);
            }
            recount(r);
            return AdmResult.OK;
        });
    }

    /** DEL_MINOR. */
    public AdmResult delMinor(AdmTarget t) throws AdmException {
        return locked(() -> delMinorLocked(t.device()));
    }

    private AdmResult delMinorLocked(Device d) throws AdmException {
        if (d.disk() != DiskState.DISKLESS) {
            throw new AdmException(ERR_MINOR_CONFIGURED, null);
        }
        try {
            registry.unregister(d.name());
        } catch (KernelException e) {
            if (e.errno() != Errno.ENOENT) {
                throw new AdmException(ERR_MINOR_CONFIGURED, d.name() + " is in use: " + e.getMessage());
            }
        }
        Resource r = d.resource();
        List<PeerDevice> pds = new ArrayList<>(d.peerDevices.values());
        for (PeerDevice pd : pds) {
            events.peerDevice(pd, Notify.DESTROY, true);
            pd.connection().peerDevices.remove(d.volume());
        }
        events.device(d, Notify.DESTROY, false);
        d.peerDevices.clear();
        r.devices.remove(d.volume());
        minors.remove(d.minor());
        blockDevices.remove(d);
        LOG.info("{}: minor {} deleted", r.name(), d.minor());
        recount(r);
        return AdmResult.OK;
    }

    // ---------------------------------------------------------------------------------------
    // connections and paths

    /** The digests the replication engine computes (kernel crypto names). */
    private static final List<String> DIGESTS = List.of("md5", "sha1", "sha224", "sha256", "sha384", "sha512",
            "crc32c");
    /** hmac(X) needs a keyed hash with a block size: crc32c has none. */
    private static final List<String> HMAC_DIGESTS = List.of("md5", "sha1", "sha224", "sha256", "sha384", "sha512");

    private static void checkAlgorithms(NlStruct nc) throws AdmException {
        String[][] checks = {{"cram_hmac_alg", "120"}, {"integrity_alg", "141"}, {"verify_alg", "146"},
            {"csums_alg", "144"}};
        for (String[] c : checks) {
            String alg = nc.str(c[0]).toLowerCase(java.util.Locale.ROOT);
            List<String> known = c[0].equals("cram_hmac_alg") ? HMAC_DIGESTS : DIGESTS;
            if (!alg.isEmpty() && !known.contains(alg)) {
                LOG.error("{} '{}' is not available; refusing the configuration", c[0].replace('_', '-'), alg);
                throw new AdmException(Integer.parseInt(c[1]), null);
            }
        }
    }

    /**
     * The combinations of net options the kernel refuses (_check_net_options): before protocol 100
     * a connected peer cannot take a new protocol, two-primaries or integrity-alg; two Primaries
     * need allow-two-primaries and protocol C; stonith fencing needs protocol B or C; on-congestion
     * other than block needs protocol A. {@code c} is null for a new peer.
     */
    private static void checkNetOptions(Resource r, Connection c, NlStruct nc) throws AdmException {
        long proto = nc.num("wire_protocol");
        boolean twoPrimaries = nc.flag("two_primaries");
        if (c != null && c.cstate() == ConnState.CONNECTED && c.driver != null && c.driver.agreedProtocol() > 0
                && c.driver.agreedProtocol() < 100) {
            NlStruct old = c.netConf();
            if (proto != old.num("wire_protocol") || twoPrimaries != old.flag("two_primaries")
                    || !nc.str("integrity_alg").equals(old.str("integrity_alg"))) {
                throw new AdmException(ERR_NEED_APV_100, null);
            }
        }
        if (c != null) {
            // the algorithm a running resync or verify uses cannot change under it
            boolean resync = false;
            boolean verify = false;
            for (PeerDevice pd : c.peerDevices.values()) {
                resync |= pd.repl().isResyncing();
                verify |= pd.repl().isVerify();
            }
            if (resync && !nc.str("csums_alg").equals(c.netConf().str("csums_alg"))) {
                throw new AdmException(ERR_CSUMS_RESYNC_RUNNING, null);
            }
            if (verify && !nc.str("verify_alg").equals(c.netConf().str("verify_alg"))) {
                throw new AdmException(ERR_VERIFY_RUNNING, null);
            }
        }
        if (c != null && !twoPrimaries && r.role() == Role.PRIMARY && c.peerRole() == Role.PRIMARY) {
            throw new AdmException(ERR_NEED_ALLOW_TWO_PRI, null);
        }
        if (twoPrimaries && proto != WIRE_PROTOCOL_C) {
            throw new AdmException(ERR_NOT_PROTO_C, null);
        }
        if (proto == WIRE_PROTOCOL_A && nc.num("fencing_policy") == FENCING_STONITH) {
            throw new AdmException(ERR_STONITH_AND_PROT_A, null);
        }
        if (nc.num("on_congestion") != 0 && proto != WIRE_PROTOCOL_A) {
            throw new AdmException(ERR_CONG_NOT_PROTO_A, null);
        }
    }

    private static final long WIRE_PROTOCOL_A = 1;
    private static final long WIRE_PROTOCOL_C = 3;
    private static final long FENCING_STONITH = 2;

    /** NEW_PEER. */
    public AdmResult newPeer(AdmTarget t, NlStruct netGiven) throws AdmException {
        return locked(() -> {
            Resource r = t.resource();
            int peer = t.peerNodeId();
            if (t.connection() != null || r.connections.containsKey(peer)) {
                throw new AdmException(ERR_INVALID_REQUEST, "Connection for peer node id " + peer + " already exists");
            }
            NlStruct nc = Tlas.NET_CONF.defaults().merge(netGiven);
            checkAlgorithms(nc);
            checkNetOptions(r, null, nc);
            String name = nc.str("name");
            if (!name.isEmpty() && checkName(name) != null) {
                throw new AdmException(ERR_INVALID_REQUEST, checkName(name));
            }
            Connection c = new Connection(r, peer, nc);
            r.connections.put(peer, c);
            List<PeerDevice> pds = new ArrayList<>();
            for (Device d : r.devices.values()) {
                PeerDevice pd = new PeerDevice(c, d, Tlas.PEER_DEVICE_OPTS.defaults());
                c.peerDevices.put(d.volume(), pd);
                d.peerDevices.put(peer, pd);
                pds.add(pd);
            }
            c.driver = replication.create(c, new Control(c));
            LOG.info("{}: peer {} (node id {}) created", r.name(), c.name(), peer);
            events.connection(c, Notify.CREATE, !pds.isEmpty());
            for (int i = 0; i < pds.size(); i++) {
                events.peerDevice(pds.get(i), Notify.CREATE, i < pds.size() - 1);
            }
            recount(r);
            return AdmResult.OK;
        });
    }

    /** NEW_PATH. */
    public AdmResult newPath(AdmTarget t, byte[] myAddr, byte[] peerAddr) throws AdmException {
        return locked(() -> {
            if (myAddr == null || peerAddr == null) {
                throw new AdmException(ERR_INVALID_REQUEST, "connection endpoint(s) missing");
            }
            for (Resource r : resources.values()) {
                for (Connection c : r.connections.values()) {
                    for (Path p : c.paths) {
                        boolean sameMy = java.util.Arrays.equals(p.myAddr(), myAddr);
                        boolean samePeer = java.util.Arrays.equals(p.peerAddr(), peerAddr);
                        int code = sameMy && samePeer ? ERR_LOCAL_AND_PEER_ADDR : sameMy ? ERR_LOCAL_ADDR
                                : samePeer ? ERR_PEER_ADDR : NO_ERROR;
                        if (code == NO_ERROR || (code != ERR_LOCAL_AND_PEER_ADDR && r == t.resource())) {
                            continue;
                        }
                        throw new AdmException(code, null);
                    }
                }
            }
            Connection c = t.connection();
            Path p = new Path(myAddr, peerAddr);
            c.paths.add(p);
            events.path(c, p, Notify.CREATE, false);
            ConnectionDriver drv = c.driver;
            defer(drv::configChanged);
            return AdmResult.OK;
        });
    }

    /** DEL_PATH. */
    public AdmResult delPath(AdmTarget t, byte[] myAddr, byte[] peerAddr) throws AdmException {
        return locked(() -> {
            Connection c = t.connection();
            if (c.paths.size() == 1 && c.cstate().code() >= ConnState.CONNECTING.code()) {
                throw new AdmException(ERR_INVALID_REQUEST, "Can not delete last path, use disconnect first!");
            }
            for (Path p : c.paths) {
                if (myAddr != null && peerAddr != null && p.sameAddresses(myAddr, peerAddr)) {
                    c.paths.remove(p);
                    events.path(c, p, Notify.DESTROY, false);
                    ConnectionDriver drv = c.driver;
                    defer(drv::configChanged);
                    return AdmResult.OK;
                }
            }
            throw new AdmException(ERR_INVALID_REQUEST, "no such path");
        });
    }

    /** CHG_NET_OPTS. */
    public AdmResult netOptions(AdmTarget t, NlStruct given, boolean setDefaults) throws AdmException {
        return locked(() -> {
            Connection c = t.connection();
            NlStruct base = setDefaults ? Tlas.NET_CONF.defaults().with("transport_name",
                    c.netConf().str("transport_name")) : c.netConf();
            NlStruct nc = base.merge(given);
            checkAlgorithms(nc);
            checkNetOptions(c.resource(), c, nc);
            c.netConf(nc);
            ConnectionDriver drv = c.driver;
            defer(drv::configChanged);
            return AdmResult.OK;
        });
    }

    /** CHG_PEER_DEVICE_OPTS. */
    public AdmResult peerDeviceOptions(AdmTarget t, NlStruct given, boolean setDefaults) throws AdmException {
        return locked(() -> {
            PeerDevice pd = t.peerDevice();
            NlStruct base = setDefaults ? Tlas.PEER_DEVICE_OPTS.defaults() : pd.conf();
            pd.conf(base.merge(given));
            // a running connection (and its resync) takes the new resync-rate and c-* at once, as the kernel's does
            ConnectionDriver drv = pd.connection().driver;
            if (drv != null) {
                defer(drv::configChanged);
            }
            LOG.info("{}: peer device options changed", pd);
            return AdmResult.OK;
        });
    }

    /** Gives peers that want a bitmap a slot in the metadata (allocate_bitmap_index). */
    private void allocateBitmapSlots(Device d) throws AdmException {
        LocalDisk l = d.ldev();
        if (l == null) {
            return;
        }
        Superblock s = l.md().superblock();
        for (PeerDevice pd : d.peerDevices.values()) {
            if (!pd.wantBitmap() || s.peer(pd.peerNodeId()).bitmapIndex() != -1) {
                continue;
            }
            boolean[] used = new boolean[s.bmMaxPeers()];
            for (int n = 0; n < Superblock.MAX_PEERS; n++) {
                int idx = s.peer(n).bitmapIndex();
                if (idx >= 0 && idx < used.length) {
                    used[idx] = true;
                }
            }
            int free = -1;
            for (int i = 0; i < used.length; i++) {
                if (!used[i]) {
                    free = i;
                    break;
                }
            }
            if (free < 0) {
                throw new AdmException(ERR_INVALID_REQUEST, "Not enough free bitmap slots (available="
                        + used.length + ")");
            }
            final int slot = free;
            final int node = pd.peerNodeId();
            l.md().update(b -> b.peer(node, b.build().peer(node).withBitmapIndex(slot)));
            s = l.md().superblock();
        }
    }

    /** CONNECT. */
    public AdmResult connect(AdmTarget t, boolean discardMyData, boolean tentative) throws AdmException {
        return locked(() -> {
            Connection c = t.connection();
            Resource r = c.resource();
            if (c.cstate() != ConnState.STANDALONE) {
                throw new AdmException(ERR_NET_CONFIGURED, null);
            }
            if (c.paths.isEmpty()) {
                throw new AdmException(ERR_INVALID_REQUEST, "connection endpoint(s) missing");
            }
            if (discardMyData && r.role() == Role.PRIMARY) {
                throw new AdmException(ERR_DISCARD_IMPOSSIBLE, null);
            }
            c.discardMyData = discardMyData;
            c.tentative = tentative;
            for (PeerDevice pd : c.peerDevices.values()) {
                allocateBitmapSlots(pd.device());
                syncMd(pd.device());
            }
            StateResult rv = change(r, false, false, () -> c.cstate(ConnState.UNCONNECTED));
            if (!rv.isSuccess()) {
                return AdmResult.of(rv);
            }
            // the connection machinery starts trying right away: Connecting until a peer answers
            change(r, true, false, () -> c.cstate(ConnState.CONNECTING));
            ConnectionDriver drv = c.driver;
            defer(drv::connect);
            return AdmResult.of(rv);
        });
    }

    private StateResult disconnectLocked(Connection c, boolean force) {
        Resource r = c.resource();
        if (!force && primaryPeerReliesOnUs(c)) {
            // the peer's side of the two-phase commit would refuse (it would be a Primary without data)
            LOG.warn("{}: disconnect from {} refused: it is Primary and reads its data from this node", r.name(), c.name());
            return StateResult.CW_FAILED_BY_PEER;
        }
        // with fencing or quorum, a Secondary leaving its Primary gracefully outdates itself (the engine
        // tells the peer); recorded here too, so that it reaches the metadata even when the connection
        // is deleted right after (down, del-peer) and the engine's report finds no connection
        boolean graceful = !force && c.cstate() == ConnState.CONNECTED && outdatesOnDisconnect(c);
        boolean outdateSelf = graceful && r.role() != Role.PRIMARY && c.peerRole() == Role.PRIMARY;
        // and a Primary leaving a Secondary outdates the peer in the same change, so it keeps its quorum
        boolean outdatePeer = graceful && r.role() == Role.PRIMARY && c.peerRole() != Role.PRIMARY;
        // --force is a hard change, as the kernel's: it may cost a Primary its quorum
        StateResult rv = change(r, force, false, () -> {
            c.cstate(ConnState.DISCONNECTING);
            if (outdatePeer) {
                for (PeerDevice pd : c.peerDevices.values()) {
                    if (pd.peerDisk().outdatable()) {
                        pd.peerDisk(DiskState.OUTDATED);
                    }
                }
            }
        });
        if (rv == StateResult.ALREADY_STANDALONE) {
            return StateResult.SUCCESS;
        }
        if (rv == StateResult.IS_DISKLESS || rv == StateResult.LOWER_THAN_OUTDATED) {
            rv = change(r, true, false, () -> c.cstate(ConnState.DISCONNECTING));
        }
        if (!rv.isSuccess()) {
            return rv;
        }
        ConnectionDriver drv = c.driver;
        // the driver closes its sockets without the lock; StandAlone follows right away here
        withoutLock(() -> {
            try {
                drv.disconnect(force);
            } catch (RuntimeException e) {
                LOG.error("{}: driver disconnect failed", c, e);
            }
        });
        change(r, true, false, () -> c.cstate(ConnState.STANDALONE));
        if (outdateSelf) {
            StateResult o = change(r, false, false, () -> {
                for (Device d : r.devices.values()) {
                    if (d.disk().outdatable()) {
                        d.disk(DiskState.OUTDATED);
                    }
                }
            });
            if (!o.isSuccess() && o != StateResult.NOTHING_TO_DO) {
                LOG.warn("{}: disconnected from the Primary {}, but the disk could not be outdated: {}", r.name(),
                        c.name(), o);
            }
        }
        return rv;
    }

    /**
     * A connected Primary peer without UpToDate data of its own that reads from this node's UpToDate
     * disk: a graceful disconnect would leave it without data, so it refuses it, as the kernel's
     * is_valid_state does on the Primary's side.
     */
    private static boolean primaryPeerReliesOnUs(Connection c) {
        if (c.cstate() != ConnState.CONNECTED || c.peerRole() != Role.PRIMARY) {
            return false;
        }
        for (PeerDevice pd : c.peerDevices.values()) {
            if (pd.peerDisk() != DiskState.UP_TO_DATE && pd.device().disk() == DiskState.UP_TO_DATE) {
                return true;
            }
        }
        return false;
    }

    /** DISCONNECT. */
    public AdmResult disconnect(AdmTarget t, boolean force) throws AdmException {
        return locked(() -> {
            StateResult rv = disconnectLocked(t.connection(), force);
            return rv.isSuccess() ? AdmResult.OK : AdmResult.of(rv);
        });
    }

    private void deleteConnection(Connection c) {
        Resource r = c.resource();
        change(r, true, false, () -> c.cstate(ConnState.STANDALONE));
        List<PeerDevice> pds = new ArrayList<>(c.peerDevices.values());
        for (PeerDevice pd : pds) {
            events.peerDevice(pd, Notify.DESTROY, true);
            pd.device().peerDevices.remove(c.peerNodeId());
        }
        events.connection(c, Notify.DESTROY, false);
        c.peerDevices.clear();
        r.connections.remove(c.peerNodeId());
        ConnectionDriver drv = c.driver;
        defer(drv::close);
        recount(r);
        LOG.info("{}: peer {} deleted", r.name(), c.name());
    }

    /** DEL_PEER. */
    public AdmResult delPeer(AdmTarget t, boolean force) throws AdmException {
        return locked(() -> {
            StateResult rv = disconnectLocked(t.connection(), force);
            if (!rv.isSuccess()) {
                return AdmResult.of(rv);
            }
            deleteConnection(t.connection());
            return AdmResult.OK;
        });
    }

    // ---------------------------------------------------------------------------------------
    // attach and detach

    /** Opens the device a path names, exclusively for writing, as drbdN. */
    private DeviceHandle openBacking(String path, String holder, int err) throws AdmException {
        Optional<String> name = registry.resolvePath(path);
        if (name.isEmpty()) {
            throw new AdmException(err, "open(\"" + path + "\") failed with -" + Errno.ENOENT);
        }
        long deadline = System.currentTimeMillis() + FUSE_RELEASE_WAIT_MS;
        while (true) {
            try {
                return registry.open(name.get(), OpenMode.READ_WRITE, holder);
            } catch (KernelException e) {
                // A FUSE file (drbdmeta's apply-al just before attach) is released asynchronously,
                // after the tool's close(2) returned: give that release a moment, as a real block
                // device close would already have happened.
                if (!(e instanceof DeviceBusyException busy) || !FuseOpeners.isFuseOpener(busy.holder())
                        || System.currentTimeMillis() > deadline) {
                    throw new AdmException(err, "open(\"" + path + "\") failed with -" + e.errno());
                }
            }
            withoutLock(() -> {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }

    /** How long attach waits for a FUSE holder of the backing device to be released. */
    static final long FUSE_RELEASE_WAIT_MS = 3000;

    /** ATTACH. */
    public AdmResult attach(AdmTarget t, NlStruct given) throws AdmException {
        return locked(() -> attachLocked(t.device(), given));
    }

    private AdmResult attachLocked(Device d, NlStruct given) throws AdmException {
        NlStruct conf = Tlas.DISK_CONF.defaults().merge(given);
        if (conf.missingRequired() != null) {
            throw new AdmException(ERR_MANDATORY_TAG, "required attribute missing");
        }
        int idx = (int) conf.num("meta_dev_idx");
        if (idx < DrbdConst.MD_INDEX_FLEX_INT) {
            throw new AdmException(ERR_MD_IDX_INVALID, null);
        }
        long resyncAfter = conf.num("resync_after");
        if (resyncAfter != -1 && !minors.containsKey((int) resyncAfter)) {
            throw new AdmException(ERR_RESYNC_AFTER, null);
        }
        if (d.disk() != DiskState.DISKLESS) {
            throw new AdmException(ERR_DISK_CONFIGURED, null);
        }
        boolean internal = idx == DrbdConst.MD_INDEX_FLEX_INT || idx == DrbdConst.MD_INDEX_INTERNAL;
        String backingPath = conf.str("backing_dev");
        String metaPath = conf.str("meta_dev");
        if (backingPath.equals(metaPath) != internal) {
            throw new AdmException(ERR_MD_IDX_INVALID, null);
        }
        DeviceHandle backing = openBacking(backingPath, d.name(), ERR_OPEN_DISK);
        DeviceHandle meta = backing;
        MetaData md;
        try {
            if (!internal) {
                meta = openBacking(metaPath, d.name(), ERR_OPEN_MD_DISK);
            }
            long dataBytes = backing.device().capacity();
            md = MetaData.open(meta, internal ? MdLayout.FLEX_INT : idx, dataBytes, d.resource().nodeId(),
                    (int) conf.num("al_extents"), conf.flag("md_flushes"));
        } catch (MdException e) {
            closeQuietly(backing, meta);
            throw new AdmException(e.retCode(), e.getMessage());
        } catch (KernelException e) {
            closeQuietly(backing, meta);
            throw new AdmException(ERR_IO_MD_DISK, "Error while reading metadata.\n");
        } catch (AdmException e) {
            closeQuietly(backing, null);
            throw e;
        }
        long usable = md.layout().usableSectors();
        long userSize = conf.num("disk_size");
        if (userSize > usable) {
            closeQuietly(backing, meta);
            throw new AdmException(ERR_DISK_TOO_SMALL, null);
        }
        Superblock sb0 = md.superblock();
        Resource r = d.resource();
        // a Primary attaching under a connected peer with UpToDate data: the disk comes up Outdated
        // (the kernel's Negotiating), reads go to the peer, and the handshake makes it a sync target
        boolean upToDatePeer = StateRules.accessible(DiskState.DISKLESS, d.peerDevices.values(), null);
        boolean primaryUnderPeer = r.role() == Role.PRIMARY && upToDatePeer;
        if (r.role() == Role.PRIMARY && !upToDatePeer && d.exposedDataUuid != 0
                && UuidOps.masked(d.exposedDataUuid) != UuidOps.masked(sb0.currentUuid())) {
            LOG.warn("{}: attach refused: can only attach to the data with current UUID {} without an UpToDate peer", d,
                    String.format("%016X", d.exposedDataUuid));
            closeQuietly(backing, meta);
            throw new AdmException(ERR_DATA_NOT_CURRENT, null);
        }
        // as the kernel's drbd_new_dev_size: a peer that once had a disk and is not connected yet may
        // have no room for more than the size last agreed
        DeviceSizeRule.Decision dec = DeviceSizeRule.decide(usable, 0, DeviceSizing.noPeerDiskSeen(d, md),
                sb0.effectiveSize(), userSize, false);
        if (dec.userSizeTooBig()) {
            LOG.error("{}: requested disk size is too big ({} > {} KiB)", d, userSize >> 1, dec.sectors() >> 1);
        }
        long newSize = dec.sectors();
        if (sb0.hasFlag(Superblock.MDF_CONSISTENT) && sb0.effectiveSize() > newSize) {
            closeQuietly(backing, meta);
            throw new AdmException(ERR_IMPLICIT_SHRINK, "To-be-attached device has last effective > current size, "
                    + "and is consistent (" + sb0.effectiveSize() + " > " + newSize + " sectors).");
        }
        // al-extents out of range is raised or cut, as the kernel's sanitize_disk_conf does
        LocalDisk l = new LocalDisk(backing, meta, md, conf.with("al_extents", (long) md.activityLog().nrSlots()));
        StateResult rv = change(r, false, false, () -> {
            d.disk(DiskState.ATTACHING);
            d.ldev(l);
        });
        if (!rv.isSuccess()) {
            d.ldev(null);
            closeQuietly(backing, meta);
            return AdmResult.of(rv);
        }
        try {
            md.update(b -> {
                if (b.build().nodeId() == -1) {
                    b.nodeId(r.nodeId());
                }
            });
            allocateBitmapSlots(d);
        } catch (AdmException e) {
            forceDiskless(d);
            throw e;
        }
        d.crashedPrimary = sb0.hasFlag(Superblock.MDF_CRASHED_PRIMARY) && d.exposedDataUuid == 0;
        d.forceDetach = false;
        long old = sb0.effectiveSize();
        if (old > 0 && newSize > old) {
            // grown since the last agreed size: the new part is unknown to every peer
            for (int slot = 0; slot < sb0.bmMaxPeers(); slot++) {
                md.bitmap().set(slot, old / 8, (newSize - 1) / 8);
            }
        }
        for (PeerDevice pd : d.peerDevices.values()) {
            PeerMd pm = md.superblock().peer(pd.peerNodeId());
            if ((pm.flags() & PeerMd.MDF_PEER_FULL_SYNC) != 0 && pm.bitmapIndex() >= 0) {
                md.bitmap().setAll(pm.bitmapIndex());
            }
        }
        md.update(b -> b.effectiveSize(newSize));
        DiskState fromMd = !sb0.hasFlag(Superblock.MDF_CONSISTENT) ? DiskState.INCONSISTENT
                : !sb0.hasFlag(Superblock.MDF_WAS_UP_TO_DATE) || primaryUnderPeer ? DiskState.OUTDATED
                : DiskState.UP_TO_DATE;
        long oldCapacity = d.sizeSectors() << 9;
        rv = change(r, false, false, () -> d.disk(fromMd));
        if (!rv.isSuccess()) {
            forceDiskless(d);
            return AdmResult.of(rv);
        }
        md.update(b -> {
            Superblock s = b.build();
            boolean primary = r.role() == Role.PRIMARY && s.currentUuid() != Superblock.UUID_JUST_CREATED;
            UuidOps.setCurrent(b, s.currentUuid(), primary);
        });
        try {
            md.writeBitmap(null);
            md.forceSync();
        } catch (KernelException e) {
            forceDiskless(d);
            throw new AdmException(ERR_IO_MD_DISK, "Error while writing metadata.\n");
        }
        d.sizeSectors(newSize);
        BlockDevice bd = blockDevices.get(d);
        if (bd != null && oldCapacity != newSize << 9) {
            registry.notifyResized(bd, oldCapacity);
        }
        LOG.info("{}: attached to {} ({} sectors, disk {})", d, l.backingPath(), newSize, d.disk().displayName());
        return AdmResult.OK;
    }

    private static void closeQuietly(DeviceHandle a, DeviceHandle b) {
        if (a != null) {
            a.close();
        }
        if (b != null && b != a) {
            b.close();
        }
    }

    /** Drops the disk without any metadata work (failed attach, I/O error). */
    private void forceDiskless(Device d) {
        LocalDisk l = d.ldev();
        change(d.resource(), true, false, () -> d.disk(DiskState.DISKLESS));
        d.ldev(null);
        if (l != null) {
            l.close();
        }
        updateSizeWhenDiskless(d);
    }

    private void updateSizeWhenDiskless(Device d) {
        long oldCapacity = d.sizeSectors() << 9;
        boolean peerData = false;
        for (PeerDevice pd : d.peerDevices.values()) {
            peerData |= pd.peerDisk().hasDisk() && pd.repl().code() >= ReplState.ESTABLISHED.code();
        }
        if (!peerData && oldCapacity != 0) {
            d.sizeSectors(0);
            BlockDevice bd = blockDevices.get(d);
            if (bd != null) {
                registry.notifyResized(bd, oldCapacity);
            }
        }
    }

    private void syncMd(Device d) {
        LocalDisk l = d.ldev();
        if (l != null) {
            try {
                l.md().sync();
            } catch (KernelException e) {
                LOG.error("{}: writing meta data failed: {}", d, e.getMessage());
            }
        }
    }

    /** DETACH: graceful unless forced; waits (bounded) for the backing I/O to drain. */
    public AdmResult detach(AdmTarget t, boolean force) throws AdmException {
        return locked(() -> detachLocked(t.device(), force));
    }

    private AdmResult detachLocked(Device d, boolean force) {
        Resource r = d.resource();
        d.forceDetach = force;
        StateResult rv = change(r, force, false, () -> d.disk(DiskState.DETACHING));
        if (rv == StateResult.IS_DISKLESS) {
            return AdmResult.of(StateResult.NOTHING_TO_DO);
        }
        if (!rv.isSuccess()) {
            d.forceDetach = false;
            List<String> info = rv == StateResult.NO_UP_TO_DATE_DISK ? openerInfo(d) : List.of();
            return new AdmResult(rv.code(), info);
        }
        LocalDisk l = d.ldev();
        // writes that passed the state check still complete on the backing device
        long deadline = System.currentTimeMillis() + 10_000;
        while (d.lowerPending.get() > 0 && System.currentTimeMillis() < deadline) {
            withoutLock(() -> {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        if (l != null && !force) {
            try {
                l.md().writeBitmap(null);
                l.md().sync();
            } catch (KernelException e) {
                LOG.error("{}: writing meta data at detach failed: {}", d, e.getMessage());
            }
        }
        change(r, true, false, () -> d.disk(DiskState.DISKLESS));
        d.ldev(null);
        if (l != null) {
            l.close();
        }
        updateSizeWhenDiskless(d);
        LOG.info("{}: detached", d);
        return AdmResult.of(StateResult.SUCCESS);
    }

    /** Handles a failed local write or read according to on-io-error (called from the I/O path). */
    public void localIoError(Device d, boolean write, int errno) {
        LocalDisk l = d.ldev();
        if (l == null) {
            return;
        }
        int policy = l.onIoError();
        LOG.error("{}: local {} error {} (on-io-error {})", d, write ? "write" : "read", Errno.name(errno),
                policy == 0 ? "pass_on" : policy == 1 ? "call-local-io-error" : "detach");
        if (policy == 0) {
            return;
        }
        if (policy == 1) {
            callHelper(d.resource(), d, null, "local-io-error");
        }
        Thread t = new Thread(() -> {
            try {
                locked(() -> {
                    if (d.ldev() == l) {
                        d.forceDetach = true;
                        change(d.resource(), true, false, () -> d.disk(DiskState.FAILED));
                        d.ldev(null);
                        change(d.resource(), true, false, () -> d.disk(DiskState.DISKLESS));
                        l.close();
                        updateSizeWhenDiskless(d);
                    }
                    return null;
                });
            } catch (AdmException e) {
                LOG.error("{}: detach after I/O error failed: {}", d, e.getMessage());
            }
        }, "drbd-io-error-" + d.minor());
        t.setDaemon(true);
        t.start();
    }

    /** CHG_DISK_OPTS. */
    public AdmResult diskOptions(AdmTarget t, NlStruct given, boolean setDefaults) throws AdmException {
        return locked(() -> {
            Device d = t.device();
            LocalDisk l = d.ldev();
            if (l == null) {
                throw new AdmException(ERR_NO_DISK, null);
            }
            NlStruct cur = l.diskConf();
            NlStruct base = setDefaults ? Tlas.DISK_CONF.defaults().with("backing_dev", cur.str("backing_dev"))
                    .with("meta_dev", cur.str("meta_dev")).with("meta_dev_idx", cur.num("meta_dev_idx"))
                    .with("disk_size", cur.num("disk_size")) : cur;
            NlStruct n = base.merge(given);
            n = n.with("al_extents", (long) ActivityLog.sanitizeSlots(n.num("al_extents"), l.md().layout().alSize4k()));
            long ra = n.num("resync_after");
            if (ra != -1 && !minors.containsKey((int) ra)) {
                throw new AdmException(ERR_RESYNC_AFTER, null);
            }
            l.diskConf(n);
            return AdmResult.OK;
        });
    }

    // ---------------------------------------------------------------------------------------
    // roles

    /** The kernel's time stamp of an opener: local time to the millisecond. */
    private static final java.time.format.DateTimeFormatter OPENED_AT =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(java.time.ZoneId.systemDefault());

    private List<String> openerInfo(Device d) {
        int writers = d.openWriters();
        int readers = d.openReaders();
        if (writers + readers == 0) {
            return List.of();
        }
        List<String> l = new ArrayList<>();
        l.add("/dev/drbd" + d.minor() + " open_cnt:" + (writers + readers) + ", writable:" + (writers > 0 ? 1 : 0)
                + "; list of openers follows");
        String w = registry.writerOf(d.name());
        java.time.Instant since = registry.writerSince(d.name());
        if (w != null && since != null) {
            l.add(d.name() + " opened by " + FuseOpeners.commAndPid(w) + " at " + OPENED_AT.format(since));
        }
        return l;
    }

    /** PRIMARY / SECONDARY (drbd_set_role). */
    public AdmResult setRole(AdmTarget t, Role role, boolean force) throws AdmException {
        Resource r = t.resource();
        return locked(() -> role == Role.PRIMARY ? promote(r, force, false) : setRoleLocked(r, role, force, false));
    }

    /**
     * Promotion, by the admin or by an opener (auto-promote). With fencing, a peer out of reach may
     * hold data this node lacks: as the kernel's drbd_set_role, fence-peer must outdate it first (or
     * --force declares it outdated), then the promotion is tried again. Under the lock, which is
     * released while fence-peer runs.
     */
    private AdmResult promote(Resource r, boolean force, boolean auto) throws AdmException {
        if (!r.promotion.tryLock()) {
            withoutLock(r.promotion::lock); // another promotion is fencing: wait without blocking the model
        }
        try {
            return promoteSerialized(r, force, auto);
        } finally {
            r.promotion.unlock();
        }
    }

    private AdmResult promoteSerialized(Resource r, boolean force, boolean auto) throws AdmException {
        if (resources.get(r.name()) != r) {
            return new AdmResult(ERR_RES_NOT_KNOWN, List.of());
        }
        AdmResult res = setRoleLocked(r, Role.PRIMARY, force, auto);
        if (res.retCode() != StateResult.PRIMARY_NOP.code()) {
            return res;
        }
        boolean fenced = true;
        boolean peerPrimary = false;
        for (Connection c : unfencedPeers(r)) {
            FenceOutcome o = fencePeer(r, c);
            fenced &= o == FenceOutcome.SETTLED;
            peerPrimary |= o == FenceOutcome.PEER_PRIMARY;
        }
        if (resources.get(r.name()) != r) {
            return new AdmResult(ERR_RES_NOT_KNOWN, List.of());
        }
        if (!fenced && force && !peerPrimary) {
            LOG.warn("{}: Forced into split brain situation!", r.name());
            for (Connection c : unfencedPeers(r)) {
                markPeerDisk(r, c, DiskState.OUTDATED);
            }
        } else if (!fenced) {
            LOG.warn("{}: Refusing to be Primary while peer is not outdated (fence-peer did not outdate it)", r.name());
            return res;
        }
        return setRoleLocked(r, Role.PRIMARY, force, auto);
    }

    /** Connections with fencing whose peer does not replicate and may have newer data (the rule's test). Under the lock. */
    private static List<Connection> unfencedPeers(Resource r) {
        List<Connection> l = new ArrayList<>();
        for (Connection c : r.connections.values()) {
            if (c.netConf().num("fencing_policy") < StateRules.FENCING_RESOURCE) {
                continue;
            }
            for (PeerDevice pd : c.peerDevices.values()) {
                if (StateRules.primaryWithUnfencedPeer(Role.PRIMARY, pd.repl(), pd.peerDisk())) {
                    l.add(c);
                    break;
                }
            }
        }
        return l;
    }

    private enum FenceOutcome { SETTLED, UNSETTLED, PEER_PRIMARY }

    /**
     * Runs fence-peer for one peer and waits for it: exit 3 means the peer is Inconsistent, 4
     * outdated, 5 unreachable (taken as outdated when this node is UpToDate), 7 shot; 6 says the
     * peer is Primary, and this node outdates itself; anything else leaves the peer's disk unknown.
     */
    private FenceOutcome fencePeer(Resource r, Connection c) throws AdmException {
        long connectsBefore = c.connects();
        // outside the lock: the helper's completion takes it, and so may the commands the helper runs
        CompletableFuture<Integer> helper = callHelper(r, null, c, "fence-peer");
        int[] exit = {-1};
        withoutLock(() -> exit[0] = helper.join());
        int code = exit[0];
        return locked(() -> {
            if (resources.get(r.name()) != r || !r.connections.containsValue(c)) {
                return FenceOutcome.UNSETTLED;
            }
            if (c.connects() != connectsBefore) {
                // the peer's own report is newer than the helper's answer; the next try decides
                LOG.info("{}: ignoring fence-peer's exit code {}: {} connected meanwhile", r.name(), code, c.name());
                return FenceOutcome.SETTLED;
            }
            boolean upToDate = true;
            for (Device d : r.devices.values()) {
                upToDate &= d.disk() == DiskState.UP_TO_DATE;
            }
            DiskState pdsk = switch (code) {
                case 3 -> DiskState.INCONSISTENT;
                case 4, 7 -> DiskState.OUTDATED;
                case 5 -> upToDate ? DiskState.OUTDATED : null; // peer unreachable: only an UpToDate node may assume it
                default -> null;
            };
            if (code == 6) {
                // the peer is Primary: as the kernel's conn_try_outdate_peer, this node outdates itself
                LOG.warn("{}: fence-peer for {} returned 6: the peer is Primary; outdating this node's disk", r.name(),
                        c.name());
                change(r, false, false, () -> {
                    for (Device d : r.devices.values()) {
                        if (d.disk().code() > DiskState.OUTDATED.code() && d.disk() != DiskState.UNKNOWN) {
                            d.disk(DiskState.OUTDATED);
                        }
                    }
                });
                return FenceOutcome.PEER_PRIMARY;
            }
            if (pdsk == null) {
                LOG.warn("{}: fence-peer for {} returned {}: its disk state stays unknown", r.name(), c.name(), code);
                return FenceOutcome.UNSETTLED;
            }
            boolean stillApart = false;
            for (PeerDevice pd : c.peerDevices.values()) {
                stillApart |= pd.repl().code() < ReplState.ESTABLISHED.code();
            }
            if (stillApart) {
                LOG.info("{}: fence-peer returned {}: peer disk of {} is now {}", r.name(), code, c.name(), pdsk.displayName());
                markPeerDisk(r, c, pdsk);
            }
            return FenceOutcome.SETTLED;
        });
    }

    private void markPeerDisk(Resource r, Connection c, DiskState pdsk) {
        StateResult rv = change(r, false, false, () -> {
            for (PeerDevice pd : c.peerDevices.values()) {
                pd.peerDisk(pdsk);
            }
        });
        if (!rv.isSuccess() && rv != StateResult.NOTHING_TO_DO) {
            LOG.warn("{}: peer disk of {} not changed to {}: {}", r.name(), c.name(), pdsk.displayName(), rv);
        }
    }

    private AdmResult setRoleLocked(Resource r, Role role, boolean force, boolean auto) {
        // --force retries a refused promotion as the kernel does: local data taken as UpToDate
        // (CS_FP_LOCAL_UP_TO_DATE), then peers out of reach taken as Outdated (CS_FP_OUTDATE_PEERS)
        boolean asUpToDate = false;
        boolean outdatePeers = false;
        StateResult rv;
        while (true) {
            boolean upToDate = asUpToDate;
            boolean outdate = outdatePeers;
            rv = change(r, false, false, () -> {
                r.role(role);
                if (upToDate) {
                    for (Device d : r.devices.values()) {
                        if (d.disk().code() >= DiskState.INCONSISTENT.code() && d.disk() != DiskState.UNKNOWN) {
                            d.disk(DiskState.UP_TO_DATE);
                        }
                    }
                }
                if (outdate) {
                    outdateUnreachablePeers(r);
                }
            });
            if (force && role == Role.PRIMARY && rv == StateResult.NO_UP_TO_DATE_DISK && !asUpToDate) {
                asUpToDate = true;
            } else if (force && role == Role.PRIMARY && rv == StateResult.NO_QUORUM && !outdatePeers) {
                LOG.warn("{}: promotion without quorum forced: peers out of reach are taken as Outdated", r.name());
                outdatePeers = true;
            } else {
                break;
            }
        }
        boolean forcedUpToDate = asUpToDate && rv.isSuccess();
        if (rv == StateResult.DEVICE_IN_USE && force && role == Role.SECONDARY) {
            LOG.warn("{}: forced demotion", r.name());
            rv = change(r, false, true, () -> {
                r.role(role);
                r.failIo = true;
            });
            if (rv.isSuccess()) {
                resumeHeldIo(r); // held I/O (suspended, frozen) now fails with EIO
            }
        }
        List<String> info = new ArrayList<>();
        if (!rv.isSuccess()) {
            if (rv == StateResult.DEVICE_IN_USE || rv == StateResult.NO_UP_TO_DATE_DISK) {
                for (Device d : r.devices.values()) {
                    info.addAll(openerInfo(d));
                }
            }
            if (rv == StateResult.NO_QUORUM) {
                info.addAll(quorumInfo(r));
            }
            return new AdmResult(rv.code(), info);
        }
        if (rv == StateResult.NOTHING_TO_DO) {
            return AdmResult.of(rv);
        }
        if (role == Role.PRIMARY) {
            r.autoPromoted = auto;
            for (Connection c : r.connections.values()) {
                c.discardMyData = false;
            }
            if (forcedUpToDate) {
                LOG.warn("{}: Forced to consider local data as UpToDate!", r.name());
                for (Device d : r.devices.values()) {
                    newCurrentUuid(d, true);
                    syncMd(d);
                    if (d.ldev() != null) {
                        d.exposedDataUuid = d.ldev().md().superblock().currentUuid();
                    }
                }
            }
        } else {
            r.autoPromoted = false;
        }
        LOG.info("{}: role {}{}", r.name(), role.displayName(), auto ? " (auto)" : "");
        return AdmResult.of(rv);
    }

    /** Counts the votes again after volumes or peers came or went (not a state change of their own). */
    private void recount(Resource r) {
        change(r, true, false, () -> { });
    }

    /** A peer out of reach whose disk may be good is marked Outdated (a forced promotion, the kernel's CS_FP_OUTDATE_PEERS). */
    private static void outdateUnreachablePeers(Resource r) {
        for (Connection c : r.connections.values()) {
            if (c.cstate() == ConnState.CONNECTED) {
                continue;
            }
            for (PeerDevice pd : c.peerDevices.values()) {
                if (pd.peerDisk().code() > DiskState.OUTDATED.code()) {
                    pd.peerDisk(DiskState.OUTDATED);
                }
            }
        }
    }

    /** Why the devices of {@code r} without quorum lack it (info text of an SS_NO_QUORUM refusal). */
    private static List<String> quorumInfo(Resource r) {
        List<String> info = new ArrayList<>();
        for (Device d : r.devices.values()) {
            Quorum q = Quorum.of(d);
            if (!q.have()) {
                info.add(q.explain(d));
            }
        }
        return info;
    }

    /** Graceful disconnects outdate the Secondary (fencing resource-only or stronger, or quorum enabled). */
    static boolean outdatesOnDisconnect(Connection c) {
        return c.netConf().num("fencing_policy") >= StateRules.FENCING_RESOURCE || c.resource().quorumEnabled();
    }

    /**
     * A holder opens drbdN (drbd_open): a writer on a Secondary auto-promotes if allowed, else
     * EROFS; a reader needs accessible data. Returns 0 or a positive errno.
     */
    public int open(Device d, OpenMode mode) {
        try {
            return locked(() -> openLocked(d, mode));
        } catch (AdmException e) {
            return Errno.EIO;
        }
    }

    private int openLocked(Device d, OpenMode mode) {
        Resource r = d.resource();
        if (r.failIo) {
            return Errno.ENOTRECOVERABLE;
        }
        if (!minors.containsKey(d.minor())) {
            return Errno.ENODEV;
        }
        boolean autoPromote = r.options().flag("auto_promote");
        if (mode.writable()) {
            if (r.role() != Role.PRIMARY) {
                if (!autoPromote) {
                    return Errno.EROFS;
                }
                AdmResult res;
                try {
                    res = promote(r, false, true);
                } catch (AdmException e) {
                    return Errno.EIO;
                }
                if (minors.get(d.minor()) != d || r.failIo) {
                    return Errno.ENODEV; // removed or failed while fence-peer ran
                }
                if (res.retCode() < 1 || r.role() != Role.PRIMARY) {
                    LOG.info("{}: Auto-promote failed: state result {}", r.name(), res.retCode());
                    return Errno.EROFS;
                }
            }
            d.openWriters.incrementAndGet();
        } else {
            if (r.role() != Role.PRIMARY) {
                boolean primaryPeer = false;
                for (Connection c : r.connections.values()) {
                    primaryPeer |= c.peerRole() == Role.PRIMARY;
                }
                if (primaryPeer || !autoPromote) {
                    return Errno.EMEDIUMTYPE;
                }
            }
            if (!d.dataAccessible()) {
                return r.role() == Role.PRIMARY ? Errno.ENODATA : Errno.EMEDIUMTYPE;
            }
            d.openReaders.incrementAndGet();
        }
        if (d.openWriters() + d.openReaders() == 1) {
            events.device(d, Notify.CHANGE, false);
        }
        return 0;
    }

    /** A holder closes drbdN (drbd_release): the last writer of an auto-promoted resource demotes. */
    public void release(Device d, OpenMode mode) {
        try {
            locked(() -> {
                if (mode.writable()) {
                    d.openWriters.decrementAndGet();
                } else {
                    d.openReaders.decrementAndGet();
                }
                Resource r = d.resource();
                int rw = 0;
                int ro = 0;
                for (Device x : r.devices.values()) {
                    rw += x.openWriters();
                    ro += x.openReaders();
                }
                if (r.options().flag("auto_promote") && rw == 0 && r.role() == Role.PRIMARY && r.autoPromoted) {
                    AdmResult res = setRoleLocked(r, Role.SECONDARY, false, true);
                    if (res.retCode() < 1) {
                        LOG.warn("{}: Auto-demote failed: state result {}", r.name(), res.retCode());
                    }
                }
                if (rw == 0 && ro == 0 && r.failIo) {
                    change(r, false, false, () -> r.failIo = false);
                }
                if (d.openWriters() + d.openReaders() == 0) {
                    events.device(d, Notify.CHANGE, false);
                }
                return null;
            });
        } catch (AdmException e) {
            LOG.error("{}: release failed: {}", d, e.getMessage());
        }
    }

    // ---------------------------------------------------------------------------------------
    // data-generation and disk-state commands

    /** OUTDATE. */
    public AdmResult outdate(AdmTarget t) throws AdmException {
        return locked(() -> {
            Device d = t.device();
            return AdmResult.of(change(d.resource(), false, false, () -> d.disk(DiskState.OUTDATED)));
        });
    }

    /**
     * INVALIDATE: with a connected peer (the one sync-from-peer-node-id names, else each connected
     * one in turn) a full resync with this node as sync target; without one, the local data
     * becomes Inconsistent with a full bitmap.
     */
    public AdmResult invalidate(AdmTarget t, NlStruct parms) throws AdmException {
        return locked(() -> {
            Device d = t.device();
            LocalDisk l = d.ldev();
            if (l == null) {
                throw new AdmException(ERR_NO_DISK, null);
            }
            long from = parms == null ? -1 : parms.num("sync_from_peer_node_id");
            boolean resetBitmap = parms == null || parms.flag("reset_bitmap");
            List<PeerDevice> connected = new ArrayList<>();
            for (PeerDevice pd : d.peerDevices.values()) {
                if ((from < 0 || pd.peerNodeId() == from) && pd.repl().code() >= ReplState.ESTABLISHED.code()) {
                    connected.add(pd);
                }
            }
            if (from >= 0 && connected.isEmpty()) {
                return AdmResult.of(StateResult.NEED_CONNECTION);
            }
            if (!connected.isEmpty()) {
                StateResult rv = StateResult.NEED_CONNECTION;
                boolean tried = false;
                for (PeerDevice pd : connected) {
                    if (!resetBitmap && !bitmapResyncPossible(pd)) {
                        continue;
                    }
                    tried = true;
                    rv = agreedResync(pd, true, resetBitmap);
                    if (rv.isSuccess()) {
                        break;
                    }
                }
                return tried ? AdmResult.of(rv) : AdmResult.of(ERR_APV_TOO_LOW, APV_TOO_LOW_INFO);
            }
            if (!resetBitmap) {
                // nothing to exchange bitmaps with
                return AdmResult.of(StateResult.NEED_CONNECTION);
            }
            for (PeerDevice pd : d.peerDevices.values()) {
                if (pd.repl().code() >= ReplState.ESTABLISHED.code()) {
                    return AdmResult.of(StateResult.UNKNOWN_ERROR);
                }
            }
            StateResult rv = change(d.resource(), false, false, () -> d.disk(DiskState.INCONSISTENT));
            if (rv.isSuccess()) {
                for (int slot = 0; slot < l.md().bitmap().slots(); slot++) {
                    l.md().bitmap().setAll(slot);
                }
                try {
                    l.md().writeBitmap(null);
                } catch (KernelException e) {
                    throw new AdmException(ERR_IO_MD_DISK, null);
                }
            }
            return AdmResult.of(rv);
        });
    }

    private static final String APV_TOO_LOW_INFO = "Need protocol level 120 to initiate bitmap based resync";

    private static boolean bitmapResyncPossible(PeerDevice pd) {
        ConnectionDriver drv = pd.connection().driver;
        return drv != null && drv.agreedProtocol() >= 120;
    }

    /**
     * INVAL_PEER: connected, a resync with this node as source (of everything, or with
     * {@code --reset-bitmap=no} of the blocks the bitmaps mark); without a connection, a Primary
     * marks the peer Inconsistent and everything out of sync.
     */
    public AdmResult invalidatePeer(AdmTarget t, NlStruct parms) throws AdmException {
        return locked(() -> {
            PeerDevice pd = t.peerDevice();
            Device d = pd.device();
            LocalDisk l = d.ldev();
            if (l == null) {
                throw new AdmException(ERR_NO_DISK, null);
            }
            boolean resetBitmap = parms == null || parms.flag("p_reset_bitmap");
            if (!resetBitmap && pd.repl().code() >= ReplState.ESTABLISHED.code() && !bitmapResyncPossible(pd)) {
                return AdmResult.of(ERR_APV_TOO_LOW, APV_TOO_LOW_INFO);
            }
            if (pd.repl().code() >= ReplState.ESTABLISHED.code()) {
                return AdmResult.of(agreedResync(pd, false, resetBitmap));
            }
            if (!resetBitmap) {
                return AdmResult.of(StateResult.NEED_CONNECTION);
            }
            if (pd.repl().code() < ReplState.ESTABLISHED.code()) {
                if (d.resource().role() != Role.PRIMARY) {
                    return AdmResult.of(StateResult.NEED_CONNECTION);
                }
                int slot = pd.bitmapIndex();
                if (slot >= 0) {
                    l.md().bitmap().setAll(slot);
                    try {
                        l.md().writeBitmap(null);
                    } catch (KernelException e) {
                        throw new AdmException(ERR_IO_MD_DISK, null);
                    }
                }
                return AdmResult.of(StateResult.SUCCESS);
            }
            return AdmResult.of(StateResult.NEED_CONNECTION);
        });
    }

    /**
     * Asks the connection's driver for a resync of one volume (of everything, or only of what the
     * bitmaps mark) and waits for the state change without the node lock (the driver reports its
     * states through it).
     */
    private StateResult agreedResync(PeerDevice pd, boolean asTarget, boolean full) {
        ConnectionDriver drv = pd.connection().driver;
        if (drv == null) {
            return StateResult.NEED_CONNECTION;
        }
        StateResult[] out = {StateResult.UNKNOWN_ERROR};
        withoutLock(() -> {
            try {
                out[0] = drv.startResync(pd, asTarget, full).get(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                out[0] = StateResult.TIMEOUT;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out[0] = StateResult.INTERRUPTED;
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.error("{}: starting a full resync failed", pd.connection().name(), e.getCause());
            }
        });
        LOG.info("{}: {}{}: {}", pd, asTarget ? "invalidate" : "invalidate-remote", full ? "" : " --reset-bitmap=no",
                out[0]);
        return out[0];
    }

    /** NEW_C_UUID. */
    public AdmResult newCurrentUuidCommand(AdmTarget t, boolean clearBitmap, boolean forceResync)
            throws AdmException {
        return locked(() -> {
            Device d = t.device();
            LocalDisk l = d.ldev();
            if (l == null) {
                throw new AdmException(ERR_NO_DISK, null);
            }
            // connected peers are allowed only right after create-md: skip (--clear-bitmap) or force
            // (--force-resync) the initial sync
            List<PeerDevice> skipping = new ArrayList<>();
            for (PeerDevice pd : d.peerDevices.values()) {
                if ((clearBitmap || forceResync) && pd.repl() == ReplState.ESTABLISHED
                        && l.md().superblock().currentUuid() == Superblock.UUID_JUST_CREATED) {
                    skipping.add(pd);
                } else if (pd.repl() != ReplState.OFF) {
                    throw new AdmException(ERR_CONNECTED, null);
                }
            }
            boolean primary = d.resource().role() == Role.PRIMARY;
            if (!newCurrentUuid(d, false)) {
                l.md().update(b -> {
                    UuidOps.pushHistory(b, b.build().currentUuid());
                    UuidOps.setCurrent(b, random.nextLong(), primary);
                });
            }
            if (forceResync) {
                change(d.resource(), false, false, () -> d.disk(DiskState.UP_TO_DATE));
                // a connected peer with a disk becomes SyncTarget of a full sync from this node
                for (PeerDevice pd : skipping) {
                    ConnectionDriver drv = pd.connection().driver;
                    if (drv != null && pd.peerDisk().code() >= DiskState.INCONSISTENT.code()
                            && pd.peerDisk() != DiskState.UNKNOWN) {
                        LOG.info("{}: forcing the initial sync", pd);
                        defer(() -> drv.forceResync(d));
                    }
                }
            }
            if (clearBitmap) {
                for (int slot = 0; slot < l.md().bitmap().slots(); slot++) {
                    l.md().bitmap().clearAll(slot);
                }
                l.md().update(b -> {
                    for (PeerDevice pd : d.peerDevices.values()) {
                        b.peer(pd.peerNodeId(), b.build().peer(pd.peerNodeId()).withBitmapUuid(0));
                    }
                });
            }
            try {
                l.md().writeBitmap(null);
                l.md().sync();
            } catch (KernelException e) {
                throw new AdmException(ERR_IO_MD_DISK, null);
            }
            if (clearBitmap) {
                // the peers hear the new UUID with the skip flag before anything tells them our new disk state
                for (PeerDevice pd : skipping) {
                    ConnectionDriver drv = pd.connection().driver;
                    if (drv != null) {
                        LOG.info("{}: preparing to skip the initial sync", pd);
                        defer(() -> drv.skipInitialSync(d));
                    }
                }
                change(d.resource(), false, false, () -> {
                    d.disk(DiskState.UP_TO_DATE);
                    for (PeerDevice pd : skipping) {
                        if (pd.peerDisk().code() >= DiskState.INCONSISTENT.code() && pd.peerDisk() != DiskState.UNKNOWN) {
                            pd.peerDisk(DiskState.UP_TO_DATE);
                        }
                    }
                });
            }
            events.device(d, Notify.CHANGE, false);
            return AdmResult.OK;
        });
    }

    /**
     * RESIZE, as the kernel's drbd_adm_resize: the device takes the requested size (0: as big as
     * the data areas allow). While a peer is Established the engine agrees the size with it (the
     * peer resizes too, and a grow resyncs the new part unless --assume-clean); otherwise an
     * unconnected peer that once had a disk bounds the size to the one last agreed, unless
     * --assume-peer-has-space.
     */
    public AdmResult resize(AdmTarget t, NlStruct given) throws AdmException {
        NlStruct parms = Tlas.RESIZE_PARMS.defaults().merge(given);
        long requested = parms.num("resize_size");
        boolean assumeSpace = parms.flag("resize_force");
        boolean noResync = parms.flag("no_resync");
        return locked(() -> {
            Device d = t.device();
            LocalDisk l = d.ldev();
            if (l == null) {
                throw new AdmException(ERR_NO_DISK, null);
            }
            if (given.has("al_stripes") && given.num("al_stripes") != l.md().superblock().alStripes()
                    || given.has("al_stripe_size")
                    && given.num("al_stripe_size") != l.md().superblock().alStripeSize4k() * 4L) {
                throw new AdmException(ERR_MD_LAYOUT_NO_FIT, "changing the activity log layout is not supported");
            }
            List<PeerDevice> established = new ArrayList<>();
            ConnectionDriver engine = null;
            for (PeerDevice pd : d.peerDevices.values()) {
                if (pd.repl().code() > ReplState.ESTABLISHED.code()) {
                    throw new AdmException(ERR_RESIZE_RESYNC, null);
                }
                if (pd.repl() == ReplState.ESTABLISHED && pd.connection().driver != null) {
                    established.add(pd);
                }
                if (pd.connection().driver != null) {
                    engine = pd.connection().driver;
                }
            }
            long usable = l.md().layout().usableSectors();
            if (requested > usable) {
                LOG.error("{}: requested {} sectors, backend seems only able to support {}", d, requested, usable);
                throw new AdmException(ERR_DISK_TOO_SMALL, null);
            }
            // the new part is copied from UpToDate data: a Primary's, or (DRBD 9 peers) the lower node id's
            boolean upToDatePrimary = d.resource().role() == Role.PRIMARY && d.disk() == DiskState.UP_TO_DATE;
            boolean byNodeId = true;
            for (PeerDevice pd : established) {
                int apv = pd.connection().driver.agreedProtocol();
                if (apv < 111) {
                    byNodeId = false;
                    upToDatePrimary |= pd.connection().peerRole() == Role.PRIMARY
                            && pd.peerDisk() == DiskState.UP_TO_DATE;
                }
                if (noResync && apv < 93) {
                    throw new AdmException(ERR_NEED_APV_93, null);
                }
            }
            if (!upToDatePrimary && !byNodeId) {
                throw new AdmException(ERR_NO_PRIMARY, null);
            }
            NlStruct confBefore = l.diskConf();
            l.diskConf(confBefore.with("disk_size", requested));
            MetaData md = l.md();
            if (engine != null) {
                // the engine knows what the peers told and decides on its own states (the model's lag)
                long size = engineResize(d, engine, requested, assumeSpace, noResync, DeviceSizing.noPeerDiskSeen(d, md));
                if (size == -1) {
                    if (d.ldev() == l) {
                        l.diskConf(confBefore); // refused: the disk options stay as they were
                    }
                    throw new AdmException(ERR_RESIZE_RESYNC, null);
                }
                if (d.ldev() != l) {
                    throw new AdmException(ERR_NO_DISK, null); // detached while the engine worked
                }
                if (size >= 0) {
                    return AdmResult.OK;
                }
            }
            DeviceSizeRule.Decision dec = DeviceSizeRule.decide(usable, 0, DeviceSizing.noPeerDiskSeen(d, md),
                    md.superblock().effectiveSize(), requested, assumeSpace);
            if (dec.userSizeTooBig()) {
                LOG.error("{}: requested disk size is too big ({} > {} KiB)", d, requested >> 1, dec.sectors() >> 1);
            }
            if (assumeSpace && dec.sectors() > md.superblock().effectiveSize()) {
                LOG.warn("{}: resize forced while not fully connected", d);
            }
            DeviceSizing.adjustBitmap(md.bitmap(), d.sizeSectors(), dec.sectors(), !noResync);
            applyDeviceSize(d, dec.sectors());
            return AdmResult.OK;
        });
    }

    /**
     * A resize through the engine, which agrees it with Established peers; waits without the node
     * lock. Returns the new size, -1 when a resync refused it, -2 when the engine has no volume for
     * the device (the model resizes alone then).
     */
    private long engineResize(Device d, ConnectionDriver drv, long requested, boolean assumeSpace, boolean noResync,
            boolean noPeerDisk) throws AdmException {
        long[] size = {-2};
        boolean[] timedOut = {false};
        withoutLock(() -> {
            try {
                size[0] = drv.resize(d, requested, assumeSpace, noResync, noPeerDisk)
                        .get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                timedOut[0] = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                timedOut[0] = true;
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.debug("{}: no engine volume to resize ({})", d, e.getCause().toString());
            }
        });
        if (timedOut[0]) {
            LOG.error("{}: resize did not complete within 30 s", d);
            throw new AdmException(StateResult.TIMEOUT.code(), null);
        }
        return size[0];
    }

    /**
     * Under the lock: the device has a new size (its bitmap already adjusted). The metadata keeps
     * it as the effective size, and drbdN shows it.
     */
    private void applyDeviceSize(Device d, long sectors) {
        long old = d.sizeSectors();
        LocalDisk l = d.ldev();
        if (l != null) {
            MetaData md = l.md();
            if (md.superblock().effectiveSize() != sectors) {
                LOG.info("{}: persisting effective size = {} KiB", d, sectors >> 1);
                md.update(b -> b.effectiveSize(sectors));
            }
            try {
                md.writeBitmap(null);
            } catch (KernelException e) {
                LOG.error("{}: writing the bitmap failed: {}", d, e.getMessage());
            }
            syncMd(d);
        }
        if (sectors != old) {
            LOG.info("{}: size = {} KiB (was {} KiB)", d, sectors >> 1, old >> 1);
            d.sizeSectors(sectors);
            BlockDevice bd = blockDevices.get(d);
            if (bd != null) {
                registry.notifyResized(bd, old << 9);
            }
            events.device(d, Notify.CHANGE, false);
        }
    }

    /** SUSPEND_IO / RESUME_IO. */
    public AdmResult suspendIo(AdmTarget t, boolean suspend) throws AdmException {
        return locked(() -> {
            Resource r = t.resource();
            StateResult rv = change(r, false, false, () -> {
                r.suspUser = suspend;
                if (!suspend) {
                    r.suspFen = false; // as the kernel's resume-io: the admin takes over from fence-peer
                }
            });
            if (!suspend) {
                r.fencingFreeze(false);
                if (!r.suspQuorum && quorumCounted(r)) {
                    r.quorumFreeze(false); // without quorum and suspend-io, resume-io cannot resume
                }
                resumeHeldIo(r);
            }
            return AdmResult.of(rv);
        });
    }

    /** After the lock: every device of {@code r} re-submits its held bios and runs its held completions. */
    private void resumeHeldIo(Resource r) {
        for (Device d : r.devices.values()) {
            if (blockDevices.get(d) instanceof LocalIo io) {
                defer(io::resumeIo);
            }
        }
    }

    /** PAUSE_SYNC / RESUME_SYNC. */
    public AdmResult pauseSync(AdmTarget t, boolean pause) throws AdmException {
        return locked(() -> {
            PeerDevice pd = t.peerDevice();
            if (pause == pd.resyncSuspUser) {
                throw new AdmException(pause ? DrbdConst.ERR_PAUSE_IS_SET : DrbdConst.ERR_PAUSE_IS_CLEAR, null);
            }
            // one state change, as the kernel's: the flag and the paused (or running) resync together,
            // so events2 prints one line; the engine's own report of it then changes nothing
            change(pd.device().resource(), false, false, () -> {
                pd.resyncSuspUser = pause;
                pd.repl(pd.repl().withResyncSuspended(pause || pd.resyncSuspPeer || pd.resyncSuspDependency));
            });
            ConnectionDriver drv = pd.connection().driver;
            if (drv != null) {
                defer(() -> drv.resyncPausedByUser(pd, pause));
            }
            return AdmResult.OK;
        });
    }

    /**
     * START_OV: the connection's driver starts online verify; waits for the state change (not for
     * the verify) without the node lock, since the driver reports its states through it.
     */
    public AdmResult startVerify(PeerDevice pd) {
        ConnectionDriver drv = pd.connection().driver;
        if (drv == null) {
            return AdmResult.of(StateResult.NEED_CONNECTION);
        }
        try {
            return AdmResult.of(drv.startVerify(pd).get(30, java.util.concurrent.TimeUnit.SECONDS));
        } catch (java.util.concurrent.TimeoutException e) {
            return AdmResult.of(StateResult.TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AdmResult.of(StateResult.INTERRUPTED);
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.error("{}: starting online verify failed", pd.connection().name(), e.getCause());
            return AdmResult.of(StateResult.UNKNOWN_ERROR);
        }
    }

    /** FORGET_PEER: drop what the metadata remembers of a peer that is not configured. */
    public AdmResult forgetPeer(AdmTarget t, int peerNodeId) throws AdmException {
        return locked(() -> {
            Resource r = t.resource();
            if (peerNodeId < 0 || peerNodeId >= DrbdConst.NODE_ID_MAX || peerNodeId == r.nodeId()) {
                throw new AdmException(DrbdConst.ERR_INVALID_PEER_NODE_ID, null);
            }
            if (r.connections.containsKey(peerNodeId)) {
                throw new AdmException(ERR_NET_CONFIGURED, null);
            }
            for (Device d : r.devices.values()) {
                LocalDisk l = d.ldev();
                if (l == null) {
                    continue;
                }
                int slot = l.md().superblock().peer(peerNodeId).bitmapIndex();
                if (slot >= 0) {
                    l.md().bitmap().clearAll(slot);
                }
                l.md().update(b -> b.peer(peerNodeId, PeerMd.EMPTY));
                try {
                    l.md().writeBitmap(null);
                    l.md().sync();
                } catch (KernelException e) {
                    throw new AdmException(ERR_IO_MD_DISK, null);
                }
            }
            recount(r); // a forgotten node no longer votes
            return AdmResult.OK;
        });
    }

    /** DOWN: demote, disconnect and delete peers, detach and delete minors, delete the resource. */
    public AdmResult down(AdmTarget t) throws AdmException {
        return locked(() -> downLocked(t.resource()));
    }

    private AdmResult downLocked(Resource r) {
        AdmResult role = setRoleLocked(r, Role.SECONDARY, false, false);
        if (role.retCode() < 1) {
            List<String> info = new ArrayList<>(role.info());
            info.add("failed to demote");
            return new AdmResult(role.retCode(), info);
        }
        for (Connection c : new ArrayList<>(r.connections.values())) {
            StateResult rv = StateResult.SUCCESS;
            if (c.cstate() != ConnState.STANDALONE) {
                rv = disconnectLocked(c, false);
            }
            if (!rv.isSuccess()) {
                return AdmResult.of(rv);
            }
            deleteConnection(c);
        }
        for (Device d : new ArrayList<>(r.devices.values())) {
            AdmResult det = detachLocked(d, false);
            if (det.retCode() < 1 || (det.retCode() > NO_ERROR)) {
                List<String> info = new ArrayList<>(det.info());
                info.add("failed to detach");
                return new AdmResult(det.retCode(), info);
            }
            try {
                delMinorLocked(d);
            } catch (AdmException e) {
                return AdmResult.of(e.retCode(), "failed to delete volume");
            }
        }
        resources.remove(r.name());
        events.resource(r, Notify.DESTROY, false);
        LOG.info("resource {} is down", r.name());
        return AdmResult.OK;
    }

    /** Takes every resource down (daemon exit): metadata written, bitmaps on disk. */
    public void shutdown() {
        for (Resource r : read(this::resources)) {
            try {
                AdmResult res = locked(() -> {
                    AdmResult a = downLocked(r);
                    if (a.retCode() < 1) {
                        // an opener still holds the device: force the demotion and try once more
                        setRoleLocked(r, Role.SECONDARY, true, false);
                        a = downLocked(r);
                    }
                    return a;
                });
                LOG.info("shutdown: resource {} down with code {}", r.name(), res.retCode());
            } catch (AdmException e) {
                LOG.error("shutdown: resource {}: {}", r.name(), e.getMessage());
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // handlers

    /**
     * Runs a handler through the usermode helper with the kernel's environment; CALL and RESPONSE
     * go to events2. The future completes with its exit code (-1: could not run).
     */
    public CompletableFuture<Integer> callHelper(Resource r, Device d, Connection c, String cmd) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", "/");
        env.put("TERM", "linux");
        env.put("PATH", "/sbin:/usr/sbin:/bin:/usr/bin");
        if (d != null) {
            env.put("DRBD_MINOR", Integer.toString(d.minor()));
            env.put("DRBD_VOLUME", Integer.toString(d.volume()));
            LocalDisk l = d.ldev();
            if (l != null) {
                env.put("DRBD_BACKING_DEV", l.backingPath());
            }
        }
        if (c != null) {
            if (!c.paths.isEmpty()) {
                Path p = c.paths.get(0);
                putAddress(env, "DRBD_MY_", p.myAddress());
                putAddress(env, "DRBD_PEER_", p.peerAddress());
            }
            env.put("DRBD_PEER_NODE_ID", Integer.toString(c.peerNodeId()));
            env.put("DRBD_CSTATE", c.cstate().displayName());
            if (d == null) {
                for (PeerDevice pd : c.peerDevices.values()) {
                    Device dv = pd.device();
                    env.put("DRBD_MINOR_" + dv.volume(), Integer.toString(dv.minor()));
                    LocalDisk l = dv.ldev();
                    if (l != null) {
                        env.put("DRBD_BACKING_DEV_" + dv.volume(), l.backingPath());
                    }
                }
            }
        }
        boolean held = lock.isHeldByCurrentThread();
        if (!held) {
            lock.lock();
        }
        try {
            events.helper(r, d, c, cmd, Notify.CALL, 0);
        } finally {
            if (!held) {
                lock.unlock();
            }
        }
        LOG.info("{}: calling helper {}", r.name(), cmd);
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        helpers.run(cmd, r.name(), env).whenComplete((status, err) -> {
            int st = err != null ? -1 : status;
            LOG.info("{}: helper command {} exit code {}", r.name(), cmd, st);
            lock.lock();
            try {
                events.helper(r, d, c, cmd, Notify.RESPONSE, st << 8);
            } finally {
                lock.unlock();
            }
            exit.complete(st);
        });
        return exit;
    }

    private static void putAddress(Map<String, String> env, String prefix, java.net.InetSocketAddress a) {
        if (a == null) {
            return;
        }
        env.put(prefix + "ADDRESS", a.getAddress().getHostAddress());
        env.put(prefix + "AF", a.getAddress() instanceof java.net.Inet6Address ? "ipv6" : "ipv4");
    }

    // ---------------------------------------------------------------------------------------
    // the replication driver's view of a connection

    /** {@link ConnectionControl} of one connection. */
    private final class Control implements ConnectionControl {
        private final Connection c;

        Control(Connection c) {
            this.c = c;
        }

        @Override
        public Connection connection() {
            return c;
        }

        @Override
        public int myNodeId() {
            return c.resource().nodeId();
        }

        @Override
        public List<Path> paths() {
            return read(c::paths);
        }

        private StateResult lockedChange(boolean hard, Runnable m) {
            try {
                return locked(() -> {
                    if (!c.resource().connections.containsValue(c)) {
                        return StateResult.NOTHING_TO_DO;
                    }
                    engineReport = true;
                    try {
                        return change(c.resource(), hard, false, m);
                    } finally {
                        engineReport = false;
                    }
                });
            } catch (AdmException e) {
                return StateResult.UNKNOWN_ERROR;
            }
        }

        @Override
        public StateResult setConnectionState(ConnState state) {
            return lockedChange(true, () -> c.cstate(state));
        }

        @Override
        public StateResult setSuspendedByFencing(boolean suspended) {
            Resource r = c.resource();
            if (suspended) {
                r.fencingFreeze(true);
                return lockedChange(true, () -> r.suspFen = true);
            }
            try {
                return locked(() -> {
                    StateResult rv = change(r, true, false, () -> r.suspFen = false);
                    r.fencingFreeze(false);
                    resumeHeldIo(r);
                    return rv;
                });
            } catch (AdmException e) {
                return StateResult.UNKNOWN_ERROR;
            }
        }

        @Override
        public void setPathEstablished(Path path, boolean established) {
            lockedChange(true, () -> path.established(established));
        }

        @Override
        public StateResult setPeerRole(Role role) {
            return lockedChange(false, () -> c.peerRole(role));
        }

        @Override
        public StateResult setPeerDeviceState(int volume, ReplState repl, DiskState peerDisk) {
            return lockedChange(false, () -> {
                PeerDevice pd = c.peerDevices.get(volume);
                if (pd != null) {
                    pd.repl(repl);
                    pd.peerDisk(peerDisk);
                }
            });
        }

        @Override
        public StateResult setPeerDeviceState(int volume, ReplState repl, DiskState peerDisk,
                boolean resyncSuspendedByPeer) {
            return lockedChange(false, () -> {
                PeerDevice pd = c.peerDevices.get(volume);
                if (pd != null) {
                    pd.repl(repl);
                    pd.peerDisk(peerDisk);
                    pd.resyncSuspPeer = resyncSuspendedByPeer;
                }
            });
        }

        @Override
        public StateResult setLocalDiskState(int volume, DiskState disk) {
            return lockedChange(false, () -> {
                Device d = c.resource().devices.get(volume);
                if (d != null && d.ldev() != null) {
                    d.disk(disk);
                }
            });
        }

        private int slot(int volume) {
            PeerDevice pd = c.peerDevices.get(volume);
            return pd == null ? -1 : pd.bitmapIndex();
        }

        @Override
        public void markOutOfSync(int volume, long sector, long bytes) {
            PeerDevice pd = c.peerDevices.get(volume);
            if (pd == null || bytes <= 0) {
                return;
            }
            LocalDisk l = pd.device().ldev();
            int s = slot(volume);
            if (l != null && s >= 0) {
                l.md().bitmap().set(s, sector / 8, (sector + (bytes >> 9) - 1) / 8);
            }
        }

        @Override
        public void markInSync(int volume, long sector, long bytes) {
            PeerDevice pd = c.peerDevices.get(volume);
            if (pd == null || bytes <= 0) {
                return;
            }
            LocalDisk l = pd.device().ldev();
            int s = slot(volume);
            if (l != null && s >= 0) {
                // only whole 4 KiB blocks become in sync
                long first = (sector + 7) / 8;
                long last = (sector + (bytes >> 9)) / 8 - 1;
                l.md().bitmap().clear(s, first, last);
            }
        }

        @Override
        public long outOfSyncSectors(int volume) {
            PeerDevice pd = c.peerDevices.get(volume);
            LocalDisk l = pd == null ? null : pd.device().ldev();
            int s = slot(volume);
            return l == null || s < 0 ? 0 : l.md().bitmap().count(s) * 8;
        }

        @Override
        public Superblock metadata(int volume) {
            Device d = c.resource().devices.get(volume);
            LocalDisk l = d == null ? null : d.ldev();
            return l == null ? null : l.md().superblock();
        }

        @Override
        public void updateMetadata(int volume, java.util.function.Consumer<Superblock.Builder> change) {
            try {
                locked(() -> {
                    Device d = c.resource().devices.get(volume);
                    LocalDisk l = d == null ? null : d.ldev();
                    if (l != null) {
                        l.md().update(change);
                        l.md().sync();
                    }
                    return null;
                });
            } catch (AdmException e) {
                LOG.error("{}: metadata update failed: {}", c, e.getMessage());
            }
        }

        @Override
        public void submitLocal(int volume, io.scstdrbd.kernel.block.Bio bio) {
            Device d = c.resource().devices.get(volume);
            BlockDevice bd = d == null ? null : blockDevices.get(d);
            if (bd instanceof LocalIo io) {
                io.submitLocal(bio);
            } else {
                bio.complete(Errno.ENODEV);
            }
        }

        @Override
        public CompletableFuture<Integer> callHelper(String name, Integer volume) {
            Device d = volume == null ? null : c.resource().devices.get(volume);
            return DrbdNode.this.callHelper(c.resource(), d, c, name);
        }

        @Override
        public void resyncProgressed(int volume) {
            lock.lock();
            try {
                PeerDevice pd = c.peerDevices.get(volume);
                // progress of a resync or verify only: the engine's report is queued behind its state pushes
                if (pd != null && c.resource().connections.containsValue(c)
                        && (pd.repl().isResyncing() || pd.repl().isVerify())) {
                    events.peerDevice(pd, Notify.CHANGE, false);
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void setUserSize(int volume, long sectors) {
            lock.lock();
            try {
                Device d = c.resource().devices.get(volume);
                LocalDisk l = d == null ? null : d.ldev();
                if (l != null) {
                    l.diskConf(l.diskConf().with("disk_size", sectors));
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void deviceResized(int volume, long sectors) {
            lock.lock();
            try {
                Device d = c.resource().devices.get(volume);
                if (d != null) {
                    applyDeviceSize(d, sectors);
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void adoptNetOptions(Map<String, Object> values) {
            lock.lock();
            try {
                NlStruct nc = c.netConf();
                for (Map.Entry<String, Object> e : values.entrySet()) {
                    nc = nc.with(e.getKey(), e.getValue());
                }
                c.netConf(nc);
                LOG.info("{}: net options taken from the peer: {}", c, values);
            } finally {
                lock.unlock();
            }
        }
    }

    /** Implemented by the drbdN block device: I/O to the local backing device with AL semantics. */
    public interface LocalIo {
        void submitLocal(io.scstdrbd.kernel.block.Bio bio);

        /** Re-submits the bios held back while I/O was suspended. */
        void resumeIo();
    }
}
