package io.scstdrbd.scst.sense;

import io.scstdrbd.kernel.bytes.BigEndian;

/**
 * Encodes {@link SenseData} as fixed-format (response code 70h, 18 bytes) or descriptor-format
 * (72h) sense data (SPC-4 4.5). The Control mode page's D_SENSE bit picks the format.
 */
public final class SenseFormat {
    public static final int FIXED_LENGTH = 18;

    private SenseFormat() {
    }

    public static byte[] encode(SenseData s, boolean descriptor) {
        return descriptor ? descriptor(s) : fixed(s);
    }

    public static byte[] fixed(SenseData s) {
        byte[] b = new byte[FIXED_LENGTH];
        boolean valid = s.information() >= 0;
        b[0] = (byte) (0x70 | (valid ? 0x80 : 0));
        b[2] = (byte) s.error().key().code();
        if (valid) {
            BigEndian.put32(b, 3, s.information());
        }
        b[7] = (byte) (FIXED_LENGTH - 8);
        b[12] = (byte) s.error().asc();
        b[13] = (byte) s.error().ascq();
        if (s.fieldPointer() >= 0) {
            b[15] = (byte) (0x80 | (s.fieldPointer() >>> 16));
            BigEndian.put16(b, 16, s.fieldPointer() & 0xffff);
        }
        return b;
    }

    public static byte[] descriptor(SenseData s) {
        boolean info = s.information() >= 0;
        boolean sks = s.fieldPointer() >= 0;
        int len = 8 + (info ? 12 : 0) + (sks ? 8 : 0);
        byte[] b = new byte[len];
        b[0] = 0x72;
        b[1] = (byte) s.error().key().code();
        b[2] = (byte) s.error().asc();
        b[3] = (byte) s.error().ascq();
        b[7] = (byte) (len - 8);
        int off = 8;
        if (info) {
            b[off] = 0x00;          // information descriptor
            b[off + 1] = 0x0a;
            b[off + 2] = (byte) 0x80; // VALID
            BigEndian.put64(b, off + 4, s.information());
            off += 12;
        }
        if (sks) {
            b[off] = 0x02;          // sense key specific descriptor
            b[off + 1] = 0x06;
            b[off + 4] = (byte) (0x80 | (s.fieldPointer() >>> 16));
            BigEndian.put16(b, off + 5, s.fieldPointer() & 0xffff);
        }
        return b;
    }

    /** Sense key, ASC and ASCQ of encoded sense data in either format (for tests and logs). */
    public static int[] keyAscAscq(byte[] sense) {
        int rc = sense[0] & 0x7f;
        if (rc == 0x72 || rc == 0x73) {
            return new int[] {sense[1] & 0x0f, sense[2] & 0xff, sense[3] & 0xff};
        }
        return new int[] {sense[2] & 0x0f, sense[12] & 0xff, sense[13] & 0xff};
    }
}
