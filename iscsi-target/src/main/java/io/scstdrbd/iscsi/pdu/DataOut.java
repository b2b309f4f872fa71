package io.scstdrbd.iscsi.pdu;

/** SCSI Data-Out (RFC 7143 11.7). */
public record DataOut(boolean finalFlag, long lun, int itt, int ttt, int expStatSN, int dataSN, int bufferOffset)
        implements PduHeader {
    @Override
    public Opcode opcode() {
        return Opcode.DATA_OUT;
    }
}
