package io.scstdrbd.kernel.block;

/**
 * Completion of a {@link Bio}.
 *
 * <p>Threading: called exactly once, on whatever thread finished the I/O: a backend's executor,
 * a network event loop, or the submitter's own thread from inside {@link BlockDevice#submit}.
 * It must not block; hand heavy work to an executor. Ownership: when this is called the device
 * has let go of the bio's segments; they belong to the submitter again.
 */
@FunctionalInterface
public interface BioCallback {
    /**
     * @param bio   the finished bio
     * @param errno 0 on success, otherwise a positive {@link io.scstdrbd.kernel.errno.Errno} value
     */
    void done(Bio bio, int errno);
}
