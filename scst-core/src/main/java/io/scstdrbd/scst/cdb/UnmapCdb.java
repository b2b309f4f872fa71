package io.scstdrbd.scst.cdb;

import io.scstdrbd.scst.sense.ScsiException;

/** UNMAP (SBC-3 5.28). */
public record UnmapCdb(boolean anchor, int parameterListLength) {

    public static UnmapCdb parse(byte[] cdb) throws ScsiException {
        Cdbs.requireLength(cdb, 10);
        return new UnmapCdb(Cdbs.bit(cdb, 1, 0), Cdbs.u16(cdb, 7));
    }
}
