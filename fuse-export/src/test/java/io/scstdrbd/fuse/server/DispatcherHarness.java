package io.scstdrbd.fuse.server;

import io.scstdrbd.fuse.block.WriterGrace;
import io.scstdrbd.fuse.fs.FuseTree;
import io.scstdrbd.fuse.fs.HandleTable;
import io.scstdrbd.fuse.fs.NodeAttributes;
import io.scstdrbd.fuse.fs.OpenFile;
import io.scstdrbd.fuse.protocol.Fuse;
import io.scstdrbd.fuse.protocol.FuseOpcode;
import io.scstdrbd.fuse.protocol.InHeader;
import io.scstdrbd.fuse.protocol.InitIn;
import io.scstdrbd.kernel.Kernel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** A dispatcher over a private Kernel, driven with encoded requests and answering on a recording channel. */
final class DispatcherHarness implements FuseRequest.RequestOwner, AutoCloseable {
    final Kernel kernel = new Kernel("/UMCfuse");
    final FuseTree tree = new FuseTree(kernel.devices(), kernel.procfs());
    final HandleTable<OpenFile> files = new HandleTable<>();
    final AtomicLong graceMillis = new AtomicLong(2000);
    final AtomicLong attrMillis = new AtomicLong(1500);
    final WriterGrace opens = new WriterGrace(kernel.devices(), kernel.timers(), graceMillis::get);
    final Dispatcher dispatcher = new Dispatcher(tree, new NodeAttributes(0, 0, 1_700_000_000_123L), files, opens,
            attrMillis::get);
    final RecordingChannel channel = new RecordingChannel();
    final AtomicInteger inflight = new AtomicInteger();
    final AtomicInteger failedReplies = new AtomicInteger();
    private final AtomicLong unique = new AtomicLong(100);

    @Override
    public void started(FuseRequest r) {
        inflight.incrementAndGet();
    }

    @Override
    public void finished(FuseRequest r) {
        inflight.decrementAndGet();
    }

    @Override
    public void replyFailed(FuseRequest r, int errno) {
        failedReplies.incrementAndGet();
    }

    static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Encodes a request (header + body) as the kernel would send it. */
    byte[] request(FuseOpcode op, long nodeid, int pid, byte[] body) {
        return request(op.code(), nodeid, pid, body);
    }

    byte[] request(int opcode, long nodeid, int pid, byte[] body) {
        ByteBuffer b = le(InHeader.SIZE + body.length);
        new InHeader(InHeader.SIZE + body.length, opcode, unique.incrementAndGet(), nodeid, 0, 0, pid, 0).encode(b, 0);
        b.put(InHeader.SIZE, body);
        return b.array();
    }

    /** Dispatches one request; returns whether it went asynchronous. */
    boolean send(byte[] request) {
        FuseRequest r = new FuseRequest(this);
        r.load(channel, ByteBuffer.wrap(request));
        return dispatcher.dispatch(r);
    }

    /** Sends and waits for the reply (null if none within the time). */
    Reply call(FuseOpcode op, long nodeid, byte[] body) throws InterruptedException {
        return call(op, nodeid, 4242, body);
    }

    Reply call(FuseOpcode op, long nodeid, int pid, byte[] body) throws InterruptedException {
        send(request(op, nodeid, pid, body));
        byte[] msg = channel.next(5000);
        return msg == null ? null : Reply.of(msg);
    }

    /** A request with an opcode this implementation does not know, and no body. */
    Reply call(int opcode, long nodeid) throws InterruptedException {
        send(request(opcode, nodeid, 1, new byte[0]));
        byte[] msg = channel.next(5000);
        return msg == null ? null : Reply.of(msg);
    }

    Reply init() throws InterruptedException {
        ByteBuffer b = le(InitIn.SIZE);
        new InitIn(7, 45, 131072, 0xffffffff, 0).encode(b, 0);
        return call(FuseOpcode.INIT, 0, b.array());
    }

    static byte[] name(String s) {
        byte[] n = s.getBytes();
        byte[] out = new byte[n.length + 1];
        System.arraycopy(n, 0, out, 0, n.length);
        return out;
    }

    static int rdwr() {
        return Fuse.O_RDWR;
    }

    @Override
    public void close() {
        kernel.close();
    }
}
