package io.scstdrbd.scst.fabric;

/**
 * What a transport (fabric) sees of the SCSI target core. The core owns devices, LUN maps,
 * initiator groups, reservations and command execution; the transport owns the wire.
 *
 * <p>Threading: thread-safe; {@link #openSession} may block briefly (configuration lock).
 */
public interface ScsiTargetCore {

    /**
     * Opens a session. Every initiator may log in: one named in a group sees that group's LUNs,
     * others see the Default group's, and one with no LUNs sees none.
     */
    ScsiSession openSession(SessionKey key);
}
