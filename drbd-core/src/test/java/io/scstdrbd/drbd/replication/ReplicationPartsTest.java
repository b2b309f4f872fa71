package io.scstdrbd.drbd.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.drbd.wire.ProtocolException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicationPartsTest {
    @Test
    void rangeLockOrdersOverlappingRangesFifo() {
        RangeLock l = new RangeLock();
        List<String> order = new ArrayList<>();
        RangeLock.Range a = l.acquire(0, 8, r -> order.add("a"));
        RangeLock.Range b = l.acquire(4, 8, r -> order.add("b"));
        RangeLock.Range c = l.acquire(100, 8, r -> order.add("c"));
        RangeLock.Range d = l.acquire(6, 1, r -> order.add("d"));
        assertEquals(List.of("a", "c"), order);
        a.release();
        assertEquals(List.of("a", "c", "b"), order, "d waits behind b, which overlaps it");
        b.release();
        assertEquals(List.of("a", "c", "b", "d"), order);
        c.release();
        d.release();
        assertEquals(0, l.size());
        assertThrows(IllegalStateException.class, d::release);
    }

    @Test
    void transferLogBarrierAcks() throws Exception {
        TransferLog t = new TransferLog(7);
        TransferLog.Entry w1 = t.add(0, 4096, 8, null);
        TransferLog.Entry w2 = t.add(8, 4096, 16, null);
        assertEquals(7, t.closeEpoch());
        assertNull(t.closeEpoch(), "empty epochs are not closed");
        TransferLog.Entry w3 = t.add(16, 4096, 24, null);
        assertEquals(8, t.closeEpoch());
        assertSame(w2, t.acked(w2.blockId));
        assertThrows(ProtocolException.class, () -> t.barrierAcked(8, 1), "out of order");
        assertThrows(ProtocolException.class, () -> t.barrierAcked(7, 3), "wrong count");
        assertEquals(List.of(w1, w2), t.barrierAcked(7, 2));
        TransferLog.Entry w4 = t.add(24, 512, 25, null);
        assertEquals(List.of(w3, w4), t.clear());
        assertTrue(t.isEmpty());
    }

    @Test
    void receiverEpochsFinishInOrder() {
        ReceiverEpochs r = new ReceiverEpochs();
        ReceiverEpochs.Epoch e1 = r.writeReceived();
        r.writeReceived();
        r.barrier(5);
        ReceiverEpochs.Epoch e2 = r.writeReceived();
        r.barrier(6);
        assertNull(r.nextToFinish());
        r.writeDone(e2);
        assertNull(r.nextToFinish(), "epoch 6 waits for epoch 5");
        r.writeDone(e1);
        assertNull(r.nextToFinish());
        r.writeDone(e1);
        ReceiverEpochs.Epoch f = r.nextToFinish();
        assertSame(e1, f);
        assertEquals(2, f.writes());
        assertEquals(5, f.barrier());
        assertNull(r.nextToFinish(), "already finishing");
        r.finished(f);
        ReceiverEpochs.Epoch g = r.nextToFinish();
        assertEquals(6, g.barrier());
        r.finished(g);
        assertEquals(false, r.hasClosedUnfinished());
    }
}
