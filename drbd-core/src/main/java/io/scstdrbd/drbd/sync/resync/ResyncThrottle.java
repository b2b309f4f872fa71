package io.scstdrbd.drbd.sync.resync;

/**
 * c-min-rate: while application I/O is going on, the resync slows down to no more than
 * {@code c-min-rate} (0 disables this). A sync target asks before each batch of requests.
 * Not thread-safe.
 */
public final class ResyncThrottle {
    /** Application I/O below this many sectors per check counts as idle. */
    static final long APP_IO_THRESHOLD_SECTORS = 64;

    private long lastAppSectors;
    private long lastResyncSectors;
    private long lastNanos;

    public ResyncThrottle(long appSectors, long resyncSectors, long nowNanos) {
        this.lastAppSectors = appSectors;
        this.lastResyncSectors = resyncSectors;
        this.lastNanos = nowNanos;
    }

    /**
     * @param appSectors    total application sectors read/written on this device so far
     * @param resyncSectors total resync sectors received so far
     * @return true if the resync should pause this tick
     */
    public boolean shouldSlowDown(int cMinRateKib, long appSectors, long resyncSectors, long nowNanos) {
        long appDelta = appSectors - lastAppSectors;
        long rsDelta = resyncSectors - lastResyncSectors;
        long dtNanos = nowNanos - lastNanos;
        if (dtNanos < 1_000_000_000L / 10) {
            return false; // too short to judge; keep the window
        }
        lastAppSectors = appSectors;
        lastResyncSectors = resyncSectors;
        lastNanos = nowNanos;
        if (cMinRateKib == 0 || appDelta <= APP_IO_THRESHOLD_SECTORS) {
            return false;
        }
        double rateKib = rsDelta / 2.0 / (dtNanos / 1e9);
        return rateKib > cMinRateKib;
    }
}
