package io.scstdrbd.drbd.state;

import java.util.EnumSet;
import java.util.Set;

/**
 * Connection states ({@code enum drbd_conn_state}) with the transitions this engine allows.
 * {@link #canChangeTo} is checked on every change, so an impossible change is a bug found in tests.
 */
public enum ConnState {
    STANDALONE("StandAlone"),
    DISCONNECTING("Disconnecting"),
    UNCONNECTED("Unconnected"),
    TIMEOUT("Timeout"),
    BROKEN_PIPE("BrokenPipe"),
    NETWORK_FAILURE("NetworkFailure"),
    PROTOCOL_ERROR("ProtocolError"),
    TEAR_DOWN("TearDown"),
    CONNECTING("Connecting"),
    CONNECTED("Connected");

    private final String displayName;

    ConnState(String displayName) {
        this.displayName = displayName;
    }

    public int code() {
        return ordinal();
    }

    public String displayName() {
        return displayName;
    }

    public static ConnState fromCode(int code) {
        return values()[code];
    }

    /** The states that describe a lost connection; each leads back to Unconnected (retry) or StandAlone. */
    public boolean isFailure() {
        return this == TIMEOUT || this == BROKEN_PIPE || this == NETWORK_FAILURE || this == PROTOCOL_ERROR
                || this == TEAR_DOWN;
    }

    private Set<ConnState> successors() {
        switch (this) {
            case STANDALONE:
                return EnumSet.of(UNCONNECTED);
            case DISCONNECTING:
                return EnumSet.of(STANDALONE);
            case UNCONNECTED:
                return EnumSet.of(CONNECTING, DISCONNECTING, STANDALONE);
            case CONNECTING:
                return EnumSet.of(CONNECTED, UNCONNECTED, DISCONNECTING, TIMEOUT, BROKEN_PIPE, NETWORK_FAILURE,
                        PROTOCOL_ERROR, TEAR_DOWN, STANDALONE);
            case CONNECTED:
                return EnumSet.of(DISCONNECTING, TIMEOUT, BROKEN_PIPE, NETWORK_FAILURE, PROTOCOL_ERROR, TEAR_DOWN);
            default: // the failure states
                return EnumSet.of(UNCONNECTED, DISCONNECTING, STANDALONE);
        }
    }

    public boolean canChangeTo(ConnState next) {
        return next == this || successors().contains(next);
    }
}
