package io.scstdrbd.drbd.model;

/** enum drbd_role (linux/drbd.h): the numbers go on the wire and into netlink replies. */
public enum Role {
    UNKNOWN(0, "Unknown"),
    PRIMARY(1, "Primary"),
    SECONDARY(2, "Secondary");

    private final int code;
    private final String text;

    Role(int code, String text) {
        this.code = code;
        this.text = text;
    }

    public int code() {
        return code;
    }

    /** The name drbdsetup prints. */
    public String text() {
        return text;
    }

    /** A node's own role is Primary or Secondary; Unknown is only ever a peer's role. */
    public boolean mayChangeTo(Role next) {
        return next != this && next != UNKNOWN && this != UNKNOWN;
    }

    public static Role of(int code) {
        for (Role r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        throw new IllegalArgumentException("role " + code);
    }
}
