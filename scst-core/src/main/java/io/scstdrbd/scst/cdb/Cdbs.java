package io.scstdrbd.scst.cdb;

import io.scstdrbd.kernel.bytes.BigEndian;
import io.scstdrbd.scst.sense.ScsiException;

/** Shared field checks for CDB parsers. */
final class Cdbs {
    private Cdbs() {
    }

    /** Fails with INVALID FIELD IN CDB unless the CDB holds at least {@code len} bytes. */
    static void requireLength(byte[] cdb, int len) throws ScsiException {
        if (cdb.length < len) {
            throw ScsiException.invalidCdbField(0, -1);
        }
    }

    /** Bits of byte {@code off} under {@code mask} must be zero (reserved). */
    static void reserved(byte[] cdb, int off, int mask) throws ScsiException {
        int v = cdb[off] & mask;
        if (v != 0) {
            throw ScsiException.invalidCdbField(off, 31 - Integer.numberOfLeadingZeros(v));
        }
    }

    static int u8(byte[] cdb, int off) {
        return cdb[off] & 0xff;
    }

    static int u16(byte[] cdb, int off) {
        return BigEndian.u16(cdb, off);
    }

    static long u32(byte[] cdb, int off) {
        return BigEndian.u32(cdb, off);
    }

    static long u64(byte[] cdb, int off) {
        return BigEndian.u64(cdb, off);
    }

    static boolean bit(byte[] cdb, int off, int bit) {
        return (cdb[off] & (1 << bit)) != 0;
    }
}
