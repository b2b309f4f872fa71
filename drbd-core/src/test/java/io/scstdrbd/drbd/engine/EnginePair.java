package io.scstdrbd.drbd.engine;

import static io.scstdrbd.drbd.engine.TestNode.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.ReplState;
import io.scstdrbd.drbd.state.StateResult;
import io.scstdrbd.drbd.transport.TransportGroup;
import java.net.InetSocketAddress;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** Two test nodes A (id 0, 127.0.0.1) and B (id 1, 127.0.0.2) on one port. */
final class EnginePair implements AutoCloseable {
    final TransportGroup tg;
    final TestNode a;
    final TestNode b;
    final InetSocketAddress addrA;
    final InetSocketAddress addrB;

    EnginePair(int port, long size) throws Exception {
        tg = new TransportGroup(4, true);
        a = new TestNode("A", 0, tg, size);
        b = new TestNode("B", 1, tg, size);
        addrA = new InetSocketAddress("127.0.0.1", port);
        addrB = new InetSocketAddress("127.0.0.2", port);
    }

    static NetConfig net(String peer, int maxProtocol) {
        return NetConfig.defaults(peer).withMaxProtocol(maxProtocol, true).withTimers(1, 10, 5, 60, 7);
    }

    void configure(NetConfig na, NetConfig nb) {
        a.addPeer(1, addrA, addrB, na);
        b.addPeer(0, addrB, addrA, nb);
    }

    void connectBoth() throws Exception {
        assertEquals(StateResult.SUCCESS, a.engine.connect(1, false).get(5, TimeUnit.SECONDS));
        assertEquals(StateResult.SUCCESS, b.engine.connect(0, false).get(5, TimeUnit.SECONDS));
    }

    void awaitInSync() throws InterruptedException {
        await("both Established and UpToDate", 30_000, () -> a.pd().repl() == ReplState.ESTABLISHED
                && b.pd().repl() == ReplState.ESTABLISHED && a.disk() == DiskState.UP_TO_DATE
                && b.disk() == DiskState.UP_TO_DATE && a.pd().peerDisk() == DiskState.UP_TO_DATE
                && b.pd().peerDisk() == DiskState.UP_TO_DATE);
    }

    /** Connect, make A primary with --force and wait for the initial full sync. */
    void initialSync(int maxProtocol) throws Exception {
        configure(net("B", maxProtocol), net("A", maxProtocol));
        connectBoth();
        await("Established", 20_000, () -> a.pd().repl() == ReplState.ESTABLISHED
                && b.pd().repl() == ReplState.ESTABLISHED);
        assertEquals(StateResult.SUCCESS, a.engine.primary(true).get(10, TimeUnit.SECONDS));
        awaitInSync();
    }

    static byte[] random(Random r, int n) {
        byte[] x = new byte[n];
        r.nextBytes(x);
        return x;
    }

    @Override
    public void close() throws Exception {
        a.close();
        b.close();
        tg.close();
    }
}
