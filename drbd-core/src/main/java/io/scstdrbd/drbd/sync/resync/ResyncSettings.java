package io.scstdrbd.drbd.sync.resync;

/**
 * The peer-device options that steer a resync (drbd.conf {@code disk} section; defaults from
 * drbd_limits.h). Rates in KiB/s, times in tenths of a second, the fill target in sectors.
 */
public record ResyncSettings(int resyncRate, int cPlanAhead, int cDelayTarget, int cFillTarget, int cMaxRate,
        int cMinRate) {
    public static final ResyncSettings DEFAULTS = new ResyncSettings(250, 20, 10, 100, 102400, 250);

    public ResyncSettings {
        if (resyncRate < 1 || cPlanAhead < 0 || cDelayTarget < 1 || cFillTarget < 0 || cMaxRate < 250 || cMinRate < 0) {
            throw new IllegalArgumentException("resync settings out of range");
        }
    }

    public ResyncSettings withRate(int kibPerSecond) {
        return new ResyncSettings(kibPerSecond, cPlanAhead, cDelayTarget, cFillTarget, cMaxRate, cMinRate);
    }
}
