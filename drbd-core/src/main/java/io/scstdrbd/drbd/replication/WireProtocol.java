package io.scstdrbd.drbd.replication;

import io.scstdrbd.drbd.wire.WireConstants;

/** Replication protocols A, B and C and what each asks of the peer. */
public enum WireProtocol {
    /** Complete when sent; only barrier acks come back. */
    A(1, 0),
    /** Complete when the peer received the data (P_RECV_ACK). */
    B(2, WireConstants.DP_SEND_RECEIVE_ACK),
    /** Complete when the peer wrote the data (P_WRITE_ACK). */
    C(3, WireConstants.DP_SEND_WRITE_ACK);

    private final int code;
    private final int dpFlag;

    WireProtocol(int code, int dpFlag) {
        this.code = code;
        this.dpFlag = dpFlag;
    }

    public int code() {
        return code;
    }

    /** The dp_flags bit that requests this protocol's ack. */
    public int dpFlag() {
        return dpFlag;
    }

    public static WireProtocol fromCode(int c) {
        for (WireProtocol p : values()) {
            if (p.code == c) {
                return p;
            }
        }
        throw new IllegalArgumentException("wire protocol " + c);
    }
}
