package io.scstdrbd.iscsi.pdu;

/** NOP-Out (RFC 7143 11.18). */
public record NopOut(boolean immediate, long lun, int itt, int ttt, int cmdSN, int expStatSN) implements PduHeader {
    @Override
    public Opcode opcode() {
        return Opcode.NOP_OUT;
    }
}
