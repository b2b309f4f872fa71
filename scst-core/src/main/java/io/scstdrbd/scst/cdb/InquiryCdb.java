package io.scstdrbd.scst.cdb;

import io.scstdrbd.scst.sense.ScsiException;

/** INQUIRY (SPC-4 6.6): standard data or a vital product data page. */
public record InquiryCdb(boolean evpd, int pageCode, int allocationLength) {

    public static InquiryCdb parse(byte[] cdb) throws ScsiException {
        Cdbs.requireLength(cdb, 6);
        Cdbs.reserved(cdb, 1, 0xfe); // CMDDT (obsolete) and reserved bits
        boolean evpd = Cdbs.bit(cdb, 1, 0);
        int page = Cdbs.u8(cdb, 2);
        if (!evpd && page != 0) {
            throw ScsiException.invalidCdbField(2, -1);
        }
        return new InquiryCdb(evpd, page, Cdbs.u16(cdb, 3));
    }
}
