package io.scstdrbd.drbd.engine;

import io.scstdrbd.drbd.replication.WireProtocol;
import io.scstdrbd.drbd.size.DeviceSizeRule;
import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.ReplState;
import io.scstdrbd.drbd.state.Role;
import io.scstdrbd.drbd.sync.digest.DigestAlgorithm;
import io.scstdrbd.drbd.sync.resync.ResyncSettings;
import io.scstdrbd.drbd.sync.uuid.HandshakeDecision;
import io.scstdrbd.drbd.sync.uuid.SplitBrainInput;
import io.scstdrbd.drbd.sync.uuid.SyncHandshake;
import io.scstdrbd.drbd.sync.uuid.SyncStrategy;
import io.scstdrbd.drbd.sync.uuid.UuidComparator;
import io.scstdrbd.drbd.sync.uuid.UuidComparison;
import io.scstdrbd.drbd.sync.uuid.Uuids;
import io.scstdrbd.drbd.wire.CurrentUuid;
import io.scstdrbd.drbd.wire.DrbdState;
import io.scstdrbd.drbd.wire.PacketType;
import io.scstdrbd.drbd.wire.ProtocolException;
import io.scstdrbd.drbd.wire.Sizes;
import io.scstdrbd.drbd.wire.SyncParams;
import io.scstdrbd.drbd.wire.Uuids110;
import io.scstdrbd.drbd.wire.Uuids84;
import io.scstdrbd.drbd.wire.WireConstants;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-volume handshake with one peer: this node's P_SYNC_PARAM89, P_SIZES and P_UUIDS, the
 * peer's (size agreement, sync parameter checks, its UUIDs and their skip-initial-sync flag), and
 * the sync-handshake decision taken once the peer's first P_STATE is in, then applied (no sync,
 * the bitmap exchange as source or target, or refusing the connection).
 *
 * <p>Threading: on the resource loop, like its {@link PeerDevice}.
 */
final class VolumeHandshake {
    /** Logs under PeerDevice's name, as before this class was split from it. */
    private static final Logger LOG = LoggerFactory.getLogger(PeerDevice.class);

    private final PeerDevice pd;
    private final PeerConnection conn;
    private final VolumeEngine vol;
    private final int peerId;
    private final String tag;
    private Uuids peerUuids;
    private boolean paramsSent;
    private HandshakeDecision decision;
    private boolean decided;
    private boolean handshakeDone;
    /** The peer's data area from its last P_SIZES (0: diskless or not told since connecting). */
    private long peerDataSectors;
    /** This node grew the device by resize and waits for the peer's P_SIZES to resync the new part. */
    private boolean resizePending;

    VolumeHandshake(PeerDevice pd) {
        this.pd = pd;
        this.conn = pd.connection();
        this.vol = pd.volume();
        this.peerId = conn.peerNodeId();
        this.tag = pd.tagName();
    }

    /** The connection is gone: the next one starts a new handshake. */
    void connectionLost() {
        peerUuids = null;
        paramsSent = false;
        decision = null;
        decided = false;
        handshakeDone = false;
        peerDataSectors = 0;
        resizePending = false;
    }

    /** The peer's data area as it last told (0: unknown or diskless). */
    long peerDataSectors() {
        return peerDataSectors;
    }

    /** After a resize that grew the device: the peer's answer starts the resync of the new part. */
    void resizePending() {
        resizePending = true;
    }

    /** The peer's UUIDs as last received, or null before its P_UUIDS. */
    Uuids peerUuids() {
        return peerUuids;
    }

    boolean paramsSent() {
        return paramsSent;
    }

    boolean hasDecision() {
        return decided;
    }

    boolean decisionRefuses() {
        return decision != null && (decision.outcome() == HandshakeDecision.Outcome.DISCONNECT
                || decision.outcome() == HandshakeDecision.Outcome.RETRY);
    }

    /** P_CURRENT_UUID: the peer's new current UUID, nothing else known. */
    void onCurrentUuid(CurrentUuid u) {
        peerUuids = new Uuids(u.uuid(), Map.of(), List.of(), 0, 0);
    }

    private int vnr() {
        return vol.volume();
    }

    private LocalVolume local() {
        return vol.local();
    }

    void sendInitialParams() {
        paramsSent = true;
        vol.refreshSize();
        sendSyncParams();
        sendSizes();
        sendUuids();
        pd.sendState();
    }

    void sendSizes() {
        sendSizes(0, false);
    }

    /**
     * P_SIZES: this node's data area, its user size cap and the device size. {@code askForReply}
     * (after a resize) sends the device size as 0 to an 8.4 peer, which answers with its P_SIZES
     * only when the sizes differ; a DRBD 9 peer answers when its size changed.
     */
    void sendSizes(int ddsFlags, boolean askForReply) {
        boolean disk = local().hasDisk();
        long d = disk ? local().dataSectors() : 0;
        long u = disk ? local().userSectors() : 0;
        long c = askForReply && conn.dialect84() ? 0 : vol.agreedSectors();
        conn.dataWriter().send(PacketType.SIZES, vnr(),
                new Sizes(d, u, c, Math.min(WireConstants.MAX_BIO_SIZE, local().maxBioSize()), 0, ddsFlags, null));
    }

    long uuidFlags() {
        long f = 0;
        if (conn.discardMyData()) {
            f |= WireConstants.UUID_FLAG_DISCARD_MY_DATA;
        }
        if (local().crashedPrimary()) {
            f |= WireConstants.UUID_FLAG_CRASHED_PRIMARY;
        }
        if (local().diskState() == DiskState.INCONSISTENT) {
            f |= WireConstants.UUID_FLAG_INCONSISTENT;
        }
        return f;
    }

    void sendUuids() {
        sendUuids(0);
    }

    /** P_UUIDS / P_UUIDS110 with {@code extraFlags} (e.g. UUID_FLAG_SKIP_INITIAL_SYNC) added to the usual flags. */
    void sendUuids(long extraFlags) {
        GenerationUuids u = local().uuids().view();
        long dirty = pd.agreedBitmap().cardinality();
        if (conn.dialect84()) {
            List<Long> h = u.history();
            conn.dataWriter().send(PacketType.UUIDS, vnr(), new Uuids84(u.current(), u.bitmap(peerId),
                    h.size() > 0 ? h.get(0) : 0, h.size() > 1 ? h.get(1) : 0, dirty, uuidFlags() | extraFlags));
            return;
        }
        Map<Integer, Long> bms = u.bitmaps();
        long mask = 0;
        List<Long> bmList = new ArrayList<>();
        for (int node = 0; node < 64; node++) {
            Long b = bms.get(node);
            if (b != null && b != 0) {
                mask |= 1L << node;
                bmList.add(b);
            }
        }
        long flags = uuidFlags() | extraFlags;
        if (conn.resource().role() != Role.PRIMARY) {
            flags |= WireConstants.UUID_FLAG_STABLE;
        }
        conn.dataWriter().send(PacketType.UUIDS110, vnr(), new Uuids110(u.current(), dirty, flags, 0, mask, bmList,
                u.history()));
    }

    void sendSyncParams() {
        ResyncSettings rs = conn.resyncSettings();
        NetConfig n = conn.net();
        conn.dataWriter().send(PacketType.SYNC_PARAM89, vnr(), new SyncParams(rs.resyncRate(), n.verifyAlg(),
                n.csumsAlg(), rs.cPlanAhead(), rs.cDelayTarget(), rs.cFillTarget(), rs.cMaxRate()));
    }

    void onSyncParams(SyncParams s) {
        NetConfig n = conn.net();
        if (handshakeDone) {
            // connected: the peer's new verify-alg or csums-alg is used here too (receive_SyncParam)
            // an empty name changes nothing, as in the kernel (no algorithm to allocate)
            String verify = s.verifyAlg().isEmpty() ? n.verifyAlg() : s.verifyAlg();
            String csums = s.csumsAlg().isEmpty() ? n.csumsAlg() : s.csumsAlg();
            for (String alg : List.of(verify, csums)) {
                if (!alg.isEmpty() && DigestAlgorithm.forName(alg).isEmpty()) {
                    conn.dropHard("the peer's new algorithm '" + alg + "' is not available here");
                    return;
                }
            }
            if (!verify.equals(n.verifyAlg())) {
                LOG.info("{}: using verify-alg: \"{}\"", tag, verify);
            }
            if (!csums.equals(n.csumsAlg())) {
                LOG.info("{}: using csums-alg: \"{}\"", tag, csums);
            }
            conn.adoptPeerAlgorithms(verify, csums);
            return;
        }
        if (!handshakeDone && !s.verifyAlg().equals(n.verifyAlg())) {
            conn.fatal("different verify-alg settings: here '" + n.verifyAlg() + "', peer '" + s.verifyAlg() + "'");
            return;
        }
        if (!handshakeDone && !s.csumsAlg().equals(n.csumsAlg())) {
            conn.fatal("different csums-alg settings: here '" + n.csumsAlg() + "', peer '" + s.csumsAlg() + "'");
        }
    }

    /**
     * The peer's P_SIZES, as the kernel's receive_sizes: at the handshake the device takes the
     * smaller of the two data areas (a device with good data never shrinks then); while connected
     * the peer's resize is taken (its user size, a grow or a shrink), answered with this node's
     * sizes, and a grow starts the resync of the new part unless --assume-clean.
     */
    void onSizes(Sizes s) {
        pd.peerMaxBioSize(s.maxBioSize());
        long pSize = s.dSize();
        long pUser = s.uSize();
        long pCur = s.cSize();
        if ((pSize != 0 && pCur > pSize) || (pUser != 0 && pCur > pUser)) {
            conn.fatal("the peer sent bogus sizes (data " + pSize + ", user " + pUser + ", current " + pCur
                    + " sectors)");
            return;
        }
        if (pSize != 0) {
            peerDataSectors = pSize;
        }
        boolean handshake = pd.repl() == ReplState.OFF;
        long cur = vol.agreedSectors();
        VolumeEngine.SizeChange change = VolumeEngine.SizeChange.UNCHANGED;
        if (local().hasDisk()) {
            long myUser = local().userSectors();
            long myMax = local().dataSectors();
            if (handshake) {
                pUser = DeviceSizeRule.minNotZero(myUser, pUser);
            }
            if (pUser == 0 && pSize == 0) {
                pUser = myUser; // a diskless peer has no disk-size to tell
            }
            long lastAgreed = local().lastAgreedSectors();
            DeviceSizeRule.Decision dec = DeviceSizeRule.decide(myMax, pSize, true, lastAgreed, pUser, false);
            if (dec.userSizeTooBig()) {
                LOG.error("{}: requested disk size is too big ({} > {} KiB)", tag, pUser >> 1, dec.sectors() >> 1);
            }
            long newSize = dec.sectors();
            DiskState disk = local().diskState();
            if (newSize < cur && disk.compareTo(DiskState.OUTDATED) >= 0 && disk != DiskState.UNKNOWN
                    && (handshake || pd.peerDisk() == DiskState.DISKLESS)) {
                conn.fatal("the peer's disk size is too small (" + newSize + " < " + cur + " sectors)");
                return;
            }
            if (!handshake && myMax < pCur) {
                conn.fatal("the peer's size is larger than this node's maximum capacity (" + myMax + " < " + pCur
                        + " sectors)");
                return;
            }
            if (myUser != pUser) {
                LOG.info("{}: peer sets u_size to {} sectors (old: {})", tag, pUser, myUser);
                local().setUserSectors(pUser);
            }
            // a size never agreed before (new metadata): nothing beyond it was ever written
            boolean noResync = (s.ddsFlags() & WireConstants.DDSF_NO_RESYNC) != 0 || lastAgreed == 0;
            change = vol.applySize(newSize, !noResync);
        } else {
            // no disk here: the peer's current size is the device's (it knows what was agreed last)
            long n = DeviceSizeRule.minNotZero(DeviceSizeRule.minNotZero(pCur, pUser), pSize);
            if (pCur == 0 && cur != 0 && !handshake) {
                // an 8.4 peer's resize asks with a current size of 0: it answers with its real one
                sendSizes(0, false);
            } else if (n != 0 && n != cur && !(cur != 0 && pSize == 0)) {
                if (n < cur && conn.resource().role() == Role.PRIMARY) {
                    conn.protocolError("the peer's device size is too small (" + n + " < " + cur
                            + " sectors); demote this node first");
                    return;
                }
                change = vol.applySize(n, false);
            }
        }
        if (change != VolumeEngine.SizeChange.UNCHANGED) {
            LOG.info("{}: size {} with the peer: {} sectors (was {})", tag,
                    change == VolumeEngine.SizeChange.GREW ? "grew" : "shrank", vol.agreedSectors(), cur);
        }
        if (change != VolumeEngine.SizeChange.UNCHANGED && conn.isConnected()) {
            sendSizes(s.ddsFlags(), false); // the peer needs this node's new size, as the 9.2 kernel's answer
        }
        if (handshake) {
            return;
        }
        boolean pending = resizePending;
        resizePending = false;
        if (pending || (change == VolumeEngine.SizeChange.GREW && pd.repl() == ReplState.ESTABLISHED)) {
            if ((s.ddsFlags() & WireConstants.DDSF_NO_RESYNC) != 0) {
                LOG.info("{}: resync of new storage suppressed with --assume-clean", tag);
            } else if (local().diskState().compareTo(DiskState.INCONSISTENT) >= 0
                    && pd.peerDisk().compareTo(DiskState.INCONSISTENT) >= 0 && pd.peerDisk() != DiskState.UNKNOWN) {
                pd.resyncAfterOnlineGrow();
            }
        }
    }

    void onUuids84(Uuids84 u) {
        List<Long> h = new ArrayList<>();
        h.add(u.history0());
        h.add(u.history1());
        peerUuids = new Uuids(u.current(), u.bitmap() == 0 ? Map.of() : Map.of(conn.myNodeId(), u.bitmap()), h,
                u.flags(), u.dirtyBits());
        maybeSkipInitialSync();
    }

    void onUuids110(Uuids110 u) {
        Map<Integer, Long> bms = new HashMap<>();
        for (int node = 0; node < 64; node++) {
            long b = u.bitmapUuidFor(node);
            if (b != 0) {
                bms.put(node, b);
            }
        }
        List<Long> h = new ArrayList<>();
        for (long x : u.history()) {
            if (x != 0) {
                h.add(x);
            }
        }
        peerUuids = new Uuids(u.current(), bms, h, u.flags(), u.dirtyBits());
        maybeSkipInitialSync();
    }

    /**
     * The peer ran new-current-uuid --clear-bitmap while connected ("skip the initial sync"): a node
     * whose metadata was just created takes the peer's current UUID, clears its bitmap and considers
     * both disks UpToDate, without a resync.
     */
    private void maybeSkipInitialSync() {
        if (pd.repl() != ReplState.ESTABLISHED || conn.agreedVersion() < 90 || !local().hasDisk()
                || !peerUuids.hasFlag(WireConstants.UUID_FLAG_SKIP_INITIAL_SYNC)
                || local().uuids().view().current() != WireConstants.UUID_JUST_CREATED) {
            return;
        }
        LOG.info("{}: accepted the peer's new current UUID {}, skipping the initial sync", tag,
                String.format("%016X", peerUuids.current()));
        long current = peerUuids.current();
        for (PeerConnection c : conn.resource().peers()) {
            PeerDevice other = c.device(vnr());
            if (other != null) {
                other.bitmap().clearAll();
            }
        }
        local().uuids().change(g -> {
            g.setCurrent(current);
            g.setBitmap(peerId, 0);
            return null;
        });
        pd.setDisk(DiskState.UP_TO_DATE);
        pd.setPeerDisk(DiskState.UP_TO_DATE);
        local().persist();
    }

    /**
     * This node took a new current UUID with UpToDate data; the peer, just created, is to resync.
     * UUID_FLAG_RESYNC makes a kernel DRBD 9 compare the UUIDs again; our own peers do so on the
     * P_STATE that reports this node UpToDate while they are Inconsistent.
     */
    void announceForcedResync() {
        if (pd.repl() != ReplState.ESTABLISHED) {
            return;
        }
        sendUuids(WireConstants.UUID_FLAG_RESYNC);
        pd.sendState();
    }

    /** This node cleared its bitmap with a new current UUID: the peer may skip its initial sync. */
    void announceSkipInitialSync() {
        if (pd.repl() != ReplState.ESTABLISHED) {
            return;
        }
        sendUuids(WireConstants.UUID_FLAG_SKIP_INITIAL_SYNC);
        if (pd.peerDisk().compareTo(DiskState.INCONSISTENT) >= 0 && pd.peerDisk() != DiskState.UNKNOWN) {
            pd.setPeerDisk(DiskState.UP_TO_DATE);
        }
    }

    DiskState peerDiskFrom(DrbdState st) throws ProtocolException {
        DiskState d;
        try {
            d = DiskState.fromWire(st.disk(), conn.dialect84());
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("P_STATE with disk state " + st.disk());
        }
        if (d == DiskState.NEGOTIATING) {
            d = peerUuids != null && peerUuids.hasFlag(WireConstants.UUID_FLAG_INCONSISTENT) ? DiskState.INCONSISTENT
                    : DiskState.CONSISTENT;
        }
        return d;
    }

    /** Compares the UUIDs and decides: no sync, source, target, or refuse (after the peer's P_STATE). */
    void run() {
        Uuids me = local().uuids().view().snapshot(uuidFlags(), pd.agreedBitmap().cardinality());
        boolean aOrB = conn.net().protocol() != WireProtocol.C;
        UuidComparator.Context c = new UuidComparator.Context(conn.myNodeId(), peerId, conn.agreedVersion(),
                conn.resolveConflicts(), local().crashedPrimary(),
                peerUuids.hasFlag(WireConstants.UUID_FLAG_CRASHED_PRIMARY), aOrB);
        UuidComparison cmp = UuidComparator.compare(me, peerUuids, c);
        NetConfig n = conn.net();
        SplitBrainInput sb = new SplitBrainInput(conn.resource().role(), conn.peerRole(), me.dirtyBits(),
                peerUuids.dirtyBits(), (me.bitmapFor(peerId) & 1) != 0, (peerUuids.bitmapFor(conn.myNodeId()) & 1) != 0,
                conn.resolveConflicts());
        SyncHandshake.Input in = new SyncHandshake.Input(cmp, local().diskState(), pd.peerDisk(),
                new SyncHandshake.Policies(n.afterSb0p(), n.afterSb1p(), n.afterSb2p(), n.rrConflict(), n.alwaysAsbp()),
                conn.discardMyData(), conn.peerDiscardsItsData() || peerUuids.hasFlag(WireConstants.UUID_FLAG_DISCARD_MY_DATA),
                sb);
        decision = SyncHandshake.decide(in);
        decided = true;
        LOG.info("{}: sync handshake: my UUIDs {}, peer {} -> {} ({}; {})", tag, local().uuids().view(),
                String.format("%016X", peerUuids.current()), decision.outcome(), cmp.rule(), decision.reason());
        if (cmp.fixup() != io.scstdrbd.drbd.sync.uuid.UuidFixup.NONE) {
            local().uuids().change(g -> {
                g.apply(cmp.fixup(), peerId);
                return null;
            });
        }
        for (String h : decision.helpers()) {
            conn.resource().handlers().run(h, peerId, vnr());
        }
    }

    void applyDecision() {
        HandshakeDecision d = decision;
        handshakeDone = true;
        if (d == null) {
            return;
        }
        switch (d.outcome()) {
            case DISCONNECT:
                conn.fatal(d.reason());
                return;
            case RETRY:
                conn.connectionLost(io.scstdrbd.drbd.state.ConnState.NETWORK_FAILURE, d.reason());
                return;
            case NO_SYNC: {
                DiskState me = local().diskState();
                if (pd.peerDisk() == DiskState.UP_TO_DATE && (me == DiskState.CONSISTENT || me == DiskState.OUTDATED)) {
                    pd.setDisk(DiskState.UP_TO_DATE);
                }
                pd.setRepl(ReplState.ESTABLISHED);
                long bits = pd.agreedBitmap().cardinality();
                if (bits != 0) {
                    LOG.warn("{}: no resync, but {} bits in the bitmap", tag, bits);
                }
                pd.sendState();
                return;
            }
            case SYNC_SOURCE:
                if (d.fullSync()) {
                    pd.agreedBitmap().setAll();
                    local().persist();
                }
                pd.setRepl(ReplState.WF_BITMAP_S);
                pd.bitmaps().expect();
                pd.sendState();
                pd.bitmaps().send();
                return;
            default:
                if (d.fullSync()) {
                    pd.agreedBitmap().setAll();
                    local().persist();
                } else if (d.strategy() == SyncStrategy.SYNC_TARGET_CLEAR_BITMAP) {
                    pd.agreedBitmap().clearAll();
                }
                pd.setRepl(ReplState.WF_BITMAP_T);
                pd.bitmaps().expect();
                pd.sendState();
        }
    }
}
