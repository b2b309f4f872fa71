package io.scstdrbd.scst.cdb;

import io.scstdrbd.scst.sense.ScsiException;

/** REPORT LUNS (SPC-4 6.33). SELECT REPORT 0, 1 and 2 are supported. */
public record ReportLunsCdb(int selectReport, long allocationLength) {

    public static ReportLunsCdb parse(byte[] cdb) throws ScsiException {
        Cdbs.requireLength(cdb, 12);
        int select = Cdbs.u8(cdb, 2);
        if (select > 2) {
            throw ScsiException.invalidCdbField(2, -1);
        }
        long alloc = Cdbs.u32(cdb, 6);
        if (alloc < 16) {
            throw ScsiException.invalidCdbField(6, -1);
        }
        return new ReportLunsCdb(select, alloc);
    }
}
