package io.scstdrbd.drbd.meta;

import java.util.Arrays;
import java.util.List;

/**
 * {@code struct meta_data_on_disk_9} (drbd_meta_data.h, drbd.md §11.2): the 4 KiB v09
 * superblock. Immutable; {@link SuperblockCodec} turns it into bytes and back.
 */
public record Superblock(
        long effectiveSize,
        long currentUuid,
        long members,
        long deviceUuid,
        int flags,
        int magic,
        int mdSizeSect,
        int alOffset,
        int alNrExtents,
        int bmOffset,
        int bmBytesPerBit,
        int laPeerMaxBioSize,
        int bmMaxPeers,
        int nodeId,
        int alStripes,
        int alStripeSize4k,
        List<PeerMd> peers,
        long[] historyUuids) {

    public static final int SIZE = 4096;
    public static final int MAX_PEERS = 32;
    public static final int HISTORY_UUIDS = 32;
    public static final int MAGIC_09 = 0x8374026d;
    public static final int MAGIC_08 = 0x8374026b;
    public static final int MAGIC_84_UNCLEAN = 0x8374026c;
    public static final long UUID_JUST_CREATED = 4;
    /** Bit 0 of a current UUID: created while Primary (masked off in comparisons). */
    public static final long UUID_PRIMARY = 1;

    public static final int MDF_CONSISTENT = 0x1;
    public static final int MDF_PRIMARY_IND = 0x2;
    public static final int MDF_WAS_UP_TO_DATE = 0x10;
    public static final int MDF_CRASHED_PRIMARY = 0x40;
    public static final int MDF_AL_CLEAN = 0x80;
    public static final int MDF_AL_DISABLED = 0x100;
    public static final int MDF_PRIMARY_LOST_QUORUM = 0x200;
    public static final int MDF_HAVE_QUORUM = 0x400;

    public Superblock {
        if (peers.size() != MAX_PEERS || historyUuids.length != HISTORY_UUIDS) {
            throw new IllegalArgumentException("32 peer slots and 32 history UUIDs expected");
        }
        peers = List.copyOf(peers);
        historyUuids = historyUuids.clone();
    }

    @Override
    public long[] historyUuids() {
        return historyUuids.clone();
    }

    public PeerMd peer(int nodeId) {
        return peers.get(nodeId);
    }

    public boolean hasFlag(int f) {
        return (flags & f) != 0;
    }

    /** Size of the AL in 4 KiB blocks. */
    public int alSize4k() {
        return alStripes * alStripeSize4k;
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Superblock s && Arrays.equals(SuperblockCodec.encode(this), SuperblockCodec.encode(s));
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(SuperblockCodec.encode(this));
    }

    /** Copies a superblock for modification. */
    public static final class Builder {
        long effectiveSize;
        long currentUuid;
        long members;
        long deviceUuid;
        int flags;
        int magic;
        int mdSizeSect;
        int alOffset;
        int alNrExtents;
        int bmOffset;
        int bmBytesPerBit;
        int laPeerMaxBioSize;
        int bmMaxPeers;
        int nodeId;
        int alStripes;
        int alStripeSize4k;
        final PeerMd[] peers = new PeerMd[MAX_PEERS];
        final long[] history = new long[HISTORY_UUIDS];

        public Builder() {
            Arrays.fill(peers, PeerMd.EMPTY);
            magic = MAGIC_09;
            bmBytesPerBit = 4096;
            nodeId = -1;
            alStripes = 1;
            alStripeSize4k = 8;
        }

        Builder(Superblock s) {
            effectiveSize = s.effectiveSize;
            currentUuid = s.currentUuid;
            members = s.members;
            deviceUuid = s.deviceUuid;
            flags = s.flags;
            magic = s.magic;
            mdSizeSect = s.mdSizeSect;
            alOffset = s.alOffset;
            alNrExtents = s.alNrExtents;
            bmOffset = s.bmOffset;
            bmBytesPerBit = s.bmBytesPerBit;
            laPeerMaxBioSize = s.laPeerMaxBioSize;
            bmMaxPeers = s.bmMaxPeers;
            nodeId = s.nodeId;
            alStripes = s.alStripes;
            alStripeSize4k = s.alStripeSize4k;
            for (int i = 0; i < MAX_PEERS; i++) {
                peers[i] = s.peers.get(i);
            }
            System.arraycopy(s.historyUuids, 0, history, 0, HISTORY_UUIDS);
        }

        public Builder effectiveSize(long v) { effectiveSize = v; return this; }
        public Builder currentUuid(long v) { currentUuid = v; return this; }
        public Builder members(long v) { members = v; return this; }
        public Builder deviceUuid(long v) { deviceUuid = v; return this; }
        public Builder flags(int v) { flags = v; return this; }
        public Builder magic(int v) { magic = v; return this; }
        public Builder mdSizeSect(int v) { mdSizeSect = v; return this; }
        public Builder alOffset(int v) { alOffset = v; return this; }
        public Builder alNrExtents(int v) { alNrExtents = v; return this; }
        public Builder bmOffset(int v) { bmOffset = v; return this; }
        public Builder bmBytesPerBit(int v) { bmBytesPerBit = v; return this; }
        public Builder laPeerMaxBioSize(int v) { laPeerMaxBioSize = v; return this; }
        public Builder bmMaxPeers(int v) { bmMaxPeers = v; return this; }
        public Builder nodeId(int v) { nodeId = v; return this; }
        public Builder alStripes(int v) { alStripes = v; return this; }
        public Builder alStripeSize4k(int v) { alStripeSize4k = v; return this; }
        public Builder peer(int nodeId, PeerMd p) { peers[nodeId] = p; return this; }
        public Builder history(int i, long u) { history[i] = u; return this; }
        public Builder history(long[] h) { System.arraycopy(h, 0, history, 0, HISTORY_UUIDS); return this; }

        public Superblock build() {
            return new Superblock(effectiveSize, currentUuid, members, deviceUuid, flags, magic, mdSizeSect,
                    alOffset, alNrExtents, bmOffset, bmBytesPerBit, laPeerMaxBioSize, bmMaxPeers, nodeId, alStripes,
                    alStripeSize4k, Arrays.asList(peers.clone()), history.clone());
        }
    }
}
