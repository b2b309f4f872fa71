package io.scstdrbd.scst.device;

import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.kernel.block.BioOp;
import io.scstdrbd.kernel.block.DeviceCapability;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Set;

/** NULLIO: reads return zeroes, writes are dropped (SCST's performance-test device). */
public final class NullStorage implements Storage {
    /** Size of a NULLIO vdisk: 1 TiB. */
    public static final long SIZE = 1L << 40;

    @Override
    public long capacity() {
        return SIZE;
    }

    @Override
    public Set<DeviceCapability> capabilities() {
        return EnumSet.of(DeviceCapability.FLUSH, DeviceCapability.WRITE_ZEROES);
    }

    @Override
    public void submit(Bio bio) {
        if (bio.op() == BioOp.READ) {
            for (ByteBuffer b : bio.segments()) {
                for (int i = b.position(); i < b.limit(); i++) {
                    b.put(i, (byte) 0);
                }
            }
        }
        bio.complete(0);
    }

    @Override
    public String describe() {
        return "none";
    }

    @Override
    public void close() {
    }
}
