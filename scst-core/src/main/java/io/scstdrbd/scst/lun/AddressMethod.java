package io.scstdrbd.scst.lun;

import io.scstdrbd.kernel.bytes.BigEndian;

/**
 * How REPORT LUNS encodes LUN numbers for a group (SCST's {@code addr_method}; SAM-5 4.7).
 * PERIPHERAL uses peripheral device addressing below 256 and flat space addressing above;
 * FLAT always uses flat space addressing; LUN is the "logical unit addressing method".
 */
public enum AddressMethod {
    PERIPHERAL, FLAT, LUN;

    /** The 8-byte LUN field for {@code lun}. */
    public byte[] encode(long lun) {
        byte[] b = new byte[8];
        switch (this) {
            case FLAT:
                BigEndian.put16(b, 0, 0x4000 | (int) (lun & 0x3fff));
                break;
            case LUN:
                BigEndian.put16(b, 0, 0x8000 | (int) ((lun & 0x3f) << 8) | (int) ((lun >> 6) & 0xff));
                break;
            default:
                if (lun < 256) {
                    b[1] = (byte) lun;
                } else {
                    BigEndian.put16(b, 0, 0x4000 | (int) (lun & 0x3fff));
                }
        }
        return b;
    }

    /** Parses SCST's names (FLAT, PERIPHERAL, LUN), case-insensitive; null if unknown. */
    public static AddressMethod parse(String s) {
        for (AddressMethod m : values()) {
            if (m.name().equalsIgnoreCase(s)) {
                return m;
            }
        }
        return null;
    }
}
