package io.scstdrbd.iscsi.conn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.scstdrbd.iscsi.conn.DataInPlan.Segment;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataInPlanTest {
    @Test
    void segmentsFollowTheInitiatorsSizeAndBurst() {
        assertEquals(List.of(new Segment(0, 4096, false, false), new Segment(4096, 4096, true, false),
                new Segment(8192, 4096, false, false), new Segment(12288, 2000, true, true)),
                DataInPlan.of(14288, 4096, 8192));
    }

    @Test
    void aBurstBoundaryInsideASegmentSize() {
        // MaxBurstLength 6000 is not a multiple of the 4096 segment size: the sequence ends at 6000
        assertEquals(List.of(new Segment(0, 4096, false, false), new Segment(4096, 1904, true, false),
                new Segment(6000, 4000, true, true)), DataInPlan.of(10000, 4096, 6000));
    }

    @Test
    void oneSmallPdu() {
        assertEquals(List.of(new Segment(0, 36, true, true)), DataInPlan.of(36, 262144, 262144));
        assertEquals(List.of(), DataInPlan.of(0, 8192, 8192));
    }

    @Test
    void residuals() {
        assertEquals(new Residual(true, false, 312), Residual.of(512, 200));
        assertEquals(new Residual(false, true, 10000 - 512), Residual.of(512, 10000));
        assertEquals(Residual.NONE, Residual.of(4096, 4096));
        assertEquals(new Residual(true, false, -1), Residual.of(1L << 40, 0), "saturates at 2^32-1");
    }
}
