package io.scstdrbd.iscsi.login;

/** Login stages (RFC 7143 6.3, the CSG/NSG field values) and the transitions between them. */
public enum LoginStage {
    SECURITY(0),
    OPERATIONAL(1),
    FULL_FEATURE(3);

    private final int code;

    LoginStage(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The stage for a CSG/NSG code, or null for the reserved value 2. */
    public static LoginStage of(int code) {
        switch (code) {
            case 0: return SECURITY;
            case 1: return OPERATIONAL;
            case 3: return FULL_FEATURE;
            default: return null;
        }
    }

    /** Stages only move forward; security may skip operational. */
    public boolean canTransitTo(LoginStage next) {
        return next != null && next.code > code;
    }
}
