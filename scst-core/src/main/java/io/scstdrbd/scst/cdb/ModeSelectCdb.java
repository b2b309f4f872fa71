package io.scstdrbd.scst.cdb;

import io.scstdrbd.scst.sense.ScsiException;

/** MODE SELECT(6) and (10) (SPC-4 6.9, 6.10). */
public record ModeSelectCdb(boolean ten, boolean pageFormat, boolean savePages, int parameterListLength) {

    public static ModeSelectCdb parse(byte[] cdb) throws ScsiException {
        boolean ten = (cdb[0] & 0xff) == Opcodes.MODE_SELECT_10;
        Cdbs.requireLength(cdb, ten ? 10 : 6);
        return new ModeSelectCdb(ten, Cdbs.bit(cdb, 1, 4), Cdbs.bit(cdb, 1, 0),
                ten ? Cdbs.u16(cdb, 7) : Cdbs.u8(cdb, 4));
    }
}
