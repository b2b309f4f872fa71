package io.scstdrbd.drbd.meta;

/**
 * Where the parts of v09 metadata lie on the metadata device (drbd.md §11.1): superblock,
 * activity log and bitmap, and how much of the backing device remains for data.
 *
 * <p>Internal ("flexible internal") metadata sits at the end of the backing device:
 * {@code [data][bitmap][activity log][superblock]}; offsets of AL and bitmap are negative sector
 * counts relative to the superblock. External metadata starts with the superblock:
 * {@code [superblock][activity log][bitmap]} with positive offsets.
 *
 * @param metaDevIdx     -3 flexible internal, -2 flexible external, ≥ 0 indexed external (128 MiB slots)
 * @param superblockAt   byte offset of the superblock on the metadata device
 * @param mdSizeSect     md_size_sect
 * @param alOffsetSect   al_offset (sectors relative to the superblock)
 * @param bmOffsetSect   bm_offset (sectors relative to the superblock)
 * @param alStripes      AL stripes
 * @param alStripeSize4k AL stripe size in 4 KiB blocks
 * @param maxPeers       bitmap slots
 * @param usableSectors  sectors of the backing device available for data
 */
public record MdLayout(int metaDevIdx, long superblockAt, int mdSizeSect, int alOffsetSect, int bmOffsetSect,
        int alStripes, int alStripeSize4k, int maxPeers, long usableSectors) {

    public static final int FLEX_INT = -3;
    public static final int FLEX_EXT = -2;
    public static final int INTERNAL = -1;
    /** One indexed external metadata slot (MD_RESERVED_SECT_07). */
    public static final long INDEXED_SLOT_BYTES = 128L << 20;

    public boolean internal() {
        return metaDevIdx == FLEX_INT || metaDevIdx == INTERNAL;
    }

    public int alSize4k() {
        return alStripes * alStripeSize4k;
    }

    /** Byte offset of the AL on the metadata device. */
    public long alStart() {
        return superblockAt + alOffsetSect * 512L;
    }

    /** Byte offset of the bitmap area on the metadata device. */
    public long bmStart() {
        return superblockAt + bmOffsetSect * 512L;
    }

    /** Bytes of the on-disk bitmap area. */
    public long bmAreaBytes() {
        return alOffsetSect < 0 ? (alOffsetSect - bmOffsetSect) * 512L : (mdSizeSect - bmOffsetSect) * 512L;
    }

    /** Where the superblock is for a metadata device of {@code mdDevBytes} (drbd_md_ss). */
    public static long superblockOffset(int metaDevIdx, long mdDevBytes) {
        if (metaDevIdx == FLEX_INT || metaDevIdx == INTERNAL) {
            return (mdDevBytes - Superblock.SIZE) & ~4095L;
        }
        if (metaDevIdx == FLEX_EXT) {
            return 0;
        }
        return metaDevIdx * INDEXED_SLOT_BYTES;
    }

    /** Bitmap bytes for data of {@code dataSectors} with {@code maxPeers} slots (drbdmeta's bm_bytes). */
    public static long bitmapBytes(long dataSectors, int maxPeers) {
        long bits = (dataSectors + 7) / 8;
        long perPeer = align(bits, 64) / 8;
        return align(perPeer * maxPeers, 4096);
    }

    /** Bitmap sectors the kernel needs to cover {@code capacitySectors} (drbd_capacity_to_on_disk_bm_sect). */
    public static long bitmapSectorsFor(long capacitySectors, int maxPeers) {
        return bitmapBytes(capacitySectors, maxPeers) >> 9;
    }

    static long align(long v, long a) {
        return (v + a - 1) / a * a;
    }

    /** The layout {@code drbdmeta create-md} chooses for internal metadata on a device of {@code devBytes}. */
    public static MdLayout createInternal(long devBytes, int maxPeers, int alStripes, int alStripeSize4k) {
        long sb = superblockOffset(FLEX_INT, devBytes);
        int alSect = alStripes * alStripeSize4k * 8;
        long mdSize = align(bitmapBytes(devBytes >> 9, maxPeers) >> 9, 8) + 8 + alSect;
        int bmOff = (int) (-mdSize + 8);
        long usable = (sb + bmOff * 512L) >> 9;
        return new MdLayout(FLEX_INT, sb, (int) mdSize, -alSect, bmOff, alStripes, alStripeSize4k, maxPeers, usable);
    }

    /** The layout {@code drbdmeta create-md} chooses for flexible external metadata. */
    public static MdLayout createExternal(long mdDevBytes, long dataDevBytes, int maxPeers, int alStripes,
            int alStripeSize4k) {
        int alSect = alStripes * alStripeSize4k * 8;
        return new MdLayout(FLEX_EXT, 0, (int) (mdDevBytes >> 9), 8, 8 + alSect, alStripes, alStripeSize4k, maxPeers,
                dataDevBytes >> 9);
    }
}
