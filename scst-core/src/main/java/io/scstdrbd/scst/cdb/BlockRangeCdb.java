package io.scstdrbd.scst.cdb;

import io.scstdrbd.scst.sense.ScsiException;

/**
 * A command naming a block range without data: SYNCHRONIZE CACHE(10/16) and PRE-FETCH(10/16)
 * (SBC-3 5.22-5.23, 5.9-5.10). A block count of zero means "to the end of the medium".
 */
public record BlockRangeCdb(boolean prefetch, long lba, long blocks, boolean immed) {

    public static BlockRangeCdb parse(byte[] cdb) throws ScsiException {
        int op = cdb[0] & 0xff;
        boolean prefetch = op == Opcodes.PRE_FETCH_10 || op == Opcodes.PRE_FETCH_16;
        if (op == Opcodes.SYNCHRONIZE_CACHE_10 || op == Opcodes.PRE_FETCH_10) {
            Cdbs.requireLength(cdb, 10);
            return new BlockRangeCdb(prefetch, Cdbs.u32(cdb, 2), Cdbs.u16(cdb, 7), Cdbs.bit(cdb, 1, 1));
        }
        Cdbs.requireLength(cdb, 16);
        return new BlockRangeCdb(prefetch, Cdbs.u64(cdb, 2), Cdbs.u32(cdb, 10), Cdbs.bit(cdb, 1, 1));
    }
}
