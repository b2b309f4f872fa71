package io.scstdrbd.scst.cdb;

import io.scstdrbd.scst.sense.ScsiException;

/** GET LBA STATUS (SBC-3 5.5): SERVICE ACTION IN(16) / 12h. */
public record GetLbaStatusCdb(long startingLba, long allocationLength) {

    public static GetLbaStatusCdb parse(byte[] cdb) throws ScsiException {
        Cdbs.requireLength(cdb, 16);
        return new GetLbaStatusCdb(Cdbs.u64(cdb, 2), Cdbs.u32(cdb, 10));
    }
}
