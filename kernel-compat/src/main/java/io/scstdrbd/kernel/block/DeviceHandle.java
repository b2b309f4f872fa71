package io.scstdrbd.kernel.block;

import io.scstdrbd.kernel.errno.Errno;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An open reference to a block device, obtained from {@link DeviceRegistry#open}.
 *
 * <p>{@link #submit} checks every bio before the device sees it: write access, alignment to the
 * logical block size, and the device's end (past the end: EIO, like the kernel's
 * "attempt to access beyond end of device"). Data bios larger than the device's
 * {@link BlockDevice#maxTransferBytes()} are split and completed as one. Thread-safe.
 */
public final class DeviceHandle implements AutoCloseable {
    private final DeviceRegistry registry;
    private final DeviceRegistry.Entry entry;
    private final OpenMode mode;
    private final String holder;
    private final AtomicBoolean closed = new AtomicBoolean();

    DeviceHandle(DeviceRegistry registry, DeviceRegistry.Entry entry, OpenMode mode, String holder) {
        this.registry = registry;
        this.entry = entry;
        this.mode = mode;
        this.holder = holder;
    }

    public BlockDevice device() {
        return entry.device;
    }

    public OpenMode mode() {
        return mode;
    }

    public String holder() {
        return holder;
    }

    public boolean isClosed() {
        return closed.get();
    }

    /** Submits a bio after checking it; failures complete the bio with an errno, never throw. */
    public void submit(Bio bio) {
        int err = check(bio);
        if (err != 0) {
            bio.complete(err);
            return;
        }
        BlockDevice dev = entry.device;
        if (bio.op().hasData() && bio.size() > dev.maxTransferBytes()) {
            submitSplit(bio, dev);
        } else {
            dev.submit(bio);
        }
    }

    private int check(Bio bio) {
        if (closed.get()) {
            return Errno.EBADF;
        }
        if (bio.op() == BioOp.FLUSH) {
            // like the kernel's blkdev_fsync: flushing changes no data, so readers may flush too
            return 0;
        }
        if (bio.op().isWrite() && !mode.writable()) {
            return Errno.EBADF;
        }
        BlockDevice dev = entry.device;
        long mask = dev.logicalBlockSize() - 1L;
        if ((bio.offset() & mask) != 0 || (bio.size() & mask) != 0) {
            return Errno.EINVAL;
        }
        long end = bio.offset() + bio.size();
        if (end > dev.capacity() || end < 0) {
            return Errno.EIO;
        }
        return 0;
    }

    /** Splits along maxTransferBytes; the parent completes with the first error once all parts are done. */
    private void submitSplit(Bio bio, BlockDevice dev) {
        int max = dev.maxTransferBytes() & ~(dev.logicalBlockSize() - 1);
        List<ByteBuffer[]> parts = slice(bio.segments(), max);
        AtomicInteger pending = new AtomicInteger(parts.size());
        AtomicInteger firstError = new AtomicInteger();
        BioCallback partDone = (part, errno) -> {
            if (errno != 0) {
                firstError.compareAndSet(0, errno);
            }
            if (pending.decrementAndGet() == 0) {
                bio.complete(firstError.get());
            }
        };
        long sector = bio.sector();
        int n = parts.size();
        for (int i = 0; i < n; i++) {
            ByteBuffer[] segs = parts.get(i);
            // only the last part carries FUA; only the first carries PREFLUSH
            int flags = bio.flags();
            if (i != n - 1) {
                flags &= ~Bio.FUA;
            }
            if (i != 0) {
                flags &= ~Bio.PREFLUSH;
            }
            Bio part = bio.op() == BioOp.READ
                    ? Bio.read(sector, segs, flags, partDone)
                    : Bio.write(sector, segs, flags, partDone);
            sector += part.size() >>> Bio.SECTOR_SHIFT;
            dev.submit(part);
        }
    }

    static List<ByteBuffer[]> slice(ByteBuffer[] segments, int max) {
        List<ByteBuffer[]> out = new ArrayList<>();
        List<ByteBuffer> cur = new ArrayList<>();
        int curLen = 0;
        for (ByteBuffer seg : segments) {
            ByteBuffer rest = seg.duplicate();
            while (rest.hasRemaining()) {
                int take = Math.min(rest.remaining(), max - curLen);
                ByteBuffer piece = rest.duplicate();
                piece.limit(rest.position() + take);
                cur.add(piece);
                curLen += take;
                rest.position(rest.position() + take);
                if (curLen == max) {
                    out.add(cur.toArray(new ByteBuffer[0]));
                    cur.clear();
                    curLen = 0;
                }
            }
        }
        if (!cur.isEmpty()) {
            out.add(cur.toArray(new ByteBuffer[0]));
        }
        return out;
    }

    /** Lets go of the device. Idempotent. In-flight bios still complete normally. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            registry.release(entry, this);
        }
    }

    @Override
    public String toString() {
        return "DeviceHandle[" + entry.device.name() + " " + mode + " by " + holder + "]";
    }
}
