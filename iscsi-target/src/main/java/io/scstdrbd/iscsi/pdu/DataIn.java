package io.scstdrbd.iscsi.pdu;

/**
 * SCSI Data-In (RFC 7143 11.7). {@code statusPresent} is the S bit: then {@code status},
 * {@code statSN} and the residual fields are valid.
 */
public record DataIn(boolean finalFlag, boolean ack, boolean overflow, boolean underflow, boolean statusPresent,
                     int status, long lun, int itt, int ttt, int statSN, int expCmdSN, int maxCmdSN, int dataSN,
                     int bufferOffset, int residualCount) implements TargetPdu {
    @Override
    public Opcode opcode() {
        return Opcode.DATA_IN;
    }
}
