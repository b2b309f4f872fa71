package io.scstdrbd.fuse.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RangeLockTest {
    private final RangeLock lock = new RangeLock();
    private final List<String> granted = new ArrayList<>();
    private final List<RangeLock.Range> held = new ArrayList<>();

    private void acquire(String tag, long start, long end, boolean exclusive) {
        lock.acquire(start, end, exclusive, r -> {
            granted.add(tag);
            held.add(r);
        });
    }

    private RangeLock.Range heldOf(int i) {
        return held.get(i);
    }

    @Test
    void sharedRangesRunTogetherExclusiveWaits() {
        acquire("w1", 0, 4096, false);
        acquire("w2", 0, 4096, false);
        assertEquals(List.of("w1", "w2"), granted, "plain writes do not exclude each other");
        acquire("rmw", 2048, 8192, true);
        assertEquals(2, granted.size(), "RMW waits for the overlapping writes");
        acquire("far", 1 << 20, (1 << 20) + 512, true);
        assertEquals(List.of("w1", "w2", "far"), granted, "a non-overlapping request is not held up");
        lock.release(heldOf(0));
        assertEquals(3, granted.size());
        lock.release(heldOf(1));
        assertEquals(List.of("w1", "w2", "far", "rmw"), granted);
    }

    @Test
    void overlappingRequestsKeepTheirOrder() {
        acquire("rmw1", 0, 4096, true);
        acquire("w", 1024, 2048, false);
        acquire("rmw2", 0, 1536, true);
        acquire("w2", 3072, 4096, false);
        assertEquals(List.of("rmw1"), granted);
        lock.release(heldOf(0));
        // w and w2 are both shared and do not overlap each other; rmw2 must wait behind w (no overtaking)
        assertEquals(List.of("rmw1", "w", "w2"), granted);
        lock.release(heldOf(1));
        assertEquals(List.of("rmw1", "w", "w2", "rmw2"), granted);
        lock.release(heldOf(2));
        lock.release(heldOf(3));
        assertEquals(0, lock.size());
    }

    @Test
    void adjacentRangesDoNotConflict() {
        acquire("a", 0, 4096, true);
        acquire("b", 4096, 8192, true);
        assertEquals(List.of("a", "b"), granted);
    }

    @Test
    void releasingTwiceIsABug() {
        acquire("a", 0, 1, true);
        lock.release(heldOf(0));
        assertThrows(IllegalStateException.class, () -> lock.release(heldOf(0)));
    }
}
