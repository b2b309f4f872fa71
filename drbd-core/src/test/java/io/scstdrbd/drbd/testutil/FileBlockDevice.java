package io.scstdrbd.drbd.testutil;

import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.kernel.block.BioOp;
import io.scstdrbd.kernel.block.BlockDevice;
import io.scstdrbd.kernel.block.DeviceCapability;
import io.scstdrbd.kernel.errno.Errno;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** A block device over a file for tests: synchronous positional I/O, optional write failures. */
public final class FileBlockDevice implements BlockDevice, AutoCloseable {
    private final String name;
    private final FileChannel ch;
    private final long capacity;
    public final AtomicInteger writes = new AtomicInteger();
    public final AtomicInteger flushes = new AtomicInteger();
    public final AtomicInteger fuaWrites = new AtomicInteger();
    public volatile int failWritesWith;

    public FileBlockDevice(String name, Path file, long capacity) throws IOException {
        this.name = name;
        this.ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        if (ch.size() < capacity) {
            ch.truncate(capacity);
            ch.write(ByteBuffer.allocate(1), capacity - 1);
        }
        this.capacity = capacity;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long capacity() {
        return capacity;
    }

    @Override
    public Set<DeviceCapability> capabilities() {
        return EnumSet.of(DeviceCapability.FLUSH, DeviceCapability.FUA, DeviceCapability.WRITE_ZEROES);
    }

    @Override
    public void submit(Bio bio) {
        try {
            long pos = bio.offset();
            if (bio.op() == BioOp.READ) {
                for (ByteBuffer s : bio.segments()) {
                    ByteBuffer d = s.duplicate();
                    while (d.hasRemaining()) {
                        int n = ch.read(d, pos);
                        if (n < 0) {
                            throw new IOException("EOF");
                        }
                        pos += n;
                    }
                }
            } else if (bio.op() == BioOp.WRITE) {
                if (failWritesWith != 0) {
                    bio.complete(failWritesWith);
                    return;
                }
                writes.incrementAndGet();
                for (ByteBuffer s : bio.segments()) {
                    ByteBuffer d = s.duplicate();
                    while (d.hasRemaining()) {
                        pos += ch.write(d, pos);
                    }
                }
                if (bio.hasFlag(Bio.FUA)) {
                    fuaWrites.incrementAndGet();
                    ch.force(false);
                }
            } else if (bio.op() == BioOp.WRITE_ZEROES) {
                if (failWritesWith != 0) {
                    bio.complete(failWritesWith);
                    return;
                }
                writes.incrementAndGet();
                ByteBuffer z = ByteBuffer.allocate(64 << 10);
                for (long left = bio.size(); left > 0; ) {
                    z.clear().limit((int) Math.min(left, z.capacity()));
                    int n = ch.write(z, pos);
                    pos += n;
                    left -= n;
                }
            } else if (bio.op() == BioOp.FLUSH) {
                flushes.incrementAndGet();
                ch.force(false);
            } else {
                bio.complete(Errno.EOPNOTSUPP);
                return;
            }
            bio.complete(0);
        } catch (IOException e) {
            bio.complete(Errno.EIO);
        }
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
