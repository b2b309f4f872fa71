package io.scstdrbd.drbd.sync.uuid;

/** {@code enum drbd_after_sb_p}: after-sb-0pri/1pri/2pri and rr-conflict policies, as numbered on the wire. */
public enum AfterSbPolicy {
    DISCONNECT,
    DISCARD_YOUNGER_PRI,
    DISCARD_OLDER_PRI,
    DISCARD_ZERO_CHG,
    DISCARD_LEAST_CHG,
    DISCARD_LOCAL,
    DISCARD_REMOTE,
    CONSENSUS,
    DISCARD_SECONDARY,
    CALL_HELPER,
    VIOLENTLY,
    RETRY_CONNECT,
    AUTO_DISCARD;

    public int code() {
        return ordinal();
    }

    public static AfterSbPolicy fromCode(int code) {
        AfterSbPolicy[] v = values();
        if (code < 0 || code >= v.length) {
            throw new IllegalArgumentException("after-sb policy " + code);
        }
        return v[code];
    }

    /** The policy as the peer states it, seen from this side (discard-local and discard-remote swap). */
    public AfterSbPolicy mirrored() {
        if (this == DISCARD_LOCAL) {
            return DISCARD_REMOTE;
        }
        if (this == DISCARD_REMOTE) {
            return DISCARD_LOCAL;
        }
        return this;
    }
}
