package io.scstdrbd.kernel.genl;

import io.scstdrbd.kernel.errno.Errno;

/**
 * A request that the bus answers with an NLMSG_ERROR carrying {@code -errno}: malformed
 * messages, unknown families or commands, missing permission, or a handler's own failure.
 */
public class GenlException extends Exception {
    private final int errno;

    public GenlException(int errno, String message) {
        super(message);
        if (errno <= 0) {
            throw new IllegalArgumentException("errno must be positive");
        }
        this.errno = errno;
    }

    public static GenlException invalid(String message) {
        return new GenlException(Errno.EINVAL, message);
    }

    /** Positive errno; the error ack carries its negation. */
    public int errno() {
        return errno;
    }
}
