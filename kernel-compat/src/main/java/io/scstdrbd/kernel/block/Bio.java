package io.scstdrbd.kernel.block;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * One block I/O request: an operation on a range of 512-byte sectors, with optional data
 * segments, flags and an asynchronous completion.
 *
 * <p>Segments: each segment's bytes are those between its position and its limit. Devices
 * read and write them with absolute operations (or on {@code duplicate()}s) and never move
 * positions or limits, so one buffer may back several bios. The submitter owns the segments;
 * the device may touch them only until it calls {@link #complete}.
 *
 * <p>Flags: {@link #PREFLUSH} makes every earlier completed write durable before this one runs;
 * {@link #FUA} makes this bio's own data durable before it completes.
 */
public final class Bio {
    /** Force unit access: the write is durable when the bio completes. */
    public static final int FUA = 1;
    /** Flush the device's volatile cache before executing this bio. */
    public static final int PREFLUSH = 1 << 1;
    /** The submitter waits for this bio (latency matters more than batching). */
    public static final int SYNC = 1 << 2;
    /** Filesystem or replication metadata. */
    public static final int META = 1 << 3;

    public static final int SECTOR_SHIFT = 9;
    public static final int SECTOR_SIZE = 1 << SECTOR_SHIFT;

    private static final VarHandle COMPLETED;

    static {
        try {
            COMPLETED = MethodHandles.lookup().findVarHandle(Bio.class, "completed", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final BioOp op;
    private final int flags;
    private final long sector;
    private final long size;
    private final ByteBuffer[] segments;
    private final BioCallback callback;
    @SuppressWarnings("unused") // accessed through COMPLETED
    private volatile int completed;

    private Bio(BioOp op, int flags, long sector, long size, ByteBuffer[] segments, BioCallback callback) {
        if (sector < 0 || size < 0) {
            throw new IllegalArgumentException("negative sector or size");
        }
        if (callback == null) {
            throw new IllegalArgumentException("callback required");
        }
        this.op = op;
        this.flags = flags;
        this.sector = sector;
        this.size = size;
        this.segments = segments;
        this.callback = callback;
    }

    /** A read of the bytes the segments can hold, starting at {@code sector}. */
    public static Bio read(long sector, ByteBuffer[] segments, int flags, BioCallback cb) {
        return new Bio(BioOp.READ, flags, sector, totalRemaining(segments), segments, cb);
    }

    public static Bio read(long sector, ByteBuffer segment, BioCallback cb) {
        return read(sector, new ByteBuffer[] {segment}, 0, cb);
    }

    /** A write of the segments' bytes at {@code sector}. */
    public static Bio write(long sector, ByteBuffer[] segments, int flags, BioCallback cb) {
        return new Bio(BioOp.WRITE, flags, sector, totalRemaining(segments), segments, cb);
    }

    public static Bio write(long sector, ByteBuffer segment, int flags, BioCallback cb) {
        return write(sector, new ByteBuffer[] {segment}, flags, cb);
    }

    /** An empty flush: completes when all earlier completed writes are durable. */
    public static Bio flush(BioCallback cb) {
        return new Bio(BioOp.FLUSH, PREFLUSH, 0, 0, null, cb);
    }

    public static Bio discard(long sector, long bytes, BioCallback cb) {
        return new Bio(BioOp.DISCARD, 0, sector, bytes, null, cb);
    }

    public static Bio writeZeroes(long sector, long bytes, int flags, BioCallback cb) {
        return new Bio(BioOp.WRITE_ZEROES, flags, sector, bytes, null, cb);
    }

    /** A copy of this bio with another completion (for stacking devices that pass it down). */
    public Bio withCallback(BioCallback cb) {
        return new Bio(op, flags, sector, size, segments, cb);
    }

    /** A copy of this bio at another sector, e.g. after a stacking device remaps it. */
    public Bio remap(long newSector, BioCallback cb) {
        return new Bio(op, flags, newSector, size, segments, cb);
    }

    /** A copy with different flags (e.g. a driver that emulates FUA by splitting it off). */
    public Bio withFlags(int newFlags, BioCallback cb) {
        return new Bio(op, newFlags, sector, size, segments, cb);
    }

    private static long totalRemaining(ByteBuffer[] segments) {
        long n = 0;
        for (ByteBuffer b : segments) {
            n += b.remaining();
        }
        return n;
    }

    public BioOp op() {
        return op;
    }

    public int flags() {
        return flags;
    }

    public boolean hasFlag(int flag) {
        return (flags & flag) != 0;
    }

    /** First 512-byte sector. */
    public long sector() {
        return sector;
    }

    /** Byte offset on the device ({@code sector << 9}). */
    public long offset() {
        return sector << SECTOR_SHIFT;
    }

    /** Length in bytes (0 for a flush). */
    public long size() {
        return size;
    }

    /** The data segments (null for FLUSH, DISCARD, WRITE_ZEROES). Do not modify the array. */
    public ByteBuffer[] segments() {
        return segments;
    }

    /**
     * Finish the bio. Only the first call counts; a second completion is a driver bug and
     * throws, so it is found in tests rather than corrupting a submitter's state.
     */
    public void complete(int errno) {
        if (!COMPLETED.compareAndSet(this, 0, 1)) {
            throw new IllegalStateException("bio completed twice: " + this);
        }
        callback.done(this, errno);
    }

    public boolean isCompleted() {
        return completed != 0;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Bio[").append(op).append(" sector=").append(sector)
                .append(" size=").append(size);
        if ((flags & FUA) != 0) {
            sb.append(" FUA");
        }
        if ((flags & PREFLUSH) != 0) {
            sb.append(" PREFLUSH");
        }
        return sb.append(']').toString();
    }
}
