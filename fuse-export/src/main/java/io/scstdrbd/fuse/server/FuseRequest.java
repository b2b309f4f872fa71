package io.scstdrbd.fuse.server;

import io.scstdrbd.fuse.block.BlockNodeIo;
import io.scstdrbd.fuse.protocol.InHeader;
import io.scstdrbd.fuse.protocol.OutHeader;
import io.scstdrbd.fuse.protocol.WriteOut;
import io.scstdrbd.fuse.transport.FuseChannel;
import io.scstdrbd.kernel.errno.Errno;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One pooled request buffer and the request currently in it. Layout of its direct memory:
 * <pre>
 *   [0, 4096)              reply header (16 bytes) and small reply structs
 *   [4096, 12288)          scratch: head and tail blocks of a read-modify-write
 *   [12288, +1 MiB+16 KiB) what read(2) on /dev/fuse fills; READ data is read back into it
 * </pre>
 * The input area follows the read(2) size rule (at least 80 + max_write bytes) and leaves room
 * for the two extra blocks an unaligned 1 MiB read covers.
 *
 * <p>Ownership: one owner at a time. A reader thread owns it while it reads and dispatches; an
 * operation that completes later {@link #detach detaches} it, takes it along, and the reply
 * returns it to the pool. Exactly one reply per request (none for FORGET/INTERRUPT).
 */
public final class FuseRequest implements BlockNodeIo.ReadDone, BlockNodeIo.WriteDone, BlockNodeIo.OpDone {
    public static final int MAX_WRITE = 1 << 20;
    static final int CTRL_SIZE = 4096;
    static final int BODY = OutHeader.SIZE;
    static final int MAX_BODY = CTRL_SIZE - BODY;
    static final int SCRATCH_OFFSET = CTRL_SIZE;
    static final int SCRATCH_SIZE = 8192;
    static final int INPUT_OFFSET = SCRATCH_OFFSET + SCRATCH_SIZE;
    static final int INPUT_SIZE = MAX_WRITE + 16384;
    static final int TOTAL = INPUT_OFFSET + INPUT_SIZE;

    private final ByteBuffer mem;
    private final ByteBuffer replyView;
    private final ByteBuffer dataView;
    private final ByteBuffer readView;
    private final ByteBuffer scratch;
    private final ByteBuffer readTarget;
    private final ByteBuffer[] parts = new ByteBuffer[2];
    private final RequestOwner owner;

    private FuseChannel channel;
    private int length;
    private int opcode;
    private long unique;
    private long nodeid;
    private int uid;
    private int gid;
    private int pid;
    private int bodyLength;
    private boolean detached;
    private boolean replied;

    /** Where finished requests go: the pool and the in-flight accounting of the server. */
    interface RequestOwner {
        /** The request went asynchronous (counts as in flight until {@link #finished}). */
        void started(FuseRequest r);

        void finished(FuseRequest r);

        void replyFailed(FuseRequest r, int errno);
    }

    FuseRequest(RequestOwner owner) {
        this.owner = owner;
        this.mem = ByteBuffer.allocateDirect(TOTAL).order(ByteOrder.LITTLE_ENDIAN);
        this.replyView = mem.duplicate();
        this.dataView = mem.duplicate();
        this.readView = mem.duplicate();
        this.scratch = mem.slice(SCRATCH_OFFSET, SCRATCH_SIZE);
        this.readTarget = mem.slice(INPUT_OFFSET, INPUT_SIZE);
    }

    /** Reads the next request from {@code ch}; returns its length or a negative errno. */
    int readFrom(FuseChannel ch) {
        readView.limit(INPUT_OFFSET + INPUT_SIZE).position(INPUT_OFFSET);
        int n = ch.read(readView);
        if (n >= 0) {
            channel = ch;
            length = n;
        }
        return n;
    }

    /**
     * Decodes the in-header of the bytes just read; false if the request is malformed (then
     * {@link #unique()} is valid only if at least a header arrived).
     */
    boolean parseHeader() {
        detached = false;
        replied = false;
        if (length < InHeader.SIZE) {
            unique = 0;
            return false;
        }
        int declared = mem.getInt(INPUT_OFFSET);
        opcode = mem.getInt(INPUT_OFFSET + 4);
        unique = mem.getLong(INPUT_OFFSET + 8);
        nodeid = mem.getLong(INPUT_OFFSET + 16);
        uid = mem.getInt(INPUT_OFFSET + 24);
        gid = mem.getInt(INPUT_OFFSET + 28);
        pid = mem.getInt(INPUT_OFFSET + 32);
        int extLen = (mem.getShort(INPUT_OFFSET + 36) & 0xffff) * 8;
        bodyLength = declared - InHeader.SIZE - extLen;
        return declared == length && bodyLength >= 0;
    }

    /** Puts a request into the buffer as if read from {@code ch} (tests and replays). */
    void load(FuseChannel ch, ByteBuffer request) {
        int n = request.remaining();
        mem.put(INPUT_OFFSET, request, request.position(), n);
        channel = ch;
        length = n;
    }

    public int opcode() {
        return opcode;
    }

    public long unique() {
        return unique;
    }

    public long nodeid() {
        return nodeid;
    }

    public int uid() {
        return uid;
    }

    public int gid() {
        return gid;
    }

    public int pid() {
        return pid;
    }

    public int length() {
        return length;
    }

    /** The whole little-endian buffer; request structs are decoded from it at absolute indexes. */
    ByteBuffer mem() {
        return mem;
    }

    /** Index of the opcode's struct (right after the in-header). */
    int body() {
        return INPUT_OFFSET + InHeader.SIZE;
    }

    int bodyLength() {
        return bodyLength;
    }

    /** Scratch for read-modify-write (two 4 KiB blocks). */
    ByteBuffer scratch() {
        return scratch;
    }

    /** Target of block reads: the input area, index 0 = {@link #INPUT_OFFSET}. */
    ByteBuffer readTarget() {
        return readTarget;
    }

    /** A view of {@code mem[from, from + len)} as a bio segment (valid until the next use). */
    ByteBuffer dataSlice(int from, int len) {
        dataView.limit(from + len).position(from);
        return dataView;
    }

    /**
     * Answers EINVAL (and logs, rate-limited) if the request body is shorter than the opcode's
     * struct; returns true if it did.
     */
    boolean rejectShortBody(int need, RateLimitedLog warnings) {
        if (bodyLength >= need) {
            return false;
        }
        warnings.warn("short" + opcode, "FUSE request with opcode {} and a {}-byte body (needs {}): answered EINVAL",
                opcode, bodyLength, need);
        replyError(Errno.EINVAL);
        return true;
    }

    /** Marks the request as completing later; the reply returns the buffer to the pool. */
    void detach() {
        detached = true;
        owner.started(this);
    }

    boolean isDetached() {
        return detached;
    }

    boolean hasReplied() {
        return replied;
    }

    // ---- replies: exactly one per request ----

    void replyError(int errno) {
        OutHeader.put(mem, 0, OutHeader.SIZE, -errno, unique);
        send(OutHeader.SIZE);
    }

    void replyOk() {
        OutHeader.put(mem, 0, OutHeader.SIZE, 0, unique);
        send(OutHeader.SIZE);
    }

    /** Replies with the struct encoded at {@link #BODY} ({@code bodyLen} bytes). */
    void replyBody(int bodyLen) {
        OutHeader.put(mem, 0, OutHeader.SIZE + bodyLen, 0, unique);
        send(OutHeader.SIZE + bodyLen);
    }

    /** Replies with the bytes {@code mem[from, from + len)} (gathered: no copy). */
    void replyData(int from, int len) {
        OutHeader.put(mem, 0, OutHeader.SIZE + len, 0, unique);
        replyView.limit(OutHeader.SIZE).position(0);
        parts[0] = replyView;
        if (len == 0) {
            finish(channel.write(parts, 1));
            return;
        }
        dataView.limit(from + len).position(from);
        parts[1] = dataView;
        finish(channel.write(parts, 2));
    }

    private void send(int total) {
        replyView.limit(total).position(0);
        parts[0] = replyView;
        finish(channel.write(parts, 1));
    }

    private void finish(int errno) {
        if (replied) {
            throw new IllegalStateException("second reply to FUSE request " + unique);
        }
        replied = true;
        if (errno != 0) {
            owner.replyFailed(this, errno);
        }
        if (detached) {
            owner.finished(this);
        }
    }

    // ---- completions of block I/O (the request is its own callback: no allocation) ----

    @Override
    public void readDone(int errno, int dataOffset, int len) {
        if (errno != 0) {
            replyError(errno);
        } else {
            replyData(INPUT_OFFSET + dataOffset, len);
        }
    }

    @Override
    public void writeDone(int errno, int written) {
        if (errno != 0) {
            replyError(errno);
        } else {
            WriteOut.put(mem, BODY, written);
            replyBody(WriteOut.SIZE);
        }
    }

    @Override
    public void opDone(int errno) {
        if (errno != 0) {
            replyError(errno);
        } else {
            replyOk();
        }
    }

    /** errno for a reply that could not be delivered because the request was interrupted. */
    static boolean isHarmlessReplyError(int errno) {
        return errno == Errno.ENOENT || errno == Errno.ENODEV;
    }
}
