package io.scstdrbd.kernel.block;

/** Optional features a {@link BlockDevice} declares; submitters must not rely on absent ones. */
public enum DeviceCapability {
    /** FLUSH reaches stable storage (a device without it has no volatile cache). */
    FLUSH,
    /** FUA is honoured natively (otherwise the device emulates it with write + flush). */
    FUA,
    /** DISCARD is passed to the storage. Without it a DISCARD bio fails with EOPNOTSUPP. */
    DISCARD,
    /** Discarded ranges read back as zeroes (SCSI LBPRZ). */
    DISCARD_ZEROES,
    /** WRITE_ZEROES is executed (natively or emulated); without it it fails with EOPNOTSUPP. */
    WRITE_ZEROES,
    /** The device accepts no writes at all. */
    READ_ONLY
}
