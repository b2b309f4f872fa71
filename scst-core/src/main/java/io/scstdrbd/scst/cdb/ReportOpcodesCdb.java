package io.scstdrbd.scst.cdb;

import io.scstdrbd.scst.sense.ScsiException;

/** REPORT SUPPORTED OPERATION CODES (SPC-4 6.35): MAINTENANCE IN / 0Ch. */
public record ReportOpcodesCdb(boolean rctd, int reportingOptions, int requestedOpcode, int requestedServiceAction,
                               long allocationLength) {

    public static ReportOpcodesCdb parse(byte[] cdb) throws ScsiException {
        Cdbs.requireLength(cdb, 12);
        int options = cdb[2] & 0x07;
        if (options > 3) {
            throw ScsiException.invalidCdbField(2, 2);
        }
        return new ReportOpcodesCdb(Cdbs.bit(cdb, 2, 7), options, Cdbs.u8(cdb, 3), Cdbs.u16(cdb, 4),
                Cdbs.u32(cdb, 6));
    }
}
