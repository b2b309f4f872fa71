package io.scstdrbd.iscsi.pdu;

/** Task Management Function Request (RFC 7143 11.5); {@code function} is the 7-bit function code. */
public record TaskMgmtRequest(boolean immediate, int function, long lun, int itt, int referencedTaskTag, int cmdSN,
                              int expStatSN, int refCmdSN, int expDataSN) implements PduHeader {
    @Override
    public Opcode opcode() {
        return Opcode.TASK_MGMT_REQUEST;
    }
}
