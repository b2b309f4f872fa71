package io.scstdrbd.scst.cdb;

import io.scstdrbd.kernel.bytes.BigEndian;
import io.scstdrbd.scst.sense.ScsiError;
import io.scstdrbd.scst.sense.ScsiException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The parameter list of EXTENDED COPY (LID1) (SPC-4 6.4.3): header, copy target descriptors
 * (only the 32-byte identification descriptor E4h is supported) and segment descriptors (only
 * block device to block device, 02h). Validated in the order SPC-4 and initiators expect:
 * lengths first, then descriptor counts, then descriptor type codes.
 */
public record CopyParameterList(int listId, int listIdUsage, List<Target> targets, List<Segment> segments) {

    public static final int HEADER = 16;
    public static final int TARGET_DESCRIPTOR = 32;
    public static final int MAX_TARGETS = 16;
    public static final int MAX_SEGMENTS = 16;
    public static final int MAX_DESCRIPTOR_LIST = 1024;
    public static final int TYPE_IDENTIFICATION = 0xe4;
    public static final int TYPE_BLOCK_TO_BLOCK = 0x02;
    public static final int[] IMPLEMENTED = {TYPE_BLOCK_TO_BLOCK, TYPE_IDENTIFICATION};

    /** LIST ID USAGE 11b: the list identifier is not used and no results are kept. */
    public static final int LIST_ID_UNUSED = 3;

    public CopyParameterList {
        targets = List.copyOf(targets);
        segments = List.copyOf(segments);
    }

    /**
     * An identification copy target descriptor.
     *
     * @param designator the designation descriptor: byte 0 code set, byte 1 association and type,
     *                   byte 3 length, then the designator
     * @param blockLength the disk block length it announces (0 if not given)
     */
    public record Target(int peripheralType, byte[] designator, int blockLength) {
        public Target {
            designator = designator.clone();
        }

        @Override
        public byte[] designator() {
            return designator.clone();
        }

        /** True if {@code d} (a VPD 83h designation descriptor) names the same logical unit. */
        public boolean matches(byte[] d) {
            return (d[0] & 0x0f) == (designator[0] & 0x0f) && (d[1] & 0x3f) == (designator[1] & 0x3f)
                    && Arrays.equals(d, 3, 4 + (d[3] & 0xff), designator, 3, 4 + (designator[3] & 0xff));
        }
    }

    /** A block-to-block segment: copy {@code blocks} from (src, srcLba) to (dst, dstLba). */
    public record Segment(int src, int dst, long blocks, boolean destinationCount, long srcLba, long dstLba) {
    }

    public static CopyParameterList parse(byte[] p) throws ScsiException {
        if (p.length < HEADER) {
            throw ScsiException.of(ScsiError.PARAMETER_LIST_LENGTH_ERROR);
        }
        int listId = p[0] & 0xff;
        int usage = (p[1] >>> 3) & 3;
        int tdl = BigEndian.u16(p, 2);
        long sdl = BigEndian.u32(p, 8);
        long inline = BigEndian.u32(p, 12);
        if (HEADER + tdl + sdl + inline > p.length) {
            throw ScsiException.of(ScsiError.PARAMETER_LIST_LENGTH_ERROR);
        }
        if (tdl + sdl > MAX_DESCRIPTOR_LIST) {
            throw ScsiException.of(ScsiError.PARAMETER_LIST_LENGTH_ERROR);
        }
        if (tdl % TARGET_DESCRIPTOR != 0) {
            throw ScsiException.invalidParameter(2, -1);
        }
        if (tdl / TARGET_DESCRIPTOR > MAX_TARGETS) {
            throw ScsiException.of(ScsiError.TOO_MANY_TARGET_DESCRIPTORS);
        }
        // count segments before looking at their types
        List<int[]> segs = new ArrayList<>();
        int off = HEADER + tdl;
        int end = (int) (HEADER + tdl + sdl);
        while (off < end) {
            if (off + 4 > end) {
                throw ScsiException.of(ScsiError.PARAMETER_LIST_LENGTH_ERROR);
            }
            int len = 4 + BigEndian.u16(p, off + 2);
            if (off + len > end) {
                throw ScsiException.of(ScsiError.PARAMETER_LIST_LENGTH_ERROR);
            }
            segs.add(new int[] {off, len});
            off += len;
        }
        if (segs.size() > MAX_SEGMENTS) {
            throw ScsiException.of(ScsiError.TOO_MANY_SEGMENT_DESCRIPTORS);
        }
        List<Target> targets = new ArrayList<>();
        for (int t = HEADER; t < HEADER + tdl; t += TARGET_DESCRIPTOR) {
            if ((p[t] & 0xff) != TYPE_IDENTIFICATION) {
                throw ScsiException.of(ScsiError.UNSUPPORTED_TARGET_DESCRIPTOR_TYPE);
            }
            int type = p[t + 1] & 0x1f;
            int dlen = p[t + 7] & 0xff;
            if (dlen > 16) {
                throw ScsiException.invalidParameter(t + 7, -1);
            }
            byte[] d = Arrays.copyOfRange(p, t + 4, t + 8 + dlen);
            int blockLength = type == 0 ? BigEndian.u24(p, t + 29) : 0;
            targets.add(new Target(type, d, blockLength));
        }
        List<Segment> segments = new ArrayList<>();
        for (int[] s : segs) {
            int o = s[0];
            if ((p[o] & 0xff) != TYPE_BLOCK_TO_BLOCK) {
                throw ScsiException.of(ScsiError.UNSUPPORTED_SEGMENT_DESCRIPTOR_TYPE);
            }
            if (s[1] != 28) {
                throw ScsiException.invalidParameter(o + 2, -1);
            }
            segments.add(new Segment(BigEndian.u16(p, o + 4), BigEndian.u16(p, o + 6), BigEndian.u16(p, o + 10),
                    (p[o + 1] & 0x02) != 0, BigEndian.u64(p, o + 12), BigEndian.u64(p, o + 20)));
        }
        return new CopyParameterList(listId, usage, targets, segments);
    }
}
