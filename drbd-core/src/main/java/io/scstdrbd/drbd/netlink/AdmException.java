package io.scstdrbd.drbd.netlink;

/**
 * A drbd command that fails with a DRBD return code: an {@code ERR_*} value (&gt; 100) or a
 * state-change result {@code SS_*} (&lt; 1). The reply carries the code in
 * {@code drbd_genlmsghdr.ret_code} and the message, if any, as {@code info_text}; drbdsetup turns
 * the code into its own error text and exit status.
 */
public final class AdmException extends Exception {
    private final int retCode;
    private final String info;

    public AdmException(int retCode, String info) {
        super(info == null ? "ret_code " + retCode : info + " (ret_code " + retCode + ")");
        this.retCode = retCode;
        this.info = info;
    }

    public AdmException(int retCode) {
        this(retCode, null);
    }

    public int retCode() {
        return retCode;
    }

    /** Text for the reply's info_text, or null. */
    public String info() {
        return info;
    }
}
