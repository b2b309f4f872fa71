package io.scstdrbd.iscsi.pdu;

/** SNACK Request (RFC 7143 11.16); only rejected here (ErrorRecoveryLevel 0). */
public record SnackRequest(int type, long lun, int itt, int ttt, int expStatSN, int begRun, int runLength)
        implements PduHeader {
    @Override
    public Opcode opcode() {
        return Opcode.SNACK_REQUEST;
    }
}
