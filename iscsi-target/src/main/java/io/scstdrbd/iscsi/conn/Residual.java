package io.scstdrbd.iscsi.conn;

/**
 * The residual of a command (RFC 7143 11.4.5): the difference between the command's own transfer
 * length and the initiator's expected data transfer length.
 *
 * @param count the residual count as sent (saturated to 32 bits)
 */
record Residual(boolean overflow, boolean underflow, int count) {
    static final Residual NONE = new Residual(false, false, 0);

    /** @param transferLength what the command transfers; @param expected the EDTL */
    static Residual of(long transferLength, long expected) {
        if (transferLength > expected) {
            return new Residual(true, false, (int) Math.min(0xffffffffL, transferLength - expected));
        }
        if (transferLength < expected) {
            return new Residual(false, true, (int) Math.min(0xffffffffL, expected - transferLength));
        }
        return NONE;
    }
}
