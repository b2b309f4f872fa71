package io.scstdrbd.kernel.block;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** A test device: a byte array, completing bios inline and recording them. */
final class MemoryDevice implements BlockDevice {
    final byte[] data;
    final List<Bio> seen = new ArrayList<>();
    final String name;
    int maxTransfer = 1 << 20;
    int refuseOpen;

    MemoryDevice(String name, int size) {
        this.name = name;
        this.data = new byte[size];
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
    public int maxTransferBytes() {
        return maxTransfer;
    }

    @Override
    public Set<DeviceCapability> capabilities() {
        return EnumSet.of(DeviceCapability.FLUSH);
    }

    @Override
    public int onOpen(OpenMode mode, String holder) {
        return refuseOpen;
    }

    @Override
    public synchronized void submit(Bio bio) {
        seen.add(bio);
        int off = (int) bio.offset();
        if (bio.op() == BioOp.READ) {
            for (ByteBuffer b : bio.segments()) {
                b.put(b.position(), data, off, b.remaining());
                off += b.remaining();
            }
        } else if (bio.op() == BioOp.WRITE) {
            for (ByteBuffer b : bio.segments()) {
                b.get(b.position(), data, off, b.remaining());
                off += b.remaining();
            }
        }
        bio.complete(0);
    }
}
