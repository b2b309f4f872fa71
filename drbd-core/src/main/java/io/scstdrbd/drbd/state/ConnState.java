package io.scstdrbd.drbd.state;

import java.util.EnumSet;
import java.util.Set;

/**
 * {@code enum drbd_conn_state}: the state of a connection to one peer.
 *
 * <p>Two sets of transition rules, kept apart on purpose: {@link #checkTransition} is the kernel's
 * admin-visible rule the control-plane model applies to every state change, forced ones too (it
 * answers with the {@link StateResult} drbdsetup reports); {@link #engineAllows} guards the
 * replication engine's own steps while it connects and loses connections, so an impossible step is
 * a bug found in tests.
 */
public enum ConnState {
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
    private final String displayName;

    ConnState(int code, String displayName) {
        this.code = code;
        this.displayName = displayName;
    }

    public int code() {
        return code;
    }

    /** The name drbdsetup prints ({@code StandAlone}). */
    public String displayName() {
        return displayName;
    }

    public static ConnState of(int code) {
        for (ConnState c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        throw new IllegalArgumentException("connection state " + code);
    }

    /** The states that describe a lost connection; each leads back to Unconnected (retry) or StandAlone. */
    public boolean isFailure() {
        return this == TIMEOUT || this == BROKEN_PIPE || this == NETWORK_FAILURE || this == PROTOCOL_ERROR
                || this == TEAR_DOWN;
    }

    /**
     * The model's rule (the kernel's is_valid_conn_transition): the state-change result of moving from
     * this state to {@code next}. StandAlone only to Unconnected; after a network error only
     * Unconnected or Disconnecting; after Disconnecting only StandAlone; staying put is NOTHING_TO_DO.
     * Checked by the model's StateRules.hard on every change, forced ones included.
     */
    public StateResult checkTransition(ConnState next) {
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

    /**
     * The replication engine's guard on its own steps (PeerConnection checks every change with it):
     * explicit successor sets of its connect loop. It differs from {@link #checkTransition}: a failure
     * state may go straight to StandAlone, which the model refuses, while Connected never goes straight
     * to StandAlone, Unconnected or Connecting, nor Unconnected to Connected or a failure state, which
     * the model accepts.
     */
    public boolean engineAllows(ConnState next) {
        return next == this || engineSuccessors().contains(next);
    }

    private Set<ConnState> engineSuccessors() {
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
}
