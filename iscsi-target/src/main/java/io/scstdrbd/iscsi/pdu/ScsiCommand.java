package io.scstdrbd.iscsi.pdu;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * SCSI Command (RFC 7143 11.3).
 *
 * @param attr                       task attribute, 0..7 (11.3.1.3)
 * @param expectedDataTransferLength unsigned 32-bit EDTL
 * @param cdb                        the 16 CDB bytes of the BHS (extended CDBs continue in an AHS)
 */
public record ScsiCommand(boolean immediate, boolean finalFlag, boolean read, boolean write, int attr, long lun,
                          int itt, long expectedDataTransferLength, int cmdSN, int expStatSN, byte[] cdb)
        implements PduHeader {

    public static final int CDB_BYTES = 16;

    public ScsiCommand {
        if (cdb.length != CDB_BYTES) {
            throw new IllegalArgumentException("CDB field is 16 bytes, got " + cdb.length);
        }
        cdb = cdb.clone();
    }

    @Override
    public byte[] cdb() {
        return cdb.clone();
    }

    /** Copies the 16 CDB bytes into {@code dst} at {@code off}. */
    public void copyCdb(byte[] dst, int off) {
        System.arraycopy(cdb, 0, dst, off, CDB_BYTES);
    }

    /** The CDB byte at {@code i} without copying the array. */
    public int cdbByte(int i) {
        return cdb[i] & 0xff;
    }

    @Override
    public Opcode opcode() {
        return Opcode.SCSI_COMMAND;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScsiCommand c && immediate == c.immediate && finalFlag == c.finalFlag && read == c.read
                && write == c.write && attr == c.attr && lun == c.lun && itt == c.itt
                && expectedDataTransferLength == c.expectedDataTransferLength && cmdSN == c.cmdSN
                && expStatSN == c.expStatSN && Arrays.equals(cdb, c.cdb);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(lun) * 31 + itt * 17 + cmdSN + Arrays.hashCode(cdb);
    }

    @Override
    public String toString() {
        return "ScsiCommand[itt=0x" + Integer.toHexString(itt) + ", cmdSN=" + Integer.toUnsignedString(cmdSN)
                + (immediate ? ", I" : "") + (read ? ", R" : "") + (write ? ", W" : "") + ", attr=" + attr
                + ", lun=0x" + Long.toHexString(lun) + ", edtl=" + expectedDataTransferLength
                + ", cdb=" + HexFormat.of().formatHex(cdb) + "]";
    }
}
