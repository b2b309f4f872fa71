package io.scstdrbd.scst.cdb;

import io.scstdrbd.scst.sense.ScsiException;

/** EXTENDED COPY (LID1) (SPC-4 6.4) and RECEIVE COPY RESULTS (SPC-4 6.18). */
public record ExtendedCopyCdb(boolean receive, int serviceAction, int listIdentifier, long length) {

    public static ExtendedCopyCdb parse(byte[] cdb) throws ScsiException {
        Cdbs.requireLength(cdb, 16);
        boolean receive = (cdb[0] & 0xff) == Opcodes.RECEIVE_COPY_RESULTS;
        return new ExtendedCopyCdb(receive, cdb[1] & 0x1f, Cdbs.u8(cdb, 2), Cdbs.u32(cdb, 10));
    }
}
