package io.scstdrbd.kernel.errno;

/**
 * A failure that carries a Linux errno value and a message meant for the admin.
 * Thrown across module boundaries wherever the kernel would return {@code -errno}.
 */
public class KernelException extends Exception {
    private final int errno;

    public KernelException(int errno, String message) {
        super(message);
        if (errno <= 0) {
            throw new IllegalArgumentException("errno must be positive: " + errno);
        }
        this.errno = errno;
    }

    public KernelException(int errno, String message, Throwable cause) {
        super(message, cause);
        if (errno <= 0) {
            throw new IllegalArgumentException("errno must be positive: " + errno);
        }
        this.errno = errno;
    }

    /** The positive errno value. */
    public int errno() {
        return errno;
    }

    @Override
    public String toString() {
        return getMessage() + " (" + Errno.name(errno) + ")";
    }
}
