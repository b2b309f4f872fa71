package io.scstdrbd.scst.cdb;

import io.scstdrbd.scst.sense.ScsiException;

/** READ CAPACITY(10) and (16) (SBC-3 5.15, 5.16). */
public record ReadCapacityCdb(boolean sixteen, int allocationLength) {

    public static ReadCapacityCdb parse(byte[] cdb) throws ScsiException {
        if ((cdb[0] & 0xff) == Opcodes.READ_CAPACITY_10) {
            Cdbs.requireLength(cdb, 10);
            // PMI (obsolete) clear requires the LOGICAL BLOCK ADDRESS field to be zero
            if (!Cdbs.bit(cdb, 8, 0) && Cdbs.u32(cdb, 2) != 0) {
                throw ScsiException.invalidCdbField(2, -1);
            }
            return new ReadCapacityCdb(false, 8);
        }
        Cdbs.requireLength(cdb, 16);
        if (!Cdbs.bit(cdb, 14, 0) && Cdbs.u64(cdb, 2) != 0) {
            throw ScsiException.invalidCdbField(2, -1);
        }
        long alloc = Cdbs.u32(cdb, 10);
        return new ReadCapacityCdb(true, (int) Math.min(alloc, Integer.MAX_VALUE));
    }
}
