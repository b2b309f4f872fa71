package io.scstdrbd.backend.spi;

/** What a {@link BackendDevice} can do beyond read and write. */
public enum BackendCapability {
    /** {@link BackendDevice#flush} reaches stable storage (otherwise it is a harmless no-op). */
    FLUSH,
    /** {@link BackendDevice#unmap} frees space. */
    UNMAP,
    /** Unmapped ranges read back as zeroes. */
    UNMAP_ZEROES,
    /** {@link BackendDevice#writeZeroes} is implemented (natively or by writing zero buffers). */
    WRITE_ZEROES,
    /**
     * Every operation finishes quickly without waiting for disks or networks (memory copies),
     * so the adapter may call it on the submitter's own thread, even an event loop.
     */
    NONBLOCKING
}
