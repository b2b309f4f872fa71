package io.scstdrbd.drbd.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.scstdrbd.drbd.testutil.LeakCheck;
import io.scstdrbd.drbd.wire.HeaderCodec;
import io.scstdrbd.drbd.wire.HeaderFormat;
import io.scstdrbd.drbd.wire.PacketType;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
class PathConnectorTest {
    private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 17710);
    private static final InetSocketAddress B = new InetSocketAddress("127.0.0.2", 17710);
    private static final ConnectSettings FAST = new ConnectSettings(300, 2000, 200);

    private TransportGroup tg;
    private ListenerRegistry la;
    private ListenerRegistry lb;

    @BeforeEach
    void setUp() {
        tg = new TransportGroup(2, true);
        la = new ListenerRegistry(tg);
        lb = new ListenerRegistry(tg);
    }

    @AfterEach
    void tearDown() {
        la.close();
        lb.close();
        tg.close();
    }

    private static final class Side implements PathConnector.Listener {
        final CompletableFuture<EstablishedSockets> result = new CompletableFuture<>();
        PathConnector connector;
        final EventLoop loop;

        Side(EventLoop loop) {
            this.loop = loop;
        }

        @Override
        public FrameSink established(EstablishedSockets s) {
            result.complete(s);
            return new FrameSink() {
                @Override
                public void frame(Channel ch, Frame f) {
                    f.release();
                }

                @Override
                public void closed(Channel ch, Throwable cause) {
                }
            };
        }

        ListenerRegistry.Registration reg;

        void stop() {
            loop.submit(() -> connector.stop()).syncUninterruptibly();
            reg.close();
        }
    }

    private Side start(ListenerRegistry l, InetSocketAddress me, InetSocketAddress peer, long seed) {
        EventLoop loop = tg.nextLoop();
        Side s = new Side(loop);
        s.connector = new PathConnector(tg, loop, me, peer, FAST, s, new Random(seed), me.toString());
        try {
            s.reg = l.register(me, peer.getAddress(), loop, ch -> s.connector.accept(ch));
        } catch (TransportException e) {
            throw new IllegalStateException(e);
        }
        loop.execute(s.connector::start);
        return s;
    }

    /** Accepted or connected, a side's sockets run on its own loop (no hand-over per packet). */
    private static EstablishedSockets onOwnLoop(Side s, EstablishedSockets e) {
        assertSame(s.loop, e.data().eventLoop(), "data socket on the connection's loop");
        assertSame(s.loop, e.meta().eventLoop(), "meta socket on the connection's loop");
        return e;
    }

    private static void checkPaired(EstablishedSockets a, EstablishedSockets b) {
        assertEquals(a.data().localAddress(), b.data().remoteAddress(), "data sockets pair up");
        assertEquals(a.meta().localAddress(), b.meta().remoteAddress(), "meta sockets pair up");
        assertNotEquals(a.resolveConflicts(), b.resolveConflicts(), "exactly one side resolves conflicts");
        a.data().close();
        a.meta().close();
        b.data().close();
        b.meta().close();
    }

    @Test
    void simultaneousStart() throws Exception {
        for (int round = 0; round < 5; round++) {
            Side a = start(la, A, B, round);
            Side b = start(lb, B, A, 100 + round);
            EstablishedSockets ea = onOwnLoop(a, a.result.get(20, TimeUnit.SECONDS));
            EstablishedSockets eb = onOwnLoop(b, b.result.get(20, TimeUnit.SECONDS));
            checkPaired(ea, eb);
            a.stop();
            b.stop();
        }
    }

    @Test
    void peerStartsLater() throws Exception {
        Side a = start(la, A, B, 1);
        Thread.sleep(700); // A's first attempts are refused
        Side b = start(lb, B, A, 2);
        // A's attempts were refused until B listened: A's sockets are (mostly) accepted ones
        checkPaired(onOwnLoop(a, a.result.get(20, TimeUnit.SECONDS)), onOwnLoop(b, b.result.get(20, TimeUnit.SECONDS)));
        a.stop();
        b.stop();
    }

    @Test
    void unexpectedAddressIsClosedAndCrossedInitialPacketsResolve() throws Exception {
        Side a = start(la, A, B, 3);
        Thread.sleep(100);
        // from an address nobody expects: closed at once
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress("127.0.0.3", 0));
            s.connect(A);
            s.setSoTimeout(3000);
            assertEquals(-1, s.getInputStream().read());
        }
        // a fake peer at B's address: two data sockets (crossed), then a meta socket
        try (Socket d1 = fakeSocket(PacketType.INITIAL_DATA); Socket d2 = fakeSocket(PacketType.INITIAL_DATA);
                Socket m = fakeSocket(PacketType.INITIAL_META)) {
            EstablishedSockets ea = a.result.get(20, TimeUnit.SECONDS);
            assertTrue(ea.resolveConflicts(), "accepting the meta socket sets RESOLVE_CONFLICTS");
            assertEquals(d2.getLocalSocketAddress(), ea.data().remoteAddress(), "the newer data socket is kept");
            assertEquals(m.getLocalSocketAddress(), ea.meta().remoteAddress());
            d1.setSoTimeout(3000);
            assertEquals(-1, d1.getInputStream().read(), "the older data socket is closed");
            ea.data().close();
            ea.meta().close();
        }
        a.stop();
    }

    private static Socket fakeSocket(PacketType first) throws IOException, InterruptedException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
        s.connect(A);
        OutputStream o = s.getOutputStream();
        byte[] b = new byte[8];
        java.nio.ByteBuffer.wrap(b).putInt(0x83740267).putShort((short) first.code()).putShort((short) 0);
        o.write(b);
        o.flush();
        Thread.sleep(100);
        return s;
    }
}
