package io.scstdrbd.drbd.sync.resync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ResyncRateControllerTest {
    @Test
    void fixedRateWithPlanAheadZero() {
        ResyncRateController c = new ResyncRateController(new ResyncSettings(40000, 0, 10, 100, 102400, 0));
        // 40000 KiB/s = 80000 sectors/s = 8000 sectors per 100 ms tick, whatever is in flight
        assertEquals(8000, c.nextTick());
        c.requested(8000);
        assertEquals(8000, c.nextTick());
    }

    @Test
    void dynamicControllerStartsAtTwiceTheRateSpreadOverThePlan() {
        ResyncRateController c = new ResyncRateController(new ResyncSettings(250, 20, 10, 100, 102400, 250));
        long first = c.nextTick();
        // start: want = 250 KiB/s * 2 sectors/KiB / 10 ticks * 20 steps = 1000; per step 50
        assertEquals(50, first);
    }

    @Test
    void dynamicControllerConvergesToFillTarget() {
        ResyncRateController c = new ResyncRateController(new ResyncSettings(250, 20, 10, 1000, 102400, 250));
        long inflight = 0;
        for (int tick = 0; tick < 400; tick++) {
            long req = c.nextTick();
            c.requested(req);
            inflight += req;
            // the peer answers half of what is in flight every tick
            long ans = inflight / 2;
            c.answered(ans);
            inflight -= ans;
        }
        assertTrue(Math.abs(c.inFlight() - 1000) < 150, "in flight " + c.inFlight());
    }

    @Test
    void neverExceedsMaxRate() {
        ResyncRateController c = new ResyncRateController(new ResyncSettings(4_000_000, 20, 10, 10_000_000, 1000, 0));
        for (int i = 0; i < 50; i++) {
            assertTrue(c.nextTick() <= 200);
        }
    }

    @Test
    void throttleOnlyWithApplicationIoAndAboveMinRate() {
        long s = 1_000_000_000L;
        ResyncThrottle t = new ResyncThrottle(0, 0, 0);
        assertFalse(t.shouldSlowDown(250, 0, 100_000, s), "no application I/O");
        assertTrue(t.shouldSlowDown(250, 10_000, 200_000, 2 * s), "app I/O and resync at 50 MB/s");
        assertFalse(t.shouldSlowDown(250, 20_000, 200_100, 3 * s), "resync already slow");
        assertFalse(t.shouldSlowDown(0, 30_000, 400_000, 4 * s), "c-min-rate 0 disables");
    }
}
