package io.scstdrbd.drbd.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import io.scstdrbd.drbd.replication.TransferLog;
import io.scstdrbd.drbd.replication.WireProtocol;
import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.ReplState;
import io.scstdrbd.drbd.sync.bitmap.PeerBitmap;
import io.scstdrbd.drbd.sync.digest.DigestAlgorithm;
import io.scstdrbd.drbd.wire.Barrier;
import io.scstdrbd.drbd.wire.BarrierAck;
import io.scstdrbd.drbd.wire.BlockAck;
import io.scstdrbd.drbd.wire.BlockDesc;
import io.scstdrbd.drbd.wire.Bytes;
import io.scstdrbd.drbd.wire.Dagtag;
import io.scstdrbd.drbd.wire.DataHeader;
import io.scstdrbd.drbd.wire.Packet;
import io.scstdrbd.drbd.wire.PacketType;
import io.scstdrbd.drbd.wire.PeerAck;
import io.scstdrbd.drbd.wire.ProtocolException;
import io.scstdrbd.drbd.wire.WireConstants;
import io.scstdrbd.kernel.block.Bio;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The primary side of the data path toward one peer: application writes sent as P_DATA, grouped
 * into epochs closed by P_BARRIER, the transfer log of writes not yet stable on the peer, their
 * acks and barrier acks, flushes that wait for the peer, and P_PEER_ACK (DRBD 9 dialect).
 *
 * <p>Threading: on the resource loop, like everything in the engine; only {@link #replicate} and
 * {@link #localWriteDone} may be called from any thread (they hop onto the loop, and the
 * {@link LocalWriteGate} is thread-safe).
 */
final class OutgoingWrites {
    private final PeerConnection conn;
    private final ResourceEngine res;
    private final LocalWriteGate localWrites = new LocalWriteGate();
    /** Completion bookkeeping of one write toward this peer. */
    private final Map<Long, PeerPart> parts = new HashMap<>();
    private final TreeMap<Integer, List<Runnable>> flushWaiters = new TreeMap<>();
    /** Read by status readers through {@link #unacknowledgedSectors}. */
    private volatile TransferLog tl;
    private boolean epochCloseScheduled;
    private long lastSentDagtagEnd = -1;
    private long pendingPeerAckDagtag = -1;
    private ScheduledFuture<?> peerAckTimer;

    OutgoingWrites(PeerConnection conn) {
        this.conn = conn;
        this.res = conn.resource();
    }

    /** A new connection: a fresh transfer log with a random first epoch number. */
    void start() {
        tl = new TransferLog(res.random().nextInt() & 0x7fff_ffff);
        epochCloseScheduled = false;
    }

    /**
     * The connection is gone: writes not yet stable on the peer are marked out of sync and their
     * peer parts fail; flush waiters are queued on {@code later}.
     */
    void connectionLost(List<Runnable> later) {
        cancel(peerAckTimer);
        peerAckTimer = null;
        // writes not yet stable on the peer must be resynced
        if (tl != null) {
            for (TransferLog.Entry e : tl.clear()) {
                PeerDevice pd = (PeerDevice) e.owner;
                pd.bitmap().setRange(PeerBitmap.firstBit(e.sector), PeerBitmap.endBit(e.sector, e.size >>> 9));
                peerPartLost(e);
            }
            tl = null;
        }
        parts.clear();
        for (List<Runnable> l : flushWaiters.values()) {
            later.addAll(l);
        }
        flushWaiters.clear();
        lastSentDagtagEnd = -1;
        pendingPeerAckDagtag = -1;
    }

    /** Sends an application write of the stand-alone engine (on the loop). The peer part of {@code w} was added. */
    void sendWrite(PeerDevice pd, AppWrite w) {
        sendWrite(pd, w.bio, w.dagtagEnd, w::peerDone);
    }

    /**
     * Whether application writes travel to this peer as P_DATA: in the replicating states, and
     * while this node prepares to be the sync target of a peer with UpToDate data (as the kernel
     * does: marking such a write out of sync instead would let the resync overwrite it).
     */
    static boolean sendsData(PeerDevice pd) {
        ReplState r = pd.repl();
        return r.replicatesWrites() || pd.peerDisk() == DiskState.UP_TO_DATE
                && (r == ReplState.STARTING_SYNC_T || r == ReplState.WF_BITMAP_T || r == ReplState.WF_SYNC_UUID);
    }

    /**
     * Replicates a write whose local part is handled elsewhere (the daemon's drbdN device): any
     * thread. {@code done} gets true when the peer has the data as the protocol requires, false
     * when the blocks were marked out of sync instead; the bio's segments are not touched after.
     *
     * <p>{@code whenOrdered} null: the caller issues the local part itself, after this call (the
     * write counts as unordered until its range is held). Otherwise the caller waits for it: it
     * runs once (on the loop) when the range is held, or at once when the write is not sent, and
     * the caller issues the local part then, so no resync reply of the same blocks can land after it.
     */
    void replicate(PeerDevice pd, Bio bio, Runnable whenOrdered, Consumer<Boolean> done) {
        long sectors = bio.size() >>> Bio.SECTOR_SHIFT;
        LocalWriteGate.Entry gate = localWrites.enter(bio);
        java.util.concurrent.atomic.AtomicInteger unordered = pd.volume().unorderedWrites();
        if (whenOrdered == null) {
            unordered.incrementAndGet();
        }
        Runnable admitted = whenOrdered != null ? whenOrdered : unordered::decrementAndGet;
        res.onLoop(() -> admit(pd, bio, sectors, gate, admitted, done));
    }

    /** On the loop: sends the write, parks it while the bitmap exchange runs, or marks it out of sync. */
    private void admit(PeerDevice pd, Bio bio, long sectors, LocalWriteGate.Entry gate, Runnable admitted,
            Consumer<Boolean> done) {
        if (conn.isConnected() && PeerDevice.holdsWrites(pd.repl())) {
            pd.parkWrite(() -> admit(pd, bio, sectors, gate, admitted, done));
            return;
        }
        if (!conn.isConnected() || !sendsData(pd) || pd.peerDisk().compareTo(DiskState.INCONSISTENT) < 0) {
            pd.bitmap().setRange(PeerBitmap.firstBit(bio.sector()), PeerBitmap.endBit(bio.sector(), sectors));
            if (conn.isConnected() && pd.repl().isPreparingSync()) {
                sendOutOfSync(pd, bio.sector(), (int) bio.size());
            }
            admitted.run();
            gate.peerDone(null);
            done.accept(false);
            return;
        }
        // the range is held until P_DATA is queued and the local write is done, so a resync read
        // of the same blocks on this node can neither overtake the write nor read stale data
        pd.volume().rangeLock().acquire(bio.sector(), sectors, range -> res.onLoop(() -> {
            admitted.run();
            if (!conn.isConnected() || tl == null) {
                gate.peerDone(range);
                pd.bitmap().setRange(PeerBitmap.firstBit(bio.sector()), PeerBitmap.endBit(bio.sector(), sectors));
                done.accept(false);
                return;
            }
            if (pd.announcedDisk().compareTo(DiskState.INCONSISTENT) >= 0
                    && pd.volume().local().diskState().compareTo(DiskState.INCONSISTENT) < 0) {
                // the local disk is going or gone and the peer does not know yet: it must, before this
                // write arrives, so it tracks the write as out of sync toward us
                pd.sendState();
            }
            long dag = res.advanceDagtag(sectors);
            sendWrite(pd, bio, dag, done);
            // P_DATA is queued: a resync reply sent later follows it on the wire. Holding the range
            // until the peer's ack could deadlock with the peer's own resync request for these blocks.
            gate.peerDone(range);
        }));
    }

    /** The local part of a write passed to {@link #replicate} finished (any thread, before or after). */
    void localWriteDone(Bio bio) {
        localWrites.localDone(bio);
    }

    private void sendWrite(PeerDevice pd, Bio bio, long dagtagEnd, Consumer<Boolean> onDone) {
        long sectors = bio.size() >>> Bio.SECTOR_SHIFT;
        int size = (int) bio.size();
        if (tl.currentEpochWrites() >= conn.net().maxEpochSize()) {
            closeEpoch();
        }
        long start = dagtagEnd - sectors;
        if (!conn.dialect84() && lastSentDagtagEnd != start) {
            conn.dataWriter().send(PacketType.DAGTAG, WireConstants.VOLUME_CONNECTION, new Dagtag(start));
        }
        lastSentDagtagEnd = dagtagEnd;
        TransferLog.Entry e = tl.add(bio.sector(), size, dagtagEnd, pd);
        pd.trackUnacked(e.blockId, System.nanoTime());
        int flags = conn.net().protocol().dpFlag();
        if (bio.hasFlag(Bio.FUA)) {
            flags |= WireConstants.DP_FUA;
        }
        if (bio.hasFlag(Bio.PREFLUSH)) {
            flags |= WireConstants.DP_FLUSH;
        }
        if (bio.hasFlag(Bio.SYNC)) {
            flags |= WireConstants.DP_RW_SYNC;
        }
        if (pd.repl().isSyncSource()) {
            flags |= WireConstants.DP_MAY_SET_IN_SYNC;
        }
        ByteBuf payload = Unpooled.wrappedBuffer(bio.segments());
        DigestAlgorithm integrity = conn.integrity();
        Bytes digest = integrity == null ? Bytes.EMPTY : Bytes.of(integrity.digest(bio.segments()));
        DataHeader h = new DataHeader(bio.sector(), e.blockId, conn.nextSeq(), flags, digest);
        ChannelPromise sent = conn.dataChannel().newPromise();
        boolean needAck = conn.net().protocol() != WireProtocol.A;
        PeerPart part = new PeerPart(onDone, needAck);
        parts.put(e.blockId, part);
        final int gen = conn.generation();
        sent.addListener(f -> res.onLoop(() -> part.sent(gen == conn.generation() && f.isSuccess())));
        conn.dataWriter().send(PacketType.DATA, pd.volume().volume(), h, payload, sent);
        pd.countSent(size);
        scheduleEpochClose();
    }

    /** Completion bookkeeping of one write toward this peer. */
    private static final class PeerPart {
        final Consumer<Boolean> done;
        final boolean needAck;
        boolean sentDone;
        boolean sentOk;
        boolean acked;
        boolean ackOk;
        boolean lost;
        boolean finished;

        PeerPart(Consumer<Boolean> done, boolean needAck) {
            this.done = done;
            this.needAck = needAck;
        }

        void sent(boolean ok) {
            sentDone = true;
            sentOk = ok;
            if (!ok) {
                lost = true;
            }
            check();
        }

        void acked(boolean ok) {
            acked = true;
            ackOk = ok;
            check();
        }

        void check() {
            if (finished || !sentDone) {
                return;
            }
            if (lost) {
                finished = true;
                done.accept(false);
            } else if (!needAck || acked) {
                finished = true;
                done.accept(needAck ? ackOk : sentOk);
            }
        }
    }

    private void peerPartLost(TransferLog.Entry e) {
        PeerPart part = parts.remove(e.blockId);
        if (part != null) {
            part.lost = true;
            part.check();
            // if the data has not left the socket yet, the part finishes when Netty fails that write
        }
    }

    /** Sectors of the writes in {@link #unacknowledgedWrites} (ap-in-flight); any thread. */
    long unacknowledgedSectors() {
        TransferLog t = tl;
        return t == null ? 0 : t.sectors();
    }

    /** Writes sent to the peer whose epoch it has not acknowledged yet (0 when not connected). */
    int unacknowledgedWrites() {
        return tl == null ? 0 : tl.size();
    }

    private void scheduleEpochClose() {
        if (!epochCloseScheduled) {
            epochCloseScheduled = true;
            final int gen = conn.generation();
            res.loop().execute(() -> {
                // cleared even when the connection changed meanwhile: a flag left set would stop
                // every later connection from closing epochs after a burst of writes
                epochCloseScheduled = false;
                if (gen == conn.generation()) {
                    closeEpoch();
                }
            });
        }
    }

    private Integer closeEpoch() {
        if (tl == null || conn.dataWriter() == null) {
            return null;
        }
        Integer nr = tl.closeEpoch();
        if (nr != null) {
            conn.dataWriter().send(PacketType.BARRIER, WireConstants.VOLUME_CONNECTION, new Barrier(nr));
        }
        return nr;
    }

    /** Completes {@code done} once every write sent so far is acknowledged stable by the peer. */
    void flushEpoch(Runnable done) {
        if (tl == null) {
            done.run();
            return;
        }
        Integer nr = closeEpoch();
        if (nr == null) {
            if (tl.isEmpty()) {
                done.run();
                return;
            }
            nr = tl.currentEpoch() - 1;
        }
        flushWaiters.computeIfAbsent(nr, k -> new ArrayList<>()).add(done);
    }

    void onBarrierAck(BarrierAck a) throws ProtocolException {
        if (tl == null) {
            throw new ProtocolException("barrier ack while not replicating");
        }
        List<TransferLog.Entry> stable = tl.barrierAcked(a.barrier(), a.setSize());
        long dag = -1;
        for (TransferLog.Entry e : stable) {
            parts.remove(e.blockId);
            dag = e.dagtag;
            ((PeerDevice) e.owner).untrackUnacked(e.blockId);
        }
        while (!flushWaiters.isEmpty() && flushWaiters.firstKey() - a.barrier() <= 0) {
            flushWaiters.pollFirstEntry().getValue().forEach(Runnable::run);
        }
        if (!conn.dialect84() && dag >= 0) {
            schedulePeerAck(dag);
        }
    }

    private void schedulePeerAck(long dagtag) {
        pendingPeerAckDagtag = dagtag;
        if (peerAckTimer == null) {
            final int gen = conn.generation();
            peerAckTimer = res.loop().schedule(() -> {
                peerAckTimer = null;
                if (gen == conn.generation() && pendingPeerAckDagtag >= 0 && conn.metaWriter() != null) {
                    long mask = (1L << res.nodeId()) | (1L << conn.peerNodeId());
                    conn.metaWriter().send(PacketType.PEER_ACK, WireConstants.VOLUME_CONNECTION,
                            new PeerAck(mask, pendingPeerAckDagtag));
                    pendingPeerAckDagtag = -1;
                }
            }, 100, TimeUnit.MILLISECONDS);
        }
    }

    void onAck(Packet p) throws ProtocolException {
        BlockAck a = (BlockAck) p.payload();
        if (a.blockId() == WireConstants.ID_SYNCER) {
            PeerDevice pd = conn.device(p.volume());
            if (pd == null) {
                throw new ProtocolException(p.type() + " for unknown volume " + p.volume());
            }
            pd.resyncSource().onAck(p.type(), a);
            return;
        }
        TransferLog.Entry e = tl == null ? null : tl.acked(a.blockId());
        PeerPart part = parts.get(a.blockId());
        if (e == null || part == null) {
            throw new ProtocolException(p.type() + " for unknown request 0x" + Long.toHexString(a.blockId()));
        }
        PeerDevice pd = (PeerDevice) e.owner;
        boolean ok = p.type() != PacketType.NEG_ACK;
        if (pd != null) {
            pd.untrackUnacked(e.blockId);
            if (!ok) {
                pd.bitmap().setRange(PeerBitmap.firstBit(e.sector), PeerBitmap.endBit(e.sector, e.size >>> 9));
            } else if (p.type() == PacketType.RS_WRITE_ACK) {
                pd.bitmap().clearRange(PeerBitmap.firstBit(e.sector), PeerBitmap.endBit(e.sector, e.size >>> 9));
                pd.resyncSource().checkFinished();
            }
        }
        part.acked(ok);
    }

    void sendOutOfSync(PeerDevice pd, long sector, int size) {
        conn.dataWriter().send(PacketType.OUT_OF_SYNC, pd.volume().volume(), new BlockDesc(sector, size));
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }
}
