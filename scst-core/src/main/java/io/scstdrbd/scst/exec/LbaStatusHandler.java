package io.scstdrbd.scst.exec;

import io.scstdrbd.kernel.bytes.BigEndian;
import io.scstdrbd.scst.cdb.GetLbaStatusCdb;
import io.scstdrbd.scst.device.VirtualDevice;
import io.scstdrbd.scst.sense.ScsiError;
import io.scstdrbd.scst.sense.ScsiException;
import io.scstdrbd.scst.tm.Task;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * GET LBA STATUS (SBC-3 5.5). The backends do not report their allocation maps, so on a thin LU
 * whose deallocated blocks read as zeroes (LBPRZ) a block that reads all zeroes is reported as
 * deallocated, which an initiator cannot tell apart; other blocks are mapped. At most
 * {@link #SCAN_BYTES} are examined per command; the initiator asks again from where the last
 * descriptor ends.
 */
public final class LbaStatusHandler implements Handler {
    static final int SCAN_BYTES = 4 << 20;
    private final BufferPool buffers;

    public LbaStatusHandler(BufferPool buffers) {
        this.buffers = buffers;
    }

    @Override
    public void execute(Task task) throws ScsiException {
        GetLbaStatusCdb c = GetLbaStatusCdb.parse(task.cdb());
        VirtualDevice dev = task.device();
        long cap = dev.capacityBlocks();
        if (c.startingLba() < 0 || c.startingLba() >= cap) {
            throw ScsiException.of(ScsiError.LBA_OUT_OF_RANGE);
        }
        if (c.allocationLength() < 4) {
            DataIn.respond(task, new byte[0], 0);
            return;
        }
        long left = cap - c.startingLba();
        if (!dev.thinProvisioned() || !dev.discardZeroes()) {
            DataIn.respond(task, response(new long[][] {{c.startingLba(), Math.min(left, 0xffffffffL), 0}}),
                    c.allocationLength());
            return;
        }
        long blocks = Math.min(left, SCAN_BYTES >> dev.blockShift());
        ByteBuffer[] bufs = buffers.allocate(blocks << dev.blockShift());
        MediumIo.read(task, c.startingLba(), bufs, () -> {
            byte[] out;
            try {
                out = response(runs(bufs, c.startingLba(), blocks, dev.blockSize()));
            } finally {
                buffers.release(bufs);
            }
            DataIn.respond(task, out, c.allocationLength());
        });
    }

    /** Runs of equal status: {lba, blocks, status} with status 0 mapped, 1 deallocated. */
    static long[][] runs(ByteBuffer[] data, long lba, long blocks, int bs) {
        java.util.List<long[]> l = new java.util.ArrayList<>();
        long runStart = lba;
        int runStatus = -1;
        for (long i = 0; i < blocks; i++) {
            int status = isZero(data, i * bs, bs) ? 1 : 0;
            if (status != runStatus) {
                if (runStatus >= 0) {
                    l.add(new long[] {runStart, lba + i - runStart, runStatus});
                }
                runStart = lba + i;
                runStatus = status;
            }
        }
        l.add(new long[] {runStart, lba + blocks - runStart, runStatus});
        return l.toArray(new long[0][]);
    }

    private static boolean isZero(ByteBuffer[] data, long off, int len) {
        ByteBuffer[] s = Segments.slice(data, off, len);
        return Segments.allZero(s);
    }

    static byte[] response(long[][] runs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] hdr = new byte[8];
        BigEndian.put32(hdr, 0, 4 + 16L * runs.length);
        out.write(hdr, 0, 8);
        for (long[] r : runs) {
            byte[] d = new byte[16];
            BigEndian.put64(d, 0, r[0]);
            BigEndian.put32(d, 8, r[1]);
            d[12] = (byte) r[2];
            out.write(d, 0, 16);
        }
        return out.toByteArray();
    }
}
