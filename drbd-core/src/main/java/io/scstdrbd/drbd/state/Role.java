package io.scstdrbd.drbd.state;

/** A node's role ({@code enum drbd_role}); the code is the value in {@code union drbd_state}. */
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

    /** Decodes a 2-bit role field; unknown values (3) become {@link #UNKNOWN}. */
    public static Role fromCode(int code) {
        switch (code) {
            case 1: return PRIMARY;
            case 2: return SECONDARY;
            default: return UNKNOWN;
        }
    }
}
