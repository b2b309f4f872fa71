package io.scstdrbd.scst.cdb;

import io.scstdrbd.scst.sense.ScsiException;

/** SANITIZE (SBC-3 5.19). */
public record SanitizeCdb(boolean immed, boolean ause, int serviceAction, int parameterListLength) {
    public static final int OVERWRITE = 0x01;
    public static final int BLOCK_ERASE = 0x02;
    public static final int CRYPTOGRAPHIC_ERASE = 0x03;
    public static final int EXIT_FAILURE_MODE = 0x1f;

    public static SanitizeCdb parse(byte[] cdb) throws ScsiException {
        Cdbs.requireLength(cdb, 10);
        return new SanitizeCdb(Cdbs.bit(cdb, 1, 7), Cdbs.bit(cdb, 1, 5), cdb[1] & 0x1f, Cdbs.u16(cdb, 7));
    }
}
