package io.scstdrbd.iscsi.pdu;

/** iSCSI PDU opcodes (RFC 7143 11.2.1.2), the low six bits of BHS byte 0. */
public enum Opcode {
    NOP_OUT(0x00),
    SCSI_COMMAND(0x01),
    TASK_MGMT_REQUEST(0x02),
    LOGIN_REQUEST(0x03),
    TEXT_REQUEST(0x04),
    DATA_OUT(0x05),
    LOGOUT_REQUEST(0x06),
    SNACK_REQUEST(0x10),
    NOP_IN(0x20),
    SCSI_RESPONSE(0x21),
    TASK_MGMT_RESPONSE(0x22),
    LOGIN_RESPONSE(0x23),
    TEXT_RESPONSE(0x24),
    DATA_IN(0x25),
    LOGOUT_RESPONSE(0x26),
    R2T(0x31),
    ASYNC_MESSAGE(0x32),
    REJECT(0x3f);

    private static final Opcode[] BY_CODE = new Opcode[64];

    static {
        for (Opcode o : values()) {
            BY_CODE[o.code] = o;
        }
    }

    private final int code;

    Opcode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** True for PDUs an initiator sends. */
    public boolean fromInitiator() {
        return code < 0x20;
    }

    /** The opcode for a code, or null when the code is not defined (vendor specific or reserved). */
    public static Opcode of(int code) {
        return code >= 0 && code < 64 ? BY_CODE[code] : null;
    }
}
