package io.scstdrbd.drbd.engine;

import static io.scstdrbd.drbd.engine.TestNode.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.drbd.replication.WireProtocol;
import io.scstdrbd.drbd.state.ConnState;
import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.ReplState;
import io.scstdrbd.drbd.state.StateResult;
import io.scstdrbd.drbd.testutil.LeakCheck;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Refused connections and detected faults: nothing connects that should not, no data is overwritten. */
@ExtendWith(LeakCheck.class)
class ConnectionFailureTest {

    @ParameterizedTest(name = "max protocol {0}")
    @ValueSource(ints = {121, 101})
    void rightSecretConnectsWrongSecretIsRefused(int maxProtocol) throws Exception {
        try (EnginePair p = new EnginePair(17740, 4 << 20)) {
            p.configure(EnginePair.net("B", maxProtocol).withAuth("sha256", "right"),
                    EnginePair.net("A", maxProtocol).withAuth("sha256", "wrong"));
            p.connectBoth();
            await("both refuse", 20_000, () -> p.a.peer().connState() == ConnState.STANDALONE
                    && p.b.peer().connState() == ConnState.STANDALONE);
            assertTrue(p.a.events.contains("conn Connecting"));
            assertTrue(!p.a.events.contains("conn Connected"), "never Connected with a wrong secret");
        }
        try (EnginePair p = new EnginePair(17741, 4 << 20)) {
            p.configure(EnginePair.net("B", maxProtocol).withAuth("sha1", "s3cret"),
                    EnginePair.net("A", maxProtocol).withAuth("sha1", "s3cret"));
            p.connectBoth();
            await("connected with the right secret", 20_000, () -> p.a.pd().repl() == ReplState.ESTABLISHED
                    && p.b.pd().repl() == ReplState.ESTABLISHED);
        }
    }

    @Test
    void authenticationOnOneSideOnlyIsRefused() throws Exception {
        try (EnginePair p = new EnginePair(17742, 4 << 20)) {
            p.configure(EnginePair.net("B", 121).withAuth("sha1", "x"), EnginePair.net("A", 121));
            p.connectBoth();
            await("refused", 20_000, () -> p.a.peer().connState() == ConnState.STANDALONE);
            assertTrue(!p.b.events.contains("conn Connected"));
        }
    }

    @Test
    void unsupportedAlgorithmIsRefusedAtConnect() throws Exception {
        try (EnginePair p = new EnginePair(17743, 4 << 20)) {
            p.configure(EnginePair.net("B", 121).withAuth("whirlpool", "x"), EnginePair.net("A", 121));
            assertEquals(StateResult.NOT_SUPPORTED, p.a.engine.connect(1, false).get(5, TimeUnit.SECONDS));
            assertEquals(ConnState.STANDALONE, p.a.peer().connState());
        }
    }

    /** protocol_version_min 118 on A: an 8.4 peer (at most 101) is refused, a DRBD 9 peer connects. */
    @Test
    void protocolVersionMinRefusesOlderDialects() throws Exception {
        try (EnginePair p = new EnginePair(17746, 4 << 20)) {
            p.configure(EnginePair.net("B", 121), EnginePair.net("A", 101));
            p.a.peer().setProtocolMin(118);
            p.connectBoth();
            await("refused", 20_000, () -> p.a.peer().connState() == ConnState.STANDALONE);
            assertEquals(ConnState.STANDALONE, p.a.peer().connState());
        }
        try (EnginePair p = new EnginePair(17746, 4 << 20)) {
            p.configure(EnginePair.net("B", 121), EnginePair.net("A", 121));
            p.a.peer().setProtocolMin(118);
            p.connectBoth();
            await("connected", 20_000, () -> p.a.peer().connState() == ConnState.CONNECTED);
        }
    }

    @ParameterizedTest(name = "max protocol {0}")
    @ValueSource(ints = {121, 101})
    void incompatibleProtocolIsRefused(int maxProtocol) throws Exception {
        try (EnginePair p = new EnginePair(17744, 4 << 20)) {
            p.configure(EnginePair.net("B", maxProtocol).withProtocol(WireProtocol.A), EnginePair.net("A", maxProtocol));
            p.connectBoth();
            await("refused", 20_000, () -> p.a.peer().connState() == ConnState.STANDALONE
                    && p.b.peer().connState() == ConnState.STANDALONE);
        }
    }

    @ParameterizedTest(name = "max protocol {0}")
    @ValueSource(ints = {121, 101})
    void splitBrainIsDetectedAndDiscardMyDataResolvesIt(int maxProtocol) throws Exception {
        try (EnginePair p = new EnginePair(17745, 4 << 20)) {
            p.initialSync(maxProtocol);
            Random rnd = new Random(3);
            // both become Primary while disconnected and write different data
            p.b.engine.disconnect(0, false).get(10, TimeUnit.SECONDS);
            await("A notices", 10_000, () -> p.a.peer().connState() != ConnState.CONNECTED);
            p.a.engine.disconnect(1, false).get(10, TimeUnit.SECONDS);
            assertEquals(StateResult.SUCCESS, p.b.engine.primary(false).get(10, TimeUnit.SECONDS));
            p.a.write(0, EnginePair.random(rnd, 8192));
            p.b.write(64, EnginePair.random(rnd, 4096));
            String sumA = p.a.md5();
            String sumB = p.b.md5();
            p.connectBoth();
            await("split brain detected", 20_000, () -> p.a.peer().connState() == ConnState.STANDALONE
                    && p.b.peer().connState() == ConnState.STANDALONE
                    && p.a.handlers.contains("split-brain") && p.b.handlers.contains("split-brain"));
            assertEquals(sumA, p.a.md5(), "no data overwritten on A");
            assertEquals(sumB, p.b.md5(), "no data overwritten on B");
            // resolve: B becomes Secondary and discards its data
            p.b.engine.secondary().get(5, TimeUnit.SECONDS);
            assertEquals(StateResult.SUCCESS, p.a.engine.connect(1, false).get(5, TimeUnit.SECONDS));
            assertEquals(StateResult.SUCCESS, p.b.engine.connect(0, true).get(5, TimeUnit.SECONDS));
            p.awaitInSync();
            assertEquals(p.a.md5(), p.b.md5());
            assertEquals(sumA, p.b.md5(), "B now holds A's data");
            assertEquals(24, p.b.pd().resyncTotalSectors(), "A's 2 blocks and B's 1 block resynced");
        }
    }

    /**
     * A peer whose disk stops completing writes is dropped after timeout x ko-count (here 1 s x 2),
     * as the kernel's ko-count does: the Primary's write completes, the block is marked out of
     * sync, and once the peer's disk works again the reconnect resyncs it.
     */
    @Test
    void aPeerThatDoesNotCompleteWritesIsDroppedAfterKoCount() throws Exception {
        try (EnginePair p = new EnginePair(17781, 4 << 20)) {
            p.configure(EnginePair.net("B", 121).withTimers(1, 10, 5, 10, 2),
                    EnginePair.net("A", 121).withTimers(1, 10, 5, 10, 2));
            p.connectBoth();
            await("Established", 20_000, () -> p.a.pd().repl() == ReplState.ESTABLISHED
                    && p.b.pd().repl() == ReplState.ESTABLISHED);
            assertEquals(StateResult.SUCCESS, p.a.engine.primary(true).get(10, TimeUnit.SECONDS));
            p.awaitInSync();
            p.b.volume.holdWrites();
            long start = System.nanoTime();
            java.util.concurrent.CompletableFuture<Integer> written = new java.util.concurrent.CompletableFuture<>();
            p.a.vol.submit(io.scstdrbd.kernel.block.Bio.write(80, java.nio.ByteBuffer.wrap(
                    EnginePair.random(new Random(9), 4096)), 0, (b, e) -> written.complete(e)));
            assertEquals(0, written.get(15, TimeUnit.SECONDS), "the write completes once the peer is dropped");
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(waitedMs >= 1_800, "not before timeout x ko-count (2 s): " + waitedMs + " ms");
            await("the connection went through Timeout", 5_000, () -> p.a.events.contains("conn Timeout"));
            assertTrue(p.a.pd().bitmap().cardinality() > 0 || p.a.pd().repl().isSyncSource(),
                    "the unacknowledged block is out of sync toward B");
            p.b.volume.releaseWrites();
            p.awaitInSync();
            await("resynced", 20_000, () -> p.a.pd().bitmap().cardinality() == 0);
            assertEquals(p.a.md5(), p.b.md5());
        }
    }

    @Test
    void hostileStreamOnTheReplicationPortDropsOnlyThatConnection() throws Exception {
        try (EnginePair p = new EnginePair(17746, 4 << 20)) {
            p.configure(EnginePair.net("B", 121), EnginePair.net("A", 121));
            p.a.engine.connect(1, false).get(5, TimeUnit.SECONDS);
            Thread.sleep(200);
            // garbage from the peer's address: as first packet, and after a valid first packet
            for (byte[] junk : new byte[][] {
                    {1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
                    {(byte) 0x83, 0x74, 0x02, 0x67, (byte) 0xff, (byte) 0xf2, 0, 0, 0x7f, 0x7f, 0x7f, 0x7f},
                    {(byte) 0x83, 0x74, 0x02, 0x67, (byte) 0xff, (byte) 0xf2, 0, 0,
                        (byte) 0x86, 0x20, (byte) 0xec, 0x20, 0, 0, 0, 0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0}}) {
                try (Socket s = new Socket()) {
                    s.bind(new InetSocketAddress("127.0.0.2", 0));
                    s.connect(p.addrA);
                    OutputStream o = s.getOutputStream();
                    o.write(junk);
                    o.flush();
                    s.setSoTimeout(5000);
                    assertEquals(-1, s.getInputStream().read(), "the hostile connection is closed");
                }
            }
            assertEquals(ConnState.CONNECTING, p.a.peer().connState());
            p.b.engine.connect(0, false).get(5, TimeUnit.SECONDS);
            await("the real peer still connects", 20_000, () -> p.a.pd().repl() == ReplState.ESTABLISHED);
        }
    }

    @Test
    void twoPrimariesOnlyWithAllowTwoPrimaries() throws Exception {
        try (EnginePair p = new EnginePair(17747, 4 << 20)) {
            p.initialSync(121);
            assertEquals(StateResult.TWO_PRIMARIES, p.b.engine.primary(false).get(10, TimeUnit.SECONDS));
            assertNotEquals(io.scstdrbd.drbd.state.Role.PRIMARY, p.b.engine.role());
            assertEquals(DiskState.UP_TO_DATE, p.b.disk());
        }
    }
}
