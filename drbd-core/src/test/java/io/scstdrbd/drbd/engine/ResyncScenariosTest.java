package io.scstdrbd.drbd.engine;

import static io.scstdrbd.drbd.engine.TestNode.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.drbd.replication.WireProtocol;
import io.scstdrbd.drbd.sync.uuid.AfterSbPolicy;
import io.scstdrbd.drbd.state.ConnState;
import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.ReplState;
import io.scstdrbd.drbd.state.StateResult;
import io.scstdrbd.drbd.testutil.LeakCheck;
import io.scstdrbd.drbd.transport.TransportGroup;
import io.scstdrbd.kernel.block.BlockIo;
import io.scstdrbd.kernel.block.Bio;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Resync after disconnects and crashes, verify, csums, and the three wire protocols. */
@ExtendWith(LeakCheck.class)
class ResyncScenariosTest {
    private static final long SIZE = 8L << 20;

    @ParameterizedTest(name = "max protocol {0}")
    @ValueSource(ints = {121, 101})
    void twentyDisconnectReconnectCyclesResyncOnlyTheChangedBlocks(int maxProtocol) throws Exception {
        try (EnginePair p = new EnginePair(17750, SIZE)) {
            p.initialSync(maxProtocol);
            Random rnd = new Random(11);
            for (int cycle = 0; cycle < 20; cycle++) {
                TestNode leaver = cycle % 2 == 0 ? p.b : p.a;
                int peerOfLeaver = leaver == p.b ? 0 : 1;
                leaver.engine.disconnect(peerOfLeaver, false).get(10, TimeUnit.SECONDS);
                await("disconnected", 10_000, () -> p.a.peer().connState() != ConnState.CONNECTED
                        && p.b.peer().connState() != ConnState.CONNECTED);
                Set<Long> blocks = new HashSet<>();
                int n = 1 + rnd.nextInt(20);
                for (int i = 0; i < n; i++) {
                    long blk = rnd.nextInt((int) (SIZE / 4096));
                    blocks.add(blk);
                    p.a.write(blk * 8, EnginePair.random(rnd, 4096));
                }
                assertEquals(blocks.size(), p.a.pd().bitmap().cardinality(), "cycle " + cycle);
                leaver.engine.connect(peerOfLeaver, false).get(10, TimeUnit.SECONDS);
                p.awaitInSync();
                await("bits cleared", 10_000, () -> p.a.pd().bitmap().cardinality() == 0);
                assertEquals(blocks.size() * 8L, p.b.pd().resyncTotalSectors(), "cycle " + cycle);
                assertEquals(p.a.md5(), p.b.md5(), "cycle " + cycle);
            }
        }
    }

    @ParameterizedTest(name = "protocol {0}")
    @ValueSource(strings = {"A", "B", "C"})
    void everyProtocolReplicates(String proto) throws Exception {
        try (EnginePair p = new EnginePair(17751, SIZE)) {
            WireProtocol wp = WireProtocol.valueOf(proto);
            p.configure(EnginePair.net("B", 121).withProtocol(wp), EnginePair.net("A", 121).withProtocol(wp));
            p.connectBoth();
            await("Established", 20_000, () -> p.a.pd().repl() == ReplState.ESTABLISHED
                    && p.b.pd().repl() == ReplState.ESTABLISHED);
            p.a.engine.primary(true).get(10, TimeUnit.SECONDS);
            p.awaitInSync();
            Random rnd = new Random(5);
            for (int i = 0; i < 200; i++) {
                p.a.write(8L * rnd.nextInt((int) (SIZE / 4096)), EnginePair.random(rnd, 4096));
            }
            // a flush returns once the peer acknowledged everything before it as stable
            java.util.concurrent.CompletableFuture<Integer> f = new java.util.concurrent.CompletableFuture<>();
            p.a.vol.submit(io.scstdrbd.kernel.block.Bio.flush((b, e) -> f.complete(e)));
            assertEquals(0, f.get(10, TimeUnit.SECONDS));
            assertEquals(p.a.md5(), p.b.md5());
        }
    }

    @Test
    void onlineVerifyFindsCorruptionAndReconnectRepairsIt() throws Exception {
        try (EnginePair p = new EnginePair(17752, SIZE)) {
            p.configure(EnginePair.net("B", 121).withAlgorithms("", "sha1", ""),
                    EnginePair.net("A", 121).withAlgorithms("", "sha1", ""));
            p.connectBoth();
            await("Established", 20_000, () -> p.a.pd().repl() == ReplState.ESTABLISHED
                    && p.b.pd().repl() == ReplState.ESTABLISHED);
            p.a.engine.primary(true).get(10, TimeUnit.SECONDS);
            p.awaitInSync();
            // corrupt three blocks on B behind DRBD's back
            byte[] junk = new byte[4096];
            java.util.Arrays.fill(junk, (byte) 0x5a);
            for (long blk : new long[] {3, 700, 1500}) {
                BlockIo.writeFully(p.b.backing, blk * 4096, ByteBuffer.wrap(junk), 0);
            }
            assertNotEquals(p.a.md5(), p.b.md5());
            assertEquals(StateResult.SUCCESS, p.a.peer().startVerify(0).get(10, TimeUnit.SECONDS));
            await("verify done", 30_000, () -> p.a.pd().repl() == ReplState.ESTABLISHED
                    && p.b.pd().repl() == ReplState.ESTABLISHED);
            assertEquals(3, p.a.pd().bitmap().cardinality(), "three blocks found out of sync");
            // P_OV_RESULT travels on the meta socket, the source's final P_STATE on the data socket:
            // the target may see the end of the verify before the last result
            await("target marks them too", 10_000, () -> p.b.pd().bitmap().cardinality() == 3);
            assertEquals(3, p.b.pd().bitmap().cardinality(), "the target marks them too");
            p.b.engine.disconnect(0, false).get(10, TimeUnit.SECONDS);
            p.b.engine.connect(0, false).get(10, TimeUnit.SECONDS);
            p.awaitInSync();
            await("bits cleared", 10_000, () -> p.a.pd().bitmap().cardinality() == 0);
            assertEquals(p.a.md5(), p.b.md5());
        }
    }

    /**
     * An application write while the sync source waits for the target's bitmap (its own is sent
     * already) must not set a bit the target never hears of: it waits and goes as P_DATA once the
     * resync runs. Before, the source counted the bit, the target (with nothing else to resync)
     * was done at once and heard of it only then, and the source stayed SyncSource for ever.
     */
    @Test
    void writeWhileTheSourceWaitsForTheBitmapReachesThePeer() throws Exception {
        try (EnginePair p = new EnginePair(17763, SIZE)) {
            p.initialSync(121);
            p.b.engine.disconnect(0, false).get(10, TimeUnit.SECONDS);
            await("A notices", 10_000, () -> p.a.peer().connState() != ConnState.CONNECTED);
            byte[] late = EnginePair.random(new Random(3), 4096);
            CompletableFuture<Integer> lateDone = new CompletableFuture<>();
            java.util.concurrent.atomic.AtomicBoolean sent = new java.util.concurrent.atomic.AtomicBoolean();
            p.a.onRepl = s -> {
                if (s == ReplState.WF_BITMAP_S && sent.compareAndSet(false, true)) {
                    // on A's loop, in the task after the one that sent its bitmap, before B's can be back
                    p.a.engine.loop().execute(() -> p.a.vol.submit(
                            Bio.write(4096, ByteBuffer.wrap(late), 0, (b, e) -> lateDone.complete(e))));
                }
            };
            p.b.engine.connect(0, false).get(10, TimeUnit.SECONDS);
            assertEquals(0, lateDone.get(30, TimeUnit.SECONDS));
            assertTrue(sent.get(), "the write went in while A waited for B's bitmap");
            p.awaitInSync();
            await("bits cleared", 10_000, () -> p.a.pd().bitmap().cardinality() == 0);
            assertEquals(p.a.md5(), p.b.md5());
        }
    }

    @Test
    void beforeResyncTargetRunsWhileTheDiskIsUnmodifiedAndCanRefuse() throws Exception {
        try (EnginePair p = new EnginePair(17774, SIZE)) {
            p.initialSync(121);
            CompletableFuture<Integer> handler = new CompletableFuture<>();
            p.b.handlerExit = h -> h.equals("before-resync-target") ? handler : CompletableFuture.completedFuture(0);
            p.b.engine.disconnect(0, false).get(10, TimeUnit.SECONDS);
            await("A notices", 10_000, () -> p.a.peer().connState() != ConnState.CONNECTED);
            p.a.write(64, EnginePair.random(new Random(5), 4096));
            p.b.handlers.clear();
            p.b.engine.connect(0, false).get(10, TimeUnit.SECONDS);
            await("B runs the handler", 10_000, () -> p.b.handlers.contains("before-resync-target"));
            Thread.sleep(200);
            // the handler has not exited: no resync yet, and B's data is as it was (UpToDate, not Inconsistent)
            assertEquals(ReplState.WF_BITMAP_T, p.b.pd().repl());
            assertEquals(DiskState.UP_TO_DATE, p.b.volume.diskState());
            // a write of the Primary meanwhile is not written on B before the handler is done
            byte[] before = p.b.readVolume(256, 4096);
            byte[] during = EnginePair.random(new Random(7), 4096);
            CompletableFuture<Integer> duringDone = new CompletableFuture<>();
            p.a.engine.loop().execute(() -> p.a.vol.submit(
                    Bio.write(256, ByteBuffer.wrap(during), 0, (b, e) -> duringDone.complete(e))));
            Thread.sleep(300);
            assertArrayEquals(before, p.b.readVolume(256, 4096), "a peer write reached B's disk during the handler");
            assertFalse(duringDone.isDone(), "protocol C: the write waits for B");
            handler.complete(0);
            assertEquals(0, duringDone.get(10, TimeUnit.SECONDS));
            p.awaitInSync();
            assertEquals(p.a.md5(), p.b.md5());
            assertArrayEquals(during, p.b.readVolume(256, 4096));

            // exit 1: the connection is dropped before the resync starts, B's disk untouched
            p.b.handlerExit = h -> CompletableFuture.completedFuture(h.equals("before-resync-target") ? 1 : 0);
            p.b.engine.disconnect(0, false).get(10, TimeUnit.SECONDS);
            await("A notices", 10_000, () -> p.a.peer().connState() != ConnState.CONNECTED);
            p.a.write(128, EnginePair.random(new Random(6), 4096));
            p.b.events.clear();
            p.b.engine.connect(0, false).get(10, TimeUnit.SECONDS);
            await("B drops the connection", 10_000, () -> p.b.peer().connState() == ConnState.STANDALONE);
            assertFalse(p.b.events.contains("repl SyncTarget"), p.b.events.toString());
            assertEquals(DiskState.UP_TO_DATE, p.b.volume.diskState());
            // a local hard disconnect, as the kernel's: A is not told to stand alone, it keeps trying
            Thread.sleep(500);
            assertNotEquals(ConnState.STANDALONE, p.a.peer().connState());
        }
    }

    /** before-resync-source runs on the source before its resync starts; a non-zero exit other than 3 drops the connection. */
    @ParameterizedTest(name = "max protocol {0}")
    @ValueSource(ints = {121, 101})
    void beforeResyncSourceRunsFirstAndCanRefuse(int maxProtocol) throws Exception {
        try (EnginePair p = new EnginePair(17775, SIZE)) {
            p.initialSync(maxProtocol);
            CompletableFuture<Integer> handler = new CompletableFuture<>();
            p.a.handlerExit = h -> h.equals("before-resync-source") ? handler : CompletableFuture.completedFuture(0);
            p.b.engine.disconnect(0, false).get(10, TimeUnit.SECONDS);
            await("A notices", 10_000, () -> p.a.peer().connState() != ConnState.CONNECTED);
            p.a.write(64, EnginePair.random(new Random(15), 4096));
            p.a.handlers.clear();
            p.b.engine.connect(0, false).get(10, TimeUnit.SECONDS);
            await("A runs the handler", 10_000, () -> p.a.handlers.contains("before-resync-source"));
            Thread.sleep(300);
            assertFalse(p.a.pd().repl().isSyncSource(), "the resync waits for the handler: " + p.a.pd().repl());
            assertEquals(1, p.a.pd().bitmap().cardinality());
            handler.complete(3); // what old tools return: the kernel goes on
            p.awaitInSync();
            assertEquals(p.a.md5(), p.b.md5());

            p.a.handlerExit = h -> CompletableFuture.completedFuture(h.equals("before-resync-source") ? 1 : 0);
            p.b.engine.disconnect(0, false).get(10, TimeUnit.SECONDS);
            await("A notices", 10_000, () -> p.a.peer().connState() != ConnState.CONNECTED);
            p.a.write(128, EnginePair.random(new Random(16), 4096));
            p.a.events.clear();
            p.b.engine.connect(0, false).get(10, TimeUnit.SECONDS);
            await("A drops the connection", 10_000, () -> p.a.peer().connState() == ConnState.STANDALONE);
            assertFalse(p.a.events.contains("repl SyncSource"), p.a.events.toString());
            assertEquals(1, p.a.pd().bitmap().cardinality(), "the block stays out of sync");
        }
    }

    /** net-options while connected reach the peer (P_PROTOCOL_UPDATE, P_SYNC_PARAM), which takes them. */
    @ParameterizedTest
    @ValueSource(ints = {121, 101})
    void netOptionsChangedWhileConnectedAreTakenByThePeer(int maxProtocol) throws Exception {
        try (EnginePair p = new EnginePair(17779, SIZE)) {
            p.initialSync(maxProtocol);
            NetConfig na = p.a.peer().net();
            p.a.peer().setNet(na.withProtocol(WireProtocol.A).withAlgorithms("", "sha1", "")
                    .withSplitBrain(AfterSbPolicy.DISCARD_LOCAL, na.afterSb1p(), na.afterSb2p(), na.rrConflict(), false));
            await("B takes them", 10_000, () -> p.b.peer().net().protocol() == WireProtocol.A
                    && p.b.peer().net().verifyAlg().equals("sha1"));
            assertEquals(AfterSbPolicy.DISCARD_REMOTE, p.b.peer().net().afterSb0p(), "A's discard-local, seen from B");
            // verify needs the same verify-alg on both: B has taken A's
            assertEquals(StateResult.SUCCESS, p.a.peer().startVerify(0).get(10, TimeUnit.SECONDS));
            await("verify done", 30_000, () -> p.a.pd().repl() == ReplState.ESTABLISHED
                    && p.b.pd().repl() == ReplState.ESTABLISHED);
            assertEquals(0, p.a.pd().bitmap().cardinality());
            p.a.write(8, EnginePair.random(new Random(8), 4096));
            p.awaitInSync();
            assertEquals(p.a.md5(), p.b.md5());
        }
    }

    /**
     * drbdadm resize while connected: the size is agreed with the peer whichever side asks, a grow
     * resyncs exactly the new part from the Primary, a shrink moves nothing, and --assume-clean
     * grows without a resync.
     */
    @ParameterizedTest(name = "max protocol {0}")
    @ValueSource(ints = {121, 101})
    void anOnlineResizeIsAgreedWithThePeerAndResyncsOnlyTheNewPart(int maxProtocol) throws Exception {
        try (EnginePair p = new EnginePair(17778, SIZE)) {
            long all = SIZE >> 9;
            p.a.volume.capped(all / 2);
            p.b.volume.capped(all / 2);
            p.initialSync(maxProtocol);
            assertEquals(all / 2, p.b.vol.agreedSectors());
            assertEquals(all / 2 * 8, p.b.pd().resyncTotalSectors() * 8, "the initial sync covers the device only");
            // A's disk holds data beyond the device B has never seen: only a resync can bring it over
            byte[] beyond = EnginePair.random(new Random(21), (int) (SIZE / 2));
            io.scstdrbd.kernel.block.BlockIo.writeFully(p.a.backing, SIZE / 2, ByteBuffer.wrap(beyond), 0);
            assertNotEquals(p.a.md5(), p.b.md5());

            // the Secondary asks for 3/4: the Primary is the sync source of the new quarter
            assertEquals(all * 3 / 4, resize(p.b, all * 3 / 4, false));
            await("A took B's size", 10_000, () -> p.a.vol.agreedSectors() == all * 3 / 4);
            assertEquals(all * 3 / 4, p.a.volume.userSectors(), "the peer's u_size is taken");
            await("the new quarter resynced", 30_000, () -> p.b.pd().resyncTotalSectors() == all / 4
                    && p.a.pd().repl() == ReplState.ESTABLISHED && p.b.pd().repl() == ReplState.ESTABLISHED
                    && p.b.disk() == DiskState.UP_TO_DATE && p.a.pd().bitmap().cardinality() == 0);

            // the Primary asks for everything its disk holds (no user size)
            assertEquals(all, resize(p.a, 0, false));
            await("the last quarter resynced", 30_000, () -> p.b.vol.agreedSectors() == all
                    && p.b.pd().resyncTotalSectors() == all / 4 && p.b.pd().repl() == ReplState.ESTABLISHED
                    && p.b.disk() == DiskState.UP_TO_DATE && p.a.pd().bitmap().cardinality() == 0);
            assertEquals(p.a.md5(), p.b.md5(), "B has all of A's disk now");
            p.a.write(all - 8, EnginePair.random(new Random(22), 4096)); // the new end replicates
            p.awaitInSync();
            assertEquals(p.a.md5(), p.b.md5());

            // a shrink moves nothing; a grow --assume-clean neither
            assertEquals(all / 2, resize(p.b, all / 2, false));
            await("A shrank", 10_000, () -> p.a.vol.agreedSectors() == all / 2);
            assertEquals(all, resize(p.a, 0, true));
            await("B grew", 10_000, () -> p.b.vol.agreedSectors() == all);
            Thread.sleep(300);
            assertEquals(ReplState.ESTABLISHED, p.b.pd().repl());
            assertEquals(all / 4, p.b.pd().resyncTotalSectors(), "no resync after --assume-clean");
            assertEquals(0, p.a.pd().bitmap().cardinality());
            assertEquals(0, p.b.pd().bitmap().cardinality());
            assertEquals(ConnState.CONNECTED, p.a.peer().connState());
        }
    }

    /** drbdadm resize on {@code n} (0: as big as possible); the device's size afterwards. */
    private static long resize(TestNode n, long sectors, boolean assumeClean) throws Exception {
        ResourceEngine.ResizeOutcome o = n.engine.resize(0, sectors, false, assumeClean, false).get(10, TimeUnit.SECONDS);
        assertFalse(o.resyncRunning());
        return o.sectors();
    }

    @Test
    void resyncRequestsStayWithinTheSourcesMaxBioSize() throws Exception {
        try (EnginePair p = new EnginePair(17773, SIZE)) {
            p.a.volume.maxBio = 64 << 10; // A is the sync source: B may ask for 64 KiB at most
            p.initialSync(121);
            assertEquals(p.a.md5(), p.b.md5());
            assertEquals(64 << 10, p.a.volume.largestRead.get(), "the largest resync read on the source");
            assertEquals(1 << 20, p.a.pd().peerMaxBioSize(), "B's own limit, told to A");
        }
    }

    @Test
    void checksumResyncSkipsIdenticalBlocks() throws Exception {
        try (EnginePair p = new EnginePair(17753, SIZE)) {
            p.configure(EnginePair.net("B", 101).withAlgorithms("", "", "md5"),
                    EnginePair.net("A", 101).withAlgorithms("", "", "md5"));
            p.connectBoth();
            await("Established", 20_000, () -> p.a.pd().repl() == ReplState.ESTABLISHED
                    && p.b.pd().repl() == ReplState.ESTABLISHED);
            p.a.engine.primary(true).get(10, TimeUnit.SECONDS);
            p.awaitInSync();
            p.b.engine.disconnect(0, false).get(10, TimeUnit.SECONDS);
            await("A notices", 10_000, () -> p.a.peer().connState() != ConnState.CONNECTED);
            byte[] same = p.a.readVolume(80, 4096);
            p.a.write(80, same);                           // rewritten with identical data
            p.a.write(160, EnginePair.random(new Random(1), 4096)); // changed
            assertEquals(2, p.a.pd().bitmap().cardinality());
            long before = p.b.pd().receivedSectors();
            p.b.engine.connect(0, false).get(10, TimeUnit.SECONDS);
            p.awaitInSync();
            await("bits cleared", 10_000, () -> p.a.pd().bitmap().cardinality() == 0);
            assertEquals(p.a.md5(), p.b.md5());
            assertEquals(16, p.b.pd().resyncTotalSectors(), "two blocks were out of sync");
            assertEquals(8, p.b.pd().receivedSectors() - before, "only the changed block was transferred");
        }
    }

    @Test
    void dataIntegrityAlgorithmChecksEveryWrite() throws Exception {
        try (EnginePair p = new EnginePair(17754, SIZE)) {
            p.configure(EnginePair.net("B", 121).withAlgorithms("crc32c", "", ""),
                    EnginePair.net("A", 121).withAlgorithms("crc32c", "", ""));
            p.connectBoth();
            await("Established", 20_000, () -> p.a.pd().repl() == ReplState.ESTABLISHED);
            p.a.engine.primary(true).get(10, TimeUnit.SECONDS);
            p.awaitInSync();
            Random rnd = new Random(9);
            for (int i = 0; i < 50; i++) {
                p.a.write(8L * rnd.nextInt(1000), EnginePair.random(rnd, 8192));
            }
            assertEquals(p.a.md5(), p.b.md5());
        }
    }

    @ParameterizedTest(name = "max protocol {0}")
    @ValueSource(ints = {121, 101})
    void crashedSecondaryRestartsAndResyncs(int maxProtocol) throws Exception {
        try (EnginePair p = new EnginePair(17755, SIZE)) {
            // B on its own network stack so that it can die alone
            p.b.engine.shutdown().get(5, TimeUnit.SECONDS);
            p.b.listeners.close();
            TransportGroup tgB = new TransportGroup(2, true);
            p.b.start(tgB);
            p.initialSync(maxProtocol);
            Random rnd = new Random(21);
            for (int i = 0; i < 50; i++) {
                p.a.write(8L * rnd.nextInt(2000), EnginePair.random(rnd, 4096));
            }
            p.b.crash();
            await("A notices", 15_000, () -> p.a.peer().connState() != ConnState.CONNECTED);
            Set<Long> written = new HashSet<>();
            for (int i = 0; i < 30; i++) {
                long blk = rnd.nextInt(2000);
                written.add(blk);
                p.a.write(8L * blk, EnginePair.random(rnd, 4096));
            }
            long changed = p.a.pd().bitmap().cardinality();
            // the blocks written meanwhile, plus writes of the last epochs not yet confirmed stable
            assertTrue(changed >= written.size() && changed <= written.size() + 50, "changed " + changed);
            for (long blk : written) {
                assertTrue(p.a.pd().bitmap().test(blk));
            }
            TransportGroup tgB2 = new TransportGroup(2, true);
            p.b.start(tgB2);
            p.b.addPeer(0, p.addrB, p.addrA, EnginePair.net("A", maxProtocol));
            p.b.engine.connect(0, false).get(5, TimeUnit.SECONDS);
            p.awaitInSync();
            await("bits cleared", 10_000, () -> p.a.pd().bitmap().cardinality() == 0);
            assertEquals(changed * 8, p.b.pd().resyncTotalSectors(), "only the blocks written meanwhile");
            assertEquals(p.a.md5(), p.b.md5());
        }
    }

    @Test
    void everyAcknowledgedWriteSurvivesACrashedPrimary() throws Exception {
        try (EnginePair p = new EnginePair(17756, SIZE)) {
            p.a.engine.shutdown().get(5, TimeUnit.SECONDS);
            p.a.listeners.close();
            TransportGroup tgA = new TransportGroup(2, true);
            p.a.start(tgA);
            p.initialSync(121);
            Random rnd = new Random(33);
            byte[][] acked = new byte[256][];
            for (int i = 0; i < 256; i++) {
                acked[i] = EnginePair.random(rnd, 4096);
                p.a.write(8L * i, acked[i]); // returns only when B acknowledged (protocol C)
            }
            p.a.crash();
            await("B notices", 15_000, () -> p.b.peer().connState() != ConnState.CONNECTED);
            assertEquals(StateResult.SUCCESS, p.b.engine.primary(false).get(10, TimeUnit.SECONDS));
            for (int i = 0; i < 256; i++) {
                assertArrayEquals(acked[i], p.b.readVolume(8L * i, 4096), "block " + i);
            }
        }
    }
}
