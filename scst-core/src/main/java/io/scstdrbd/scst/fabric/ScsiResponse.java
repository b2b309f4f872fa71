package io.scstdrbd.scst.fabric;

import java.nio.ByteBuffer;

/**
 * The final result of a command.
 *
 * <p>Residuals: the transport sends at most the initiator's expected data transfer length (EDTL)
 * of data-in and reports the difference between the command's transfer length and the EDTL
 * (iSCSI residual overflow/underflow). The command's transfer length is {@code transferLength}
 * when it is not negative (data commands: READ/WRITE set it from the CDB, so that a WRITE(10) of
 * one block with EDTL 0 reports an overflow of one block), otherwise the length of {@code data}.
 *
 * @param status         SAM status byte (0 GOOD, 2 CHECK CONDITION, 8 BUSY, 0x18 RESERVATION CONFLICT, 0x28 TASK SET FULL)
 * @param sense          sense data to return with CHECK CONDITION (fixed or descriptor format), or null
 * @param data           data-in to send before the status (between each buffer's position and limit), or null
 * @param release        called by the transport when it no longer needs {@code data}; never null
 * @param transferLength the command's own transfer length in bytes for residual computation, or -1
 *                       to use the length of {@code data}
 */
public record ScsiResponse(int status, byte[] sense, ByteBuffer[] data, Runnable release, long transferLength) {

    public static final int GOOD = 0x00;
    public static final int CHECK_CONDITION = 0x02;
    public static final int CONDITION_MET = 0x04;
    public static final int BUSY = 0x08;
    public static final int RESERVATION_CONFLICT = 0x18;
    public static final int TASK_SET_FULL = 0x28;
    public static final int ACA_ACTIVE = 0x30;
    public static final int TASK_ABORTED = 0x40;

    private static final Runnable NOTHING = () -> { };

    /** A response whose transfer length is the length of its data-in (or 0 without data). */
    public ScsiResponse(int status, byte[] sense, ByteBuffer[] data, Runnable release) {
        this(status, sense, data, release, -1);
    }

    public static ScsiResponse status(int status) {
        return new ScsiResponse(status, null, null, NOTHING);
    }

    public static ScsiResponse checkCondition(byte[] sense) {
        return new ScsiResponse(CHECK_CONDITION, sense, null, NOTHING);
    }

    public static ScsiResponse good(ByteBuffer[] data, Runnable release) {
        return new ScsiResponse(GOOD, null, data, release == null ? NOTHING : release);
    }

    /** GOOD with data-in, for a command whose transfer length differs from the data sent (READ with a short EDTL). */
    public static ScsiResponse good(ByteBuffer[] data, Runnable release, long transferLength) {
        return new ScsiResponse(GOOD, null, data, release == null ? NOTHING : release, transferLength);
    }

    /** A status without data for a command that had a transfer length (WRITE): residuals use it. */
    public static ScsiResponse status(int status, byte[] sense, long transferLength) {
        return new ScsiResponse(status, sense, null, NOTHING, transferLength);
    }

    /** The transfer length to compare with the EDTL for residuals (see the class comment). */
    public long residualBase() {
        return transferLength >= 0 ? transferLength : dataLength();
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
