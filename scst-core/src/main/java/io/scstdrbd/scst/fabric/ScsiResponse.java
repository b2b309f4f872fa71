package io.scstdrbd.scst.fabric;

import java.nio.ByteBuffer;

/**
 * The final result of a command.
 *
 * @param status   SAM status byte (0 GOOD, 2 CHECK CONDITION, 8 BUSY, 0x18 RESERVATION CONFLICT, 0x28 TASK SET FULL)
 * @param sense    sense data to return with CHECK CONDITION (fixed or descriptor format), or null
 * @param data     data-in to send before the status (between each buffer's position and limit), or null
 * @param release  called by the transport when it no longer needs {@code data}; never null
 */
public record ScsiResponse(int status, byte[] sense, ByteBuffer[] data, Runnable release) {

    public static final int GOOD = 0x00;
    public static final int CHECK_CONDITION = 0x02;
    public static final int CONDITION_MET = 0x04;
    public static final int BUSY = 0x08;
    public static final int RESERVATION_CONFLICT = 0x18;
    public static final int TASK_SET_FULL = 0x28;
    public static final int ACA_ACTIVE = 0x30;
    public static final int TASK_ABORTED = 0x40;

    private static final Runnable NOTHING = () -> { };

    public static ScsiResponse status(int status) {
        return new ScsiResponse(status, null, null, NOTHING);
    }

    public static ScsiResponse checkCondition(byte[] sense) {
        return new ScsiResponse(CHECK_CONDITION, sense, null, NOTHING);
    }

    public static ScsiResponse good(ByteBuffer[] data, Runnable release) {
        return new ScsiResponse(GOOD, null, data, release == null ? NOTHING : release);
    }

    /** Total data-in bytes. */
    public long dataLength() {
        long n = 0;
        if (data != null) {
            for (ByteBuffer b : data) {
                n += b.remaining();
            }
        }
        return n;
    }
}
