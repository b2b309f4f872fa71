package io.scstdrbd.iscsi.pdu;

/** Reject (RFC 7143 11.17); the data segment is the rejected PDU's header. */
public record Reject(int reason, int statSN, int expCmdSN, int maxCmdSN, int dataSN) implements TargetPdu {
    public static final int DATA_DIGEST_ERROR = 0x02;
    public static final int SNACK_REJECT = 0x03;
    public static final int PROTOCOL_ERROR = 0x04;
    public static final int COMMAND_NOT_SUPPORTED = 0x05;
    public static final int IMMEDIATE_COMMAND_REJECT = 0x06;
    public static final int TASK_IN_PROGRESS = 0x07;
    public static final int INVALID_DATA_ACK = 0x08;
    public static final int INVALID_PDU_FIELD = 0x09;
    public static final int LONG_OPERATION_REJECT = 0x0a;
    public static final int WAITING_FOR_LOGOUT = 0x0c;

    @Override
    public Opcode opcode() {
        return Opcode.REJECT;
    }

    @Override
    public int itt() {
        return RESERVED_TAG;
    }
}
