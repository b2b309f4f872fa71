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

    /**
     * Opens a session the core may end on its own: after a TARGET COLD RESET (which ends every
     * session of the target, RFC 7143 11.5.1) and when an admin removes the initiator from its
     * group while {@code forcibly_close_sessions} is set. The core then calls
     * {@code forcedClose} once, from any thread; the transport drops the connection (without a
     * response to outstanding commands) and calls {@link ScsiSession#close()} as on connection
     * loss. Transports that cannot end sessions use {@link #openSession(SessionKey)}.
     */
    default ScsiSession openSession(SessionKey key, Runnable forcedClose) {
        return openSession(key);
    }
}
