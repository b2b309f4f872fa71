package io.scstdrbd.scst.cdb;

import io.scstdrbd.scst.sense.ScsiException;

/**
 * MODE SENSE(6) and (10) (SPC-4 6.11, 6.12).
 *
 * @param ten          MODE SENSE(10) (8-byte header) rather than (6)
 * @param dbd          disable block descriptors
 * @param llbaa        long LBA block descriptors accepted (10 only)
 * @param pageControl  0 current, 1 changeable, 2 default, 3 saved
 */
public record ModeSenseCdb(boolean ten, boolean dbd, boolean llbaa, int pageControl, int pageCode, int subpageCode,
                           int allocationLength) {

    public static final int PC_CURRENT = 0;
    public static final int PC_CHANGEABLE = 1;
    public static final int PC_DEFAULT = 2;
    public static final int PC_SAVED = 3;
    public static final int ALL_PAGES = 0x3f;

    public static ModeSenseCdb parse(byte[] cdb) throws ScsiException {
        boolean ten = (cdb[0] & 0xff) == Opcodes.MODE_SENSE_10;
        Cdbs.requireLength(cdb, ten ? 10 : 6);
        int pc = (cdb[2] >>> 6) & 3;
        int page = cdb[2] & 0x3f;
        return new ModeSenseCdb(ten, Cdbs.bit(cdb, 1, 3), ten && Cdbs.bit(cdb, 1, 4), pc, page, Cdbs.u8(cdb, 3),
                ten ? Cdbs.u16(cdb, 7) : Cdbs.u8(cdb, 4));
    }
}
