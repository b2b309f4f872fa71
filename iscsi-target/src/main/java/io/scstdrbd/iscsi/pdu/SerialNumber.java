package io.scstdrbd.iscsi.pdu;

/** 32-bit serial number arithmetic (RFC 1982) for CmdSN, StatSN, DataSN and R2TSN. */
public final class SerialNumber {
    private SerialNumber() {
    }

    /** {@code a < b} in serial arithmetic. */
    public static boolean lessThan(int a, int b) {
        return a != b && (b - a) > 0;
    }

    /** {@code a <= b} in serial arithmetic. */
    public static boolean lessOrEqual(int a, int b) {
        return a == b || (b - a) > 0;
    }

    /** {@code b - a} as a signed distance (meaningful when |distance| < 2^31). */
    public static int distance(int a, int b) {
        return b - a;
    }
}
