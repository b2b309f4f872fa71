package io.scstdrbd.drbd.sync.resync;

/**
 * Decides, every {@link #TICK_MS} ms, how many sectors a sync target may request next.
 *
 * <p>With {@code c-plan-ahead 0} the rate is fixed at {@code resync-rate}. Otherwise it is the
 * dynamic controller: it aims at a fill level of in-flight resync data ({@code c-fill-target}, or
 * the amount that arrives within {@code c-delay-target}), spreads each correction over a plan of
 * {@code c-plan-ahead} worth of ticks, starts at twice {@code resync-rate}, and never exceeds
 * {@code c-max-rate}.
 *
 * <p>Not thread-safe: driven by the resync's own executor.
 */
public final class ResyncRateController {
    public static final int TICK_MS = 100;
    private static final int TICKS_PER_SECOND = 1000 / TICK_MS;

    private ResyncSettings settings;
    private long[] plan = new long[0];
    private int planHead;
    private long planTotal;
    private long inFlight;
    private long arrived;
    /** The rate the last tick asked for, in KiB/s (read by status readers). */
    private volatile long rateKiBs;

    public ResyncRateController(ResyncSettings settings) {
        update(settings);
    }

    /** New settings take effect at the next tick; a new plan length discards the old plan. */
    public void update(ResyncSettings s) {
        this.settings = s;
        int steps = s.cPlanAhead() * TICKS_PER_SECOND / 10;
        if (steps != plan.length) {
            plan = new long[steps];
            planHead = 0;
            planTotal = 0;
        }
    }

    public ResyncSettings settings() {
        return settings;
    }

    /** Sectors requested and not yet answered. */
    public long inFlight() {
        return inFlight;
    }

    /** Record a request sent. */
    public void requested(long sectors) {
        inFlight += sectors;
    }

    /** Record a reply received (data written, or a negative/in-sync answer). */
    public void answered(long sectors) {
        arrived += sectors;
        inFlight = Math.max(0, inFlight - sectors);
    }

    /** Sectors to request during the next tick. */
    public long nextTick() {
        long next = decideTick();
        rateKiBs = plan.length == 0 ? settings.resyncRate() : next * TICKS_PER_SECOND / 2;
        return next;
    }

    /**
     * The rate the controller asks for, in KiB/s, as the kernel reports it (c_sync_rate, shown as
     * want:): resync-rate when fixed, else what the last tick allowed; 0 before the first tick.
     * Any thread.
     */
    public long syncRateKiBs() {
        return rateKiBs;
    }

    private long decideTick() {
        long in = arrived;
        arrived = 0;
        if (plan.length == 0) {
            return fixedRateSectors();
        }
        int steps = plan.length;
        long want;
        if (inFlight + in == 0) {
            want = (long) settings.resyncRate() * 2 / TICKS_PER_SECOND * steps;
        } else if (settings.cFillTarget() != 0) {
            want = settings.cFillTarget();
        } else {
            want = in * settings.cDelayTarget() * TICKS_PER_SECOND / 10;
        }
        long correction = want - inFlight - planTotal;
        long perStep = correction / steps;
        for (int i = 0; i < steps; i++) {
            plan[i] += perStep;
        }
        planTotal += perStep * steps;
        long now = plan[planHead];
        plan[planHead] = 0;
        planHead = (planHead + 1) % steps;
        planTotal -= now;
        long req = Math.max(0, in + now);
        long max = (long) settings.cMaxRate() * 2 / TICKS_PER_SECOND;
        return Math.min(req, max);
    }

    private long fixedRateSectors() {
        // KiB/s -> sectors per tick
        return Math.max(8, (long) settings.resyncRate() * 2 / TICKS_PER_SECOND);
    }
}
