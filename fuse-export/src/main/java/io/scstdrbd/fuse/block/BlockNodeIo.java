package io.scstdrbd.fuse.block;

import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.kernel.block.BlockDevice;
import io.scstdrbd.kernel.block.DeviceCapability;
import io.scstdrbd.kernel.block.DeviceHandle;
import io.scstdrbd.kernel.errno.Errno;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * File-style I/O on a block device, as a FUSE block node needs it: any offset and length.
 * Reads of unaligned ranges read the covering blocks and point into them; writes of unaligned
 * ranges read-modify-write the partial head and tail blocks under an exclusive {@link RangeLock}
 * range (a failed pre-read fails the write and writes nothing). Reads past the end return fewer
 * bytes (end of file); writes starting at or past the end fail with ENOSPC, writes crossing it
 * are cut short, as on a block device.
 *
 * <p>Threading: every method returns without waiting for I/O; the completion runs on whatever
 * thread finishes the bio (possibly the caller's, before the method returns). Ownership: the
 * buffers belong to the caller and must stay untouched until the completion has run.
 */
public final class BlockNodeIo {
    private BlockNodeIo() {
    }

    /** A read finished: on success the data is {@code target[dataOffset, dataOffset + length)}. */
    @FunctionalInterface
    public interface ReadDone {
        void readDone(int errno, int dataOffset, int length);
    }

    /** A write finished: on success {@code written} bytes (fewer than asked only at the device end). */
    @FunctionalInterface
    public interface WriteDone {
        void writeDone(int errno, int written);
    }

    /** A flush or fallocate finished. */
    @FunctionalInterface
    public interface OpDone {
        void opDone(int errno);
    }

    /** Room a read target needs beyond the requested size (the unaligned head and tail blocks). */
    public static int readSlack(BlockDevice dev) {
        return 2 * dev.logicalBlockSize();
    }

    /**
     * Reads {@code size} bytes at {@code offset} into {@code target} (a buffer of at least
     * size + {@link #readSlack} bytes; its bytes from index 0 on are used).
     */
    public static void read(DeviceHandle h, long offset, int size, ByteBuffer target, ReadDone done) {
        BlockDevice dev = h.device();
        long cap = dev.capacity();
        if (offset < 0 || size < 0) {
            done.readDone(Errno.EINVAL, 0, 0);
            return;
        }
        if (offset >= cap || size == 0) {
            done.readDone(0, 0, 0);
            return;
        }
        int len = (int) Math.min(size, cap - offset);
        long mask = dev.logicalBlockSize() - 1L;
        long start = offset & ~mask;
        long end = (offset + len + mask) & ~mask;
        int span = (int) (end - start);
        if (span > target.capacity()) {
            done.readDone(Errno.EINVAL, 0, 0);
            return;
        }
        ByteBuffer seg = target.duplicate().position(0).limit(span);
        int dataOffset = (int) (offset - start);
        h.submit(Bio.read(start >>> Bio.SECTOR_SHIFT, new ByteBuffer[] {seg}, 0,
                (bio, errno) -> done.readDone(errno, dataOffset, errno == 0 ? len : 0)));
    }

    /**
     * Writes {@code data[position, limit)} at {@code offset}.
     *
     * @param scratch  room for two logical blocks (the read-modify-write of an unaligned head and
     *                 tail); if smaller, a buffer is allocated for that write
     * @param bioFlags {@link Bio#FUA} for a durable write (O_DSYNC opens), otherwise 0
     */
    public static void write(DeviceHandle h, RangeLock lock, long offset, ByteBuffer data, ByteBuffer scratch,
            int bioFlags, WriteDone done) {
        BlockDevice dev = h.device();
        long cap = dev.capacity();
        int size = data.remaining();
        if (offset < 0) {
            done.writeDone(Errno.EINVAL, 0);
            return;
        }
        if (size == 0) {
            done.writeDone(0, 0);
            return;
        }
        if (offset >= cap) {
            done.writeDone(Errno.ENOSPC, 0);
            return;
        }
        int len = (int) Math.min(size, cap - offset);
        int bs = dev.logicalBlockSize();
        long mask = bs - 1L;
        if (((offset | len) & mask) == 0) {
            ByteBuffer seg = data.duplicate();
            seg.limit(seg.position() + len);
            lock.acquire(offset, offset + len, false, range -> h.submit(Bio.write(offset >>> Bio.SECTOR_SHIFT,
                    new ByteBuffer[] {seg}, bioFlags, (bio, errno) -> {
                        lock.release(range);
                        done.writeDone(errno, errno == 0 ? len : 0);
                    })));
            return;
        }
        ByteBuffer blocks = scratch.capacity() >= 2 * bs ? scratch : ByteBuffer.allocateDirect(2 * bs);
        new ReadModifyWrite(h, lock, offset, len, data, blocks, bs, bioFlags, done).start();
    }

    /** fsync: a FLUSH bio (allowed on read-only handles too, as the kernel's blkdev_fsync is). */
    public static void flush(DeviceHandle h, OpDone done) {
        h.submit(Bio.flush((bio, errno) -> done.opDone(errno)));
    }

    /**
     * fallocate on a block node, with the kernel's block-device rules: PUNCH_HOLE|KEEP_SIZE
     * becomes a DISCARD (or WRITE_ZEROES when discarded blocks would not read back as zeroes),
     * ZERO_RANGE becomes WRITE_ZEROES; any other mode is EOPNOTSUPP; ranges must be aligned to
     * the logical block size and lie inside the device (EINVAL).
     */
    public static void fallocate(DeviceHandle h, RangeLock lock, int mode, long offset, long length, OpDone done) {
        BlockDevice dev = h.device();
        final int keep = 1;
        final int punch = 2;
        final int zero = 0x10;
        boolean isPunch = mode == (punch | keep);
        boolean isZero = mode == zero || mode == (zero | keep);
        if (!isPunch && !isZero) {
            done.opDone(Errno.EOPNOTSUPP);
            return;
        }
        long mask = dev.logicalBlockSize() - 1L;
        if (offset < 0 || length <= 0 || ((offset | length) & mask) != 0 || offset + length > dev.capacity()
                || offset + length < 0) {
            done.opDone(Errno.EINVAL);
            return;
        }
        boolean discard = isPunch && dev.hasCapability(DeviceCapability.DISCARD)
                && dev.hasCapability(DeviceCapability.DISCARD_ZEROES);
        if (!discard && !dev.hasCapability(DeviceCapability.WRITE_ZEROES)) {
            done.opDone(Errno.EOPNOTSUPP);
            return;
        }
        lock.acquire(offset, offset + length, false, range -> {
            long sector = offset >>> Bio.SECTOR_SHIFT;
            Bio bio = discard
                    ? Bio.discard(sector, length, (b, errno) -> {
                        lock.release(range);
                        done.opDone(errno);
                    })
                    : Bio.writeZeroes(sector, length, 0, (b, errno) -> {
                        lock.release(range);
                        done.opDone(errno);
                    });
            h.submit(bio);
        });
    }

    /** One unaligned write: pre-read the partial edge blocks, merge, write everything as one bio. */
    private static final class ReadModifyWrite {
        private final DeviceHandle h;
        private final RangeLock lock;
        private final long offset;
        private final int len;
        private final ByteBuffer data;
        private final ByteBuffer blocks;
        private final int bs;
        private final int bioFlags;
        private final WriteDone done;
        private final long start;
        private final long end;
        private final boolean headPartial;
        private final boolean tailPartial;
        private final boolean single;
        private final AtomicInteger pendingReads = new AtomicInteger();
        private final AtomicInteger firstError = new AtomicInteger();
        private RangeLock.Range range;

        ReadModifyWrite(DeviceHandle h, RangeLock lock, long offset, int len, ByteBuffer data, ByteBuffer blocks,
                int bs, int bioFlags, WriteDone done) {
            this.h = h;
            this.lock = lock;
            this.offset = offset;
            this.len = len;
            this.data = data.duplicate(); // the caller may reuse its view; the bytes stay put
            this.blocks = blocks;
            this.bs = bs;
            this.bioFlags = bioFlags;
            this.done = done;
            long mask = bs - 1L;
            this.start = offset & ~mask;
            this.end = (offset + len + mask) & ~mask;
            this.headPartial = (offset & mask) != 0;
            this.tailPartial = ((offset + len) & mask) != 0;
            this.single = end - start == bs;
        }

        void start() {
            lock.acquire(start, end, true, this::locked);
        }

        private void locked(RangeLock.Range r) {
            range = r;
            boolean readHead = headPartial || single;
            boolean readTail = tailPartial && !single;
            pendingReads.set((readHead ? 1 : 0) + (readTail ? 1 : 0));
            if (readHead) {
                preRead(start, 0);
            }
            if (readTail) {
                preRead(end - bs, bs);
            }
        }

        private void preRead(long at, int slot) {
            ByteBuffer seg = blocks.duplicate().position(slot).limit(slot + bs);
            h.submit(Bio.read(at >>> Bio.SECTOR_SHIFT, new ByteBuffer[] {seg}, 0, (bio, errno) -> {
                if (errno != 0) {
                    firstError.compareAndSet(0, errno);
                }
                if (pendingReads.decrementAndGet() == 0) {
                    preReadsDone();
                }
            }));
        }

        private void preReadsDone() {
            int err = firstError.get();
            if (err != 0) {
                // nothing was written: the caller sees the read error, the device is unchanged
                lock.release(range);
                done.writeDone(err, 0);
                return;
            }
            int p0 = data.position();
            ByteBuffer[] segs;
            if (single) {
                blocks.put((int) (offset - start), data, p0, len);
                segs = new ByteBuffer[] {blocks.duplicate().position(0).limit(bs)};
            } else {
                long midStart = headPartial ? start + bs : offset;
                long midEnd = tailPartial ? end - bs : offset + len;
                ByteBuffer[] tmp = new ByteBuffer[3];
                int n = 0;
                if (headPartial) {
                    int headLen = (int) (midStart - offset);
                    blocks.put((int) (offset - start), data, p0, headLen);
                    tmp[n++] = blocks.duplicate().position(0).limit(bs);
                }
                if (midEnd > midStart) {
                    int from = p0 + (int) (midStart - offset);
                    tmp[n++] = data.duplicate().position(from).limit(from + (int) (midEnd - midStart));
                }
                if (tailPartial) {
                    int tailLen = (int) (offset + len - midEnd);
                    blocks.put(bs, data, p0 + (int) (midEnd - offset), tailLen);
                    tmp[n++] = blocks.duplicate().position(bs).limit(2 * bs);
                }
                segs = new ByteBuffer[n];
                System.arraycopy(tmp, 0, segs, 0, n);
            }
            h.submit(Bio.write(start >>> Bio.SECTOR_SHIFT, segs, bioFlags, (bio, errno) -> {
                lock.release(range);
                done.writeDone(errno, errno == 0 ? len : 0);
            }));
        }
    }
}
