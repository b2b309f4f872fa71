package io.scstdrbd.scst.fabric;

/** Which way a command's data moves, as the transport announced it (iSCSI R/W bits). */
public enum DataDirection {
    NONE,
    /** Data-in: target to initiator. */
    READ,
    /** Data-out: initiator to target. */
    WRITE,
    BIDIRECTIONAL
}
