package io.scstdrbd.iscsi.pdu;

/** Logout Response (RFC 7143 11.15). */
public record LogoutResponse(int response, int itt, int statSN, int expCmdSN, int maxCmdSN, int time2Wait,
                             int time2Retain) implements TargetPdu {
    public static final int CLOSED = 0;
    public static final int CID_NOT_FOUND = 1;
    public static final int RECOVERY_NOT_SUPPORTED = 2;
    public static final int CLEANUP_FAILED = 3;

    @Override
    public Opcode opcode() {
        return Opcode.LOGOUT_RESPONSE;
    }
}
