package io.scstdrbd.drbd.engine;

import io.scstdrbd.drbd.state.ReplState;
import io.scstdrbd.drbd.stats.PeerDeviceStatistics;
import io.scstdrbd.drbd.stats.ResyncMarks;
import io.scstdrbd.drbd.sync.bitmap.PeerBitmap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The figures of one volume toward one peer that status and the logs show: sectors sent and
 * received (since the last connect, as the kernel resets them), and for the current resync or
 * online verify its total, progress marks, failures, time spent paused and (as source with
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
    private volatile long rsStartNanos;
    /** Time this resync spent paused, and since when it is paused now (0: running). */
    private volatile long rsPausedNanos;
    private volatile long rsPausedSince;
    /** This resync as source with csums-alg: blocks found equal by checksum, and blocks sent. */
    private volatile long rsEqualSectors;
    private long rsSentSectors;
    private final ResyncMarks marks = new ResyncMarks();
    /** Online verify: where it started (-1: a target that has not seen the first request), stops, is. */
    private volatile long ovStartSector;
    private volatile long ovStopSector;
    private volatile long ovPosition;
    /** Online verify: 4 KiB blocks still to compare. */
    private volatile long ovLeftBits;
    /** Online verify: sectors skipped for want of usable data on the target (P_RS_CANCEL, P_NEG_RS_DREPLY). */
    private volatile long ovSkippedSectors;

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

    /** A connect from StandAlone starts the traffic counters afresh (drbd_adm_connect). */
    void resetTraffic() {
        sentSectors = 0;
        receivedSectors = 0;
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

    /**
     * The replication state becomes {@code s}: the pause clock starts or stops, and the progress
     * marks restart after a pause with what {@code outOfSync} says is left (as the kernel's do).
     */
    void replChanging(ReplState s, LongSupplier outOfSync) {
        boolean pausedNow = s == ReplState.PAUSED_SYNC_S || s == ReplState.PAUSED_SYNC_T;
        long now = System.nanoTime();
        if (pausedNow && rsPausedSince == 0) {
            rsPausedSince = now;
        } else if (!pausedNow && rsPausedSince != 0) {
            rsPausedNanos += now - rsPausedSince;
            rsPausedSince = 0;
            if (s.isResyncing()) {
                marks.reset(outOfSync.getAsLong(), millis(now));
            }
        }
    }

    /** A resync as {@code as} starts with {@code bits} out of sync. */
    void begin(String as, long bits) {
        rsTotalSectors = bits * PeerBitmap.SECTORS_PER_BIT;
        rsFailedSectors = 0;
        rsEqualSectors = 0;
        rsSentSectors = 0;
        startClock(rsTotalSectors);
        LOG.info("{}: began resync as {} (will sync {} KiB [{} bits set])", tag, as, bits * 4, bits);
    }

    private void startClock(long left) {
        rsStartNanos = System.nanoTime();
        rsPausedNanos = 0;
        rsPausedSince = 0;
        marks.reset(left, millis(rsStartNanos));
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    /**
     * The resync moved on: a new progress mark when one is due ({@code outOfSync}, in sectors, is
     * asked only then; it counts the bitmap). True when the progress is to be reported.
     */
    boolean resyncProgressed(LongSupplier outOfSync, boolean paused) {
        long now = millis(System.nanoTime());
        return marks.due(now) && marks.advance(outOfSync.getAsLong(), now, paused);
    }

    /** Online verify: a block was skipped (no usable data on the target to compare). */
    void verifySkipped(int bytes) {
        ovSkippedSectors += bytes >>> 9;
    }

    long verifySkippedSectors() {
        return ovSkippedSectors;
    }

    /**
     * Online verify of {@code bits} blocks starts: as source at sector {@code start}; as target
     * ({@code start} -1) the first request says where (set_ov_position).
     */
    void beginVerify(long start, long bits) {
        ovSkippedSectors = 0;
        ovStartSector = start;
        ovStopSector = start < 0 ? 0 : -1L; // the source runs to the end (ULLONG_MAX)
        ovPosition = Math.max(0, start);
        ovLeftBits = bits;
        rsTotalSectors = bits * PeerBitmap.SECTORS_PER_BIT;
        startClock(rsTotalSectors);
    }

    /** Verify source: the next request will be for {@code sector} (ov_position). */
    void verifyRequested(long sector) {
        ovPosition = sector;
    }

    /** Verify target: a request for {@code sector} arrived; the first one fixes the start. */
    void verifyRequestSeen(long sector, long deviceBits) {
        if (ovStartSector < 0) {
            long bits = Math.max(0, deviceBits - sector / PeerBitmap.SECTORS_PER_BIT);
            ovStartSector = sector;
            ovLeftBits = bits;
            rsTotalSectors = bits * PeerBitmap.SECTORS_PER_BIT;
            startClock(rsTotalSectors);
        }
        ovPosition = sector;
    }

    /** One block compared (source) or answered (target). True when the progress is to be reported. */
    boolean verifyBlockDone() {
        long left = Math.max(0, ovLeftBits - 1);
        ovLeftBits = left;
        long now = millis(System.nanoTime());
        return marks.advance(left * PeerBitmap.SECTORS_PER_BIT, now, false);
    }

    /**
     * The statistics as the kernel reports them (peer_device_to_statistics): in a verify state the
     * verify's figures and what it has left; in a resync state what is out of sync and not failed;
     * the totals, clocks and rate windows only while something is left.
     */
    PeerDeviceStatistics statistics(ReplState repl, long outOfSyncSectors) {
        boolean verify = repl == ReplState.VERIFY_S || repl == ReplState.VERIFY_T;
        long left = 0;
        long failed = 0;
        long same = 0;
        if (verify) {
            left = ovLeftBits * PeerBitmap.SECTORS_PER_BIT;
        } else if (repl.isResyncing()) {
            failed = rsFailedSectors;
            same = rsEqualSectors;
            left = Math.max(0, outOfSyncSectors - failed);
        }
        long ovStart = verify ? ovStartSector : 0;
        long ovStop = verify ? ovStopSector : 0;
        long ovPos = verify ? ovPosition : 0;
        if (left == 0) {
            return new PeerDeviceStatistics(receivedSectors, sentSectors, 0, failed, same, 0, 0,
                    ResyncMarks.Window.NONE, ResyncMarks.Window.NONE, ovStart, ovStop, ovPos, 0, 0);
        }
        long nowNanos = System.nanoTime();
        long now = millis(nowNanos);
        long pausedNanos = rsPausedNanos + (rsPausedSince != 0 ? nowNanos - rsPausedSince : 0);
        return new PeerDeviceStatistics(receivedSectors, sentSectors, rsTotalSectors, failed, same,
                millis(nowNanos - rsStartNanos), millis(pausedNanos), marks.older(left, now), marks.recent(left, now),
                ovStart, ovStop, ovPos, verify ? left : 0, verify ? ovSkippedSectors : 0);
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
