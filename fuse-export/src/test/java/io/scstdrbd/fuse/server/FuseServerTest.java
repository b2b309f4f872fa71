package io.scstdrbd.fuse.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.fuse.TestDevice;
import io.scstdrbd.fuse.fs.TreeNotifications;
import io.scstdrbd.fuse.protocol.Fuse;
import io.scstdrbd.fuse.protocol.FuseOpcode;
import io.scstdrbd.fuse.protocol.InitIn;
import io.scstdrbd.fuse.protocol.NotifyDelete;
import io.scstdrbd.fuse.protocol.NotifyInvalEntry;
import io.scstdrbd.fuse.protocol.OpenOut;
import io.scstdrbd.fuse.protocol.OutHeader;
import io.scstdrbd.fuse.protocol.ReadIn;
import io.scstdrbd.fuse.transport.FuseChannel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class FuseServerTest {

    @Test
    void readersServeEveryChannelAndStopOnEnodev() throws Exception {
        try (DispatcherHarness h = new DispatcherHarness()) {
            ExecutorService ioPool = Executors.newFixedThreadPool(2);
            TestDevice dev = new TestDevice("tcmu000", 1 << 20).async(ioPool);
            h.kernel.devices().register(dev);
            java.util.concurrent.atomic.AtomicInteger disconnects = new java.util.concurrent.atomic.AtomicInteger();
            FuseServer server = new FuseServer(h.dispatcher, 4, disconnects::incrementAndGet);
            RecordingChannel a = new RecordingChannel();
            RecordingChannel b = new RecordingChannel();
            ByteBuffer init = DispatcherHarness.le(InitIn.SIZE);
            new InitIn(7, 45, 0, -1, 0).encode(init, 0);
            a.requests.add(h.request(FuseOpcode.INIT, 0, 1, init.array()));
            server.start(List.<FuseChannel>of(a, b));
            assertTrue(Reply.of(a.next(5000)).errno() == 0, "INIT answered on the channel it came from");
            long devDir = h.tree.resolve("dev").id();
            long node = h.tree.resolve("dev/tcmu000").id();
            a.requests.add(h.request(FuseOpcode.OPEN, node, 1, open(Fuse.O_RDONLY)));
            long fh = OpenOut.decode(Reply.of(a.next(5000)).body(), 0).fh();
            // more reads in flight than buffers: the pool bound is back-pressure, not a failure
            Set<Long> uniques = new HashSet<>();
            for (int i = 0; i < 40; i++) {
                ByteBuffer r = DispatcherHarness.le(ReadIn.SIZE);
                new ReadIn(fh, i * 4096L, 4096, 0, 0, 0).encode(r, 0);
                byte[] req = h.request(FuseOpcode.READ, node, 1, r.array());
                uniques.add(ByteBuffer.wrap(req).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(8));
                (i % 2 == 0 ? a : b).requests.add(req);
            }
            List<Reply> replies = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                RecordingChannel ch = i < 20 ? a : b;
                replies.add(Reply.of(ch.next(5000)));
            }
            for (Reply r : replies) {
                assertEquals(0, r.errno());
                assertEquals(4096, r.body().remaining());
                assertTrue(uniques.remove(r.header().unique()));
            }
            assertTrue(server.buffersAllocated() <= 4);
            a.endOfRequests();
            b.endOfRequests();
            assertTrue(server.awaitReaders(5000), "readers end when the kernel says ENODEV");
            assertEquals(1, disconnects.get(), "the end of the connection is reported once");
            assertTrue(server.awaitIdle(5000));
            assertEquals(0, server.inflight());
            assertEquals(SessionState.CLOSED, h.dispatcher.state());
            assertEquals(devDir, h.tree.resolve("dev").id());
            ioPool.shutdown();
        }
    }

    private static byte[] open(int flags) {
        ByteBuffer b = DispatcherHarness.le(8);
        b.putInt(0, flags);
        return b.array();
    }

    @Test
    void notificationsAreUnsolicitedMessagesSentOffTheCallersThread() throws Exception {
        List<Runnable> queued = new ArrayList<>();
        KernelNotifier n = new KernelNotifier(queued::add);
        RecordingChannel ch = new RecordingChannel();
        TreeNotifications t = n;
        t.entryDeleted(2, 5, "tcmu000");
        assertEquals(0, queued.size(), "dropped before the session is up");
        n.enable(ch);
        t.entryDeleted(2, 5, "tcmu000");
        t.entryChanged(2, "tcmu002");
        t.attributesChanged(5);
        assertEquals(3, queued.size());
        assertEquals(0, ch.written.size(), "nothing written on the caller's thread");
        queued.forEach(Runnable::run);
        ByteBuffer del = ByteBuffer.wrap(ch.next(100)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        OutHeader h = OutHeader.decode(del, 0);
        assertEquals(0, h.unique());
        assertEquals(Fuse.NOTIFY_DELETE, h.error());
        assertEquals(new NotifyDelete(2, 5, "tcmu000"), NotifyDelete.decode(del, OutHeader.SIZE));
        ByteBuffer inv = ByteBuffer.wrap(ch.next(100)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(Fuse.NOTIFY_INVAL_ENTRY, OutHeader.decode(inv, 0).error());
        assertEquals(new NotifyInvalEntry(2, 0, "tcmu002"), NotifyInvalEntry.decode(inv, OutHeader.SIZE));
        ByteBuffer ino = ByteBuffer.wrap(ch.next(100)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(Fuse.NOTIFY_INVAL_INODE, OutHeader.decode(ino, 0).error());
        assertEquals(OutHeader.SIZE + 24, OutHeader.decode(ino, 0).len());
    }
}
