package io.scstdrbd.scst.cdb;

import io.scstdrbd.scst.sense.ScsiException;

/**
 * WRITE SAME(10) and (16) (SBC-3 5.41-5.42).
 *
 * @param blocks number of blocks; 0 means up to the last block (allowed because WSNZ is 0)
 * @param unmap  UNMAP bit: the range may be deallocated (thin provisioning)
 * @param anchor ANCHOR bit (anchored state is not supported)
 * @param ndob   no data-out buffer: write zeroes (16 only)
 * @param lbdata obsolete LBDATA/PBDATA bits (rejected)
 */
public record WriteSameCdb(boolean sixteen, long lba, long blocks, int wrprotect, boolean unmap, boolean anchor,
                           boolean ndob, boolean lbdata) {

    public static WriteSameCdb parse(byte[] cdb) throws ScsiException {
        boolean sixteen = (cdb[0] & 0xff) == Opcodes.WRITE_SAME_16;
        Cdbs.requireLength(cdb, sixteen ? 16 : 10);
        int wrprotect = (cdb[1] >>> 5) & 7;
        boolean anchor = Cdbs.bit(cdb, 1, 4);
        boolean unmap = Cdbs.bit(cdb, 1, 3);
        boolean lbdata = (cdb[1] & 0x06) != 0;
        if (sixteen) {
            return new WriteSameCdb(true, Cdbs.u64(cdb, 2), Cdbs.u32(cdb, 10), wrprotect, unmap, anchor,
                    Cdbs.bit(cdb, 1, 0), lbdata);
        }
        return new WriteSameCdb(false, Cdbs.u32(cdb, 2), Cdbs.u16(cdb, 7), wrprotect, unmap, anchor, false, lbdata);
    }
}
