package io.scstdrbd.scst.sense;

/**
 * The one table of error conditions the core reports, each with its sense key and additional
 * sense code / qualifier (SPC-4 "ASC and ASCQ assignments"). Everything that fails a command
 * names one of these; {@link SenseFormat} turns it into fixed or descriptor sense data.
 */
public enum ScsiError {
    // ILLEGAL REQUEST
    INVALID_COMMAND_OPERATION_CODE(SenseKey.ILLEGAL_REQUEST, 0x20, 0x00),
    INVALID_FIELD_IN_CDB(SenseKey.ILLEGAL_REQUEST, 0x24, 0x00),
    INVALID_FIELD_IN_PARAMETER_LIST(SenseKey.ILLEGAL_REQUEST, 0x26, 0x00),
    PARAMETER_LIST_LENGTH_ERROR(SenseKey.ILLEGAL_REQUEST, 0x1a, 0x00),
    LBA_OUT_OF_RANGE(SenseKey.ILLEGAL_REQUEST, 0x21, 0x00),
    LOGICAL_UNIT_NOT_SUPPORTED(SenseKey.ILLEGAL_REQUEST, 0x25, 0x00),
    INVALID_RELEASE_OF_PERSISTENT_RESERVATION(SenseKey.ILLEGAL_REQUEST, 0x26, 0x04),
    SAVING_PARAMETERS_NOT_SUPPORTED(SenseKey.ILLEGAL_REQUEST, 0x39, 0x00),
    INSUFFICIENT_REGISTRATION_RESOURCES(SenseKey.ILLEGAL_REQUEST, 0x55, 0x04),
    MEDIUM_REMOVAL_PREVENTED(SenseKey.ILLEGAL_REQUEST, 0x53, 0x02),
    TOO_MANY_TARGET_DESCRIPTORS(SenseKey.ILLEGAL_REQUEST, 0x26, 0x06),
    UNSUPPORTED_TARGET_DESCRIPTOR_TYPE(SenseKey.ILLEGAL_REQUEST, 0x26, 0x07),
    TOO_MANY_SEGMENT_DESCRIPTORS(SenseKey.ILLEGAL_REQUEST, 0x26, 0x08),
    UNSUPPORTED_SEGMENT_DESCRIPTOR_TYPE(SenseKey.ILLEGAL_REQUEST, 0x26, 0x09),
    INVALID_FIELD_IN_INFORMATION_UNIT(SenseKey.ILLEGAL_REQUEST, 0x0e, 0x03),
    // COPY ABORTED (EXTENDED COPY)
    COPY_TARGET_DEVICE_NOT_REACHABLE(SenseKey.COPY_ABORTED, 0x0d, 0x02),
    /** A copy segment reaches past a copy target's capacity (no more specific code is used). */
    COPY_ABORTED_RANGE(SenseKey.COPY_ABORTED, 0x00, 0x00),
    COPY_READ_ERROR(SenseKey.COPY_ABORTED, 0x11, 0x00),
    COPY_WRITE_ERROR(SenseKey.COPY_ABORTED, 0x0c, 0x00),
    // DATA PROTECT
    WRITE_PROTECTED(SenseKey.DATA_PROTECT, 0x27, 0x00),
    // NOT READY
    LOGICAL_UNIT_NOT_READY(SenseKey.NOT_READY, 0x04, 0x00),
    LOGICAL_UNIT_NOT_READY_INITIALIZING_COMMAND_REQUIRED(SenseKey.NOT_READY, 0x04, 0x02),
    LOGICAL_UNIT_NOT_READY_SANITIZE_IN_PROGRESS(SenseKey.NOT_READY, 0x04, 0x1b),
    MEDIUM_NOT_PRESENT(SenseKey.NOT_READY, 0x3a, 0x00),
    // MEDIUM / HARDWARE
    UNRECOVERED_READ_ERROR(SenseKey.MEDIUM_ERROR, 0x11, 0x00),
    WRITE_ERROR(SenseKey.MEDIUM_ERROR, 0x0c, 0x00),
    MEDIUM_FORMAT_CORRUPTED(SenseKey.MEDIUM_ERROR, 0x31, 0x00),
    INTERNAL_TARGET_FAILURE(SenseKey.HARDWARE_ERROR, 0x44, 0x00),
    // MISCOMPARE
    MISCOMPARE_DURING_VERIFY(SenseKey.MISCOMPARE, 0x1d, 0x00),
    // ABORTED COMMAND
    DATA_OUT_FAILED(SenseKey.ABORTED_COMMAND, 0x0c, 0x00),
    COMMAND_ABORTED(SenseKey.ABORTED_COMMAND, 0x00, 0x00),
    // UNIT ATTENTION
    POWER_ON_RESET(SenseKey.UNIT_ATTENTION, 0x29, 0x00),
    POWER_ON_OCCURRED(SenseKey.UNIT_ATTENTION, 0x29, 0x01),
    BUS_DEVICE_RESET(SenseKey.UNIT_ATTENTION, 0x29, 0x03),
    I_T_NEXUS_LOSS(SenseKey.UNIT_ATTENTION, 0x29, 0x07),
    MODE_PARAMETERS_CHANGED(SenseKey.UNIT_ATTENTION, 0x2a, 0x01),
    RESERVATIONS_PREEMPTED(SenseKey.UNIT_ATTENTION, 0x2a, 0x03),
    RESERVATIONS_RELEASED(SenseKey.UNIT_ATTENTION, 0x2a, 0x04),
    REGISTRATIONS_PREEMPTED(SenseKey.UNIT_ATTENTION, 0x2a, 0x05),
    CAPACITY_DATA_HAS_CHANGED(SenseKey.UNIT_ATTENTION, 0x2a, 0x09),
    COMMANDS_CLEARED_BY_ANOTHER_INITIATOR(SenseKey.UNIT_ATTENTION, 0x2f, 0x00),
    MEDIUM_MAY_HAVE_CHANGED(SenseKey.UNIT_ATTENTION, 0x28, 0x00),
    INQUIRY_DATA_HAS_CHANGED(SenseKey.UNIT_ATTENTION, 0x3f, 0x03),
    REPORTED_LUNS_DATA_HAS_CHANGED(SenseKey.UNIT_ATTENTION, 0x3f, 0x0e);

    private final SenseKey key;
    private final int asc;
    private final int ascq;

    ScsiError(SenseKey key, int asc, int ascq) {
        this.key = key;
        this.asc = asc;
        this.ascq = ascq;
    }

    public SenseKey key() {
        return key;
    }

    public int asc() {
        return asc;
    }

    public int ascq() {
        return ascq;
    }

    /** ASC and ASCQ as one 16-bit value, e.g. 0x2400 (how libiscsi and logs print them). */
    public int ascAscq() {
        return (asc << 8) | ascq;
    }
}
