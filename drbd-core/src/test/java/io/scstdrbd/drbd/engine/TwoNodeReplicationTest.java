package io.scstdrbd.drbd.engine;

import static io.scstdrbd.drbd.engine.TestNode.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.drbd.state.ConnState;
import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.ReplState;
import io.scstdrbd.drbd.state.Role;
import io.scstdrbd.drbd.state.StateResult;
import io.scstdrbd.drbd.testutil.LeakCheck;
import io.scstdrbd.drbd.transport.TransportGroup;
import java.net.InetSocketAddress;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Two engines in one JVM replicating over 127.0.0.1 and 127.0.0.2 with ram backends. */
@ExtendWith(LeakCheck.class)
class TwoNodeReplicationTest {
    private static final long SIZE = 16L << 20;
    private static final InetSocketAddress ADDR_A = new InetSocketAddress("127.0.0.1", 17730);
    private static final InetSocketAddress ADDR_B = new InetSocketAddress("127.0.0.2", 17730);

    private TransportGroup tg;
    private TestNode a;
    private TestNode b;

    @BeforeEach
    void setUp() throws Exception {
        tg = new TransportGroup(4, true);
        a = new TestNode("A", 0, tg, SIZE);
        b = new TestNode("B", 1, tg, SIZE);
    }

    @AfterEach
    void tearDown() throws Exception {
        a.close();
        b.close();
        tg.close();
    }

    private void connect(int maxProtocol) throws Exception {
        NetConfig na = NetConfig.defaults("B").withMaxProtocol(maxProtocol, true).withTimers(1, 10, 5, 60, 7);
        NetConfig nb = NetConfig.defaults("A").withMaxProtocol(maxProtocol, true).withTimers(1, 10, 5, 60, 7);
        a.addPeer(1, ADDR_A, ADDR_B, na);
        b.addPeer(0, ADDR_B, ADDR_A, nb);
        assertEquals(StateResult.SUCCESS, a.engine.connect(1, false).get(5, TimeUnit.SECONDS));
        assertEquals(StateResult.SUCCESS, b.engine.connect(0, false).get(5, TimeUnit.SECONDS));
    }

    private void awaitEstablished() throws InterruptedException {
        await("both Established", 20_000, () -> a.pd().repl() == ReplState.ESTABLISHED
                && b.pd().repl() == ReplState.ESTABLISHED);
    }

    private static byte[] random(Random r, int n) {
        byte[] x = new byte[n];
        r.nextBytes(x);
        return x;
    }

    @ParameterizedTest(name = "max protocol {0}")
    @ValueSource(ints = {121, 101})
    void fullSyncWritesDisconnectResyncAndSwitchover(int maxProtocol) throws Exception {
        connect(maxProtocol);
        awaitEstablished();
        assertEquals(maxProtocol, a.peer().agreedVersion());
        assertEquals(ConnState.CONNECTED, a.peer().connState());
        assertEquals(DiskState.INCONSISTENT, a.disk());
        assertEquals(DiskState.INCONSISTENT, b.disk());

        // primary --force on A: full sync A -> B
        assertEquals(StateResult.SUCCESS, a.engine.primary(true).get(10, TimeUnit.SECONDS));
        assertEquals(Role.PRIMARY, a.engine.role());
        assertEquals(DiskState.UP_TO_DATE, a.disk());
        await("initial full sync", 30_000, () -> b.disk() == DiskState.UP_TO_DATE
                && a.pd().repl() == ReplState.ESTABLISHED && b.pd().repl() == ReplState.ESTABLISHED);
        assertEquals(SIZE / 512, b.pd().resyncTotalSectors(), "full sync");
        assertEquals(Role.PRIMARY, b.peer().peerRole());
        assertEquals(a.md5(), b.md5());

        // protocol C writes while connected: acknowledged means on B
        Random rnd = new Random(maxProtocol);
        for (int i = 0; i < 60; i++) {
            long sector = 8L * rnd.nextInt((int) (SIZE / 4096 - 32));
            a.write(sector, random(rnd, 4096 * (1 + rnd.nextInt(16))));
        }
        assertEquals(a.md5(), b.md5());

        // B disconnects; A writes 10 blocks; reconnect resyncs exactly those
        b.engine.disconnect(0, false).get(10, TimeUnit.SECONDS);
        assertEquals(ConnState.STANDALONE, b.peer().connState());
        await("A notices", 10_000, () -> a.peer().connState() != ConnState.CONNECTED);
        for (int i = 0; i < 10; i++) {
            a.write(8L * (100 + 37 * i), random(rnd, 4096));
        }
        assertEquals(10, a.pd().bitmap().cardinality());
        assertTrue(!a.md5().equals(b.md5()));
        b.engine.connect(0, false).get(10, TimeUnit.SECONDS);
        await("bitmap resync", 30_000, () -> a.pd().repl() == ReplState.ESTABLISHED
                && b.pd().repl() == ReplState.ESTABLISHED && b.disk() == DiskState.UP_TO_DATE
                && a.pd().bitmap().cardinality() == 0);
        assertEquals(80, b.pd().resyncTotalSectors(), "only the changed blocks resync");
        assertEquals(a.md5(), b.md5());

        // switch-over: A secondary, B primary, B writes
        assertEquals(StateResult.SUCCESS, a.engine.secondary().get(5, TimeUnit.SECONDS));
        assertEquals(StateResult.SUCCESS, b.engine.primary(false).get(10, TimeUnit.SECONDS));
        await("A sees B primary", 5_000, () -> a.peer().peerRole() == Role.PRIMARY);
        byte[] data = random(rnd, 65536);
        b.write(2048, data);
        assertArrayEquals(data, a.readVolume(2048, 65536));
        assertEquals(a.md5(), b.md5());

        // a second primary is refused
        assertEquals(StateResult.TWO_PRIMARIES, a.engine.primary(false).get(10, TimeUnit.SECONDS));
        assertEquals(Role.SECONDARY, a.engine.role());
    }
}
