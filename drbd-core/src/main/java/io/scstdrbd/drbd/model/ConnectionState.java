package io.scstdrbd.drbd.model;

/**
 * enum drbd_conn_state of a connection, with the kernel's allowed transitions
 * (is_valid_conn_transition): StandAlone only to Unconnected; after a network error only
 * Unconnected or Disconnecting; after Disconnecting only StandAlone.
 */
public enum ConnectionState {
    STANDALONE(0, "StandAlone"),
    DISCONNECTING(1, "Disconnecting"),
    UNCONNECTED(2, "Unconnected"),
    TIMEOUT(3, "Timeout"),
    BROKEN_PIPE(4, "BrokenPipe"),
    NETWORK_FAILURE(5, "NetworkFailure"),
    PROTOCOL_ERROR(6, "ProtocolError"),
    TEAR_DOWN(7, "TearDown"),
    CONNECTING(8, "Connecting"),
    CONNECTED(9, "Connected");

    private final int code;
    private final String text;

    ConnectionState(int code, String text) {
        this.code = code;
        this.text = text;
    }

    public int code() {
        return code;
    }

    public String text() {
        return text;
    }

    /** The state-change result of moving from this state to {@code next}. */
    public StateResult checkTransition(ConnectionState next) {
        if (next == this) {
            return StateResult.NOTHING_TO_DO;
        }
        if (this == STANDALONE && next == DISCONNECTING) {
            return StateResult.ALREADY_STANDALONE;
        }
        if (this == STANDALONE && next != UNCONNECTED) {
            return StateResult.NEED_CONNECTION;
        }
        if (code >= TIMEOUT.code && code <= TEAR_DOWN.code && next != UNCONNECTED && next != DISCONNECTING) {
            return StateResult.IN_TRANSIENT_STATE;
        }
        if (this == DISCONNECTING && next != STANDALONE) {
            return StateResult.IN_TRANSIENT_STATE;
        }
        return StateResult.SUCCESS;
    }

    public boolean mayChangeTo(ConnectionState next) {
        return checkTransition(next).ok();
    }

    public static ConnectionState of(int code) {
        for (ConnectionState c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        throw new IllegalArgumentException("connection state " + code);
    }
}
