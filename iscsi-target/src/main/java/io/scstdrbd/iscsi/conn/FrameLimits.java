package io.scstdrbd.iscsi.conn;

/**
 * What the frame decoder and the PDU writer of one connection must know: the digests in effect
 * and the largest data segment the target accepts. Changed by the connection handler on the
 * connection's event loop between PDUs (digests start after the final login response).
 */
final class FrameLimits {
    /** During login, data segments are limited to the RFC default MaxRecvDataSegmentLength. */
    static final int LOGIN_MAX_DATA_SEGMENT = 8192;

    boolean headerDigest;
    boolean dataDigest;
    int maxDataSegmentLength = LOGIN_MAX_DATA_SEGMENT;
}
