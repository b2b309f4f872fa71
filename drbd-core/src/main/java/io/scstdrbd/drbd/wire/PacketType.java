package io.scstdrbd.drbd.wire;

import static io.scstdrbd.drbd.wire.WireConstants.MAX_BIO_SIZE;
import static io.scstdrbd.drbd.wire.WireConstants.MAX_DIGEST_SIZE;
import static io.scstdrbd.drbd.wire.WireConstants.SOCKET_BUFFER_SIZE;

/**
 * Every packet type ({@code enum drbd_packet}) with the socket it travels on, the dialect that uses
 * it and the payload lengths a receiver accepts. The length bounds are what the framing checks
 * before it buffers a payload.
 */
public enum PacketType {
    DATA(0x00, Channel.DATA, Dialect.BOTH, 24, 24 + MAX_DIGEST_SIZE + MAX_BIO_SIZE),
    DATA_REPLY(0x01, Channel.DATA, Dialect.BOTH, 24, 24 + MAX_DIGEST_SIZE + MAX_BIO_SIZE),
    RS_DATA_REPLY(0x02, Channel.DATA, Dialect.BOTH, 24, 24 + MAX_DIGEST_SIZE + MAX_BIO_SIZE),
    BARRIER(0x03, Channel.DATA, Dialect.BOTH, 8, 8),
    BITMAP(0x04, Channel.DATA, Dialect.BOTH, 0, SOCKET_BUFFER_SIZE - 16),
    BECOME_SYNC_TARGET(0x05, Channel.DATA, Dialect.LEGACY, 0, 0),
    BECOME_SYNC_SOURCE(0x06, Channel.DATA, Dialect.LEGACY, 0, 0),
    UNPLUG_REMOTE(0x07, Channel.DATA, Dialect.BOTH, 0, 0),
    DATA_REQUEST(0x08, Channel.DATA, Dialect.BOTH, 24, 24),
    RS_DATA_REQUEST(0x09, Channel.DATA, Dialect.BOTH, 24, 24),
    SYNC_PARAM(0x0a, Channel.DATA, Dialect.LEGACY, 0, 0),
    PROTOCOL(0x0b, Channel.DATA, Dialect.BOTH, 24, 24 + WireConstants.ALG_NAME_MAX),
    UUIDS(0x0c, Channel.DATA, Dialect.D84, 48, 48),
    SIZES(0x0d, Channel.DATA, Dialect.BOTH, 32, 56),
    STATE(0x0e, Channel.DATA, Dialect.BOTH, 4, 4),
    SYNC_UUID(0x0f, Channel.DATA, Dialect.D84, 8, 8),
    AUTH_CHALLENGE(0x10, Channel.DATA, Dialect.BOTH, 1, 256),
    AUTH_RESPONSE(0x11, Channel.DATA, Dialect.BOTH, 1, MAX_DIGEST_SIZE),
    STATE_CHG_REQ(0x12, Channel.DATA, Dialect.D84, 8, 8),
    PING(0x13, Channel.META, Dialect.BOTH, 0, 0),
    PING_ACK(0x14, Channel.META, Dialect.BOTH, 0, 0),
    RECV_ACK(0x15, Channel.META, Dialect.BOTH, 24, 24),
    WRITE_ACK(0x16, Channel.META, Dialect.BOTH, 24, 24),
    RS_WRITE_ACK(0x17, Channel.META, Dialect.BOTH, 24, 24),
    SUPERSEDED(0x18, Channel.META, Dialect.LEGACY, 24, 24),
    NEG_ACK(0x19, Channel.META, Dialect.BOTH, 24, 24),
    NEG_DREPLY(0x1a, Channel.META, Dialect.BOTH, 24, 24),
    NEG_RS_DREPLY(0x1b, Channel.META, Dialect.BOTH, 24, 24),
    BARRIER_ACK(0x1c, Channel.META, Dialect.BOTH, 8, 8),
    STATE_CHG_REPLY(0x1d, Channel.META, Dialect.D84, 4, 4),
    OV_REQUEST(0x1e, Channel.DATA, Dialect.BOTH, 24, 24),
    OV_REPLY(0x1f, Channel.DATA, Dialect.BOTH, 24, 24 + MAX_DIGEST_SIZE),
    OV_RESULT(0x20, Channel.META, Dialect.BOTH, 24, 24),
    CSUM_RS_REQUEST(0x21, Channel.DATA, Dialect.BOTH, 24, 24 + MAX_DIGEST_SIZE),
    RS_IS_IN_SYNC(0x22, Channel.META, Dialect.BOTH, 24, 24),
    SYNC_PARAM89(0x23, Channel.DATA, Dialect.BOTH, 148, 148),
    COMPRESSED_BITMAP(0x24, Channel.DATA, Dialect.BOTH, 1, SOCKET_BUFFER_SIZE - 16),
    DELAY_PROBE(0x27, Channel.ANY, Dialect.BOTH, 8, 8),
    OUT_OF_SYNC(0x28, Channel.DATA, Dialect.BOTH, 16, 16),
    RS_CANCEL(0x29, Channel.META, Dialect.BOTH, 24, 24),
    CONN_ST_CHG_REQ(0x2a, Channel.DATA, Dialect.D84, 8, 8),
    CONN_ST_CHG_REPLY(0x2b, Channel.META, Dialect.D84, 4, 4),
    RETRY_WRITE(0x2c, Channel.META, Dialect.LEGACY, 24, 24),
    PROTOCOL_UPDATE(0x2d, Channel.DATA, Dialect.BOTH, 24, 24 + WireConstants.ALG_NAME_MAX),
    TWOPC_PREPARE(0x2e, Channel.DATA, Dialect.D9, 36, 36),
    TWOPC_ABORT(0x2f, Channel.DATA, Dialect.D9, 36, 36),
    DAGTAG(0x30, Channel.DATA, Dialect.D9, 8, 8),
    TRIM(0x31, Channel.DATA, Dialect.FEATURE, 28, 28),
    RS_THIN_REQ(0x32, Channel.DATA, Dialect.FEATURE, 24, 24),
    RS_DEALLOCATED(0x33, Channel.DATA, Dialect.FEATURE, 16, 16),
    WSAME(0x34, Channel.DATA, Dialect.LEGACY, 28, 28 + 4096),
    TWOPC_PREP_RSZ(0x35, Channel.DATA, Dialect.D9, 36, 36),
    ZEROES(0x36, Channel.DATA, Dialect.FEATURE, 28, 28),
    PEER_ACK(0x40, Channel.META, Dialect.D9, 16, 16),
    PEERS_IN_SYNC(0x41, Channel.META, Dialect.D9, 24, 24),
    UUIDS110(0x42, Channel.DATA, Dialect.D9, 40, 40 + 8 * 128),
    PEER_DAGTAG(0x43, Channel.DATA, Dialect.D9, 12, 12),
    CURRENT_UUID(0x44, Channel.DATA, Dialect.D9, 16, 16),
    TWOPC_YES(0x45, Channel.META, Dialect.D9, 32, 32),
    TWOPC_NO(0x46, Channel.META, Dialect.D9, 32, 32),
    TWOPC_COMMIT(0x47, Channel.DATA, Dialect.D9, 36, 36),
    TWOPC_RETRY(0x48, Channel.META, Dialect.D9, 32, 32),
    CONFIRM_STABLE(0x49, Channel.META, Dialect.D9, 24, 24),
    RS_CANCEL_AHEAD(0x4a, Channel.META, Dialect.D9, 24, 24),
    DISCONNECT(0x4b, Channel.DATA, Dialect.D9, 0, 0),
    INITIAL_META(0xfff1, Channel.FIRST, Dialect.BOTH, 0, 0),
    INITIAL_DATA(0xfff2, Channel.FIRST, Dialect.BOTH, 0, 0),
    CONNECTION_FEATURES(0xfffe, Channel.DATA, Dialect.BOTH, 72, 72);

    /** Commands at or above this value may be skipped by a receiver that does not know them. */
    public static final int MAY_IGNORE = 0x100;

    /** Which of the two sockets carries a packet. */
    public enum Channel { DATA, META, ANY, FIRST }

    /** Which agreed protocol versions use a packet. */
    public enum Dialect {
        /** Both dialects. */
        BOTH,
        /** Only below 110 (the 8.4 dialect). */
        D84,
        /** Only from 110 on (the DRBD 9 dialect). */
        D9,
        /** Only with a feature flag this engine does not advertise. */
        FEATURE,
        /** No longer sent or accepted. */
        LEGACY
    }

    private static final PacketType[] BY_CODE = new PacketType[0x100];

    static {
        for (PacketType t : values()) {
            if (t.code < BY_CODE.length) {
                BY_CODE[t.code] = t;
            }
        }
    }

    private final int code;
    private final Channel channel;
    private final Dialect dialect;
    private final int minLength;
    private final int maxLength;

    PacketType(int code, Channel channel, Dialect dialect, int minLength, int maxLength) {
        this.code = code;
        this.channel = channel;
        this.dialect = dialect;
        this.minLength = minLength;
        this.maxLength = maxLength;
    }

    public int code() {
        return code;
    }

    public Channel channel() {
        return channel;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** Smallest payload a receiver accepts. */
    public int minLength() {
        return minLength;
    }

    /** Largest payload a receiver accepts; the framing refuses longer declarations before buffering. */
    public int maxLength() {
        return maxLength;
    }

    /** True if the packet carries only its fixed struct. */
    public boolean isFixedSize() {
        return minLength == maxLength;
    }

    /** The type with this command code, or null if there is none. */
    public static PacketType fromCode(int code) {
        if (code >= 0 && code < BY_CODE.length) {
            return BY_CODE[code];
        }
        switch (code) {
            case 0xfff1: return INITIAL_META;
            case 0xfff2: return INITIAL_DATA;
            case 0xfffe: return CONNECTION_FEATURES;
            default: return null;
        }
    }

    /** True if a connection with this agreed protocol version may carry the packet. */
    public boolean allowedAt(int agreedVersion) {
        switch (dialect) {
            case BOTH: return true;
            case D84: return agreedVersion < WireConstants.PRO_VERSION_9;
            case D9: return agreedVersion >= WireConstants.PRO_VERSION_9 && (this != DISCONNECT || agreedVersion >= 118);
            default: return false;
        }
    }
}
