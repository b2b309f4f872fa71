package io.scstdrbd.iscsi.pdu;

/** Asynchronous Message (RFC 7143 11.9); event 1 asks the initiator to log out. */
public record AsyncMessage(long lun, int statSN, int expCmdSN, int maxCmdSN, int asyncEvent, int asyncVCode,
                           int parameter1, int parameter2, int parameter3) implements TargetPdu {
    public static final int EVENT_LOGOUT_REQUESTED = 1;

    @Override
    public Opcode opcode() {
        return Opcode.ASYNC_MESSAGE;
    }

    @Override
    public int itt() {
        return RESERVED_TAG;
    }
}
