package io.scstdrbd.drbd.meta;

import io.scstdrbd.drbd.netlink.DrbdConst;

/**
 * The kernel's checks of a superblock at attach (drbd_md_decode, check_offsets_and_sizes; drbd.md
 * §11.4), yielding the layout to use. Messages are the kernel's, so admins see familiar text.
 */
public final class MdValidator {
    private MdValidator() {
    }

    /**
     * @param metaDevIdx  the configured index (-3 internal, -2 flexible external, ≥ 0 indexed)
     * @param mdDevBytes  capacity of the metadata device
     * @param dataDevBytes capacity of the backing (data) device
     * @param myNodeId    the resource's node id
     */
    public static MdLayout validate(Superblock sb, int metaDevIdx, long mdDevBytes, long dataDevBytes, int myNodeId)
            throws MdException {
        int magic = sb.magic();
        int flags = sb.flags();
        if ((magic == Superblock.MAGIC_09 && (flags & Superblock.MDF_AL_CLEAN) == 0)
                || magic == Superblock.MAGIC_84_UNCLEAN
                || (magic == Superblock.MAGIC_08 && (flags & Superblock.MDF_AL_CLEAN) == 0)) {
            throw new MdException(DrbdConst.ERR_MD_UNCLEAN, "Found unclean meta data. Did you \"drbdadm apply-al\"?\n");
        }
        if (magic != Superblock.MAGIC_09) {
            throw new MdException(DrbdConst.ERR_MD_INVALID, magic == Superblock.MAGIC_08
                    ? "Found old meta data magic. Did you \"drbdadm create-md\"?\n"
                    : "Meta data magic not found. Did you \"drbdadm create-md\"?\n");
        }
        if (sb.bmBytesPerBit() != 4096) {
            throw new MdException(DrbdConst.ERR_MD_INVALID,
                    "unexpected bm_bytes_per_bit: " + sb.bmBytesPerBit() + " (expected 4096)\n");
        }
        long al4k = (long) sb.alStripes() * sb.alStripeSize4k();
        if (sb.alStripes() < 1 || sb.alStripeSize4k() < 1 || al4k < 8 || al4k > (16L << 20) / 4) {
            throw invalid(sb, metaDevIdx, mdDevBytes);
        }
        int maxPeers = sb.bmMaxPeers();
        if (maxPeers < 1 || maxPeers > Superblock.MAX_PEERS) {
            throw invalid(sb, metaDevIdx, mdDevBytes);
        }
        long onDiskAl;
        long onDiskBm;
        int alOff = sb.alOffset();
        int bmOff = sb.bmOffset();
        if (alOff < 0) {
            if (bmOff > alOff) {
                throw invalid(sb, metaDevIdx, mdDevBytes);
            }
            onDiskAl = -alOff;
            onDiskBm = (long) alOff - bmOff;
        } else {
            if (alOff != 8 || bmOff < alOff + al4k * 8) {
                throw invalid(sb, metaDevIdx, mdDevBytes);
            }
            onDiskAl = bmOff - 8L;
            onDiskBm = (sb.mdSizeSect() & 0xffffffffL) - bmOff;
        }
        if (metaDevIdx >= 0 && (sb.mdSizeSect() != (128 << 20 >> 9) || alOff != 8 || bmOff != 8 + 64
                || sb.alStripes() != 1 || sb.alStripeSize4k() != 8)) {
            throw invalid(sb, metaDevIdx, mdDevBytes);
        }
        long capacity = mdDevBytes >> 9;
        long mdSize = sb.mdSizeSect() & 0xffffffffL;
        long superblockAt = MdLayout.superblockOffset(metaDevIdx, mdDevBytes);
        long firstSector = alOff < 0 ? 0 : superblockAt >> 9;
        if (capacity < mdSize || capacity - mdSize < firstSector) {
            throw invalid(sb, metaDevIdx, mdDevBytes);
        }
        if ((onDiskAl & 7) != 0 || onDiskAl < 64 || onDiskAl != al4k * 8 || (bmOff & 7) != 0) {
            throw invalid(sb, metaDevIdx, mdDevBytes);
        }
        if (onDiskBm < MdLayout.bitmapSectorsFor(sb.effectiveSize(), maxPeers)) {
            throw invalid(sb, metaDevIdx, mdDevBytes);
        }
        if (sb.nodeId() != -1 && sb.nodeId() != myNodeId) {
            throw new MdException(DrbdConst.ERR_MD_INVALID,
                    "ambiguous node id: meta-data: " + sb.nodeId() + ", config: " + myNodeId + "\n");
        }
        for (int i = 0; i < Superblock.MAX_PEERS; i++) {
            int idx = sb.peer(i).bitmapIndex();
            if (idx == -1) {
                continue;
            }
            if (i == myNodeId) {
                throw new MdException(DrbdConst.ERR_MD_INVALID, "my own node id (" + myNodeId
                        + ") should not have a bitmap index (" + idx + ")\n");
            }
            if (idx < -1 || idx >= maxPeers) {
                throw new MdException(DrbdConst.ERR_MD_INVALID, "peer node id " + i + ": bitmap index (" + idx
                        + ") exceeds allocated bitmap slots (" + maxPeers + ")\n");
            }
        }
        long usable = alOff < 0 ? (superblockAt + bmOff * 512L) >> 9 : dataDevBytes >> 9;
        return new MdLayout(metaDevIdx, superblockAt, sb.mdSizeSect(), alOff, bmOff, sb.alStripes(),
                sb.alStripeSize4k(), maxPeers, usable);
    }

    private static MdException invalid(Superblock sb, int idx, long mdDevBytes) {
        return new MdException(DrbdConst.ERR_MD_INVALID, "meta data offsets don't make sense: idx=" + idx
                + " al_s=" + sb.alStripes() + ", al_sz4k=" + sb.alStripeSize4k() + ", al_offset=" + sb.alOffset()
                + ", bm_offset=" + sb.bmOffset() + ", md_size_sect=" + sb.mdSizeSect() + ", la_size="
                + sb.effectiveSize() + ", md_capacity=" + (mdDevBytes >> 9) + "\n");
    }
}
