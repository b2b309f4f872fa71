package io.scstdrbd.drbd.state;

/**
 * Disk states in DRBD 9 numbering ({@code enum drbd_disk_state}). The 8.4 dialect has no
 * Detaching: on the wire every value above 2 is one lower there ({@link #toWire}/{@link #fromWire}).
 */
public enum DiskState {
    DISKLESS("Diskless"),
    ATTACHING("Attaching"),
    DETACHING("Detaching"),
    FAILED("Failed"),
    NEGOTIATING("Negotiating"),
    INCONSISTENT("Inconsistent"),
    OUTDATED("Outdated"),
    UNKNOWN("DUnknown"),
    CONSISTENT("Consistent"),
    UP_TO_DATE("UpToDate");

    private static final DiskState[] VALUES = values();
    private final String displayName;

    DiskState(String displayName) {
        this.displayName = displayName;
    }

    /** DRBD 9 numeric value. */
    public int code() {
        return ordinal();
    }

    public String displayName() {
        return displayName;
    }

    public static DiskState fromCode(int code) {
        if (code < 0 || code >= VALUES.length) {
            throw new IllegalArgumentException("disk state " + code);
        }
        return VALUES[code];
    }

    /** The value sent in a 4-bit disk/pdsk field for the given dialect. */
    public int toWire(boolean dialect84) {
        int c = code();
        return dialect84 && c > DETACHING.code() ? c - 1 : c;
    }

    /** Decodes a received 4-bit disk field; values out of range are a protocol error. */
    public static DiskState fromWire(int wire, boolean dialect84) {
        int c = dialect84 && wire >= 2 ? wire + 1 : wire;
        if (c < 0 || c >= VALUES.length) {
            throw new IllegalArgumentException("disk state " + wire + " on the wire");
        }
        return VALUES[c];
    }

    /** True for disks that hold usable data (Outdated, Consistent, UpToDate and Inconsistent excluded). */
    public boolean hasConsistentData() {
        return this == CONSISTENT || this == UP_TO_DATE || this == OUTDATED;
    }

    /** True for states with an attached local disk (Inconsistent and better). */
    public boolean isAttached() {
        return compareTo(INCONSISTENT) >= 0 && this != UNKNOWN;
    }
}
