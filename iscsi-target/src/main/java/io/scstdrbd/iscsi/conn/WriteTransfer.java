package io.scstdrbd.iscsi.conn;

import io.netty.buffer.ByteBuf;
import io.scstdrbd.iscsi.login.NegotiatedParameters;
import io.scstdrbd.iscsi.pdu.DataOut;
import io.scstdrbd.iscsi.pdu.PduFormatException;
import io.scstdrbd.iscsi.pdu.PduHeader;
import io.scstdrbd.iscsi.pdu.Reject;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntSupplier;

/**
 * The write data of one command (RFC 7143 10.7 / 10.8): immediate data, the unsolicited Data-Out
 * sequence, and the solicited bursts, each started by an R2T of at most MaxBurstLength, with at
 * most MaxOutstandingR2T bursts open at a time. Every Data-Out is checked (target transfer tag,
 * DataSN, buffer offset, overlaps); a violation is a protocol error. Data is kept as zero-copy
 * slices until the command ends.
 *
 * <p>Not thread-safe: owned by the connection's event loop.
 */
final class WriteTransfer {
    /** One R2T to send. */
    record R2tRequest(int ttt, int r2tSN, long offset, int length) {
    }

    /** An open solicited burst. */
    private static final class Burst {
        final long offset;
        final int length;
        int nextDataSN;
        int received;

        Burst(long offset, int length) {
            this.offset = offset;
            this.length = length;
        }
    }

    private final long edtl;
    private final int maxBurst;
    private final int maxOutstanding;
    private final boolean pduInOrder;
    private final TreeMap<Long, ByteBuf> segments = new TreeMap<>();
    private final Map<Integer, Burst> bursts = new LinkedHashMap<>();

    private long unsolicitedEnd;
    private boolean unsolicitedOpen;
    private long unsolicitedNext;
    private int unsolicitedDataSN;

    private long wanted = -1;
    private long covered;
    private long nextR2tOffset;
    /** Range the unsolicited sequence left out when it ended early: solicited first. */
    private long gapStart = -1;
    private long gapEnd;
    private int r2tSN;
    private int r2tsSent;
    private boolean dataReleased;
    private boolean failed;

    /**
     * @param immediate   immediate data (ownership passes here), may be empty
     * @param finalBit    the command's F bit: false when unsolicited Data-Out PDUs follow
     * @throws PduFormatException when the command's data announcement breaks the negotiated rules
     */
    WriteTransfer(long edtl, ByteBuf immediate, boolean finalBit, NegotiatedParameters p) throws PduFormatException {
        this.edtl = edtl;
        this.maxBurst = p.maxBurstLength();
        this.maxOutstanding = Math.max(1, p.maxOutstandingR2T());
        this.pduInOrder = p.dataPduInOrder();
        int imm = immediate.readableBytes();
        if (imm > 0) {
            segments.put(0L, immediate);
            covered = imm;
        } else {
            immediate.release();
        }
        long unsolicitedLimit = Math.min(p.firstBurstLength(), edtl);
        if (!finalBit) {
            if (p.initialR2T()) {
                throw new PduFormatException("unsolicited Data-Out announced (F=0) but InitialR2T=Yes");
            }
            if (imm >= unsolicitedLimit) {
                throw new PduFormatException("F=0 but immediate data already fills FirstBurstLength/EDTL");
            }
            unsolicitedOpen = true;
            unsolicitedEnd = unsolicitedLimit;
        } else {
            unsolicitedEnd = imm;
        }
        unsolicitedNext = imm;
        nextR2tOffset = unsolicitedEnd;
    }

    /** Takes one Data-Out PDU (ownership of {@code data} passes here). */
    void onDataOut(DataOut h, ByteBuf data) throws PduFormatException {
        try {
            accept(h, data);
        } catch (PduFormatException e) {
            data.release();
            throw e;
        }
    }

    private void accept(DataOut h, ByteBuf data) throws PduFormatException {
        if (failed) {
            data.release(); // the rest of a broken sequence is dropped
            return;
        }
        int len = data.readableBytes();
        long off = h.bufferOffset() & 0xffffffffL;
        if (off + len > edtl) {
            throw new PduFormatException("Data-Out offset " + off + " + " + len + " beyond EDTL " + edtl,
                    Reject.INVALID_PDU_FIELD);
        }
        // every check comes before any state changes: a rejected PDU leaves the transfer as it was
        if (h.ttt() == PduHeader.RESERVED_TAG) {
            if (!unsolicitedOpen) {
                throw new PduFormatException("unsolicited Data-Out not expected");
            }
            if (h.dataSN() != unsolicitedDataSN) {
                throw new PduFormatException("unsolicited Data-Out DataSN " + Integer.toUnsignedString(h.dataSN())
                        + ", expected " + unsolicitedDataSN);
            }
            if (off + len > unsolicitedEnd || (pduInOrder && off != unsolicitedNext)) {
                throw new PduFormatException("unsolicited Data-Out at offset " + off + " length " + len
                        + " (expected offset " + unsolicitedNext + ", end " + unsolicitedEnd + ")");
            }
            checkOverlap(off, len);
            unsolicitedDataSN++;
            unsolicitedNext = off + len;
            store(off, data);
            if (h.finalFlag()) {
                unsolicitedOpen = false;
                if (unsolicitedNext < unsolicitedEnd) {
                    // the initiator sent less than it might: solicit the rest
                    gapStart = unsolicitedNext;
                    gapEnd = unsolicitedEnd;
                    unsolicitedEnd = unsolicitedNext;
                }
            }
            return;
        }
        Burst b = bursts.get(h.ttt());
        if (b == null) {
            throw new PduFormatException("Data-Out with unknown target transfer tag 0x"
                    + Integer.toHexString(h.ttt()), Reject.INVALID_PDU_FIELD);
        }
        if (pduInOrder && h.dataSN() != b.nextDataSN) {
            throw new PduFormatException("Data-Out DataSN " + Integer.toUnsignedString(h.dataSN()) + ", expected "
                    + b.nextDataSN);
        }
        long expected = b.offset + b.received;
        if (off < b.offset || off + len > b.offset + b.length || (pduInOrder && off != expected)) {
            throw new PduFormatException("Data-Out offset " + off + " length " + len + " outside the R2T burst "
                    + b.offset + "+" + b.length);
        }
        checkOverlap(off, len);
        if (h.finalFlag() && b.received + len != b.length) {
            throw new PduFormatException("Data-Out F bit after " + (b.received + len) + " of " + b.length
                    + " bytes");
        }
        b.nextDataSN++;
        b.received += len;
        store(off, data);
        if (b.received == b.length) {
            bursts.remove(h.ttt());
        }
    }

    private void checkOverlap(long off, int len) throws PduFormatException {
        if (len == 0) {
            return;
        }
        Map.Entry<Long, ByteBuf> below = segments.floorEntry(off);
        Map.Entry<Long, ByteBuf> above = segments.ceilingEntry(off);
        if ((below != null && below.getKey() + below.getValue().readableBytes() > off)
                || (above != null && above.getKey() < off + len)) {
            throw new PduFormatException("Data-Out at offset " + off + " overlaps data already received");
        }
    }

    /** Keeps (or, beyond what the command transfers, drops) checked data. Takes ownership. */
    private void store(long off, ByteBuf data) {
        int len = data.readableBytes();
        if (len == 0 || dataReleased || (wanted >= 0 && off >= wanted)) {
            data.release();
            return;
        }
        segments.put(off, data);
        long end = wanted >= 0 ? Math.min(off + len, wanted) : off + len;
        covered += end - off;
    }

    /** The core wants the first {@code length} bytes. */
    void want(long length) {
        wanted = length;
        long c = 0;
        for (Map.Entry<Long, ByteBuf> e : segments.entrySet()) {
            long s = e.getKey();
            long end = Math.min(s + e.getValue().readableBytes(), length);
            if (end > s) {
                c += end - s;
            }
        }
        covered = c;
    }

    boolean wantKnown() {
        return wanted >= 0;
    }

    /** The R2Ts to send now (MaxOutstandingR2T, MaxBurstLength). */
    List<R2tRequest> nextR2ts(IntSupplier tttSource) {
        List<R2tRequest> out = new ArrayList<>(2);
        if (wanted < 0) {
            return out;
        }
        while (bursts.size() < maxOutstanding) {
            long start;
            long end;
            if (gapStart >= 0 && gapStart < Math.min(gapEnd, wanted)) {
                start = gapStart;
                end = Math.min(gapEnd, wanted);
            } else if (nextR2tOffset < wanted) {
                start = nextR2tOffset;
                end = wanted;
            } else {
                break;
            }
            int len = (int) Math.min(maxBurst, end - start);
            int ttt = tttSource.getAsInt();
            bursts.put(ttt, new Burst(start, len));
            out.add(new R2tRequest(ttt, r2tSN++, start, len));
            if (start == gapStart) {
                gapStart += len;
            } else {
                nextR2tOffset += len;
            }
            r2tsSent++;
        }
        return out;
    }

    /** All wanted bytes are in. */
    boolean complete() {
        return !failed && wanted >= 0 && covered == wanted;
    }

    /** No Data-Out is still expected from the initiator: a response may be sent. */
    boolean quiescent() {
        return !unsolicitedOpen && bursts.isEmpty();
    }

    int r2tsSent() {
        return r2tsSent;
    }

    /** The wanted bytes in order, as views of the received buffers (no copy). */
    ByteBuffer[] buffers() {
        List<ByteBuffer> out = new ArrayList<>(segments.size() + 2);
        for (Map.Entry<Long, ByteBuf> e : segments.entrySet()) {
            long s = e.getKey();
            if (s >= wanted) {
                break;
            }
            ByteBuf b = e.getValue();
            int n = (int) Math.min(b.readableBytes(), wanted - s);
            if (b.nioBufferCount() == 1) {
                out.add(b.nioBuffer(b.readerIndex(), n));
            } else {
                for (ByteBuffer bb : b.nioBuffers(b.readerIndex(), n)) {
                    out.add(bb);
                }
            }
        }
        return out.toArray(new ByteBuffer[0]);
    }

    /** Frees the data (the command is done with it) but keeps checking late Data-Out. */
    void releaseData() {
        for (ByteBuf b : segments.values()) {
            b.release();
        }
        segments.clear();
        dataReleased = true;
    }

    /**
     * The initiator broke the data sequence: the data is dropped, nothing more is solicited or
     * expected, and later Data-Out for the command is ignored.
     */
    void fail() {
        releaseData();
        failed = true;
        bursts.clear();
        unsolicitedOpen = false;
        gapStart = -1;
        nextR2tOffset = Long.MAX_VALUE;
    }

    boolean failed() {
        return failed;
    }

    /** Frees every buffer held. */
    void release() {
        for (ByteBuf b : segments.values()) {
            b.release();
        }
        segments.clear();
        bursts.clear();
        unsolicitedOpen = false;
    }
}
