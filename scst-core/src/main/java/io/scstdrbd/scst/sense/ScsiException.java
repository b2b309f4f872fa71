package io.scstdrbd.scst.sense;

import io.scstdrbd.scst.fabric.ScsiResponse;

/**
 * A command failed with a SCSI status (usually CHECK CONDITION with sense). Thrown by parsers
 * and executors to end a command early; it carries no stack trace because it is ordinary
 * control flow, not a bug.
 */
public final class ScsiException extends Exception {
    private final int status;
    private final SenseData sense;

    public ScsiException(SenseData sense) {
        super(sense.error().name(), null, false, false);
        this.status = ScsiResponse.CHECK_CONDITION;
        this.sense = sense;
    }

    private ScsiException(int status) {
        super("status 0x" + Integer.toHexString(status), null, false, false);
        this.status = status;
        this.sense = null;
    }

    public static ScsiException of(ScsiError e) {
        return new ScsiException(SenseData.of(e));
    }

    public static ScsiException invalidCdbField(int byteOffset, int bit) {
        return new ScsiException(SenseData.cdbField(byteOffset, bit));
    }

    public static ScsiException invalidParameter(int byteOffset, int bit) {
        return new ScsiException(SenseData.parameterField(byteOffset, bit));
    }

    public static ScsiException reservationConflict() {
        return new ScsiException(ScsiResponse.RESERVATION_CONFLICT);
    }

    public static ScsiException status(int status) {
        return new ScsiException(status);
    }

    public int status() {
        return status;
    }

    /** The sense condition, or null for a status without sense (RESERVATION CONFLICT, BUSY). */
    public SenseData sense() {
        return sense;
    }
}
