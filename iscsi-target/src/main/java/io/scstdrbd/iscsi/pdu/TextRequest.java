package io.scstdrbd.iscsi.pdu;

/** Text Request (RFC 7143 11.10). */
public record TextRequest(boolean immediate, boolean finalFlag, boolean cont, long lun, int itt, int ttt, int cmdSN,
                          int expStatSN) implements PduHeader {
    @Override
    public Opcode opcode() {
        return Opcode.TEXT_REQUEST;
    }
}
