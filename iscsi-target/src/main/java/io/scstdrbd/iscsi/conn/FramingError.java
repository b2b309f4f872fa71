package io.scstdrbd.iscsi.conn;

/**
 * The byte stream cannot be framed any more (bad lengths, header digest error): the decoder stops
 * and the connection is closed.
 *
 * @param bhs    the offending header when there is one (for a Reject), else null
 * @param reason Reject reason code, or -1 when no Reject can be sent
 */
public record FramingError(byte[] bhs, String message, int reason) {
}
