package io.scstdrbd.drbd.engine;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.ScheduledFuture;
import io.scstdrbd.drbd.replication.RangeLock;
import io.scstdrbd.drbd.sync.bitmap.PeerBitmap;
import io.scstdrbd.drbd.sync.digest.DigestAlgorithm;
import io.scstdrbd.drbd.sync.resync.ResyncRateController;
import io.scstdrbd.drbd.sync.resync.ResyncSettings;
import io.scstdrbd.drbd.sync.resync.ResyncThrottle;
import io.scstdrbd.drbd.wire.BlockAck;
import io.scstdrbd.drbd.wire.BlockRequest;
import io.scstdrbd.drbd.wire.Bytes;
import io.scstdrbd.drbd.wire.DataHeader;
import io.scstdrbd.drbd.wire.Packet;
import io.scstdrbd.drbd.wire.PacketType;
import io.scstdrbd.drbd.wire.ProtocolException;
import io.scstdrbd.drbd.wire.WireConstants;
import io.scstdrbd.kernel.block.Bio;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync target's side of a resync: walks the out-of-sync bits, asks the source for runs of
 * them (P_RS_DATA_REQUEST, or P_CSUM_RS_REQUEST with csums-alg), writes the replies and
 * acknowledges them. The rate controller decides how much to ask for per 100 ms; max-buffers bounds
 * what is in flight; c-min-rate slows down while applications do I/O. A request holds its range
 * from the moment it is sent, so application writes to those blocks wait for the resync data.
 *
 * <p>Threading: on the resource loop.
 */
final class ResyncTarget {
    private static final Logger LOG = LoggerFactory.getLogger(ResyncTarget.class);

    private final PeerDevice pd;
    private final PeerConnection conn;
    private final ResyncRateController ctl;
    private final ResyncThrottle throttle;
    private final DigestAlgorithm csums;
    private final Map<Long, Req> inflight = new HashMap<>();
    private final int gen;
    private ResyncSettings settings;
    private long cursor;
    /** Resync data received and still being written: the resync is not over before they are acked. */
    private int writing;
    private long budget;
    private long inflightSectors;
    private long failedSectors;
    private long receivedSectors;
    /** Local reads for csums-alg digests: resync I/O, not application I/O, for c-min-rate. */
    private long checksumReadSectors;
    private boolean progressThisPass;
    private boolean stopped;
    private ScheduledFuture<?> ticker;

    private static final class Req {
        final long sector;
        final int size;
        RangeLock.Range range;

        Req(long sector, int size) {
            this.sector = sector;
            this.size = size;
        }
    }

    ResyncTarget(PeerDevice pd, ResyncSettings s) {
        this.pd = pd;
        this.conn = pd.connection();
        this.settings = s;
        this.ctl = new ResyncRateController(s);
        this.throttle = new ResyncThrottle(appSectors(), 0, System.nanoTime());
        String alg = conn.net().csumsAlg();
        this.csums = alg.isEmpty() ? null : DigestAlgorithm.forName(alg).orElse(null);
        this.gen = conn.generation();
    }

    /** The rate this resync asks for, in KiB/s (want:); any thread. */
    long syncRateKiBs() {
        return ctl.syncRateKiBs();
    }

    void settingsChanged(ResyncSettings s) {
        settings = s;
        ctl.update(s);
    }

    /**
     * Application I/O on this volume so far, for c-min-rate: as the kernel's, all local backing
     * I/O less what this resync wrote (the daemon's drbd1 I/O does not pass the engine's counters).
     */
    private long appSectors() {
        long local = pd.volume().local().localIoSectors();
        return local < 0 ? pd.volume().readSectors() + pd.volume().writtenSectors()
                : local - receivedSectors - checksumReadSectors;
    }

    void start() {
        ticker = conn.resource().loop().scheduleAtFixedRate(this::tick, 0, ResyncRateController.TICK_MS,
                TimeUnit.MILLISECONDS);
    }

    void stop() {
        stopped = true;
        if (ticker != null) {
            ticker.cancel(false);
        }
        for (Req r : inflight.values()) {
            if (r.range != null) {
                r.range.release();
            }
            if (gen == conn.generation()) {
                pd.inFlight().answered(); // no answer will come for this resync
            }
        }
        inflight.clear();
    }

    private boolean alive() {
        return !stopped && gen == conn.generation() && conn.isRunning();
    }

    private void tick() {
        if (!alive()) {
            return;
        }
        long b = ctl.nextTick();
        if (throttle.shouldSlowDown(settings.cMinRate(), appSectors(), receivedSectors, System.nanoTime())) {
            // application I/O is going on: only c-min-rate worth of resync this tick
            b = Math.min(b, Math.max(8, (long) settings.cMinRate() * 2 / 10));
        }
        // a request is a whole run of bits (up to 1 MiB) and may overshoot a tick's budget: the overshoot
        // is paid from the following ticks, so a low resync-rate holds on average
        budget = Math.min(b, budget + b);
        issue();
        pd.resyncProgressed();
        maybeFinish();
    }

    private long maxInflightSectors() {
        return Math.max(2048L, (long) conn.net().maxBuffers() * 8);
    }

    private void issue() {
        if (pd.repl() == io.scstdrbd.drbd.state.ReplState.PAUSED_SYNC_T) {
            return; // pause-sync here or on the peer: no new requests until it resumes
        }
        if (pd.volume().unorderedWrites().get() > 0) {
            return; // a Primary's writes from before it became target still settle; the next tick asks
        }
        PeerBitmap bm = pd.agreedBitmap();
        long maxBits = Math.max(1, pd.peerMaxBioSize() / PeerBitmap.BYTES_PER_BIT);
        long devSectors = pd.agreedSectors();
        while (budget > 0 && inflightSectors < maxInflightSectors() && alive()) {
            long b = bm.nextSetBit(cursor);
            if (b < 0) {
                cursor = bm.bits();
                return;
            }
            long end = b + 1;
            // runs are aligned to their own size, as the source's bio layer prefers
            while (end - b < maxBits && bm.test(end) && (end % maxBits) != 0) {
                end++;
            }
            cursor = end;
            long sector = b * PeerBitmap.SECTORS_PER_BIT;
            long sectors = Math.min((end - b) * PeerBitmap.SECTORS_PER_BIT, devSectors - sector);
            if (sectors <= 0) {
                // a bit beyond the agreed size: nothing to fetch
                bm.clearRange(b, end);
                continue;
            }
            budget -= sectors;
            request(sector, (int) (sectors << 9));
        }
    }

    private void request(long sector, int size) {
        Req r = new Req(sector, size);
        inflightSectors += size >>> 9;
        ctl.requested(size >>> 9);
        inflight.put(sector, r);
        pd.inFlight().sent();
        pd.volume().rangeLock().acquire(sector, size >>> 9, range -> conn.resource().onLoop(() -> {
            r.range = range;
            if (!alive() || inflight.get(sector) != r) {
                range.release();
                return;
            }
            if (csums == null) {
                conn.dataWriter().send(PacketType.RS_DATA_REQUEST, pd.volume().volume(),
                        new BlockRequest(sector, WireConstants.ID_SYNCER, size));
                return;
            }
            // csums: send the digest of what we have; the source answers "in sync" or with data
            checksumReadSectors += size >>> 9;
            ByteBuf buf = conn.dataWriter().channel().alloc().directBuffer(size, size);
            pd.volume().local().submitLocal(Bio.read(sector, new java.nio.ByteBuffer[] {buf.nioBuffer(0, size)}, 0,
                    (bio, errno) -> conn.resource().onLoopOr(() -> {
                        byte[] d = errno == 0 ? csums.digest(buf.nioBuffer(0, size)) : new byte[csums.length()];
                        buf.release();
                        if (!alive()) {
                            return;
                        }
                        conn.dataWriter().send(PacketType.CSUM_RS_REQUEST, pd.volume().volume(),
                                new BlockRequest(sector, WireConstants.ID_SYNCER, size, Bytes.of(d)));
                    }, buf::release)));
        }));
    }

    void onReply(Packet p) throws ProtocolException {
        switch (p.type()) {
            case RS_DATA_REPLY: {
                DataHeader h = (DataHeader) p.payload();
                Req r = inflight.remove(h.sector());
                if (r == null || r.range == null || p.dataLength() != r.size) {
                    p.release();
                    if (r != null) {
                        inflight.put(h.sector(), r);
                    }
                    throw new ProtocolException("unexpected resync reply for sector " + h.sector());
                }
                try {
                    conn.checkIntegrity(h, p.data());
                } catch (ProtocolException e) {
                    p.release();
                    inflight.put(h.sector(), r);
                    throw e;
                }
                pd.countReceived(r.size);
                pd.inFlight().answered();
                pd.inFlight().received(); // until P_RS_WRITE_ACK is sent
                write(r, p.data());
                return;
            }
            case RS_IS_IN_SYNC: {
                Req r = take((BlockAck) p.payload());
                pd.bitmap().clearRange(PeerBitmap.firstBit(r.sector), PeerBitmap.endBit(r.sector, r.size >>> 9));
                done(r, true);
                return;
            }
            case NEG_RS_DREPLY: {
                Req r = take((BlockAck) p.payload());
                LOG.warn("{}: sync source could not read sector {} (+{} bytes)", pd.tagName(), r.sector, r.size);
                failedSectors += r.size >>> 9;
                done(r, false);
                return;
            }
            default: { // P_RS_CANCEL: ask again in a later pass
                Req r = take((BlockAck) p.payload());
                done(r, false);
            }
        }
    }

    private Req take(BlockAck a) throws ProtocolException {
        Req r = inflight.remove(a.sector());
        if (r == null || r.range == null) {
            if (r != null) {
                inflight.put(a.sector(), r);
            }
            throw new ProtocolException("resync answer for sector " + a.sector() + " that was not requested");
        }
        pd.inFlight().answered();
        return r;
    }

    private void write(Req r, ByteBuf data) {
        writing++;
        pd.volume().local().submitUntracked(Bio.write(r.sector, data.nioBuffers(), 0,
                (bio, errno) -> conn.resource().onLoopOr(() -> {
                    data.release();
                    writing--;
                    if (gen == conn.generation()) {
                        pd.inFlight().replied();
                    }
                    if (!alive()) {
                        r.range.release();
                        return;
                    }
                    if (errno == 0) {
                        pd.bitmap().clearRange(PeerBitmap.firstBit(r.sector), PeerBitmap.endBit(r.sector, r.size >>> 9));
                        receivedSectors += r.size >>> 9;
                        conn.metaWriter().send(PacketType.RS_WRITE_ACK, pd.volume().volume(),
                                new BlockAck(r.sector, WireConstants.ID_SYNCER, r.size, conn.nextSeq()));
                    } else {
                        failedSectors += r.size >>> 9;
                        conn.metaWriter().send(PacketType.NEG_ACK, pd.volume().volume(),
                                new BlockAck(r.sector, WireConstants.ID_SYNCER, r.size, conn.nextSeq()));
                    }
                    done(r, errno == 0);
                }, data::release))); // the engine has shut down: only the buffer is left to free
    }

    private void done(Req r, boolean progress) {
        r.range.release();
        inflightSectors -= r.size >>> 9;
        ctl.answered(r.size >>> 9);
        if (progress) {
            progressThisPass = true;
        }
        issue();
        maybeFinish();
    }

    private void maybeFinish() {
        if (!alive() || !inflight.isEmpty() || writing > 0) {
            return; // a block still being written keeps its bit: neither the end nor another pass yet
        }
        PeerBitmap bm = pd.agreedBitmap();
        if (bm.nextSetBit(cursor) >= 0) {
            return;
        }
        if (bm.cardinality() == 0) {
            stop();
            pd.resyncTargetFinished(0);
            return;
        }
        if (!progressThisPass && failedSectors > 0) {
            stop();
            pd.resyncTargetFinished(failedSectors);
            return;
        }
        // bits were set behind the cursor (failed or newly out of sync): another pass
        cursor = 0;
        progressThisPass = false;
    }
}
