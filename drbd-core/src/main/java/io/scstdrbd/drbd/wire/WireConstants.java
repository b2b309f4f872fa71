package io.scstdrbd.drbd.wire;

/** Numbers fixed by the DRBD wire protocol (drbd_protocol.h, linux/drbd.h). */
public final class WireConstants {
    private WireConstants() {
    }

    public static final int DRBD_MAGIC = 0x83740267;
    public static final int DRBD_MAGIC_BIG = 0x835a;
    public static final int DRBD_MAGIC_100 = 0x8620ec20;

    /** Header volume number meaning "the whole connection" (vnr -1). */
    public static final int VOLUME_CONNECTION = 0xFFFF;

    /** Largest data bio in one packet. */
    public static final int MAX_BIO_SIZE = 1 << 20;
    /** Largest digest any supported algorithm produces (sha512). */
    public static final int MAX_DIGEST_SIZE = 64;
    /** Bitmap packets, header included, never exceed this. */
    public static final int SOCKET_BUFFER_SIZE = 4096;
    /** Bytes of an authentication challenge. */
    public static final int CHALLENGE_LEN = 64;
    /** Longest algorithm name in net options. */
    public static final int ALG_NAME_MAX = 64;

    // dp_flags
    public static final int DP_HARDBARRIER = 1;
    public static final int DP_RW_SYNC = 2;
    public static final int DP_MAY_SET_IN_SYNC = 4;
    public static final int DP_UNPLUG = 8;
    public static final int DP_FUA = 16;
    public static final int DP_FLUSH = 32;
    public static final int DP_DISCARD = 64;
    public static final int DP_SEND_RECEIVE_ACK = 128;
    public static final int DP_SEND_WRITE_ACK = 256;
    public static final int DP_WSAME = 512;
    public static final int DP_ZEROES = 1024;

    // UUID flags
    public static final long UUID_FLAG_DISCARD_MY_DATA = 1;
    public static final long UUID_FLAG_CRASHED_PRIMARY = 2;
    public static final long UUID_FLAG_INCONSISTENT = 4;
    public static final long UUID_FLAG_SKIP_INITIAL_SYNC = 8;

    /** P_SIZES dds_flags: resize --assume-peer-has-space (DDSF_FORCED in 8.4). */
    public static final int DDSF_ASSUME_PEER_HAS_SPACE = 1;
    /** P_SIZES dds_flags: resize --assume-clean, the grown area needs no resync. */
    public static final int DDSF_NO_RESYNC = 2;
    public static final long UUID_FLAG_NEW_DATAGEN = 16;
    public static final long UUID_FLAG_STABLE = 32;
    public static final long UUID_FLAG_GOT_STABLE = 64;
    public static final long UUID_FLAG_RESYNC = 128;
    public static final long UUID_FLAG_RECONNECT = 256;
    public static final long UUID_FLAG_DISKLESS_PRIMARY = 512;
    public static final long UUID_FLAG_PRIMARY_LOST_QUORUM = 1024;
    /** The only flags P_UUIDS (8.4 dialect) carries. */
    public static final long UUID_FLAGS_84_MASK = 0xF;

    // feature flags
    public static final int FF_TRIM = 1;
    public static final int FF_THIN_RESYNC = 2;
    public static final int FF_WSAME = 4;
    public static final int FF_WZEROES = 8;
    public static final int FF_RESYNC_DAGTAG = 16;
    public static final int FF_2PC_V2 = 32;

    // conn_flags of P_PROTOCOL
    public static final int CF_DISCARD_MY_DATA = 1;
    public static final int CF_DRY_RUN = 2;

    /** block_id of resync replies and acks below protocol 122. */
    public static final long ID_SYNCER = -1L;
    public static final long ID_IN_SYNC = 4711;
    public static final long ID_OUT_OF_SYNC = 4712;

    /** UUID of freshly created metadata. */
    public static final long UUID_JUST_CREATED = 4;
    /** Offset added to the bitmap UUID at resync start in the 8.4 dialect. */
    public static final long UUID_NEW_BM_OFFSET = 1L << 48;

    /** First protocol version of the DRBD 9 dialect. */
    public static final int PRO_VERSION_9 = 110;
}
