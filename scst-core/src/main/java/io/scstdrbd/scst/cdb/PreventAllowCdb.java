package io.scstdrbd.scst.cdb;

import io.scstdrbd.scst.sense.ScsiException;

/** PREVENT ALLOW MEDIUM REMOVAL (SBC-3 5.11): PREVENT 0 allows, 1 prevents; 2 and 3 are for changers. */
public record PreventAllowCdb(int prevent) {

    public static PreventAllowCdb parse(byte[] cdb) throws ScsiException {
        Cdbs.requireLength(cdb, 6);
        int prevent = cdb[4] & 3;
        if (prevent > 1) {
            throw ScsiException.invalidCdbField(4, 1);
        }
        return new PreventAllowCdb(prevent);
    }
}
