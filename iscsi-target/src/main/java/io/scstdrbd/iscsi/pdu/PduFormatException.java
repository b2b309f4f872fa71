package io.scstdrbd.iscsi.pdu;

/** A PDU violates the wire format or the negotiated limits; the connection that sent it is closed. */
public class PduFormatException extends Exception {
    private final int rejectReason;

    public PduFormatException(String message) {
        this(message, Reject.PROTOCOL_ERROR);
    }

    public PduFormatException(String message, int rejectReason) {
        super(message);
        this.rejectReason = rejectReason;
    }

    /** The Reject reason code to send, when a Reject can still be sent. */
    public int rejectReason() {
        return rejectReason;
    }
}
