package io.scstdrbd.scst.cdb;

import io.scstdrbd.scst.sense.ScsiException;

/** RESERVE(6/10) and RELEASE(6/10) (SPC-2 7.21-7.24): whole-LU reservations only. */
public record ReserveCdb(boolean reserve) {

    public static ReserveCdb parse(byte[] cdb) throws ScsiException {
        int op = cdb[0] & 0xff;
        boolean ten = op == Opcodes.RESERVE_10 || op == Opcodes.RELEASE_10;
        Cdbs.requireLength(cdb, ten ? 10 : 6);
        if (ten) {
            // third-party and long-id reservations are not supported
            Cdbs.reserved(cdb, 1, 0x12);
        } else {
            Cdbs.reserved(cdb, 1, 0x1f);
        }
        return new ReserveCdb(op == Opcodes.RESERVE_6 || op == Opcodes.RESERVE_10);
    }
}
