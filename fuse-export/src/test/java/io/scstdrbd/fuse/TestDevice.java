package io.scstdrbd.fuse;

import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.kernel.block.BioOp;
import io.scstdrbd.kernel.block.BlockDevice;
import io.scstdrbd.kernel.block.DeviceCapability;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A block device over a byte array for tests: completes inline or on an executor after a random
 * delay (to provoke races), can fail reads of chosen sectors, records the bios it saw.
 */
public final class TestDevice implements BlockDevice {
    public final byte[] data;
    public final List<Bio> seen = new CopyOnWriteArrayList<>();
    private final String name;
    private final int blockSize;
    private final Set<DeviceCapability> caps;
    private volatile ExecutorService async;
    private volatile long failReadSector = -1;
    private final Random random = new Random(42);

    public TestDevice(String name, int size, int blockSize, Set<DeviceCapability> caps) {
        this.name = name;
        this.data = new byte[size];
        this.blockSize = blockSize;
        this.caps = caps;
    }

    public TestDevice(String name, int size) {
        this(name, size, 512, EnumSet.of(DeviceCapability.FLUSH, DeviceCapability.DISCARD,
                DeviceCapability.DISCARD_ZEROES, DeviceCapability.WRITE_ZEROES));
    }

    /** Complete bios on {@code ex} after 0..2 ms instead of inline. */
    public TestDevice async(ExecutorService ex) {
        this.async = ex;
        return this;
    }

    /** Reads covering {@code sector} fail with EIO. */
    public TestDevice failReadsOf(long sector) {
        this.failReadSector = sector;
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long capacity() {
        return data.length;
    }

    @Override
    public int logicalBlockSize() {
        return blockSize;
    }

    @Override
    public int physicalBlockSize() {
        return Math.max(blockSize, 4096);
    }

    @Override
    public Set<DeviceCapability> capabilities() {
        return caps;
    }

    @Override
    public void submit(Bio bio) {
        seen.add(bio);
        ExecutorService ex = async;
        if (ex == null) {
            execute(bio);
            return;
        }
        long delayMicros;
        synchronized (random) {
            delayMicros = random.nextInt(2000);
        }
        ex.execute(() -> {
            try {
                TimeUnit.MICROSECONDS.sleep(delayMicros);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            execute(bio);
        });
    }

    private void execute(Bio bio) {
        int off = (int) bio.offset();
        if (bio.op() == BioOp.READ) {
            long first = bio.sector();
            long last = first + (bio.size() >> Bio.SECTOR_SHIFT);
            if (failReadSector >= first && failReadSector < last) {
                bio.complete(5);
                return;
            }
            synchronized (data) {
                for (ByteBuffer b : bio.segments()) {
                    b.put(b.position(), data, off, b.remaining());
                    off += b.remaining();
                }
            }
        } else if (bio.op() == BioOp.WRITE) {
            synchronized (data) {
                for (ByteBuffer b : bio.segments()) {
                    b.get(b.position(), data, off, b.remaining());
                    off += b.remaining();
                }
            }
        } else if (bio.op() == BioOp.DISCARD || bio.op() == BioOp.WRITE_ZEROES) {
            synchronized (data) {
                java.util.Arrays.fill(data, off, off + (int) bio.size(), (byte) 0);
            }
        }
        bio.complete(0);
    }
}
