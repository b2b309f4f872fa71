package io.scstdrbd.drbd.stats;

/**
 * The progress marks of one resync or online verify, kept as the kernel keeps them (rs_mark_left /
 * rs_mark_time, drbd_advance_rs_marks): a ring of {@value #MARKS} samples of how much was still to
 * go and when. A new sample is taken at most every {@value #STEP_MS} ms, only after progress and
 * never while paused. The rate drbdsetup shows as {@code dbdt1} (and its {@code eta}) is the window
 * from the mark before the newest one to now; {@code dbdt0} starts at an older mark.
 *
 * <p>Amounts are in sectors, times in milliseconds of a monotonic clock the caller supplies.
 *
 * <p>Threading: thread-safe; the replication loop advances it while status readers read it.
 */
public final class ResyncMarks {
    public static final int MARKS = 8;
    public static final long STEP_MS = 3000;

    private final long[] leftSectors = new long[MARKS];
    private final long[] atMs = new long[MARKS];
    private int last;
    private long lastReportMs;
    /** What was left at the last report: no new report without progress since (a pause is quiet). */
    private long lastReportedLeft;

    /** A run starts (or resumes) with {@code left} sectors to go: every mark says so, now. */
    public synchronized void reset(long left, long nowMs) {
        java.util.Arrays.fill(leftSectors, left);
        java.util.Arrays.fill(atMs, nowMs);
        last = 0;
        lastReportMs = nowMs;
        lastReportedLeft = left;
    }

    /** Whether {@link #advance} would look at the amount left now (it is cheap to ask first). */
    public synchronized boolean due(long nowMs) {
        return nowMs - lastReportMs >= STEP_MS;
    }

    /**
     * Takes a new mark if one is due and {@code left} changed since the newest; none while paused.
     * Returns whether progress is to be reported (the kernel's RS_PROGRESS: at most every
     * {@value #STEP_MS} ms, only when something moved since the last report; also while paused,
     * for the requests that were still under way).
     */
    public synchronized boolean advance(long left, long nowMs, boolean paused) {
        if (leftSectors[last] == left || left == lastReportedLeft || !due(nowMs)) {
            return false;
        }
        if (!paused) {
            last = (last + 1) % MARKS;
            leftSectors[last] = left;
            atMs[last] = nowMs;
        }
        lastReportMs = nowMs;
        lastReportedLeft = left;
        return true;
    }

    /** The recent window (rs_dt1_ms / rs_db1_sectors): from the mark before the newest to now. */
    public synchronized Window recent(long left, long nowMs) {
        return window((last + MARKS - 1) % MARKS, left, nowMs);
    }

    /** The long window (rs_dt0_ms / rs_db0_sectors): from the oldest mark still stable to now. */
    public synchronized Window older(long left, long nowMs) {
        return window((last + 2) % MARKS, left, nowMs);
    }

    private Window window(int i, long left, long nowMs) {
        return new Window(nowMs - atMs[i], leftSectors[i] - left);
    }

    /** Sectors done ({@code dbSectors}; negative when more went out of sync) in {@code dtMs}. */
    public record Window(long dtMs, long dbSectors) {
        public static final Window NONE = new Window(0, 0);
    }
}
