package io.scstdrbd.drbd.meta;

/**
 * {@code struct peer_dev_md_on_disk_9}: what the metadata remembers about one peer node
 * (indexed by node id): its bitmap UUID and dagtag, flags, and which bitmap slot holds its
 * out-of-sync bits (-1: none assigned).
 */
public record PeerMd(long bitmapUuid, long bitmapDagtag, int flags, int bitmapIndex) {
    public static final int SIZE = 32;
    public static final int MDF_PEER_CONNECTED = 0x1;
    public static final int MDF_PEER_OUTDATED = 0x2;
    public static final int MDF_PEER_FENCING = 0x4;
    public static final int MDF_PEER_FULL_SYNC = 0x8;
    public static final int MDF_PEER_DEVICE_SEEN = 0x10;
    public static final int MDF_NODE_EXISTS = 0x10000;

    public static final PeerMd EMPTY = new PeerMd(0, 0, 0, -1);

    public PeerMd withBitmapUuid(long u) {
        return new PeerMd(u, bitmapDagtag, flags, bitmapIndex);
    }

    public PeerMd withFlags(int f) {
        return new PeerMd(bitmapUuid, bitmapDagtag, f, bitmapIndex);
    }

    public PeerMd withBitmapIndex(int i) {
        return new PeerMd(bitmapUuid, bitmapDagtag, flags, i);
    }
}
