package io.scstdrbd.iscsi.conn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.scstdrbd.iscsi.login.NegotiatedParameters;
import io.scstdrbd.iscsi.pdu.DataOut;
import io.scstdrbd.iscsi.pdu.PduFormatException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WriteTransferTest {
    private static final int UNSOLICITED = -1;
    private final List<ByteBuf> made = new ArrayList<>();
    private final AtomicInteger ttt = new AtomicInteger(100);

    private static NegotiatedParameters params(boolean initialR2T, int firstBurst, int maxBurst, int maxR2T,
                                               boolean inOrder) {
        return new NegotiatedParameters(initialR2T, true, 1, 1 << 20, 1 << 20, maxBurst, firstBurst, 0, 0, maxR2T,
                inOrder, true, 0, false, false);
    }

    /** A buffer of {@code len} bytes, each byte = (offset + i) & 0xff, so order can be checked. */
    private ByteBuf data(long offset, int len) {
        ByteBuf b = Unpooled.buffer(len);
        for (int i = 0; i < len; i++) {
            b.writeByte((int) (offset + i));
        }
        made.add(b);
        return b;
    }

    private void dataOut(WriteTransfer w, int tag, int dataSN, long offset, int len, boolean fin)
            throws PduFormatException {
        w.onDataOut(new DataOut(fin, 0, 1, tag, 0, dataSN, (int) offset), data(offset, len));
    }

    private static void assertContent(ByteBuffer[] bufs, long length) {
        long off = 0;
        for (ByteBuffer b : bufs) {
            while (b.hasRemaining()) {
                assertEquals((byte) off, b.get(), "byte at " + off);
                off++;
            }
        }
        assertEquals(length, off);
    }

    private void assertAllReleased() {
        for (ByteBuf b : made) {
            assertEquals(0, b.refCnt(), "buffer released");
        }
    }

    @Test
    void immediateUnsolicitedAndSolicitedBursts() throws Exception {
        // EDTL 64 KiB: 4 KiB immediate, unsolicited up to FirstBurstLength 16 KiB, then R2Ts of 16 KiB, 2 at a time
        WriteTransfer w = new WriteTransfer(65536, data(0, 4096), false, params(false, 16384, 16384, 2, true));
        dataOut(w, UNSOLICITED, 0, 4096, 8192, false);
        dataOut(w, UNSOLICITED, 1, 12288, 4096, true);
        assertTrue(w.nextR2ts(ttt::getAndIncrement).isEmpty(), "no R2T before the core asks");
        w.want(65536);
        List<WriteTransfer.R2tRequest> r = w.nextR2ts(ttt::getAndIncrement);
        assertEquals(2, r.size(), "MaxOutstandingR2T");
        assertEquals(new WriteTransfer.R2tRequest(100, 0, 16384, 16384), r.get(0));
        assertEquals(new WriteTransfer.R2tRequest(101, 1, 32768, 16384), r.get(1));
        assertTrue(w.nextR2ts(ttt::getAndIncrement).isEmpty());
        dataOut(w, 100, 0, 16384, 8192, false);
        dataOut(w, 100, 1, 24576, 8192, true);
        r = w.nextR2ts(ttt::getAndIncrement);
        assertEquals(List.of(new WriteTransfer.R2tRequest(102, 2, 49152, 16384)), r);
        dataOut(w, 101, 0, 32768, 16384, true);
        assertFalse(w.complete());
        dataOut(w, 102, 0, 49152, 16384, true);
        assertTrue(w.complete());
        assertTrue(w.quiescent());
        assertEquals(3, w.r2tsSent());
        assertContent(w.buffers(), 65536);
        w.release();
        assertAllReleased();
    }

    @Test
    void initialR2tYesForbidsUnsolicitedData() {
        assertThrows(PduFormatException.class,
                () -> new WriteTransfer(8192, data(0, 0), false, params(true, 65536, 262144, 1, true)));
    }

    @Test
    void wrongDataSnFailsTheSequence() throws Exception {
        WriteTransfer w = new WriteTransfer(1024, data(0, 0), false, params(false, 65536, 262144, 1, true));
        dataOut(w, UNSOLICITED, 0, 0, 512, false);
        assertThrows(PduFormatException.class, () -> dataOut(w, UNSOLICITED, 0, 512, 512, true));
        w.fail();
        assertFalse(w.complete());
        assertTrue(w.quiescent());
        dataOut(w, UNSOLICITED, 1, 512, 512, true); // dropped without complaint
        w.release();
        assertAllReleased();
    }

    @Test
    void dataSnMinusOneAndUnknownTagAreErrors() throws Exception {
        WriteTransfer w = new WriteTransfer(512, data(0, 0), false, params(false, 65536, 262144, 1, true));
        assertThrows(PduFormatException.class, () -> dataOut(w, UNSOLICITED, -1, 0, 512, true));
        assertThrows(PduFormatException.class, () -> dataOut(w, 555, 0, 0, 512, true));
        w.release();
        assertAllReleased();
    }

    @Test
    void offsetsMustStayInsideTheBurstAndEdtl() throws Exception {
        WriteTransfer w = new WriteTransfer(8192, data(0, 0), true, params(true, 65536, 4096, 4, true));
        w.want(8192);
        w.nextR2ts(ttt::getAndIncrement);
        assertThrows(PduFormatException.class, () -> dataOut(w, 100, 0, 512, 512, false), "not in order");
        assertThrows(PduFormatException.class, () -> dataOut(w, 100, 0, 0, 8192, false), "beyond the burst");
        assertThrows(PduFormatException.class, () -> dataOut(w, 100, 0, 8000, 512, false), "beyond EDTL");
        assertThrows(PduFormatException.class, () -> dataOut(w, 100, 0, 0, 512, true), "F before the burst end");
        w.release();
        assertAllReleased();
    }

    @Test
    void outOfOrderPdusWhenDataPduInOrderIsNo() throws Exception {
        WriteTransfer w = new WriteTransfer(4096, data(0, 0), true, params(true, 65536, 4096, 1, false));
        w.want(4096);
        w.nextR2ts(ttt::getAndIncrement);
        dataOut(w, 100, 1, 2048, 2048, false);
        assertThrows(PduFormatException.class, () -> dataOut(w, 100, 2, 3072, 512, false), "overlap");
        dataOut(w, 100, 0, 0, 2048, true);
        assertTrue(w.complete());
        assertContent(w.buffers(), 4096);
        w.release();
        assertAllReleased();
    }

    @Test
    void coreWantsLessThanEdtl() throws Exception {
        // EDTL 2048 but the CDB transfers 512: the rest is received and dropped, nothing solicited
        WriteTransfer w = new WriteTransfer(2048, data(0, 1024), false, params(false, 2048, 262144, 1, true));
        w.want(512);
        assertTrue(w.complete());
        assertTrue(w.nextR2ts(ttt::getAndIncrement).isEmpty());
        assertContent(w.buffers(), 512);
        assertFalse(w.quiescent(), "unsolicited data still due");
        dataOut(w, UNSOLICITED, 0, 1024, 1024, true);
        assertTrue(w.quiescent());
        w.release();
        assertAllReleased();
    }

    @Test
    void shortUnsolicitedSequenceGetsSolicited() throws Exception {
        WriteTransfer w = new WriteTransfer(16384, data(0, 0), false, params(false, 8192, 262144, 1, true));
        w.want(16384);
        List<WriteTransfer.R2tRequest> r = w.nextR2ts(ttt::getAndIncrement);
        assertEquals(List.of(new WriteTransfer.R2tRequest(100, 0, 8192, 8192)), r);
        dataOut(w, UNSOLICITED, 0, 0, 4096, true); // the initiator stops early
        dataOut(w, 100, 0, 8192, 8192, true);
        r = w.nextR2ts(ttt::getAndIncrement);
        assertEquals(List.of(new WriteTransfer.R2tRequest(101, 1, 4096, 4096)), r);
        dataOut(w, 101, 0, 4096, 4096, true);
        assertTrue(w.complete());
        assertContent(w.buffers(), 16384);
        w.release();
        assertAllReleased();
    }

    @Test
    void releaseDataKeepsCheckingLateDataOut() throws Exception {
        WriteTransfer w = new WriteTransfer(4096, data(0, 0), false, params(false, 4096, 262144, 1, true));
        dataOut(w, UNSOLICITED, 0, 0, 1024, false);
        w.releaseData();
        assertFalse(w.quiescent());
        dataOut(w, UNSOLICITED, 1, 1024, 3072, true);
        assertTrue(w.quiescent());
        w.release();
        assertAllReleased();
    }
}
