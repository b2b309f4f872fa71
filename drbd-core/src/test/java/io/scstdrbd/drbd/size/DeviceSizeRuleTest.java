package io.scstdrbd.drbd.size;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DeviceSizeRuleTest {

    @Test
    void theSmallerDataAreaWinsWhileEveryPeerIsSeen() {
        assertEquals(1000, DeviceSizeRule.decide(2000, 1000, true, 0, 0, false).sectors());
        assertEquals(1000, DeviceSizeRule.decide(1000, 2000, true, 0, 0, false).sectors());
        assertEquals(1000, DeviceSizeRule.decide(1000, 0, true, 500, 0, false).sectors(), "no peer with a disk");
    }

    @Test
    void anUnseenPeerKeepsTheLastAgreedSizeUnlessTheUserSaysItHasSpace() {
        assertEquals(500, DeviceSizeRule.decide(1000, 0, false, 500, 0, false).sectors());
        assertEquals(1000, DeviceSizeRule.decide(1000, 0, false, 500, 0, true).sectors());
        assertEquals(1000, DeviceSizeRule.decide(1000, 0, false, 0, 0, false).sectors(), "never agreed: all of it");
        assertEquals(800, DeviceSizeRule.decide(800, 0, false, 1000, 0, false).sectors(), "the disk shrank");
    }

    @Test
    void aUserSizeIsTakenOnlyIfItFits() {
        DeviceSizeRule.Decision fits = DeviceSizeRule.decide(1000, 2000, true, 0, 600, false);
        assertEquals(600, fits.sectors());
        assertFalse(fits.userSizeTooBig());
        DeviceSizeRule.Decision tooBig = DeviceSizeRule.decide(1000, 900, true, 0, 950, false);
        assertEquals(900, tooBig.sectors());
        assertTrue(tooBig.userSizeTooBig());
    }
}
