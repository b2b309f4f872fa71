package io.scstdrbd.drbd.sync.uuid;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UuidComparatorTest {
    private static final long JC = 4;
    private static final int A = 0;
    private static final int B = 1;

    private static Uuids u(long current, long bitmapForPeer, int peer, long... history) {
        return new Uuids(current, bitmapForPeer == 0 ? Map.of() : Map.of(peer, bitmapForPeer),
                java.util.Arrays.stream(history).boxed().toList(), 0, 0);
    }

    private static UuidComparator.Context ctx(int me, int peer, int version) {
        return new UuidComparator.Context(me, peer, version, false, false, false, false);
    }

    /** Checks both directions: A's view gives {@code a}, B's view the mirror. */
    private static void both(Uuids a, Uuids b, int version, SyncStrategy fromA, SyncStrategy fromB, String ruleA) {
        UuidComparison ca = UuidComparator.compare(a, b, ctx(A, B, version));
        UuidComparison cb = UuidComparator.compare(b, a, ctx(B, A, version));
        assertEquals(fromA, ca.strategy(), "A: " + ca.rule());
        assertEquals(fromB, cb.strategy(), "B: " + cb.rule());
        assertEquals(ruleA, ca.rule());
    }

    @Test
    void freshMetadataOnBothSidesNeedsNoSync() {
        for (int v : new int[] {101, 121}) {
            both(u(JC, 0, B), u(JC, 0, A), v, SyncStrategy.NO_SYNC, SyncStrategy.NO_SYNC, "just-created-both");
            both(u(0, 0, B), u(JC, 0, A), v, SyncStrategy.NO_SYNC, SyncStrategy.NO_SYNC, "just-created-both");
        }
    }

    @Test
    void forcedPrimaryAgainstFreshPeerIsFullSync() {
        long x = 0x1234_5678_9ABC_DEF1L; // created as Primary
        for (int v : new int[] {101, 121}) {
            both(u(x, 0x777, B), u(JC, 0, A), v, SyncStrategy.SYNC_SOURCE_SET_BITMAP,
                    SyncStrategy.SYNC_TARGET_SET_BITMAP, "just-created-peer");
        }
    }

    @Test
    void reconnectAfterPrimaryWroteAloneUsesTheBitmap() {
        // drbd.md §10.4 step 3-4: A current Y, bitmap[B] = X; B current X
        long x = 0xAAAA_0000_0000_0000L;
        long y = 0xBBBB_0000_0000_0001L;
        for (int v : new int[] {101, 121}) {
            both(u(y, x, B, x), u(x, 0, A), v, SyncStrategy.SYNC_SOURCE_USE_BITMAP,
                    SyncStrategy.SYNC_TARGET_USE_BITMAP, "bitmap-self");
        }
    }

    @Test
    void equalUuidsAreInSyncAndPrimaryBitIsIgnored() {
        long x = 0xCCCC_0000_0000_0000L;
        both(u(x | 1, 0, B), u(x, 0, A), 101, SyncStrategy.NO_SYNC, SyncStrategy.NO_SYNC, "equal");
    }

    @Test
    void crashedPrimaryBecomesSourceWhenUuidsAreEqual() {
        long x = 0xDDDD_0000_0000_0000L;
        UuidComparator.Context crashed = new UuidComparator.Context(A, B, 101, false, true, false, false);
        assertEquals(SyncStrategy.SYNC_SOURCE_USE_BITMAP, UuidComparator.compare(u(x, 0, B), u(x, 0, A), crashed).strategy());
        UuidComparator.Context peerCrashed = new UuidComparator.Context(B, A, 101, false, false, true, false);
        assertEquals(SyncStrategy.SYNC_TARGET_USE_BITMAP, UuidComparator.compare(u(x, 0, A), u(x, 0, B), peerCrashed).strategy());
        UuidComparator.Context bothResolve = new UuidComparator.Context(A, B, 101, true, true, true, false);
        assertEquals(SyncStrategy.SYNC_TARGET_USE_BITMAP, UuidComparator.compare(u(x, 0, B), u(x, 0, A), bothResolve).strategy());
    }

    @Test
    void splitBrainWithCommonBitmapUuidIsAutoRecoverable() {
        long x = 0x1111_0000_0000_0000L;
        both(u(0x2222_0000_0000_0001L, x, B, x), u(0x3333_0000_0000_0001L, x, A, x), 101,
                SyncStrategy.SPLIT_BRAIN_AUTO_RECOVER, SyncStrategy.SPLIT_BRAIN_AUTO_RECOVER, "bitmap-both");
    }

    @Test
    void splitBrainWithOnlyCommonHistoryDisconnects() {
        long h = 0x1111_0000_0000_0000L;
        both(u(0x2222_0000_0000_0001L, 0x4444, B, h), u(0x3333_0000_0000_0001L, 0x5555, A, h), 121,
                SyncStrategy.SPLIT_BRAIN_DISCONNECT, SyncStrategy.SPLIT_BRAIN_DISCONNECT, "history-both");
    }

    @Test
    void unrelatedData() {
        both(u(0x10, 0, B), u(0x20, 0, A), 101, SyncStrategy.UNRELATED_DATA, SyncStrategy.UNRELATED_DATA, "unrelated");
    }

    @Test
    void olderGenerationInHistoryMeansFullSync() {
        long old = 0x5000_0000_0000_0000L;
        both(u(0x6000_0000_0000_0000L, 0, B, old), u(old, 0, A), 121, SyncStrategy.SYNC_SOURCE_SET_BITMAP,
                SyncStrategy.SYNC_TARGET_SET_BITMAP, "history-self");
    }

    @Test
    void lostSyncUuidIsUndone84() {
        // source started a resync: bitmap := h0 + 2^48 (h0 = old bitmap = target's current), P_SYNC_UUID lost
        long t = 0x7000_0000_0000_0000L;
        long srcCurrent = 0x8000_0000_0000_0001L;
        Uuids source = u(srcCurrent, t + (1L << 48), B, t);
        Uuids target = u(t, 0, A);
        UuidComparison onTarget = UuidComparator.compare(target, source, ctx(B, A, 101));
        assertEquals(SyncStrategy.SYNC_TARGET_USE_BITMAP, onTarget.strategy());
        assertEquals(UuidFixup.UNDO_PEER_SYNC_START, onTarget.fixup());
        UuidComparison onSource = UuidComparator.compare(source, target, ctx(A, B, 101));
        assertEquals(SyncStrategy.SYNC_SOURCE_USE_BITMAP, onSource.strategy());
        assertEquals(UuidFixup.UNDO_MY_SYNC_START, onSource.fixup());
    }

    @Test
    void missedEndOfResyncIsRepaired() {
        long x = 0x9000_0000_0000_0000L;
        long old = 0xA000_0000_0000_0000L;
        // target finished (adopted x, old in history), source still has bitmap = old
        Uuids source = u(x, old, B, old);
        Uuids target = new Uuids(x, Map.of(), List.of(old), 0, 0);
        UuidComparison c = UuidComparator.compare(source, target, ctx(A, B, 101));
        assertEquals(SyncStrategy.SYNC_SOURCE_USE_BITMAP, c.strategy());
        assertEquals(UuidFixup.MY_BITMAP_TO_HISTORY, c.fixup());
        assertEquals(SyncStrategy.SYNC_TARGET_USE_BITMAP, UuidComparator.compare(target, source, ctx(B, A, 101)).strategy());
    }

    @Test
    void dialect9ReconnectFlagsMeanNoSync() {
        long x = 0xB000_0000_0000_0000L;
        Uuids a = new Uuids(x, Map.of(), List.of(), 256, 0);
        Uuids b = new Uuids(x, Map.of(), List.of(), 256, 0);
        assertEquals(SyncStrategy.NO_SYNC, UuidComparator.compare(a, b, ctx(A, B, 121)).strategy());
    }
}
