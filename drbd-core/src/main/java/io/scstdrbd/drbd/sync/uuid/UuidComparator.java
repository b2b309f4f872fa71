package io.scstdrbd.drbd.sync.uuid;

import static io.scstdrbd.drbd.sync.uuid.Uuids.masked;
import static io.scstdrbd.drbd.sync.uuid.Uuids.maskedSlot;

import io.scstdrbd.drbd.wire.WireConstants;

/**
 * The generation-UUID comparison of the sync handshake (drbd.md §10.2). Pure function of the
 * two UUID sets and a few connection facts; both nodes evaluate it and reach mirrored results.
 */
public final class UuidComparator {
    private UuidComparator() {
    }

    /** Connection facts the rules need. */
    public record Context(int myNodeId, int peerNodeId, int agreedVersion, boolean resolveConflicts,
            boolean iCrashedAsPrimary, boolean peerCrashedAsPrimary, boolean protocolAorB) {
        boolean dialect84() {
            return agreedVersion < WireConstants.PRO_VERSION_9;
        }
    }

    public static UuidComparison compare(Uuids me, Uuids peer, Context c) {
        long jc = WireConstants.UUID_JUST_CREATED;
        long self = masked(me.current());
        long other = masked(peer.current());
        if (self == jc && other == jc) {
            return UuidComparison.of(SyncStrategy.NO_SYNC, "just-created-both");
        }
        if (self == jc) {
            return UuidComparison.of(SyncStrategy.SYNC_TARGET_SET_BITMAP, "just-created-self");
        }
        if (other == jc) {
            return UuidComparison.of(SyncStrategy.SYNC_SOURCE_SET_BITMAP, "just-created-peer");
        }
        if (self == other) {
            return sameCurrent(me, peer, c);
        }
        return c.dialect84() ? differentCurrent84(me, peer, c, self, other) : differentCurrent9(me, peer, c, self, other);
    }

    private static UuidComparison sameCurrent(Uuids me, Uuids peer, Context c) {
        long myBm = maskedSlot(me.bitmapFor(c.peerNodeId()));
        long peerBm = maskedSlot(peer.bitmapFor(c.myNodeId()));
        if (peerBm == 0 && myBm != 0) {
            boolean missedEnd = myBm == maskedSlot(peer.history(0)) && maskedSlot(me.history(0)) == maskedSlot(peer.history(0));
            return new UuidComparison(SyncStrategy.SYNC_SOURCE_USE_BITMAP,
                    missedEnd ? "resync-end-missed-by-me" : "resync-end-peer-lost-sync-uuid",
                    missedEnd ? UuidFixup.MY_BITMAP_TO_HISTORY : UuidFixup.NONE);
        }
        if (myBm == 0 && peerBm != 0) {
            boolean peerMissed = maskedSlot(me.history(0)) == peerBm && maskedSlot(me.history(1)) == maskedSlot(peer.history(0));
            return new UuidComparison(SyncStrategy.SYNC_TARGET_USE_BITMAP,
                    peerMissed ? "resync-end-missed-by-peer" : "resync-end-i-lost-sync-uuid",
                    peerMissed ? UuidFixup.PEER_BITMAP_TO_HISTORY : UuidFixup.NONE);
        }
        boolean myReconnect = me.hasFlag(WireConstants.UUID_FLAG_RECONNECT);
        boolean peerReconnect = peer.hasFlag(WireConstants.UUID_FLAG_RECONNECT);
        if (!c.dialect84()) {
            if (c.agreedVersion() >= 120 && myReconnect && peerReconnect) {
                return UuidComparison.of(SyncStrategy.NO_SYNC, "reconnect-both");
            }
            if (c.agreedVersion() >= 121 && c.protocolAorB() && c.iCrashedAsPrimary() != c.peerCrashedAsPrimary()) {
                return UuidComparison.of(c.iCrashedAsPrimary() ? SyncStrategy.SYNC_SOURCE_USE_BITMAP
                        : SyncStrategy.SYNC_TARGET_USE_BITMAP, "crashed-primary-async");
            }
            if (myReconnect && peerReconnect) {
                return UuidComparison.of(SyncStrategy.NO_SYNC, "reconnect-both");
            }
            if (c.peerCrashedAsPrimary() && myReconnect) {
                return UuidComparison.of(SyncStrategy.SYNC_SOURCE_IF_BOTH_FAILED, "peer-crashed-i-reconnect");
            }
            if (c.iCrashedAsPrimary() && peerReconnect) {
                return UuidComparison.of(SyncStrategy.SYNC_TARGET_IF_BOTH_FAILED, "i-crashed-peer-reconnects");
            }
            if (myReconnect || peerReconnect) {
                return UuidComparison.of(SyncStrategy.NO_SYNC, "reconnect");
            }
        }
        // common power failure: the node that crashed as Primary has the newer writes in its activity log
        if (c.iCrashedAsPrimary() && c.peerCrashedAsPrimary()) {
            return UuidComparison.of(c.resolveConflicts() ? SyncStrategy.SYNC_TARGET_USE_BITMAP
                    : SyncStrategy.SYNC_SOURCE_USE_BITMAP, "both-crashed-primary");
        }
        if (c.iCrashedAsPrimary()) {
            return UuidComparison.of(SyncStrategy.SYNC_SOURCE_USE_BITMAP, "i-crashed-primary");
        }
        if (c.peerCrashedAsPrimary()) {
            return UuidComparison.of(SyncStrategy.SYNC_TARGET_USE_BITMAP, "peer-crashed-primary");
        }
        return UuidComparison.of(SyncStrategy.NO_SYNC, "equal");
    }

    private static UuidComparison differentCurrent84(Uuids me, Uuids peer, Context c, long self, long other) {
        if (self == maskedSlot(peer.bitmapFor(c.myNodeId()))) {
            return UuidComparison.of(SyncStrategy.SYNC_TARGET_USE_BITMAP, "bitmap-peer");
        }
        UuidComparison r = lostSyncUuidOfPeer(me, peer, c, self);
        if (r != null) {
            return r;
        }
        if (inHistory(self, peer)) {
            return UuidComparison.of(SyncStrategy.SYNC_TARGET_SET_BITMAP, "history-peer");
        }
        if (maskedSlot(me.bitmapFor(c.peerNodeId())) == other) {
            return UuidComparison.of(SyncStrategy.SYNC_SOURCE_USE_BITMAP, "bitmap-self");
        }
        r = lostSyncUuidOfMine(me, peer, c, other);
        if (r != null) {
            return r;
        }
        if (inHistory(other, me)) {
            return UuidComparison.of(SyncStrategy.SYNC_SOURCE_SET_BITMAP, "history-self");
        }
        return splitOrUnrelated(me, peer, c);
    }

    private static UuidComparison differentCurrent9(Uuids me, Uuids peer, Context c, long self, long other) {
        if (self == maskedSlot(peer.bitmapFor(c.myNodeId()))) {
            return UuidComparison.of(SyncStrategy.SYNC_TARGET_USE_BITMAP, "bitmap-peer");
        }
        for (var e : peer.bitmaps().entrySet()) {
            if (e.getKey() != c.myNodeId() && maskedSlot(e.getValue()) == self) {
                return UuidComparison.of(SyncStrategy.SYNC_TARGET_CLEAR_BITMAP, "bitmap-peer-other");
            }
        }
        if (maskedSlot(me.bitmapFor(c.peerNodeId())) == other) {
            return UuidComparison.of(SyncStrategy.SYNC_SOURCE_USE_BITMAP, "bitmap-self");
        }
        for (var e : me.bitmaps().entrySet()) {
            if (e.getKey() != c.peerNodeId() && maskedSlot(e.getValue()) == other) {
                return UuidComparison.of(SyncStrategy.SYNC_SOURCE_COPY_BITMAP, "bitmap-self-other");
            }
        }
        boolean selfInPeer = inHistory(self, peer);
        boolean peerInMine = inHistory(other, me);
        if (selfInPeer && !peerInMine) {
            return UuidComparison.of(SyncStrategy.SYNC_TARGET_SET_BITMAP, "history-peer");
        }
        if (peerInMine && !selfInPeer) {
            return UuidComparison.of(SyncStrategy.SYNC_SOURCE_SET_BITMAP, "history-self");
        }
        return splitOrUnrelated(me, peer, c);
    }

    /** Rule 7: the peer started a resync as source but its P_SYNC_UUID never reached me. */
    private static UuidComparison lostSyncUuidOfPeer(Uuids me, Uuids peer, Context c, long self) {
        long ph0 = maskedSlot(peer.history(0));
        if (ph0 == 0 || self != ph0) {
            return null;
        }
        boolean match = c.agreedVersion() < 96
                ? maskedSlot(me.history(0)) == maskedSlot(peer.history(1))
                : ph0 + WireConstants.UUID_NEW_BM_OFFSET == maskedSlot(peer.bitmapFor(c.myNodeId()));
        return match ? new UuidComparison(SyncStrategy.SYNC_TARGET_USE_BITMAP, "lost-sync-uuid-peer",
                UuidFixup.UNDO_PEER_SYNC_START) : null;
    }

    /** Rule 10: I started a resync as source but my P_SYNC_UUID never reached the peer. */
    private static UuidComparison lostSyncUuidOfMine(Uuids me, Uuids peer, Context c, long other) {
        long mh0 = maskedSlot(me.history(0));
        if (mh0 == 0 || mh0 != other) {
            return null;
        }
        boolean match = c.agreedVersion() < 96
                ? maskedSlot(me.history(1)) == maskedSlot(peer.history(0))
                : mh0 + WireConstants.UUID_NEW_BM_OFFSET == maskedSlot(me.bitmapFor(c.peerNodeId()));
        return match ? new UuidComparison(SyncStrategy.SYNC_SOURCE_USE_BITMAP, "lost-sync-uuid-mine",
                UuidFixup.UNDO_MY_SYNC_START) : null;
    }

    private static UuidComparison splitOrUnrelated(Uuids me, Uuids peer, Context c) {
        long myBm = maskedSlot(me.bitmapFor(c.peerNodeId()));
        if (myBm != 0 && myBm == maskedSlot(peer.bitmapFor(c.myNodeId()))) {
            return UuidComparison.of(SyncStrategy.SPLIT_BRAIN_AUTO_RECOVER, "bitmap-both");
        }
        for (long h : me.history()) {
            long mh = maskedSlot(h);
            if (mh != 0 && inHistory(mh, peer)) {
                return UuidComparison.of(SyncStrategy.SPLIT_BRAIN_DISCONNECT, "history-both");
            }
        }
        return UuidComparison.of(SyncStrategy.UNRELATED_DATA, "unrelated");
    }

    private static boolean inHistory(long uuid, Uuids u) {
        for (long h : u.history()) {
            if (maskedSlot(h) == uuid && uuid != 0) {
                return true;
            }
        }
        return false;
    }
}
