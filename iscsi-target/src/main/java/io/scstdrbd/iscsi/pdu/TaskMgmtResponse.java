package io.scstdrbd.iscsi.pdu;

/** Task Management Function Response (RFC 7143 11.6). */
public record TaskMgmtResponse(int response, int itt, int statSN, int expCmdSN, int maxCmdSN) implements TargetPdu {
    public static final int FUNCTION_COMPLETE = 0;
    public static final int TASK_DOES_NOT_EXIST = 1;
    public static final int LUN_DOES_NOT_EXIST = 2;
    public static final int TASK_STILL_ALLEGIANT = 3;
    public static final int REASSIGNMENT_NOT_SUPPORTED = 4;
    public static final int FUNCTION_NOT_SUPPORTED = 5;
    public static final int AUTHORIZATION_FAILED = 6;
    public static final int FUNCTION_REJECTED = 255;

    @Override
    public Opcode opcode() {
        return Opcode.TASK_MGMT_RESPONSE;
    }
}
