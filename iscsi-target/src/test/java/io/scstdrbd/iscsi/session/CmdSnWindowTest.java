package io.scstdrbd.iscsi.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CmdSnWindowTest {
    @Test
    void windowFollowsQueueDepth() {
        CmdSnWindow w = new CmdSnWindow(10, 2);
        assertEquals(10, w.expCmdSN());
        assertEquals(11, w.maxCmdSN());
        assertEquals(CmdSnWindow.Position.IN_ORDER, w.position(10));
        assertEquals(CmdSnWindow.Position.AHEAD, w.position(11));
        assertEquals(CmdSnWindow.Position.OUTSIDE, w.position(12));
        assertEquals(CmdSnWindow.Position.OUTSIDE, w.position(9));
        w.acceptHoldingSlot();
        w.acceptHoldingSlot();
        assertEquals(12, w.expCmdSN());
        assertEquals(11, w.maxCmdSN(), "two commands in progress: the window is closed");
        assertEquals(CmdSnWindow.Position.OUTSIDE, w.position(12));
        w.release();
        assertEquals(12, w.maxCmdSN());
        assertEquals(CmdSnWindow.Position.IN_ORDER, w.position(12));
        w.release();
        assertEquals(13, w.maxCmdSN());
    }

    @Test
    void completedRequestsMoveTheWindowAtOnce() {
        CmdSnWindow w = new CmdSnWindow(0, 4);
        w.acceptCompleted();
        assertEquals(1, w.expCmdSN());
        assertEquals(4, w.maxCmdSN());
        w.release(); // nothing held a slot: no change
        assertEquals(4, w.maxCmdSN());
    }

    @Test
    void wrapsAroundZero() {
        CmdSnWindow w = new CmdSnWindow(0xfffffffe, 8);
        assertEquals(5, w.maxCmdSN());
        assertEquals(CmdSnWindow.Position.AHEAD, w.position(2));
        assertEquals(CmdSnWindow.Position.OUTSIDE, w.position(0xfffffffd));
        for (int i = 0; i < 3; i++) {
            w.acceptHoldingSlot();
        }
        assertEquals(1, w.expCmdSN());
        assertEquals(CmdSnWindow.Position.IN_ORDER, w.position(1));
    }
}
