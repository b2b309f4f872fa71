package io.scstdrbd.scst.cdb;

import io.scstdrbd.scst.sense.ScsiException;

/**
 * Commands whose only field of interest is the allocation length: REPORT SUPPORTED TASK
 * MANAGEMENT FUNCTIONS (MAINTENANCE IN / 0Dh) and READ DEFECT DATA(10/12).
 *
 * @param flags the command's option byte (READ DEFECT DATA: REQ_PLIST, REQ_GLIST, format;
 *              REPORT SUPPORTED TMFs: REPD in bit 7)
 */
public record AllocationCdb(int flags, long allocationLength) {

    public static AllocationCdb parse(byte[] cdb) throws ScsiException {
        switch (cdb[0] & 0xff) {
            case Opcodes.READ_DEFECT_DATA_10:
                Cdbs.requireLength(cdb, 10);
                return new AllocationCdb(Cdbs.u8(cdb, 2), Cdbs.u16(cdb, 7));
            case Opcodes.READ_DEFECT_DATA_12:
                Cdbs.requireLength(cdb, 12);
                return new AllocationCdb(Cdbs.u8(cdb, 1) & 0x1f, Cdbs.u32(cdb, 6));
            default:
                Cdbs.requireLength(cdb, 12);
                return new AllocationCdb(Cdbs.u8(cdb, 2), Cdbs.u32(cdb, 6));
        }
    }
}
