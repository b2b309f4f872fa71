package io.scstdrbd.iscsi.pdu;

/**
 * A decoded Basic Header Segment (RFC 7143 11.2): one immutable record per PDU type. The
 * framing fields (TotalAHSLength, DataSegmentLength) are not part of the records; they belong to
 * the frame and are written by {@link PduCodec#encode}.
 *
 * <p>Sequence numbers, tags and offsets are the raw 32-bit values held in {@code int}s (compare
 * with {@link SerialNumber}); LUN fields are the raw 8 bytes as a {@code long}.
 */
public sealed interface PduHeader permits NopOut, ScsiCommand, TaskMgmtRequest, LoginRequest, TextRequest,
        DataOut, LogoutRequest, SnackRequest, TargetPdu, UnknownPdu {

    /** Tag value meaning "none" for ITT and TTT fields. */
    int RESERVED_TAG = 0xffffffff;

    Opcode opcode();

    /** Initiator task tag (0xffffffff where the PDU has none). */
    int itt();

    /** The I bit (initiator PDUs only). */
    default boolean immediate() {
        return false;
    }
}
