package io.scstdrbd.iscsi.pdu;

/** SAM LUN field decoding (SAM-5 4.7): peripheral and flat space addressing to a LUN number. */
public final class Luns {
    private Luns() {
    }

    /**
     * The LUN number of an 8-byte LUN field. Peripheral device addressing (method 00b, bus 0)
     * and flat space addressing (01b) give the number; other methods give the raw field so the
     * core answers LOGICAL UNIT NOT SUPPORTED.
     */
    public static long decode(long field) {
        int b0 = (int) (field >>> 56) & 0xff;
        int b1 = (int) (field >>> 48) & 0xff;
        boolean restZero = (field & 0x0000ffffffffffffL) == 0;
        int method = b0 >>> 6;
        if (restZero && method == 0 && (b0 & 0x3f) == 0) {
            return b1;
        }
        if (restZero && method == 1) {
            return ((long) (b0 & 0x3f) << 8) | b1;
        }
        return field;
    }

    /** The LUN field for a number: peripheral addressing below 256, flat space addressing above. */
    public static long encode(long lun) {
        if (lun < 256) {
            return lun << 48;
        }
        if (lun < 16384) {
            return (0x4000L | lun) << 48;
        }
        return lun;
    }
}
