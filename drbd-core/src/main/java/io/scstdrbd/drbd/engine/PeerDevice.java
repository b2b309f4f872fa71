package io.scstdrbd.drbd.engine;

import io.netty.buffer.ByteBuf;
import io.scstdrbd.drbd.state.ConnState;
import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.ReplState;
import io.scstdrbd.drbd.state.Role;
import io.scstdrbd.drbd.stats.PeerDeviceStatistics;
import io.scstdrbd.drbd.sync.bitmap.LimitedBitmap;
import io.scstdrbd.drbd.sync.bitmap.PeerBitmap;
import io.scstdrbd.drbd.sync.resync.ResyncSettings;
import io.scstdrbd.drbd.sync.uuid.Uuids;
import io.scstdrbd.drbd.replication.WireProtocol;
import io.scstdrbd.drbd.wire.BlockAck;
import io.scstdrbd.drbd.wire.BlockDesc;
import io.scstdrbd.drbd.wire.BlockRequest;
import io.scstdrbd.drbd.wire.CurrentUuid;
import io.scstdrbd.drbd.wire.DataHeader;
import io.scstdrbd.drbd.wire.DrbdState;
import io.scstdrbd.drbd.wire.Packet;
import io.scstdrbd.drbd.wire.PacketType;
import io.scstdrbd.drbd.wire.ProtocolException;
import io.scstdrbd.drbd.wire.Sizes;
import io.scstdrbd.drbd.wire.StatePayload;
import io.scstdrbd.drbd.wire.SyncParams;
import io.scstdrbd.drbd.wire.SyncUuid;
import io.scstdrbd.drbd.wire.Uuids110;
import io.scstdrbd.drbd.wire.Uuids84;
import io.scstdrbd.drbd.wire.WireConstants;
import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.kernel.errno.Errno;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One volume as replicated to one peer: the peer's disk and UUIDs, the sync handshake, the bitmap
 * exchange, resync as source or target, online verify, and receiving the peer's writes. It keeps
 * the replication state, P_STATE, pause/resume, full resync and verify, and delegates the
 * handshake to {@link VolumeHandshake}, the bitmap exchange to {@link BitmapExchange}, the source's
 * side of a resync to {@link ResyncSource} (the target's is {@link ResyncTarget}), the peer's reads
 * to {@link ServedReads} and the figures to {@link ResyncProgress}.
 *
 * <p>Threading: owned by the resource loop, like its {@link PeerConnection}.
 */
public final class PeerDevice {
    private static final Logger LOG = LoggerFactory.getLogger(PeerDevice.class);

    private final PeerConnection conn;
    private final VolumeEngine vol;
    private final int peerId;
    private final String tag;

    private volatile ReplState repl = ReplState.OFF;
    private volatile DiskState peerDisk = DiskState.UNKNOWN;
    /** Application writes waiting for the bitmap exchange to end (see {@link #holdsWrites}). */
    private final List<Runnable> parkedWrites = new ArrayList<>();
    /** When the oldest of {@link #parkedWrites} was parked: ko-count covers held writes too. */
    private long parkedSinceNanos;
    private int peerMaxBio = WireConstants.MAX_BIO_SIZE;
    /** Counts resync starts as target: a late handler answer belongs to one of them only. */
    private int resyncAttempts;
    /** What the peer's disk is known to be once the connection is gone (null: unknown). */
    private DiskState peerDiskAfterLoss;
    /** Read by status readers too (the rate they ask for). */
    private volatile ResyncTarget resync;
    private volatile OnlineVerify verify;
    private volatile boolean userPaused;
    /** The peer's P_STATE says it suspended the resync (its user_isp or aftr_isp: our peer_isp). */
    private volatile boolean peerPaused;
    /** This node asked the peer for a full resync; the peer's answers may overtake the reply. */
    private boolean fullSyncRequested;
    /** A P_SYNC_UUID (8.4 dialect) that arrived before this node reached WFSyncUUID, or null. */
    private Long earlySyncUuid;
    private Role announcedRole = Role.UNKNOWN;
    private DiskState announcedDisk = DiskState.UNKNOWN;

    private final ResyncProgress progress;
    private final ServedReads servedReads;
    private final VolumeHandshake handshake;
    private final BitmapExchange bitmaps;
    private final ResyncSource resyncSource;
    private final LinkedHashMap<Long, Long> unacked = new LinkedHashMap<>();
    private final InFlight inFlight = new InFlight();

    PeerDevice(PeerConnection conn, VolumeEngine vol) {
        this.conn = conn;
        this.vol = vol;
        this.peerId = conn.peerNodeId();
        this.tag = conn.tag() + "/" + vol.volume();
        this.progress = new ResyncProgress(tag);
        this.servedReads = new ServedReads(this, progress);
        this.handshake = new VolumeHandshake(this);
        this.bitmaps = new BitmapExchange(this);
        this.resyncSource = new ResyncSource(this, progress);
    }

    // ================================================================== accessors

    public ReplState repl() {
        return repl;
    }

    public DiskState peerDisk() {
        return peerDisk;
    }

    public VolumeEngine volume() {
        return vol;
    }

    public PeerConnection connection() {
        return conn;
    }

    /** The whole local bitmap for this peer. */
    public PeerBitmap bitmap() {
        return vol.local().bitmap(peerId);
    }

    /** The bitmap cut to the size agreed with this peer. */
    PeerBitmap agreedBitmap() {
        return new LimitedBitmap(bitmap(), PeerBitmap.bitsFor(vol.agreedSectors()));
    }

    /** Out-of-sync sectors toward this peer. */
    public long outOfSyncSectors() {
        return bitmap().cardinality() * PeerBitmap.SECTORS_PER_BIT;
    }

    /** Sectors to resync when the current resync started (for the done: percentage). */
    public long resyncTotalSectors() {
        return progress.totalSectors();
    }

    public long resyncFailedSectors() {
        return progress.failedSectors();
    }

    public long sentSectors() {
        return progress.sentSectors();
    }

    public long receivedSectors() {
        return progress.receivedSectors();
    }

    /** Resync progress in percent (100 when nothing to do), as drbdsetup computes done:. */
    public double resyncDonePercent() {
        return progress.donePercent(outOfSyncSectors());
    }

    /** What status --statistics shows for this peer device (any thread; counts the bitmap). */
    public PeerDeviceStatistics statistics() {
        ReplState r = repl;
        ResyncTarget rt = resync;
        OnlineVerify ov = verify;
        // the rate asked for, as the kernel's c_sync_rate: shown for a SyncTarget and a VerifyS
        long want = r == ReplState.SYNC_TARGET && rt != null ? rt.syncRateKiBs()
                : r == ReplState.VERIFY_S && ov != null ? ov.syncRateKiBs() : 0;
        return progress.statistics(r, outOfSyncSectors()).withInFlight(inFlight.pending(), inFlight.unacked(), want);
    }

    /** Requests in flight toward and from the peer, for status (written on the loop). */
    InFlight inFlight() {
        return inFlight;
    }

    /** The figures, for the parts of the resync and verify that live in their own classes. */
    ResyncProgress progress() {
        return progress;
    }

    /**
     * A resync step is done (on the loop): a progress mark when one is due (the rate status shows),
     * and then events2 hears of the progress, as from the kernel's RS_PROGRESS.
     */
    void resyncProgressed() {
        if (progress.resyncProgressed(this::outOfSyncSectors,
                repl == ReplState.PAUSED_SYNC_S || repl == ReplState.PAUSED_SYNC_T)) {
            conn.resource().observer().resyncProgressed(peerId, vnr());
        }
    }

    /** One block of an online verify compared or answered (on the loop); reported as a resync step is. */
    void verifyProgressed() {
        if (progress.verifyBlockDone()) {
            conn.resource().observer().resyncProgressed(peerId, vnr());
        }
    }

    public boolean userPaused() {
        return userPaused;
    }

    /** True while the peer suspends the resync (peer_isp). */
    public boolean peerPaused() {
        return peerPaused;
    }

    boolean resyncSuspended() {
        return userPaused || peerPaused;
    }

    /** The per-volume handshake: P_SIZES, P_UUIDS and the sync-handshake decision. */
    VolumeHandshake handshake() {
        return handshake;
    }

    /** The bitmap exchange that follows a handshake deciding on a resync. */
    BitmapExchange bitmaps() {
        return bitmaps;
    }

    /** The source's side of a resync toward this peer. */
    ResyncSource resyncSource() {
        return resyncSource;
    }

    void countSent(int bytes) {
        progress.countSent(bytes);
    }

    /** An application write went to the peer: under protocol B or C it waits for the peer's ack. */
    void trackUnacked(long blockId, long nanos) {
        if (conn.net().protocol() != WireProtocol.A) {
            unacked.put(blockId, nanos);
            inFlight.sent();
        }
    }

    void untrackUnacked(long blockId) {
        if (unacked.remove(blockId) != null) {
            inFlight.answered();
        }
    }

    long oldestUnackedAge(long now) {
        long age = parkedWrites.isEmpty() ? 0 : now - parkedSinceNanos;
        for (long t : unacked.values()) {
            return Math.max(age, now - t);
        }
        return age;
    }

    private int vnr() {
        return vol.volume();
    }

    private LocalVolume local() {
        return vol.local();
    }

    // ================================================================== state

    void setRepl(ReplState s) {
        setRepl(s, null);
    }

    /**
     * The replication state becomes {@code s} and, in the same change, the peer's disk {@code
     * newPeerDisk} (null: as it is), within what {@code s} allows.
     */
    void setRepl(ReplState s, DiskState newPeerDisk) {
        if (repl == s) {
            if (newPeerDisk != null) {
                setPeerDisk(newPeerDisk);
            }
            return;
        }
        if (!repl.engineAllows(s)) {
            throw new IllegalStateException(tag + ": replication " + repl + " -> " + s + " not allowed");
        }
        LOG.info("{}: replication {} -> {}", tag, repl.displayName(), s.displayName());
        progress.replChanging(s, this::outOfSyncSectors);
        DiskState sane = sanePeerDisk(s, newPeerDisk != null ? newPeerDisk : peerDisk);
        boolean peerDiskChanged = sane != peerDisk;
        if (peerDiskChanged) {
            LOG.info("{}: peer disk {} -> {}", tag, peerDisk.displayName(), sane.displayName());
            peerDisk = sane; // in the same change, so status never shows e.g. SyncSource with an UpToDate peer
        }
        repl = s;
        conn.resource().observer().replicationStateChanged(peerId, vnr(), s);
        if (peerDiskChanged) {
            conn.resource().observer().peerDiskStateChanged(peerId, vnr(), sane);
        }
        if (!parkedWrites.isEmpty() && !holdsWrites(s)) {
            List<Runnable> go = new ArrayList<>(parkedWrites);
            parkedWrites.clear();
            for (Runnable w : go) {
                try {
                    w.run();
                } catch (RuntimeException e) {
                    LOG.error("{}: a write held for the bitmap exchange failed to go on", tag, e);
                }
            }
        }
    }

    /**
     * A sync source between sending its bitmap and starting the resync: an application write now
     * would set a bit the peer never hears of (it has the bitmap already), so it waits, for
     * milliseconds, and goes as P_DATA once the resync runs (or is marked if the connection ends).
     * (StartingSyncS needs no hold: the whole bitmap is set already.)
     */
    static boolean holdsWrites(ReplState s) {
        return s == ReplState.WF_BITMAP_S;
    }

    /** Runs {@code w} once this peer leaves the states of {@link #holdsWrites} (on the loop). */
    void parkWrite(Runnable w) {
        if (parkedWrites.isEmpty()) {
            parkedSinceNanos = System.nanoTime();
        }
        parkedWrites.add(w);
    }

    /**
     * The peer's disk as the replication state allows it (the kernel's sanitize_state): the target
     * of a running resync is Inconsistent, and while a resync as source prepares or is paused (or
     * this node is Ahead) the peer is at best Consistent.
     */
    static DiskState sanePeerDisk(ReplState r, DiskState d) {
        DiskState max = switch (r) {
            case SYNC_SOURCE -> DiskState.INCONSISTENT;
            case WF_BITMAP_S, PAUSED_SYNC_S, STARTING_SYNC_S, AHEAD -> DiskState.CONSISTENT;
            default -> null;
        };
        return max != null && d.compareTo(max) > 0 ? max : d;
    }

    void setPeerDisk(DiskState d) {
        d = sanePeerDisk(repl, d);
        if (peerDisk != d) {
            LOG.info("{}: peer disk {} -> {}", tag, peerDisk.displayName(), d.displayName());
            peerDisk = d;
            conn.resource().observer().peerDiskStateChanged(peerId, vnr(), d);
        }
    }

    void setDisk(DiskState d) {
        conn.resource().setDiskState(vol, d);
    }

    /**
     * An agreed disconnect outdated the peer's disk: it stays Outdated after the connection ends
     * instead of passing through DUnknown (which would cost a Primary its quorum for a moment).
     */
    void peerOutdatedByDisconnect() {
        peerDiskAfterLoss = DiskState.OUTDATED;
        setPeerDisk(DiskState.OUTDATED);
    }

    /** The connection is gone: back to Off, peer disk unknown, resync and verify stopped. */
    void connectionLost() {
        if (resync != null) {
            resync.stop();
            resync = null;
        }
        if (verify != null) {
            verify.stop();
            verify = null;
        }
        unacked.clear();
        inFlight.reset();
        announcedRole = Role.UNKNOWN;
        announcedDisk = DiskState.UNKNOWN;
        bitmaps.connectionLost();
        handshake.connectionLost();
        fullSyncRequested = false;
        earlySyncUuid = null;
        setPeerPaused(false);
        DiskState after = peerDiskAfterLoss != null ? peerDiskAfterLoss : DiskState.UNKNOWN;
        peerDiskAfterLoss = null;
        setRepl(ReplState.OFF);
        setPeerDisk(after);
    }

    void resyncSettingsChanged(ResyncSettings s) {
        if (resync != null) {
            resync.settingsChanged(s);
        }
    }

    // ================================================================== sending

    /** The role and disk state this node last told the peer (P_STATE). */
    Role announcedRole() {
        return announcedRole;
    }

    DiskState announcedDisk() {
        return announcedDisk;
    }

    void sendState() {
        announcedRole = conn.resource().role();
        announcedDisk = local().diskState();
        boolean d84 = conn.dialect84();
        DrbdState s = new DrbdState(conn.resource().role().code(), conn.peerRole().code(), repl.code(),
                local().diskState().toWire(d84), peerDisk.toWire(d84), false, false, false, userPaused, false, false,
                true);
        conn.dataWriter().send(PacketType.STATE, vnr(), new StatePayload(s));
    }

    // ================================================================== receiving

    void onPacket(Packet p) throws ProtocolException {
        switch (p.type()) {
            case SYNC_PARAM89:
                handshake.onSyncParams((SyncParams) p.payload());
                return;
            case SIZES:
                handshake.onSizes((Sizes) p.payload());
                return;
            case UUIDS:
                handshake.onUuids84((Uuids84) p.payload());
                return;
            case UUIDS110:
                handshake.onUuids110((Uuids110) p.payload());
                return;
            case CURRENT_UUID:
                handshake.onCurrentUuid((CurrentUuid) p.payload());
                return;
            case STATE:
                onState(((StatePayload) p.payload()).state());
                return;
            case BITMAP:
            case COMPRESSED_BITMAP:
                bitmaps.onBitmap(p);
                return;
            case SYNC_UUID:
                onSyncUuid((SyncUuid) p.payload());
                return;
            case OUT_OF_SYNC: {
                BlockDesc d = (BlockDesc) p.payload();
                bitmap().setRange(PeerBitmap.firstBit(d.sector()), PeerBitmap.endBit(d.sector(), d.blksize() >>> 9));
                return;
            }
            case RS_DATA_REQUEST: {
                BlockRequest r = (BlockRequest) p.payload();
                servedReads.serveRead(PacketType.RS_DATA_REPLY, PacketType.NEG_RS_DREPLY, r, WireConstants.ID_SYNCER);
                return;
            }
            case CSUM_RS_REQUEST:
                servedReads.serveChecksum((BlockRequest) p.payload());
                return;
            case RS_DATA_REPLY:
            case RS_IS_IN_SYNC:
            case NEG_RS_DREPLY:
            case RS_CANCEL:
                if (resync == null && verify != null
                        && (p.type() == PacketType.NEG_RS_DREPLY || p.type() == PacketType.RS_CANCEL)) {
                    verify.onSkipped((BlockAck) p.payload()); // the verify target could not answer
                    return;
                }
                if (resync == null) {
                    p.release();
                    throw new ProtocolException(p.type() + " while not sync target");
                }
                resync.onReply(p);
                return;
            case OV_REQUEST:
                servedReads.serveVerify((BlockRequest) p.payload());
                return;
            case OV_REPLY:
                if (verify == null) {
                    throw new ProtocolException("P_OV_REPLY while not verifying");
                }
                verify.onReply((BlockRequest) p.payload());
                return;
            case OV_RESULT: {
                BlockAck a = (BlockAck) p.payload();
                inFlight.answered();
                if (a.blockId() == WireConstants.ID_OUT_OF_SYNC) {
                    bitmap().setRange(PeerBitmap.firstBit(a.sector()), PeerBitmap.endBit(a.sector(), a.blksize() >>> 9));
                }
                return;
            }
            default:
                p.release();
                throw new ProtocolException("unexpected " + p.type());
        }
    }

    private void onState(DrbdState st) throws ProtocolException {
        DiskState pd = handshake.peerDiskFrom(st);
        conn.setPeerRole(Role.fromWire(st.role()));
        int peerConn = st.conn();
        setPeerPaused(st.userIsp() || st.aftrIsp());
        if (!handshake.hasDecision()) {
            if (handshake.peerUuids() == null) {
                throw new ProtocolException("P_STATE before the peer's UUIDs");
            }
            setPeerDisk(pd);
            handshake.run();
            if (conn.dialect84()) {
                handshake.applyDecision();
                conn.deviceHandshakeDone();
            } else if (conn.isConnected()) {
                handshake.applyDecision();
            } else if (handshake.decisionRefuses()) {
                // refused here (split brain, unrelated data...): final, whatever the transaction does
                conn.maybeReplyConnectTwopc();
                handshake.applyDecision();
            } else {
                conn.deviceHandshakeDone();
                conn.maybeReplyConnectTwopc();
            }
            return;
        }
        boolean diskLost = peerDisk.compareTo(DiskState.INCONSISTENT) >= 0 && peerDisk != DiskState.UNKNOWN
                && pd.compareTo(DiskState.INCONSISTENT) < 0;
        // the peer attached a disk while connected: its data may be behind (writes it missed while
        // diskless), so the UUIDs it just sent decide a resync, as at a connect
        boolean diskGained = peerDisk.compareTo(DiskState.INCONSISTENT) < 0
                && pd.compareTo(DiskState.INCONSISTENT) >= 0 && pd != DiskState.UNKNOWN;
        setPeerDisk(pd);
        if (diskLost) {
            peerDiskLost();
        }
        if (repl == ReplState.ESTABLISHED && !fullSyncRequested && (diskGained || shouldReconsider(peerConn, pd))) {
            LOG.info("{}: peer state changed (replication {}, disk {}); considering a resync", tag, peerConn,
                    pd.displayName());
            handshake.run();
            handshake.applyDecision();
            return;
        }
        if (repl.isSyncSource() && peerConn == ReplState.ESTABLISHED.code() && pd == DiskState.UP_TO_DATE) {
            resyncSource.checkFinished();
        }
        if (repl == ReplState.VERIFY_T && peerConn == ReplState.ESTABLISHED.code()) {
            finishVerify();
        }
    }

    /**
     * While Established, a new sync handshake is due when the peer has started one (it reports a
     * sync-preparing state) or when one side has UpToDate data and the other is Inconsistent (a
     * forced promotion).
     */
    private boolean shouldReconsider(int peerConn, DiskState peer) {
        if (peerConn >= ReplState.STARTING_SYNC_S.code() && peerConn <= ReplState.WF_BITMAP_T.code()) {
            return true;
        }
        DiskState me = local().diskState();
        return me == DiskState.INCONSISTENT && peer == DiskState.UP_TO_DATE
                || me == DiskState.UP_TO_DATE && peer == DiskState.INCONSISTENT && peerConn == ReplState.ESTABLISHED.code();
    }

    // ================================================================== P_SYNC_UUID (8.4 dialect)

    private void onSyncUuid(SyncUuid u) throws ProtocolException {
        if (repl != ReplState.WF_SYNC_UUID) {
            if (fullSyncRequested || repl == ReplState.STARTING_SYNC_T) {
                // the source answered our invalidate before its reply reached us (reply on the meta socket)
                earlySyncUuid = u.uuid();
                return;
            }
            throw new ProtocolException("P_SYNC_UUID in replication state " + repl.displayName());
        }
        takeSyncUuid(u.uuid());
    }

    private void takeSyncUuid(long uuid) {
        local().uuids().change(g -> {
            g.setCurrent(uuid);
            g.setBitmap(peerId, 0);
            return null;
        });
        local().persist();
        startResyncAsTarget();
    }

    // ================================================================== full resync (invalidate)

    void fullSyncRequested(boolean requested) {
        fullSyncRequested = requested;
        if (!requested && repl == ReplState.ESTABLISHED) {
            earlySyncUuid = null;
        }
    }

    /**
     * The cluster agreed on StartingSyncT ({@code asTarget}) or StartingSyncS: the target marks
     * everything out of sync toward every peer and becomes Inconsistent, the source marks everything
     * out of sync toward this peer; once the bitmap is on disk the resync starts (no bitmap
     * exchange; in the 8.4 dialect the target waits for the source's P_SYNC_UUID).
     */
    void startFullSync(boolean asTarget) {
        fullSyncRequested = false;
        if (repl != ReplState.ESTABLISHED) {
            LOG.warn("{}: full resync agreed in replication state {}; ignored", tag, repl.displayName());
            return;
        }
        ReplState starting = asTarget ? ReplState.STARTING_SYNC_T : ReplState.STARTING_SYNC_S;
        setRepl(starting);
        if (asTarget) {
            for (PeerConnection c : conn.resource().peers()) {
                PeerDevice other = c.device(vnr());
                if (other != null) {
                    other.bitmap().setAll();
                }
            }
            setDisk(DiskState.INCONSISTENT);
        } else {
            agreedBitmap().setAll();
        }
        sendState();
        final int gen = conn.generation();
        local().persist().whenComplete((x, e) -> conn.resource().onLoop(() -> {
            if (gen != conn.generation() || repl != starting) {
                return;
            }
            if (!asTarget) {
                resyncSource.start();
            } else if (conn.dialect84()) {
                setRepl(ReplState.WF_SYNC_UUID);
                sendState();
                Long early = earlySyncUuid;
                earlySyncUuid = null;
                if (early != null) {
                    takeSyncUuid(early);
                }
            } else {
                startResyncAsTarget();
            }
        }));
    }

    /**
     * The cluster agreed on WFBitMapT ({@code asTarget}) or WFBitMapS without resetting the bitmap
     * (invalidate --reset-bitmap=no): the bitmaps are exchanged as after a handshake and only the
     * blocks they mark are resynced.
     */
    void startBitmapResync(boolean asTarget) {
        fullSyncRequested = false;
        if (repl != ReplState.ESTABLISHED) {
            LOG.warn("{}: bitmap-based resync agreed in replication state {}; ignored", tag, repl.displayName());
            return;
        }
        LOG.info("{}: resync of the blocks the bitmaps mark, as {}", tag, asTarget ? "SyncTarget" : "SyncSource");
        setRepl(asTarget ? ReplState.WF_BITMAP_T : ReplState.WF_BITMAP_S);
        bitmaps.expect();
        sendState();
        if (!asTarget) {
            bitmaps.send();
        }
    }

    // ================================================================== online grow

    /**
     * The device grew while connected: the blocks it gained are marked out of sync on both sides
     * and are copied from the Primary (with one role each), else from the lower node id (from the
     * node resolving conflicts before protocol 111), as the kernel's resync_after_online_grow. In
     * the 8.4 dialect the target waits in WFSyncUUID for the source's P_SYNC_UUID.
     */
    void resyncAfterOnlineGrow() {
        if (repl != ReplState.ESTABLISHED) {
            LOG.info("{}: no resync of new storage in replication state {}", tag, repl.displayName());
            return;
        }
        LOG.info("{}: resync of new storage after online grow", tag);
        Role me = conn.resource().role();
        Role peer = conn.peerRole();
        boolean source;
        if (me != peer) {
            source = me == Role.PRIMARY;
        } else if (conn.agreedVersion() < 111) {
            source = conn.resolveConflicts();
        } else {
            source = conn.myNodeId() < peerId;
        }
        if (source ? local().diskState() != DiskState.UP_TO_DATE : peerDisk != DiskState.UP_TO_DATE) {
            LOG.info("{}: the new storage stays out of sync: the sync source has no UpToDate data", tag);
            return;
        }
        if (source) {
            resyncSource.start();
        } else if (conn.agreedVersion() < 110) {
            setRepl(ReplState.WF_SYNC_UUID);
            sendState();
        } else {
            startResyncAsTarget();
        }
    }

    // ================================================================== pause-sync / resume-sync

    void setUserPaused(boolean paused) {
        if (userPaused == paused) {
            return;
        }
        userPaused = paused;
        LOG.info("{}: resync {} by the user", tag, paused ? "suspended" : "resumed");
        applyPause();
        if (conn.isConnected() && repl != ReplState.OFF) {
            sendState(); // user_isp tells the peer
        }
    }

    private void setPeerPaused(boolean paused) {
        if (peerPaused == paused) {
            return;
        }
        peerPaused = paused;
        LOG.info("{}: resync {} by the peer", tag, paused ? "suspended" : "resumed");
        conn.resource().observer().peerResyncSuspendChanged(peerId, vnr(), paused);
        applyPause();
    }

    /** A running resync follows the suspension flags: SyncSource/SyncTarget and their Paused forms. */
    private void applyPause() {
        setRepl(repl.withResyncSuspended(resyncSuspended()));
    }

    // ================================================================== resync as source or target

    /** Counts what this resync has to move; called before the replication state says it runs. */
    void beginResyncAccounting(String as) {
        progress.begin(as, agreedBitmap().cardinality());
    }

    // ================================================================== reads served to the peer

    /** Reads local data for the peer: resync, remote read. Must hold no range (takes its own). */
    void serveRead(PacketType reply, PacketType neg, BlockRequest r, long echoId) throws ProtocolException {
        servedReads.serveRead(reply, neg, r, echoId);
    }

    /** See {@link ServedReads#readLocal}. */
    void readLocal(long sector, int size, ServedReads.ReadDone done) {
        servedReads.readLocal(sector, size, done);
    }

    // ================================================================== resync as target

    /**
     * The bitmaps are exchanged (or the sync UUID is in): before-resync-target runs first, while the
     * disk is still unmodified (a snapshot handler takes its copy now), and the resync starts once it
     * has exited 0; any other exit drops the connection, as the kernel's drbd_start_resync does.
     */
    void startResyncAsTarget() {
        final int gen = conn.generation();
        final int attempt = ++resyncAttempts;
        final ReplState waiting = repl;
        conn.incoming().holdForHandler(true);
        conn.resource().handlers().run("before-resync-target", peerId, vnr()).whenComplete((code, e) ->
                conn.resource().onLoop(() -> {
                    if (gen != conn.generation()) {
                        return; // the connection went while the handler ran (its end released the hold)
                    }
                    try {
                        int exit = e != null || code == null ? -1 : code;
                        if (attempt != resyncAttempts || repl != waiting) {
                            LOG.info("{}: the resync did not start: the state changed while before-resync-target ran",
                                    tag);
                        } else if (exit > 0) {
                            // the kernel's change_cstate(C_DISCONNECTING, CS_HARD): local, the peer keeps trying
                            conn.dropHard("before-resync-target handler returned " + exit + ", dropping connection");
                        } else if (!local().hasDisk() || peerDisk() != DiskState.UP_TO_DATE) {
                            // the disks changed while the handler ran: a new handshake decides again
                            conn.connectionLost(ConnState.NETWORK_FAILURE, "the sync source is no longer UpToDate, or "
                                    + "the disk is gone, after before-resync-target");
                        } else {
                            beginResyncAsTarget();
                        }
                    } finally {
                        // the held packets are handled in the new state
                        conn.incoming().holdForHandler(false);
                    }
                }));
    }

    private void beginResyncAsTarget() {
        if (local().diskState().compareTo(DiskState.INCONSISTENT) > 0) {
            setDisk(DiskState.INCONSISTENT);
        }
        // the total first: the state change is what status and events2 show with done:
        beginResyncAccounting("SyncTarget");
        setRepl(resyncSuspended() ? ReplState.PAUSED_SYNC_T : ReplState.SYNC_TARGET);
        sendState();
        resync = new ResyncTarget(this, conn.resyncSettings());
        resync.start();
    }

    /** Called by {@link ResyncTarget} when the last out-of-sync block was fetched (or gave up). */
    void resyncTargetFinished(long failedSectors) {
        resync = null;
        progress.setFailedSectors(failedSectors);
        progress.logDone();
        if (failedSectors == 0) {
            setDisk(DiskState.UP_TO_DATE);
            Uuids src = handshake.peerUuids();
            List<Long> h = src == null ? List.of() : src.history();
            local().uuids().change(u -> {
                u.resyncFinishedAsTarget(peerId, src == null ? u.current() : src.current(),
                        src == null ? 0 : src.bitmapFor(conn.myNodeId()), h);
                return null;
            });
        } else {
            LOG.error("{}: resync finished with {} sectors that could not be fetched; disk stays Inconsistent", tag,
                    failedSectors);
        }
        setRepl(ReplState.ESTABLISHED);
        local().persist();
        // the peer must have counted our last P_RS_WRITE_ACK before it sees this P_STATE
        final int gen = conn.generation();
        conn.afterMetaRoundTrip(() -> {
            if (gen == conn.generation() && repl == ReplState.ESTABLISHED) {
                handshake.sendUuids();
                sendState();
            }
        });
        conn.resource().handlers().run("after-resync-target", peerId, vnr());
    }

    void countReceived(int bytes) {
        progress.countReceived(bytes);
    }

    // ================================================================== peer writes

    /** Writes data received from the peer (P_DATA); {@code done} gets the errno on the completing thread. */
    void receiveWrite(DataHeader h, ByteBuf data, IntConsumer done) {
        int size = data.readableBytes();
        if (!local().hasDisk()) {
            data.release();
            done.accept(Errno.EIO);
            return;
        }
        int flags = 0;
        if (h.hasFlag(WireConstants.DP_FUA)) {
            flags |= Bio.FUA;
        }
        if (h.hasFlag(WireConstants.DP_FLUSH)) {
            flags |= Bio.PREFLUSH;
        }
        final int bioFlags = flags;
        progress.countReceived(size);
        // a peer without a disk (a diskless Primary) leaves this node the only copy: the write is
        // tracked out of sync toward it, through the activity log so a crash cannot lose the bits
        boolean peerDiskless = peerDisk.compareTo(DiskState.INCONSISTENT) < 0;
        long first = PeerBitmap.firstBit(h.sector());
        long end = PeerBitmap.endBit(h.sector(), size >>> 9);
        if (peerDiskless) {
            bitmap().setRange(first, end);
        }
        vol.rangeLock().acquire(h.sector(), size >>> 9, range -> {
            Bio bio = Bio.write(h.sector(), data.nioBuffers(), bioFlags, (b, errno) -> {
                data.release();
                range.release();
                if (errno == 0 && h.hasFlag(WireConstants.DP_MAY_SET_IN_SYNC) && !peerDiskless) {
                    bitmap().clearRange(first, end);
                } else if (errno != 0) {
                    bitmap().setRange(first, end);
                }
                done.accept(errno);
            });
            if (peerDiskless) {
                local().submitLocal(bio);
            } else {
                local().submitUntracked(bio);
            }
        });
    }

    /**
     * The peer's disk went away (detach, an I/O error) while one of us is Primary: from now on this
     * node alone has the newest data. As the kernel does, it starts a new data generation, keeping
     * the old one as the bitmap UUID toward the peer, so that when the peer attaches again the
     * handshake resyncs it from the bits tracked meanwhile instead of finding equal UUIDs.
     */
    private void peerDiskLost() {
        if (local().diskState() != DiskState.UP_TO_DATE
                || conn.resource().role() != Role.PRIMARY && conn.peerRole() != Role.PRIMARY) {
            return;
        }
        boolean primary = conn.resource().role() == Role.PRIMARY;
        boolean rotated = local().uuids().change(g -> {
            if (g.bitmap(peerId) != 0) {
                return false;
            }
            g.newCurrent(primary, java.util.List.of(peerId), conn.resource().random());
            return true;
        });
        if (rotated) {
            LOG.info("{}: the peer lost its disk; new current UUID {}", tag, local().uuids().view());
            local().persist();
            handshake.sendUuids();
        }
    }

    // ================================================================== online verify

    void startVerifySource() {
        // the total first: the state change is what status and events2 show with done:
        progress.beginVerify(0, PeerBitmap.bitsFor(agreedSectors()));
        setRepl(ReplState.VERIFY_S);
        sendState();
        verify = new OnlineVerify(this, conn.resyncSettings(), true);
        verify.start();
    }

    void startVerifyTarget() {
        if (repl == ReplState.ESTABLISHED) {
            progress.beginVerify(-1, PeerBitmap.bitsFor(agreedSectors()));
            setRepl(ReplState.VERIFY_T);
            verify = new OnlineVerify(this, conn.resyncSettings(), false);
        }
    }

    /** Verify source: all blocks compared. */
    void verifySourceFinished(long outOfSyncBlocks) {
        verify = null;
        LOG.info("{}: online verify done; {} blocks of 4 KiB found out of sync", tag, outOfSyncBlocks);
        logVerifySkipped("the peer had no usable data for them");
        setRepl(ReplState.ESTABLISHED);
        local().persist();
        sendState();
    }

    /** The kernel's "Online verify done but N 4k blocks skipped", on either side. */
    private void logVerifySkipped(String why) {
        long skipped = progress.verifySkippedSectors();
        if (skipped > 0) {
            LOG.warn("{}: online verify skipped {} KiB ({})", tag, skipped / 2, why);
        }
    }

    private void finishVerify() {
        if (verify != null) {
            verify.stop();
            verify = null;
        }
        LOG.info("{}: online verify done (as target)", tag);
        logVerifySkipped("no usable data here");
        setRepl(ReplState.ESTABLISHED);
        local().persist();
        sendState();
    }

    /** Whether {@code sector} is within the agreed device. */
    long agreedSectors() {
        return vol.agreedSectors();
    }

    /** The largest request the peer takes (its P_SIZES), within ours; resync requests stay below it. */
    int peerMaxBioSize() {
        return peerMaxBio;
    }

    void peerMaxBioSize(int bytes) {
        peerMaxBio = bytes <= 0 ? WireConstants.MAX_BIO_SIZE
                : Math.max(PeerBitmap.BYTES_PER_BIT, Math.min(WireConstants.MAX_BIO_SIZE, bytes));
    }

    String tagName() {
        return tag;
    }
}
