package io.scstdrbd.iscsi.pdu;

/** Text Response (RFC 7143 11.11). */
public record TextResponse(boolean finalFlag, boolean cont, long lun, int itt, int ttt, int statSN, int expCmdSN,
                           int maxCmdSN) implements TargetPdu {
    @Override
    public Opcode opcode() {
        return Opcode.TEXT_RESPONSE;
    }
}
