package io.scstdrbd.drbd.state;

/**
 * {@code enum drbd_state_rv}: the outcome of a state change, as netlink replies ({@code ret_code})
 * and the peer's state-change replies carry it. drbd-utils print their own text for each code;
 * {@link #description} is only for this process's logs.
 */
public enum StateResult {
    CW_NO_NEED(4, "no cluster-wide change needed"),
    CW_SUCCESS(3, "cluster-wide change done"),
    NOTHING_TO_DO(2, "already in that state"),
    SUCCESS(1, "done"),
    UNKNOWN_ERROR(0, "unspecified failure"),
    TWO_PRIMARIES(-1, "a second Primary needs allow-two-primaries"),
    NO_UP_TO_DATE_DISK(-2, "no UpToDate data reachable"),
    NO_LOCAL_DISK(-4, "no local disk for the resync"),
    NO_REMOTE_DISK(-5, "peer has no disk for the resync"),
    CONNECTED_OUTDATES(-6, "cannot outdate while connected"),
    PRIMARY_NOP(-7, "peer not outdated, refusing Primary"),
    RESYNC_RUNNING(-8, "a resync or verify is already running"),
    ALREADY_STANDALONE(-9, "already StandAlone"),
    CW_FAILED_BY_PEER(-10, "the peer refused the change"),
    IS_DISKLESS(-11, "operation needs a local disk"),
    DEVICE_IN_USE(-12, "device is open"),
    NO_NET_CONFIG(-13, "no network configuration"),
    NO_VERIFY_ALG(-14, "verify-alg is not configured"),
    NEED_CONNECTION(-15, "needs a connection"),
    LOWER_THAN_OUTDATED(-16, "disk is below Outdated"),
    NOT_SUPPORTED(-17, "peer protocol too old"),
    IN_TRANSIENT_STATE(-18, "transient state, retry later"),
    CONCURRENT_ST_CHG(-19, "concurrent state change"),
    O_VOL_PEER_PRI(-20, "another volume is Primary on the peer"),
    INTERRUPTED(-21, "state change interrupted"),
    PRIMARY_READER(-22, "device open read-only here"),
    TIMEOUT(-23, "timed out"),
    WEAKLY_CONNECTED(-24, "Primaries not directly connected"),
    NO_QUORUM(-25, "no quorum"),
    ATTACH_NO_BITMAP(-26, "no bitmap slot for attach"),
    HANDSHAKE_DISCONNECT(-27, "handshake says disconnect"),
    HANDSHAKE_RETRY(-28, "handshake says retry");

    private final int code;
    private final String description;

    StateResult(int code, String description) {
        this.code = code;
        this.description = description;
    }

    public int code() {
        return code;
    }

    /** A short explanation for log lines (not what drbdsetup prints). */
    public String description() {
        return description;
    }

    /** SS_SUCCESS and the other results ≥ 1 (NOTHING_TO_DO and the cluster-wide variants) count as success. */
    public boolean isSuccess() {
        return code >= 1;
    }

    /** Decodes a code this process produced; an unknown code is a bug. */
    public static StateResult of(int code) {
        StateResult r = find(code);
        if (r == null) {
            throw new IllegalArgumentException("state result " + code);
        }
        return r;
    }

    /** Decodes the code of a peer's state-change reply; codes this side does not know become UNKNOWN_ERROR. */
    public static StateResult fromWire(int code) {
        StateResult r = find(code);
        return r != null ? r : UNKNOWN_ERROR;
    }

    private static StateResult find(int code) {
        for (StateResult r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        return null;
    }
}
