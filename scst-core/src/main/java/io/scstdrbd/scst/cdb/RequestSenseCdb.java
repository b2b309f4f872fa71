package io.scstdrbd.scst.cdb;

import io.scstdrbd.scst.sense.ScsiException;

/** REQUEST SENSE (SPC-4 6.39): DESC asks for descriptor-format sense data. */
public record RequestSenseCdb(boolean descriptor, int allocationLength) {

    public static RequestSenseCdb parse(byte[] cdb) throws ScsiException {
        Cdbs.requireLength(cdb, 6);
        return new RequestSenseCdb(Cdbs.bit(cdb, 1, 0), Cdbs.u8(cdb, 4));
    }
}
