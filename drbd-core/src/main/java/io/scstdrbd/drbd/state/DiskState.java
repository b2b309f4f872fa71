package io.scstdrbd.drbd.state;

import java.util.EnumSet;
import java.util.Set;

/**
 * {@code enum drbd_disk_state} in DRBD 9 numbering. The 8.4 dialect has no Detaching: on the wire
 * every value above 2 is one lower there ({@link #toWire}/{@link #fromWire}).
 *
 * <p>A local disk goes Diskless → Attaching → Negotiating → {Inconsistent, Outdated, Consistent,
 * UpToDate}; between the data states as resync, promotion and outdating demand; any attached state →
 * Detaching or Failed → Diskless ({@link #mayChangeTo}, the model's rule; the engine has none of its own).
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

    /** Indexed by code (the codes are 0..9 in declaration order). */
    private static final DiskState[] VALUES = values();
    private static final Set<DiskState> DATA = EnumSet.of(INCONSISTENT, OUTDATED, CONSISTENT, UP_TO_DATE);

    private final int code;
    private final String displayName;

    DiskState(int code, String displayName) {
        this.code = code;
        this.displayName = displayName;
    }

    /** DRBD 9 numeric value. */
    public int code() {
        return code;
    }

    /** The name drbdsetup prints ({@code UpToDate}). */
    public String displayName() {
        return displayName;
    }

    public static DiskState of(int code) {
        if (code < 0 || code >= VALUES.length) {
            throw new IllegalArgumentException("disk state " + code);
        }
        return VALUES[code];
    }

    /** The value sent in a 4-bit disk/pdsk field for the given dialect. */
    public int toWire(boolean dialect84) {
        return dialect84 && code > DETACHING.code ? code - 1 : code;
    }

    /** Decodes a received 4-bit disk field; values out of range are a protocol error. */
    public static DiskState fromWire(int wire, boolean dialect84) {
        int c = dialect84 && wire >= 2 ? wire + 1 : wire;
        if (c < 0 || c >= VALUES.length) {
            throw new IllegalArgumentException("disk state " + wire + " on the wire");
        }
        return VALUES[c];
    }

    /** Consistent or UpToDate: what a graceful disconnect with fencing or quorum outdates. */
    public boolean outdatable() {
        return this == UP_TO_DATE || this == CONSISTENT;
    }

    /** True for disks that hold usable data: Outdated, Consistent or UpToDate (Inconsistent excluded). */
    public boolean hasConsistentData() {
        return this == CONSISTENT || this == UP_TO_DATE || this == OUTDATED;
    }

    /** True for states in which a backing device is attached: Inconsistent and better (the kernel's get_ldev). */
    public boolean hasDisk() {
        return code >= INCONSISTENT.code && this != UNKNOWN;
    }

    /**
     * The model's rule for the local disk, checked by its StateRules.soft on every voluntary (not
     * forced) change. A peer's disk as we know it may also be DUnknown, which this rule does not cover.
     */
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
}
