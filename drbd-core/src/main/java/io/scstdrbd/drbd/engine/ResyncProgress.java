package io.scstdrbd.drbd.engine;

import io.scstdrbd.drbd.state.ReplState;
import io.scstdrbd.drbd.sync.bitmap.PeerBitmap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The figures of one volume toward one peer that status and the logs show: sectors sent and
 * received, and for the current resync its total, failures, time spent paused and (as source with
 * csums-alg) how much the checksums saved.
 *
 * <p>Threading: written on the resource loop; the volatile figures are read by status readers.
 */
final class ResyncProgress {
    /** Logs under PeerDevice's name, as before this class was split from it. */
    private static final Logger LOG = LoggerFactory.getLogger(PeerDevice.class);

    private final String tag;
    private volatile long sentSectors;
    private volatile long receivedSectors;
    private volatile long rsTotalSectors;
    private volatile long rsFailedSectors;
    private long rsStartNanos;
    /** Time this resync spent paused, and since when it is paused now (0: running). */
    private long rsPausedNanos;
    private long rsPausedSince;
    /** This resync as source with csums-alg: blocks found equal by checksum, and blocks sent. */
    private long rsEqualSectors;
    private long rsSentSectors;

    ResyncProgress(String tag) {
        this.tag = tag;
    }

    long sentSectors() {
        return sentSectors;
    }

    long receivedSectors() {
        return receivedSectors;
    }

    long totalSectors() {
        return rsTotalSectors;
    }

    long failedSectors() {
        return rsFailedSectors;
    }

    void countSent(int bytes) {
        sentSectors += bytes >>> 9;
    }

    void countReceived(int bytes) {
        receivedSectors += bytes >>> 9;
    }

    /** Resync data sent as source in answer to a checksum that differed. */
    void countResyncSent(int bytes) {
        rsSentSectors += bytes >>> 9;
    }

    /** A block the checksum found equal (nothing sent). */
    void countResyncEqual(int bytes) {
        rsEqualSectors += bytes >>> 9;
    }

    void countFailed(int bytes) {
        rsFailedSectors += bytes >>> 9;
    }

    void setFailedSectors(long sectors) {
        rsFailedSectors = sectors;
    }

    /** Resync progress in percent (100 when nothing to do), as drbdsetup computes done:. */
    double donePercent(long outOfSyncSectors) {
        long total = rsTotalSectors;
        if (total == 0) {
            return 100.0;
        }
        long left = outOfSyncSectors;
        return Math.max(0, (total - left) * 100.0 / total);
    }

    /** The replication state becomes {@code s}: the pause clock starts or stops. */
    void replChanging(ReplState s) {
        boolean pausedNow = s == ReplState.PAUSED_SYNC_S || s == ReplState.PAUSED_SYNC_T;
        if (pausedNow && rsPausedSince == 0) {
            rsPausedSince = System.nanoTime();
        } else if (!pausedNow && rsPausedSince != 0) {
            rsPausedNanos += System.nanoTime() - rsPausedSince;
            rsPausedSince = 0;
        }
    }

    /** A resync as {@code as} starts with {@code bits} out of sync. */
    void begin(String as, long bits) {
        rsTotalSectors = bits * PeerBitmap.SECTORS_PER_BIT;
        rsFailedSectors = 0;
        rsEqualSectors = 0;
        rsSentSectors = 0;
        rsStartNanos = System.nanoTime();
        rsPausedNanos = 0;
        LOG.info("{}: began resync as {} (will sync {} KiB [{} bits set])", tag, as, bits * 4, bits);
    }

    void logDone() {
        long now = System.nanoTime();
        double secs = Math.max(0.001, (now - rsStartNanos) / 1e9);
        double paused = (rsPausedNanos + (rsPausedSince != 0 ? now - rsPausedSince : 0)) / 1e9;
        double active = Math.max(0.001, secs - paused);
        if (paused > 0) {
            LOG.info("{}: resync done (total {} sec; paused {} sec; {} KiB/sec)", tag, String.format("%.1f", secs),
                    String.format("%.1f", paused), (long) (rsTotalSectors / 2 / active));
        } else {
            LOG.info("{}: resync done (total {} sec; {} KiB/sec)", tag, String.format("%.1f", secs),
                    (long) (rsTotalSectors / 2 / secs));
        }
        if (rsEqualSectors > 0) {
            long all = rsEqualSectors + rsSentSectors;
            LOG.info("{}: {} % had equal checksums, eliminated: {}K; transferred {}K total {}K", tag,
                    rsEqualSectors * 100 / Math.max(1, all), rsEqualSectors / 2, rsSentSectors / 2, all / 2);
        }
    }
}
