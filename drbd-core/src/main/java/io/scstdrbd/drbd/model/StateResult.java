package io.scstdrbd.drbd.model;

/** enum drbd_state_rv: the outcome of a state change, as replies and the wire carry it. */
public enum StateResult {
    CW_NO_NEED(4),
    CW_SUCCESS(3),
    NOTHING_TO_DO(2),
    SUCCESS(1),
    UNKNOWN_ERROR(0),
    TWO_PRIMARIES(-1),
    NO_UP_TO_DATE_DISK(-2),
    NO_LOCAL_DISK(-4),
    NO_REMOTE_DISK(-5),
    CONNECTED_OUTDATES(-6),
    PRIMARY_NOP(-7),
    RESYNC_RUNNING(-8),
    ALREADY_STANDALONE(-9),
    CW_FAILED_BY_PEER(-10),
    IS_DISKLESS(-11),
    DEVICE_IN_USE(-12),
    NO_NET_CONFIG(-13),
    NO_VERIFY_ALG(-14),
    NEED_CONNECTION(-15),
    LOWER_THAN_OUTDATED(-16),
    NOT_SUPPORTED(-17),
    IN_TRANSIENT_STATE(-18),
    CONCURRENT_ST_CHG(-19),
    O_VOL_PEER_PRI(-20),
    INTERRUPTED(-21),
    PRIMARY_READER(-22),
    TIMEOUT(-23),
    WEAKLY_CONNECTED(-24),
    NO_QUORUM(-25),
    ATTACH_NO_BITMAP(-26),
    HANDSHAKE_DISCONNECT(-27),
    HANDSHAKE_RETRY(-28);

    private final int code;

    StateResult(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** SS_SUCCESS and the other non-negative results count as success. */
    public boolean ok() {
        return code >= 1;
    }

    public static StateResult of(int code) {
        for (StateResult r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        throw new IllegalArgumentException("state result " + code);
    }
}
