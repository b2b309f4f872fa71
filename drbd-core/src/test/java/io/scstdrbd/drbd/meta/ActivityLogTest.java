package io.scstdrbd.drbd.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ActivityLogTest {

    @Test
    void hotExtentsTakeTheFastPathAndColdOnesATransaction() {
        ActivityLog al = new ActivityLog(67, 1, 8);
        assertFalse(al.tryBegin(3, 3));
        List<ActivityLog.Change> c = al.plan(3, 3);
        assertEquals(List.of(new ActivityLog.Change(0, AlTransaction.FREE, 3)), c);
        al.committed(c);
        al.complete(3, 3);
        assertTrue(al.tryBegin(3, 3));
        al.complete(3, 3);
        assertEquals(0, al.inUse());
    }

    @Test
    void evictsTheLeastRecentlyUsedIdleExtentOnlyWhenFull() {
        ActivityLog al = new ActivityLog(67, 1, 8);
        for (int e = 0; e < 67; e++) {
            List<ActivityLog.Change> c = al.plan(e, e);
            assertNotNull(c, "extent " + e);
            assertEquals(AlTransaction.FREE, c.get(0).oldExtent());
            al.committed(c);
            al.complete(e, e);
        }
        assertTrue(al.tryBegin(0, 0)); // 0 becomes the most recently used
        al.complete(0, 0);
        List<ActivityLog.Change> c = al.plan(100, 100);
        assertEquals(1, c.get(0).oldExtent(), "LRU victim");
        // the victim is cold immediately: a new write to it must wait for the transaction
        assertFalse(al.tryBegin(1, 1));
        al.committed(c);
        al.complete(100, 100);
        assertEquals(67, al.activeExtents().size());
        assertTrue(al.activeExtents().contains(100));
        assertFalse(al.activeExtents().contains(1));
    }

    @Test
    void busyExtentsAreNeverEvicted() {
        ActivityLog al = new ActivityLog(67, 1, 8);
        for (int e = 0; e < 67; e++) {
            al.committed(al.plan(e, e)); // every write still in flight
        }
        assertNull(al.plan(500, 500), "no idle slot: the writer must wait");
        al.complete(40, 40);
        List<ActivityLog.Change> c = al.plan(500, 500);
        assertEquals(40, c.get(0).oldExtent());
    }

    @Test
    void transactionsCarryTheContextInSlices() {
        ActivityLog al = new ActivityLog(1237, 1, 8);
        List<ActivityLog.Change> c = al.plan(7, 8);
        AlTransaction t = al.transaction(c);
        assertEquals(0, t.trNumber());
        assertEquals(0, t.contextStartSlot());
        al.committed(c);
        AlTransaction t2 = al.transaction(List.of());
        assertEquals(1, t2.trNumber());
        assertEquals(919, t2.contextStartSlot());
        al.committed(List.of());
        AlTransaction t3 = al.transaction(List.of());
        assertEquals(0, t3.contextStartSlot());
        assertEquals(7, t3.context()[0]);
        assertEquals(8, t3.context()[1]);
    }
}
