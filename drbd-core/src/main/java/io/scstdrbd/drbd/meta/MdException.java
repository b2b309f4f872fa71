package io.scstdrbd.drbd.meta;

/** Metadata that cannot be used, with the DRBD return code attach reports and the kernel's message. */
public final class MdException extends Exception {
    private final int retCode;

    public MdException(int retCode, String message) {
        super(message);
        this.retCode = retCode;
    }

    public int retCode() {
        return retCode;
    }
}
