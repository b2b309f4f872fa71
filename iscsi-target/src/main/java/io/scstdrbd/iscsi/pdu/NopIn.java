package io.scstdrbd.iscsi.pdu;

/** NOP-In (RFC 7143 11.19). */
public record NopIn(long lun, int itt, int ttt, int statSN, int expCmdSN, int maxCmdSN) implements TargetPdu {
    @Override
    public Opcode opcode() {
        return Opcode.NOP_IN;
    }
}
