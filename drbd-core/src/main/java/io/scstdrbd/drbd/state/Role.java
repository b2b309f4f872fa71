package io.scstdrbd.drbd.state;

/**
 * {@code enum drbd_role} (linux/drbd.h): the code is the value in {@code union drbd_state}, on the
 * wire and in netlink replies.
 */
public enum Role {
    UNKNOWN(0, "Unknown"),
    PRIMARY(1, "Primary"),
    SECONDARY(2, "Secondary");

    private final int code;
    private final String displayName;

    Role(int code, String displayName) {
        this.code = code;
        this.displayName = displayName;
    }

    public int code() {
        return code;
    }

    /** The name drbdsetup prints ({@code Primary}). */
    public String displayName() {
        return displayName;
    }

    public static Role of(int code) {
        for (Role r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        throw new IllegalArgumentException("role " + code);
    }

    /** Decodes a peer's 2-bit role field; the unused value 3 (or anything else) becomes {@link #UNKNOWN}. */
    public static Role fromWire(int code) {
        switch (code) {
            case 1: return PRIMARY;
            case 2: return SECONDARY;
            default: return UNKNOWN;
        }
    }

    /**
     * A node's own role is Primary or Secondary; Unknown is only ever a peer's role. Nothing calls this
     * at present: the model's StateRules check promotion and demotion with conditions of their own.
     */
    public boolean mayChangeTo(Role next) {
        return next != this && next != UNKNOWN && this != UNKNOWN;
    }
}
