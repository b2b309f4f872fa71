package io.scstdrbd.backend.spi;

import io.scstdrbd.kernel.errno.KernelException;

/**
 * A kind of storage (tcmu-runner's {@code struct tcmur_handler}): found with
 * {@link java.util.ServiceLoader} under {@code META-INF/services/io.scstdrbd.backend.spi.BackendHandler};
 * adding storage means adding one class that implements this.
 *
 * <p>Threading: {@link #checkConfig} and {@link #open} are called on management threads (CLI
 * start-up, the {@code dev/tcmur} node), never on the I/O path; they may block. Implementations
 * are stateless or thread-safe.
 */
public interface BackendHandler {

    /** The subtype that selects this handler in a backend spec: {@code ram}, {@code file}. */
    String subtype();

    /** Human description of the configuration string, shown by {@code help}. */
    String configHelp();

    /**
     * Validates a configuration without side effects (files are not created).
     *
     * @param sizeBytes the requested size, or -1 when none was given
     * @throws KernelException EINVAL (with the reason) if the configuration cannot work
     */
    void checkConfig(String config, long sizeBytes) throws KernelException;

    /**
     * Opens the storage. The caller owns the returned device and closes it.
     *
     * @param sizeBytes the requested size, or -1 to take the size from the storage
     */
    BackendDevice open(String config, long sizeBytes) throws KernelException;
}
