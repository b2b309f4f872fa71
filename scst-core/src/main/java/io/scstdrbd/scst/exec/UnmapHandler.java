package io.scstdrbd.scst.exec;

import io.scstdrbd.kernel.bytes.BigEndian;
import io.scstdrbd.scst.cdb.UnmapCdb;
import io.scstdrbd.scst.device.VirtualDevice;
import io.scstdrbd.scst.sense.ScsiError;
import io.scstdrbd.scst.sense.ScsiException;
import io.scstdrbd.scst.tm.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** UNMAP (SBC-3 5.28): each block descriptor becomes a DISCARD bio. Only on thin LUs. */
public final class UnmapHandler implements Handler {
    private final Limits limits;

    public UnmapHandler(Limits limits) {
        this.limits = limits;
    }

    @Override
    public void execute(Task task) throws ScsiException {
        UnmapCdb c = UnmapCdb.parse(task.cdb());
        VirtualDevice dev = task.device();
        if (!dev.thinProvisioned()) {
            throw ScsiException.of(ScsiError.INVALID_COMMAND_OPERATION_CODE);
        }
        if (c.anchor()) {
            throw ScsiException.invalidCdbField(1, 0);
        }
        int len = (int) Math.min(c.parameterListLength(), task.expectedDataLength());
        if (len == 0) {
            task.good();
            return;
        }
        if (len < 8) {
            throw ScsiException.of(ScsiError.PARAMETER_LIST_LENGTH_ERROR);
        }
        task.receiveData(len, (t, data) -> {
            byte[] p = Segments.toArray(data);
            List<long[]> ranges = parse(p, dev);
            if (ranges.isEmpty()) {
                t.good();
                return;
            }
            AtomicInteger pending = new AtomicInteger(ranges.size());
            AtomicInteger firstError = new AtomicInteger();
            for (long[] r : ranges) {
                dev.submit(io.scstdrbd.kernel.block.Bio.discard(dev.sectorOf(r[0]), r[1] << dev.blockShift(),
                        (bio, errno) -> {
                            if (errno != 0) {
                                firstError.compareAndSet(0, errno);
                            }
                            if (pending.decrementAndGet() == 0) {
                                if (firstError.get() != 0) {
                                    t.fail(MediumIo.errorFor(firstError.get(), true));
                                } else {
                                    t.good();
                                }
                            }
                        }));
            }
        });
    }

    /** The (lba, blocks) ranges of the parameter list, checked against the medium and the limits. */
    List<long[]> parse(byte[] p, VirtualDevice dev) throws ScsiException {
        int dataLen = BigEndian.u16(p, 0);
        int descLen = BigEndian.u16(p, 2);
        if (dataLen + 2 > p.length || descLen + 8 > p.length) {
            throw ScsiException.of(ScsiError.PARAMETER_LIST_LENGTH_ERROR);
        }
        int count = descLen / 16;
        if (count > limits.maxUnmapDescriptors()) {
            throw ScsiException.invalidParameter(2, -1);
        }
        List<long[]> ranges = new ArrayList<>(count);
        long total = 0;
        for (int i = 0; i < count; i++) {
            int off = 8 + 16 * i;
            long lba = BigEndian.u64(p, off);
            long n = BigEndian.u32(p, off + 8);
            MediumIo.checkRange(dev, lba, n);
            total += n;
            if (total > (limits.maxUnmapBlocks() & 0xffffffffL)) {
                throw ScsiException.invalidParameter(off + 8, -1);
            }
            if (n > 0) {
                ranges.add(new long[] {lba, n});
            }
        }
        return ranges;
    }
}
