package io.scstdrbd.scst.exec;

import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.kernel.block.DeviceCapability;
import io.scstdrbd.scst.cdb.WriteSameCdb;
import io.scstdrbd.scst.device.VirtualDevice;
import io.scstdrbd.scst.fabric.ScsiResponse;
import io.scstdrbd.scst.sense.ScsiException;
import io.scstdrbd.scst.tm.Task;
import java.nio.ByteBuffer;

/**
 * WRITE SAME(10/16) (SBC-3 5.41, 5.42). With the UNMAP bit on a thin LU the range is
 * deallocated (a DISCARD; SBC lets the device server unmap instead of writing, and deallocated
 * blocks then read as LBPRZ says); zero blocks become WRITE_ZEROES where the backend has it;
 * anything else is written block by block from a replicated pattern buffer.
 */
public final class WriteSameHandler implements Handler {
    private static final int PATTERN_BYTES = 1 << 20;

    private final BufferPool buffers;
    private final Limits limits;

    public WriteSameHandler(BufferPool buffers, Limits limits) {
        this.buffers = buffers;
        this.limits = limits;
    }

    @Override
    public void execute(Task task) throws ScsiException {
        WriteSameCdb c = WriteSameCdb.parse(task.cdb());
        VirtualDevice dev = task.device();
        if (c.wrprotect() != 0) {
            throw ScsiException.invalidCdbField(1, 7);
        }
        if (c.anchor()) {
            throw ScsiException.invalidCdbField(1, 4); // ANC_SUP = 0
        }
        if (c.lbdata()) {
            throw ScsiException.invalidCdbField(1, 1);
        }
        if (c.unmap() && !dev.thinProvisioned()) {
            throw ScsiException.invalidCdbField(1, 3);
        }
        long cap = dev.capacityBlocks();
        long blocks = c.blocks();
        if (blocks == 0) {
            if (c.lba() < 0 || c.lba() > cap) {
                MediumIo.checkRange(dev, c.lba(), 0);
            }
            blocks = cap - c.lba();
        }
        if (blocks > limits.maxWriteSameBytes() >> dev.blockShift()) {
            throw ScsiException.invalidCdbField(c.sixteen() ? 10 : 7, -1);
        }
        MediumIo.checkRange(dev, c.lba(), blocks);
        long n = blocks;
        if (c.ndob()) {
            zeroes(task, c, n);
            return;
        }
        if (task.expectedDataLength() != dev.blockSize()) {
            throw ScsiException.invalidCdbField(c.sixteen() ? 10 : 7, -1);
        }
        task.receiveData(dev.blockSize(), (t, data) -> {
            if (n == 0) {
                t.good();
            } else if (c.unmap() || Segments.allZero(data)) {
                zeroes(t, c, n);
            } else {
                pattern(t, c, n, data);
            }
        });
    }

    private void zeroes(Task t, WriteSameCdb c, long blocks) {
        VirtualDevice dev = t.device();
        if (blocks == 0) {
            t.good();
        } else if (c.unmap()) {
            MediumIo.discard(t, c.lba(), blocks, t::good);
        } else if (dev.hasCapability(DeviceCapability.WRITE_ZEROES)) {
            MediumIo.writeZeroes(t, c.lba(), blocks, t::good);
        } else {
            ByteBuffer[] zero = {ByteBuffer.allocate(dev.blockSize())};
            pattern(t, c, blocks, zero);
        }
    }

    private void pattern(Task t, WriteSameCdb c, long blocks, ByteBuffer[] block) {
        VirtualDevice dev = t.device();
        int bs = dev.blockSize();
        long bytes = Math.min(blocks << dev.blockShift(), PATTERN_BYTES);
        ByteBuffer buf = buffers.get((int) bytes);
        byte[] one = Segments.toArray(block);
        for (int off = 0; off < bytes; off += bs) {
            buf.put(off, one, 0, bs);
        }
        int flags = dev.writeThrough() ? Bio.FUA : 0;
        new RangeWriter(dev, c.lba(), blocks, buf, flags, errno -> {
            buffers.release(new ByteBuffer[] {buf});
            if (errno != 0) {
                t.fail(MediumIo.errorFor(errno, true));
            } else {
                t.complete(ScsiResponse.status(ScsiResponse.GOOD));
            }
        }).start();
    }
}
