package io.scstdrbd.scst.exec;

import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.kernel.block.DeviceCapability;
import io.scstdrbd.kernel.bytes.BigEndian;
import io.scstdrbd.scst.cdb.SanitizeCdb;
import io.scstdrbd.scst.device.VirtualDevice;
import io.scstdrbd.scst.sense.ScsiError;
import io.scstdrbd.scst.sense.ScsiException;
import io.scstdrbd.scst.tm.Task;
import java.nio.ByteBuffer;
import java.util.function.IntConsumer;

/**
 * SANITIZE (SBC-3 5.19): OVERWRITE with an initialization pattern, BLOCK ERASE (deallocate the
 * whole medium, or write zeroes where it cannot be deallocated) and EXIT FAILURE MODE.
 * CRYPTOGRAPHIC ERASE is not offered. While the operation runs, the LU answers NOT READY,
 * SANITIZE IN PROGRESS; the operation survives aborts and resets (the task ends, the work goes
 * on); with IMMED the command completes at once. A failed operation leaves the medium in
 * sanitize failure mode (MEDIUM FORMAT CORRUPTED) until EXIT FAILURE MODE.
 */
public final class SanitizeHandler implements Handler {
    private final BufferPool buffers;

    public SanitizeHandler(BufferPool buffers) {
        this.buffers = buffers;
    }

    @Override
    public void execute(Task task) throws ScsiException {
        SanitizeCdb c = SanitizeCdb.parse(task.cdb());
        VirtualDevice dev = task.device();
        switch (c.serviceAction()) {
            case SanitizeCdb.OVERWRITE: {
                int len = c.parameterListLength();
                if (len <= 4 || len > dev.blockSize() + 4) {
                    throw ScsiException.invalidCdbField(7, -1);
                }
                task.receiveData(len, (t, data) -> overwrite(t, c, Segments.toArray(data)));
                break;
            }
            case SanitizeCdb.BLOCK_ERASE:
                if (c.parameterListLength() != 0) {
                    throw ScsiException.invalidCdbField(7, -1);
                }
                run(task, c, done -> blockErase(dev, done));
                break;
            case SanitizeCdb.EXIT_FAILURE_MODE:
                if (c.parameterListLength() != 0) {
                    throw ScsiException.invalidCdbField(7, -1);
                }
                dev.setSanitizeFailed(false);
                task.good();
                break;
            default:
                throw ScsiException.invalidCdbField(1, 4);
        }
    }

    private void overwrite(Task t, SanitizeCdb c, byte[] p) throws ScsiException {
        VirtualDevice dev = t.device();
        int count = p[0] & 0x1f;
        boolean invert = (p[0] & 0x80) != 0;
        int test = (p[0] >>> 5) & 3;
        int patLen = BigEndian.u16(p, 2);
        if (count == 0) {
            throw ScsiException.invalidParameter(0, 4);
        }
        if (test != 0) {
            throw ScsiException.invalidParameter(0, 6);
        }
        if (patLen == 0 || patLen > dev.blockSize() || patLen + 4 != p.length) {
            throw ScsiException.invalidParameter(2, -1);
        }
        int bytes = (int) Math.min(1 << 20, dev.capacityBlocks() << dev.blockShift());
        ByteBuffer pattern = buffers.get(Math.max(bytes, dev.blockSize()));
        ByteBuffer inverted = invert ? buffers.get(pattern.remaining()) : null;
        for (int i = 0; i < pattern.remaining(); i++) {
            byte b = p[4 + (i % dev.blockSize()) % patLen];
            pattern.put(i, b);
            if (inverted != null) {
                inverted.put(i, (byte) ~b);
            }
        }
        run(t, c, done -> passes(dev, pattern, inverted, count, 0, err -> {
            buffers.release(inverted == null ? new ByteBuffer[] {pattern} : new ByteBuffer[] {pattern, inverted});
            done.accept(err);
        }));
    }

    /** Runs the passes one after the other; with INVERT, every other pass writes the inverted pattern. */
    private static void passes(VirtualDevice dev, ByteBuffer pattern, ByteBuffer inverted, int count, int pass,
                               IntConsumer done) {
        ByteBuffer buf = inverted != null && pass % 2 == 1 ? inverted : pattern;
        new RangeWriter(dev, 0, dev.capacityBlocks(), buf, 0, err -> {
            if (err != 0 || pass + 1 >= count) {
                done.accept(err);
            } else {
                passes(dev, pattern, inverted, count, pass + 1, done);
            }
        }).start();
    }

    private void blockErase(VirtualDevice dev, IntConsumer done) {
        long bytes = dev.capacityBlocks() << dev.blockShift();
        if (dev.thinProvisioned()) {
            dev.submit(Bio.discard(0, bytes, (bio, errno) -> done.accept(errno)));
        } else if (dev.hasCapability(DeviceCapability.WRITE_ZEROES)) {
            dev.submit(Bio.writeZeroes(0, bytes, 0, (bio, errno) -> done.accept(errno)));
        } else {
            ByteBuffer zero = buffers.get((int) Math.min(1 << 20, Math.max(bytes, dev.blockSize())));
            for (int i = 0; i < zero.remaining(); i++) {
                zero.put(i, (byte) 0);
            }
            new RangeWriter(dev, 0, dev.capacityBlocks(), zero, 0, err -> {
                buffers.release(new ByteBuffer[] {zero});
                done.accept(err);
            }).start();
        }
    }

    /** Marks the LU as sanitizing, runs {@code op}, then flushes and reports (or has reported, with IMMED). */
    private static void run(Task t, SanitizeCdb c, java.util.function.Consumer<IntConsumer> op) {
        VirtualDevice dev = t.device();
        dev.setSanitizing(true);
        t.detachOnAbort();
        if (c.immed()) {
            t.good();
        }
        op.accept(err -> dev.submit(Bio.flush((bio, flushErr) -> {
            int e = err != 0 ? err : flushErr;
            dev.setSanitizing(false);
            if (e != 0) {
                dev.setSanitizeFailed(true);
                t.fail(ScsiError.MEDIUM_FORMAT_CORRUPTED);
            } else {
                t.good();
            }
        })));
    }
}
