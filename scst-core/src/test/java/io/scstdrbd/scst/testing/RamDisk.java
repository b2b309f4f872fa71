package io.scstdrbd.scst.testing;

import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.kernel.block.BlockDevice;
import io.scstdrbd.kernel.block.DeviceCapability;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** A test block device in a byte array; completes bios inline and counts flushes and discards. */
public final class RamDisk implements BlockDevice {
    private final String name;
    private volatile byte[] data;
    private final Set<DeviceCapability> caps;
    public final AtomicInteger flushes = new AtomicInteger();
    public final AtomicInteger discards = new AtomicInteger();
    public final AtomicInteger fuaWrites = new AtomicInteger();
    public volatile int failWith;

    public RamDisk(String name, int size, DeviceCapability... caps) {
        this.name = name;
        this.data = new byte[size];
        this.caps = caps.length == 0 ? EnumSet.of(DeviceCapability.FLUSH) : EnumSet.of(caps[0], caps);
    }

    /** A thin disk: discards read back as zeroes. */
    public static RamDisk thin(String name, int size) {
        return new RamDisk(name, size, DeviceCapability.FLUSH, DeviceCapability.DISCARD,
                DeviceCapability.DISCARD_ZEROES, DeviceCapability.WRITE_ZEROES);
    }

    public byte[] data() {
        return data;
    }

    public void resize(int size) {
        byte[] n = new byte[size];
        System.arraycopy(data, 0, n, 0, Math.min(size, data.length));
        data = n;
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
    public Set<DeviceCapability> capabilities() {
        return caps;
    }

    @Override
    public synchronized void submit(Bio bio) {
        if (failWith != 0) {
            bio.complete(failWith);
            return;
        }
        int off = (int) bio.offset();
        switch (bio.op()) {
            case READ:
                for (ByteBuffer b : bio.segments()) {
                    b.put(b.position(), data, off, b.remaining());
                    off += b.remaining();
                }
                break;
            case WRITE:
                for (ByteBuffer b : bio.segments()) {
                    b.get(b.position(), data, off, b.remaining());
                    off += b.remaining();
                }
                if (bio.hasFlag(Bio.FUA)) {
                    fuaWrites.incrementAndGet();
                }
                break;
            case FLUSH:
                flushes.incrementAndGet();
                break;
            case DISCARD:
                discards.incrementAndGet();
                java.util.Arrays.fill(data, off, off + (int) bio.size(), (byte) 0);
                break;
            case WRITE_ZEROES:
                java.util.Arrays.fill(data, off, off + (int) bio.size(), (byte) 0);
                break;
            default:
                break;
        }
        bio.complete(0);
    }
}
