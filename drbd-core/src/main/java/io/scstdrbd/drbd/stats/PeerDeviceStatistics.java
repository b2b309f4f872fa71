package io.scstdrbd.drbd.stats;

/**
 * The figures of one peer device that {@code drbdsetup status --statistics} and {@code events2
 * --statistics} show, in the units of the kernel's peer_device_statistics (sectors, milliseconds):
 * data sent to and received from the peer, and while a resync or online verify runs its total,
 * progress and recent rate. Resync fields are zero when nothing runs; ov fields are set only
 * during a verify.
 *
 * @param receivedSectors data received from the peer (application writes, resync and read replies)
 * @param sentSectors     data sent to the peer (application writes, resync and read replies)
 * @param rsTotalSectors  what the running resync or verify has to cover (0: none runs)
 * @param rsFailedSectors blocks the resync could not move
 * @param rsSameCsumSectors blocks a checksum-based resync found equal
 * @param rsDtStartMs     time since the resync or verify started
 * @param rsPausedMs      time it spent paused
 * @param older           the long progress window (dt0/db0)
 * @param recent          the recent progress window (dt1/db1)
 * @param ovStartSector   where the verify started
 * @param ovStopSector    where it stops (all ones: at the end)
 * @param ovPosition      the sector it has reached
 * @param ovLeftSectors   what it still has to compare
 * @param ovSkippedSectors what it skipped
 * @param pending         requests sent to the peer that wait for its answer (ap_pending + rs_pending)
 * @param unacked         the peer's requests not answered yet
 * @param syncRateKiBs    the rate the running resync (as target) or verify (as source) asks for,
 *                        in KiB/s (c_sync_rate, shown as want:); 0 otherwise
 */
public record PeerDeviceStatistics(long receivedSectors, long sentSectors, long rsTotalSectors, long rsFailedSectors,
        long rsSameCsumSectors, long rsDtStartMs, long rsPausedMs, ResyncMarks.Window older, ResyncMarks.Window recent,
        long ovStartSector, long ovStopSector, long ovPosition, long ovLeftSectors, long ovSkippedSectors,
        int pending, int unacked, long syncRateKiBs) {

    /** The figures without anything in flight. */
    public PeerDeviceStatistics(long receivedSectors, long sentSectors, long rsTotalSectors, long rsFailedSectors,
            long rsSameCsumSectors, long rsDtStartMs, long rsPausedMs, ResyncMarks.Window older,
            ResyncMarks.Window recent, long ovStartSector, long ovStopSector, long ovPosition, long ovLeftSectors,
            long ovSkippedSectors) {
        this(receivedSectors, sentSectors, rsTotalSectors, rsFailedSectors, rsSameCsumSectors, rsDtStartMs,
                rsPausedMs, older, recent, ovStartSector, ovStopSector, ovPosition, ovLeftSectors, ovSkippedSectors,
                0, 0, 0);
    }

    /** These figures with what is in flight and the rate asked for. */
    public PeerDeviceStatistics withInFlight(int pendingNow, int unackedNow, long syncRateKiBsNow) {
        return new PeerDeviceStatistics(receivedSectors, sentSectors, rsTotalSectors, rsFailedSectors,
                rsSameCsumSectors, rsDtStartMs, rsPausedMs, older, recent, ovStartSector, ovStopSector, ovPosition,
                ovLeftSectors, ovSkippedSectors, pendingNow, unackedNow, syncRateKiBsNow);
    }

    /** No traffic and nothing running (a peer device without replication behind it). */
    public static final PeerDeviceStatistics NONE = traffic(0, 0);

    /** Only the data counters: nothing runs, or there is no local disk to report a resync of. */
    public static PeerDeviceStatistics traffic(long receivedSectors, long sentSectors) {
        return new PeerDeviceStatistics(receivedSectors, sentSectors, 0, 0, 0, 0, 0, ResyncMarks.Window.NONE,
                ResyncMarks.Window.NONE, 0, 0, 0, 0, 0);
    }
}
