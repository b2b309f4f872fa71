package io.scstdrbd.scst.cdb;

import io.scstdrbd.scst.sense.ScsiException;

/** PERSISTENT RESERVE IN (SPC-4 6.15). */
public record PersistentReserveInCdb(int serviceAction, int allocationLength) {
    public static final int READ_KEYS = 0;
    public static final int READ_RESERVATION = 1;
    public static final int REPORT_CAPABILITIES = 2;
    public static final int READ_FULL_STATUS = 3;

    public static PersistentReserveInCdb parse(byte[] cdb) throws ScsiException {
        Cdbs.requireLength(cdb, 10);
        int sa = cdb[1] & 0x1f;
        if (sa > READ_FULL_STATUS) {
            throw ScsiException.invalidCdbField(1, 4);
        }
        return new PersistentReserveInCdb(sa, Cdbs.u16(cdb, 7));
    }
}
