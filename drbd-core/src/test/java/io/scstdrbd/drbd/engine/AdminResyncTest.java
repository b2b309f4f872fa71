package io.scstdrbd.drbd.engine;

import static io.scstdrbd.drbd.engine.TestNode.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.ReplState;
import io.scstdrbd.drbd.state.StateResult;
import io.scstdrbd.drbd.testutil.LeakCheck;
import io.scstdrbd.kernel.block.BlockIo;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The connected admin commands on the engine, in both dialects (two-phase commit at 121,
 * P_STATE_CHG_REQ and P_SYNC_UUID at 101): skipping the initial sync, invalidate,
 * invalidate-remote, a Primary as sync target, and a resync started while paused.
 */
@ExtendWith(LeakCheck.class)
class AdminResyncTest {
    private static final long SIZE = 8L << 20;
    private static final long BLOCKS = SIZE / 4096;

    @ParameterizedTest(name = "max protocol {0}")
    @ValueSource(ints = {121, 101})
    void skipInitialSyncInvalidateInvalidateRemoteAndPause(int maxProtocol) throws Exception {
        try (EnginePair p = new EnginePair(maxProtocol == 121 ? 17764 : 17765, SIZE)) {
            p.configure(EnginePair.net("B", maxProtocol), EnginePair.net("A", maxProtocol));
            p.connectBoth();
            await("Established", 20_000, () -> p.a.pd().repl() == ReplState.ESTABLISHED
                    && p.b.pd().repl() == ReplState.ESTABLISHED);
            assertEquals(DiskState.INCONSISTENT, p.b.disk());

            // new-current-uuid --clear-bitmap on A (what the daemon's model does), then the announcement
            long uuid = 0x1234_5678_9ABC_DEF0L;
            p.a.volume.uuids().change(g -> {
                g.setCurrent(uuid);
                return null;
            });
            p.a.pd().bitmap().clearAll();
            // as the daemon does it: the announcement first, then the disk state, both on A's loop, so
            // that no state report of A's reaches B before the flagged UUIDs (B would resync instead)
            p.a.peer().skipInitialSync(0);
            p.a.engine.run(() -> p.a.engine.setDiskState(p.a.vol, DiskState.UP_TO_DATE));
            await("B skipped the initial sync", 10_000, () -> p.b.disk() == DiskState.UP_TO_DATE
                    && p.b.pd().peerDisk() == DiskState.UP_TO_DATE && p.a.pd().peerDisk() == DiskState.UP_TO_DATE);
            assertEquals(uuid, p.b.volume.uuids().view().current());
            assertEquals(0, p.b.volume.uuids().view().bitmap(0));
            assertEquals(0, p.b.pd().bitmap().cardinality());
            assertEquals(ReplState.ESTABLISHED, p.b.pd().repl());
            assertEquals(0, p.b.pd().resyncTotalSectors(), "no resync");
            assertEquals(p.a.md5(), p.b.md5());

            assertEquals(StateResult.SUCCESS, p.a.engine.primary(false).get(10, TimeUnit.SECONDS));
            Random rnd = new Random(7);
            for (int i = 0; i < 50; i++) {
                p.a.write(8L * rnd.nextInt((int) BLOCKS), EnginePair.random(rnd, 4096));
            }
            await("writes replicated", 10_000, () -> md5Equal(p));

            // invalidate on B (Secondary): B becomes sync target of everything
            corrupt(p.b, 100);
            assertEquals(StateResult.SUCCESS, p.b.peer().startResync(0, true, true).get(10, TimeUnit.SECONDS));
            p.awaitInSync();
            assertEquals(SIZE / 512, p.b.pd().resyncTotalSectors(), "a full resync");
            await("same data after invalidate", 10_000, () -> md5Equal(p));

            // invalidate-remote on B makes the Primary A a sync target: A reads the blocks it does not have
            // yet from B (a junk block behind A's back reads as B's data), and its writes meanwhile stay
            byte[] good = p.b.readVolume(300 * 8, 4096);
            corrupt(p.a, 300);
            p.b.peer().setResyncPausedByUser(0, true);
            assertEquals(StateResult.SUCCESS, p.b.peer().startResync(0, false, true).get(10, TimeUnit.SECONDS));
            await("A is a paused Primary sync target", 10_000, () -> p.a.pd().repl() == ReplState.PAUSED_SYNC_T);
            assertEquals(DiskState.INCONSISTENT, p.a.disk());
            assertEquals(java.util.Arrays.toString(good), java.util.Arrays.toString(p.a.readVolume(300 * 8, 4096)),
                    "an out-of-sync block is read from the sync source");
            byte[] fresh = EnginePair.random(rnd, 4096);
            p.a.write(400 * 8, fresh);
            p.b.peer().setResyncPausedByUser(0, false);
            for (int i = 0; i < 200; i++) {
                p.a.write(8L * rnd.nextInt((int) BLOCKS), EnginePair.random(rnd, 4096));
            }
            p.awaitInSync();
            assertEquals(DiskState.UP_TO_DATE, p.a.disk());
            assertEquals(SIZE / 512, p.a.pd().resyncTotalSectors(), "a full resync of the Primary");
            assertEquals(java.util.Arrays.toString(fresh), java.util.Arrays.toString(p.a.readVolume(400 * 8, 4096)));
            await("same data after the Primary's resync", 10_000, () -> md5Equal(p));

            // invalidate-remote on A while A has the resync paused: both wait in the Paused states
            corrupt(p.b, 200);
            p.a.peer().setResyncPausedByUser(0, true);
            assertEquals(StateResult.SUCCESS, p.a.peer().startResync(0, false, true).get(10, TimeUnit.SECONDS));
            await("paused on both sides", 10_000, () -> p.a.pd().repl() == ReplState.PAUSED_SYNC_S
                    && p.b.pd().repl() == ReplState.PAUSED_SYNC_T);
            assertTrue(p.b.pd().peerPaused() && !p.b.pd().userPaused());
            Thread.sleep(500);
            assertEquals(BLOCKS, p.b.pd().bitmap().cardinality(), "nothing fetched while paused");
            assertEquals(ReplState.PAUSED_SYNC_T, p.b.pd().repl());
            p.a.peer().setResyncPausedByUser(0, false);
            p.awaitInSync();
            assertTrue(!p.b.pd().peerPaused());
            await("same data after invalidate-remote", 10_000, () -> md5Equal(p));
        }
    }

    /**
     * invalidate / invalidate-remote --reset-bitmap=no: with protocol 121 only the blocks the
     * bitmaps mark are resynced, each side's marks counting (the target's here, the source's next);
     * an 8.4-dialect peer (101) cannot agree on it.
     */
    @ParameterizedTest(name = "max protocol {0}")
    @ValueSource(ints = {121, 101})
    void bitmapBasedResyncMovesOnlyTheMarkedBlocks(int maxProtocol) throws Exception {
        try (EnginePair p = new EnginePair(maxProtocol == 121 ? 17770 : 17771, SIZE)) {
            p.initialSync(maxProtocol);
            corrupt(p.b, 50);
            corrupt(p.b, 51);
            p.b.engine.run(() -> p.b.pd().bitmap().setRange(50, 51)); // as a verify target marks it
            if (maxProtocol < 120) {
                assertEquals(StateResult.NOT_SUPPORTED, p.b.peer().startResync(0, true, false).get(10, TimeUnit.SECONDS));
                assertEquals(ReplState.ESTABLISHED, p.b.pd().repl());
                assertEquals(DiskState.UP_TO_DATE, p.b.disk());
                return;
            }
            assertEquals(StateResult.SUCCESS, p.b.peer().startResync(0, true, false).get(10, TimeUnit.SECONDS));
            p.awaitInSync();
            assertEquals(8, p.b.pd().resyncTotalSectors(), "only the marked block");
            assertNotEquals(p.a.md5(), p.b.md5(), "block 51 was not marked: it stays different");

            p.a.engine.run(() -> p.a.pd().bitmap().setRange(51, 52));
            assertEquals(StateResult.SUCCESS, p.a.peer().startResync(0, false, false).get(10, TimeUnit.SECONDS));
            p.awaitInSync();
            assertEquals(8, p.b.pd().resyncTotalSectors(), "only the block marked on the source");
            await("same data after both bitmap-based resyncs", 10_000, () -> md5Equal(p));
        }
    }

    private static boolean md5Equal(EnginePair p) {
        try {
            return p.a.md5().equals(p.b.md5());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Changes a block of {@code n}'s backing device behind DRBD's back. */
    private static void corrupt(TestNode n, long block) throws Exception {
        byte[] junk = new byte[4096];
        java.util.Arrays.fill(junk, (byte) 0x5a);
        String before = n.md5();
        BlockIo.writeFully(n.backing, block * 4096, ByteBuffer.wrap(junk), 0);
        assertNotEquals(before, n.md5());
    }
}
