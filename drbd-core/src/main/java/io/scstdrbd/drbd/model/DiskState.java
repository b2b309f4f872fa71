package io.scstdrbd.drbd.model;

import java.util.EnumSet;
import java.util.Set;

/**
 * enum drbd_disk_state of DRBD 9 with the transitions a local disk may make:
 * Diskless → Attaching → Negotiating → {Inconsistent, Outdated, Consistent, UpToDate};
 * between the data states as resync, promotion and outdating demand; any attached state →
 * Detaching or Failed → Diskless.
 */
public enum DiskState {
    DISKLESS(0, "Diskless"),
    ATTACHING(1, "Attaching"),
    DETACHING(2, "Detaching"),
    FAILED(3, "Failed"),
    NEGOTIATING(4, "Negotiating"),
    INCONSISTENT(5, "Inconsistent"),
    OUTDATED(6, "Outdated"),
    UNKNOWN(7, "DUnknown"),
    CONSISTENT(8, "Consistent"),
    UP_TO_DATE(9, "UpToDate");

    private final int code;
    private final String text;

    DiskState(int code, String text) {
        this.code = code;
        this.text = text;
    }

    public int code() {
        return code;
    }

    public String text() {
        return text;
    }

    /** Consistent or UpToDate: what a graceful disconnect with fencing or quorum outdates. */
    public boolean outdatable() {
        return this == UP_TO_DATE || this == CONSISTENT;
    }

    /** True for states in which a backing device is attached (the kernel's get_ldev). */
    public boolean hasDisk() {
        return code >= INCONSISTENT.code && this != UNKNOWN;
    }

    private static final Set<DiskState> DATA = EnumSet.of(INCONSISTENT, OUTDATED, CONSISTENT, UP_TO_DATE);

    /** Allowed transitions of the local disk (a peer's disk as we know it may also be DUnknown). */
    public boolean mayChangeTo(DiskState next) {
        if (next == this) {
            return true;
        }
        switch (this) {
            case DISKLESS:
                return next == ATTACHING;
            case ATTACHING:
                return next == NEGOTIATING || DATA.contains(next) || next == DISKLESS || next == FAILED;
            case NEGOTIATING:
                return DATA.contains(next) || next == DETACHING || next == FAILED || next == DISKLESS;
            case INCONSISTENT:
            case OUTDATED:
            case CONSISTENT:
            case UP_TO_DATE:
                return DATA.contains(next) || next == DETACHING || next == FAILED || next == NEGOTIATING;
            case DETACHING:
            case FAILED:
                return next == DISKLESS || next == DETACHING;
            default:
                return false;
        }
    }

    public static DiskState of(int code) {
        for (DiskState d : values()) {
            if (d.code == code) {
                return d;
            }
        }
        throw new IllegalArgumentException("disk state " + code);
    }
}
