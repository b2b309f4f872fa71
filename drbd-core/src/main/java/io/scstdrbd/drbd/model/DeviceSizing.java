package io.scstdrbd.drbd.model;

import io.scstdrbd.drbd.meta.Bitmap;
import io.scstdrbd.drbd.meta.MetaData;
import io.scstdrbd.drbd.meta.PeerMd;

/**
 * What a change of a device's size does to its metadata, and which peers bound the size while
 * not connected. Stateless; callers hold what protects the metadata (the bitmap is thread-safe).
 */
public final class DeviceSizing {
    private DeviceSizing() {
    }

    /**
     * Adjusts every bitmap slot to a device size going from {@code oldSectors} to
     * {@code newSectors}: the blocks a grow adds are out of sync ({@code markNew}: a resync copies
     * them) or in sync (resize --assume-clean, a first size); the blocks a shrink removes are
     * forgotten, so they do not count and a later grow starts from a clean state.
     */
    public static void adjustBitmap(Bitmap bm, long oldSectors, long newSectors, boolean markNew) {
        long oldBits = Math.min(bm.bits(), (oldSectors + Bitmap.SECTORS_PER_BIT - 1) / Bitmap.SECTORS_PER_BIT);
        long newBits = Math.min(bm.bits(), (newSectors + Bitmap.SECTORS_PER_BIT - 1) / Bitmap.SECTORS_PER_BIT);
        for (int slot = 0; slot < bm.slots(); slot++) {
            if (newBits > oldBits && markNew) {
                bm.set(slot, oldBits, newBits - 1);
            } else if (newBits > oldBits) {
                bm.clear(slot, oldBits, newBits - 1);
            } else if (newBits < oldBits) {
                bm.clear(slot, newBits, oldBits - 1);
            }
        }
    }

    /**
     * True when no configured peer of {@code d} ever had a disk here (MDF_PEER_DEVICE_SEEN): then
     * only this node's data area bounds the size. Otherwise an unconnected peer may have no room
     * for more than the size last agreed.
     */
    static boolean noPeerDiskSeen(Device d, MetaData md) {
        for (PeerDevice pd : d.peerDevices.values()) {
            PeerMd pm = md.superblock().peer(pd.peerNodeId());
            if (pm != null && (pm.flags() & PeerMd.MDF_PEER_DEVICE_SEEN) != 0) {
                return false;
            }
        }
        return true;
    }
}
