package io.scstdrbd.iscsi.pdu;

/**
 * SCSI Response (RFC 7143 11.4). The data segment carries SenseLength (2 bytes) + sense data.
 *
 * @param response 0 command completed at target, 1 target failure
 */
public record ScsiResponsePdu(boolean bidiOverflow, boolean bidiUnderflow, boolean overflow, boolean underflow,
                              int response, int status, int itt, int snackTag, int statSN, int expCmdSN,
                              int maxCmdSN, int expDataSN, int bidiReadResidualCount, int residualCount)
        implements TargetPdu {
    @Override
    public Opcode opcode() {
        return Opcode.SCSI_RESPONSE;
    }
}
