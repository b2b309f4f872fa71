package io.scstdrbd.iscsi.pdu;

/** Logout Request (RFC 7143 11.14); reason 0 close session, 1 close connection, 2 remove for recovery. */
public record LogoutRequest(boolean immediate, int reason, int itt, int cid, int cmdSN, int expStatSN)
        implements PduHeader {
    public static final int CLOSE_SESSION = 0;
    public static final int CLOSE_CONNECTION = 1;
    public static final int REMOVE_FOR_RECOVERY = 2;

    @Override
    public Opcode opcode() {
        return Opcode.LOGOUT_REQUEST;
    }
}
