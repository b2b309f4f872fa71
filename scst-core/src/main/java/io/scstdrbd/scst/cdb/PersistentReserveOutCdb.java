package io.scstdrbd.scst.cdb;

import io.scstdrbd.scst.sense.ScsiException;

/** PERSISTENT RESERVE OUT (SPC-4 6.16). */
public record PersistentReserveOutCdb(int serviceAction, int scope, int type, long parameterListLength) {
    public static final int REGISTER = 0;
    public static final int RESERVE = 1;
    public static final int RELEASE = 2;
    public static final int CLEAR = 3;
    public static final int PREEMPT = 4;
    public static final int PREEMPT_AND_ABORT = 5;
    public static final int REGISTER_AND_IGNORE_EXISTING_KEY = 6;
    public static final int REGISTER_AND_MOVE = 7;
    public static final int REPLACE_LOST_RESERVATION = 8;

    public static PersistentReserveOutCdb parse(byte[] cdb) throws ScsiException {
        Cdbs.requireLength(cdb, 10);
        int sa = cdb[1] & 0x1f;
        if (sa > REGISTER_AND_MOVE) {
            throw ScsiException.invalidCdbField(1, 4);
        }
        return new PersistentReserveOutCdb(sa, (cdb[2] >>> 4) & 0x0f, cdb[2] & 0x0f, Cdbs.u32(cdb, 5));
    }
}
