package io.scstdrbd.scst.cdb;

import io.scstdrbd.scst.sense.ScsiException;

/** START STOP UNIT (SBC-3 5.25). */
public record StartStopCdb(boolean immed, int powerCondition, boolean noFlush, boolean loej, boolean start) {

    public static StartStopCdb parse(byte[] cdb) throws ScsiException {
        Cdbs.requireLength(cdb, 6);
        return new StartStopCdb(Cdbs.bit(cdb, 1, 0), (cdb[4] >>> 4) & 0x0f, Cdbs.bit(cdb, 4, 2), Cdbs.bit(cdb, 4, 1),
                Cdbs.bit(cdb, 4, 0));
    }
}
