package io.scstdrbd.kernel.genl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenlUnixServerTest {
    @TempDir
    Path tmp;

    static ByteBuffer readMessage(SocketChannel ch) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(16).order(NetlinkHeader.ORDER);
        while (h.hasRemaining()) {
            if (ch.read(h) < 0) {
                return null;
            }
        }
        int len = h.getInt(0);
        ByteBuffer m = ByteBuffer.allocate(len).order(NetlinkHeader.ORDER);
        h.flip();
        m.put(h);
        while (m.hasRemaining()) {
            if (ch.read(m) < 0) {
                return null;
            }
        }
        m.flip();
        return m;
    }

    @Test
    void servesBackToBackRequestsAndSurvivesGarbage() throws Exception {
        GenlBus bus = new GenlBus();
        GenlFamily f = bus.register(GenlBusTest.drbdLike(2));
        Path sock = tmp.resolve("t.genl");
        try (GenlUnixServer srv = new GenlUnixServer(bus, sock)) {
            srv.start();
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(sock));
                // two requests in one write: both are answered without waiting for a third
                ByteBuffer a = GenlBusTest.hex(GenlBusTest.GETFAMILY_DRBD);
                ByteBuffer b = GenlBusTest.request(f, NetlinkHeader.NLM_F_DUMP, GenlBusTest.CMD_LIST, 8, new byte[0]);
                ByteBuffer both = ByteBuffer.allocate(a.remaining() + b.remaining());
                both.put(a).put(b).flip();
                while (both.hasRemaining()) {
                    ch.write(both);
                }
                assertEquals(0x10, NetlinkHeader.read(readMessage(ch), 0).type());
                assertEquals(f.id(), NetlinkHeader.read(readMessage(ch), 0).type());
                assertEquals(f.id(), NetlinkHeader.read(readMessage(ch), 0).type());
                ByteBuffer done = readMessage(ch);
                assertEquals(NetlinkHeader.NLMSG_DONE, NetlinkHeader.read(done, 0).type());
                assertEquals(8, NetlinkHeader.read(done, 0).seq());
            }
            // a declared length below the header size: error ack, connection closed
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(sock));
                ByteBuffer junk = ByteBuffer.allocate(16).order(NetlinkHeader.ORDER);
                new NetlinkHeader(3, f.id(), 1, 42, 1).write(junk, 0);
                ch.write(junk);
                ByteBuffer err = readMessage(ch);
                assertEquals(NetlinkHeader.NLMSG_ERROR, NetlinkHeader.read(err, 0).type());
                assertEquals(-Errno.EINVAL, err.getInt(16));
                assertEquals(42, NetlinkHeader.read(err, 0).seq());
                assertEquals(null, readMessage(ch));
            }
            // an oversized length: EMSGSIZE
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(sock));
                ByteBuffer junk = ByteBuffer.allocate(16).order(NetlinkHeader.ORDER);
                new NetlinkHeader(1 << 30, f.id(), 1, 43, 1).write(junk, 0);
                ch.write(junk);
                assertEquals(-Errno.EMSGSIZE, readMessage(ch).getInt(16));
            }
            // and the server still answers
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(sock));
                ch.write(GenlBusTest.hex(GenlBusTest.GETFAMILY_DRBD));
                assertEquals(0x10, NetlinkHeader.read(readMessage(ch), 0).type());
            }
            // a second server on the same path refuses
            GenlUnixServer second = new GenlUnixServer(bus, sock);
            assertEquals(Errno.EADDRINUSE, assertThrows(KernelException.class, second::start).errno());
        }
        assertTrue(Files.notExists(sock));
    }

    @Test
    void eventsReachJoinedSocketsAndStaleSocketIsReplaced() throws Exception {
        GenlBus bus = new GenlBus();
        GenlFamily f = bus.register(GenlBusTest.drbdLike(0));
        Path sock = tmp.resolve("e.genl");
        Files.createFile(sock); // stale leftover that nobody answers on
        try (GenlUnixServer srv = new GenlUnixServer(bus, sock);
                SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            srv.start();
            ch.connect(UnixDomainSocketAddress.of(sock));
            ByteBuffer join = ByteBuffer.allocate(20).order(NetlinkHeader.ORDER);
            new NetlinkHeader(20, GenlBus.MSG_JOIN_GROUP, 0, 0, 0).write(join, 0);
            join.putInt(16, f.groupId("events"));
            ch.write(join);
            long deadline = System.currentTimeMillis() + 5000;
            while (!bus.hasListeners(f.groupId("events")) && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
            for (int i = 1; i <= 100; i++) {
                bus.multicast(f.groupId("events"), new GenlMessageBuilder(f.id(), 0, i, 0, 34, 2, 8).finish());
            }
            for (int i = 1; i <= 100; i++) {
                assertEquals(i, NetlinkHeader.read(readMessage(ch), 0).seq());
            }
        }
    }
}
