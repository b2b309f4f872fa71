package io.scstdrbd.drbd.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ResyncMarksTest {

    @Test
    void theRecentWindowStartsAtTheMarkBeforeTheNewest() {
        ResyncMarks m = new ResyncMarks();
        m.reset(100_000, 1_000);
        // before any mark the window is the whole run so far
        assertEquals(new ResyncMarks.Window(2_000, 10_000), m.recent(90_000, 3_000));
        assertFalse(m.due(3_999));
        assertFalse(m.advance(88_000, 3_999, false)); // too early: no mark, nothing reported
        assertEquals(new ResyncMarks.Window(3_000, 12_000), m.recent(88_000, 4_000));
        assertTrue(m.due(4_000));
        assertTrue(m.advance(80_000, 4_000, false)); // mark 1 at 4 s, 80000 left: reported
        assertFalse(m.advance(70_000, 6_999, false)); // within 3 s of the last report
        assertTrue(m.advance(60_000, 7_000, false)); // mark 2 at 7 s, 60000 left
        // window from mark 1 to now: 40000 sectors in 4 s (drbdsetup: 40000/4000*1000/2048 = 4.88 MiB/s)
        assertEquals(new ResyncMarks.Window(4_000, 40_000), m.recent(40_000, 8_000));
        // the long window still starts at the start (marks 3..7 are the reset ones)
        assertEquals(new ResyncMarks.Window(7_000, 60_000), m.older(40_000, 8_000));
    }

    @Test
    void noMarkWithoutProgressNorWhilePaused() {
        ResyncMarks m = new ResyncMarks();
        m.reset(1_000, 0);
        // nothing moved: no mark, nothing reported, and the step clock does not restart
        assertFalse(m.advance(1_000, 5_000, false));
        assertTrue(m.due(5_001));
        assertTrue(m.advance(900, 6_000, true)); // paused: reported but no mark
        assertFalse(m.due(8_000));
        // still paused, nothing moved since that report: quiet, however long the pause lasts
        assertFalse(m.advance(900, 9_000, true));
        assertFalse(m.advance(900, 30_000, true));
        assertEquals(new ResyncMarks.Window(9_000, 200), m.recent(800, 9_000));
    }

    @Test
    void aFullRingKeepsTheEightNewestMarks() {
        ResyncMarks m = new ResyncMarks();
        m.reset(1_000_000, 0);
        for (int i = 1; i <= 20; i++) {
            m.advance(1_000_000 - i * 1_000L, i * 3_000L, false);
        }
        // newest mark: step 20 at 60 s; the one before: step 19 at 57 s
        assertEquals(new ResyncMarks.Window(4_000, 2_000), m.recent(1_000_000 - 21_000, 61_000));
        // (last + 2) mod 8 is the mark of step 14 (42 s): stable for at least one more step
        assertEquals(new ResyncMarks.Window(19_000, 7_000), m.older(1_000_000 - 21_000, 61_000));
    }
}
