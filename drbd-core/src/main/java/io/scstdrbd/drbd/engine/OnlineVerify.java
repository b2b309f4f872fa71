package io.scstdrbd.drbd.engine;

import io.netty.util.concurrent.ScheduledFuture;
import io.scstdrbd.drbd.sync.bitmap.PeerBitmap;
import io.scstdrbd.drbd.sync.digest.DigestAlgorithm;
import io.scstdrbd.drbd.sync.resync.ResyncRateController;
import io.scstdrbd.drbd.sync.resync.ResyncSettings;
import io.scstdrbd.drbd.wire.BlockAck;
import io.scstdrbd.drbd.wire.BlockRequest;
import io.scstdrbd.drbd.wire.PacketType;
import io.scstdrbd.drbd.wire.ProtocolException;
import io.scstdrbd.drbd.wire.WireConstants;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Online verify as its source: asks the peer for the digest of every 4 KiB block
 * (P_OV_REQUEST), compares it with the local digest, marks differing blocks out of sync and
 * tells the peer (P_OV_RESULT). Paced by the resync rate controller. Found blocks are resynced at
 * the next connect, as with the kernel. The target side needs no state beyond its replication
 * state (requests are served by {@link ServedReads}).
 *
 * <p>Threading: on the resource loop.
 */
final class OnlineVerify {
    private final PeerDevice pd;
    private final PeerConnection conn;
    private final boolean source;
    private final ResyncRateController ctl;
    private final DigestAlgorithm alg;
    /** Requests in flight: sector to size. */
    private final Map<Long, Integer> inflight = new HashMap<>();
    /** Replies answered by the peer whose local digest is still being computed. */
    private int comparing;
    private final int gen;
    private long nextBit;
    private long budget;
    private long outOfSync;
    private boolean stopped;
    private ScheduledFuture<?> ticker;

    OnlineVerify(PeerDevice pd, ResyncSettings s, boolean source) {
        this.pd = pd;
        this.conn = pd.connection();
        this.source = source;
        this.ctl = new ResyncRateController(s);
        this.alg = DigestAlgorithm.forName(conn.net().verifyAlg()).orElse(null);
        this.gen = conn.generation();
    }

    void start() {
        if (!source) {
            return;
        }
        ticker = conn.resource().loop().scheduleAtFixedRate(this::tick, 0, ResyncRateController.TICK_MS,
                TimeUnit.MILLISECONDS);
    }

    void stop() {
        stopped = true;
        if (ticker != null) {
            ticker.cancel(false);
        }
    }

    /** The rate this verify asks for as its source, in KiB/s (want:); any thread. */
    long syncRateKiBs() {
        return ctl.syncRateKiBs();
    }

    private boolean alive() {
        return !stopped && gen == conn.generation() && conn.isRunning();
    }

    private void tick() {
        if (!alive()) {
            return;
        }
        budget = ctl.nextTick();
        issue();
    }

    private void issue() {
        long bits = PeerBitmap.bitsFor(pd.agreedSectors());
        long maxInflight = Math.max(256, conn.net().maxBuffers());
        while (budget > 0 && nextBit < bits && inflight.size() < maxInflight) {
            long sector = nextBit * PeerBitmap.SECTORS_PER_BIT;
            int size = (int) (Math.min(PeerBitmap.SECTORS_PER_BIT, pd.agreedSectors() - sector) << 9);
            nextBit++;
            budget -= size >>> 9;
            ctl.requested(size >>> 9);
            inflight.put(sector, size);
            pd.inFlight().sent();
            conn.dataWriter().send(PacketType.OV_REQUEST, pd.volume().volume(),
                    new BlockRequest(sector, WireConstants.ID_SYNCER, size));
        }
        pd.progress().verifyRequested(nextBit * PeerBitmap.SECTORS_PER_BIT);
        if (nextBit >= bits && inflight.isEmpty() && comparing == 0) {
            stop();
            pd.verifySourceFinished(outOfSync);
        }
    }

    /**
     * The peer did not compute a digest: P_RS_CANCEL from a 9.2 peer without usable data (or one
     * busy with writes in the block's activity-log extent), P_NEG_RS_DREPLY from an 8.4 peer whose
     * disk is not UpToDate. The block is skipped, as the kernel's drbd_verify_skipped_block does
     * (a 9.2 source counts the 8.4 answer as failed instead), and the verify goes on.
     */
    void onSkipped(BlockAck a) throws ProtocolException {
        Integer size = inflight.get(a.sector());
        if (size == null || size != a.blksize()) {
            throw new ProtocolException("verify answer for sector " + a.sector() + " (" + a.blksize()
                    + " bytes) that was not requested");
        }
        inflight.remove(a.sector());
        pd.inFlight().answered();
        pd.progress().verifySkipped(a.blksize());
        ctl.answered(a.blksize() >>> 9);
        pd.verifyProgressed();
        if (alive()) {
            issue();
        }
    }

    void onReply(BlockRequest r) throws ProtocolException {
        if (inflight.remove(r.sector()) == null) {
            throw new ProtocolException("P_OV_REPLY for sector " + r.sector() + " that was not requested");
        }
        pd.inFlight().answered();
        pd.inFlight().received(); // until P_OV_RESULT is sent
        comparing++;
        pd.readLocal(r.sector(), r.blksize(), (buf, errno) -> {
            comparing--;
            boolean same = false;
            if (errno == 0) {
                same = r.digest().constantTimeEquals(alg.digest(buf.nioBuffer()));
                buf.release();
            }
            if (!same) {
                outOfSync++;
                pd.bitmap().setRange(PeerBitmap.firstBit(r.sector()), PeerBitmap.endBit(r.sector(), r.blksize() >>> 9));
            }
            conn.metaWriter().send(PacketType.OV_RESULT, pd.volume().volume(), new BlockAck(r.sector(),
                    same ? WireConstants.ID_IN_SYNC : WireConstants.ID_OUT_OF_SYNC, r.blksize(), conn.nextSeq()));
            pd.inFlight().replied();
            ctl.answered(r.blksize() >>> 9);
            pd.verifyProgressed();
            if (alive()) {
                issue();
            }
        });
    }
}
