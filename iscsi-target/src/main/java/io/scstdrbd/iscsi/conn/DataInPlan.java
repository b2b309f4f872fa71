package io.scstdrbd.iscsi.conn;

import java.util.ArrayList;
import java.util.List;

/**
 * How data-in is cut into Data-In PDUs (RFC 7143 11.7): each PDU at most the initiator's
 * MaxRecvDataSegmentLength (capped by MaxXmitDataSegmentLength), sequences of at most
 * MaxBurstLength, the F bit on the last PDU of each sequence.
 */
final class DataInPlan {
    /** One Data-In PDU: its buffer offset and length, F bit, and whether it is the last one. */
    record Segment(long offset, int length, boolean finalFlag, boolean last) {
    }

    private DataInPlan() {
    }

    static List<Segment> of(long length, int maxSegment, int maxBurst) {
        List<Segment> out = new ArrayList<>((int) Math.min(1024, length / Math.max(1, maxSegment) + 1));
        long off = 0;
        long seqLeft = maxBurst;
        while (off < length) {
            int len = (int) Math.min(Math.min(maxSegment, length - off), seqLeft);
            boolean last = off + len == length;
            boolean seqEnd = last || seqLeft - len == 0;
            out.add(new Segment(off, len, seqEnd, last));
            off += len;
            seqLeft = seqEnd ? maxBurst : seqLeft - len;
        }
        return out;
    }
}
