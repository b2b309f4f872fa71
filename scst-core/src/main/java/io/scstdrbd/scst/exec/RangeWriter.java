package io.scstdrbd.scst.exec;

import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.scst.device.VirtualDevice;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

/**
 * Writes one pattern buffer over a long block range (WRITE SAME, SANITIZE OVERWRITE) with a few
 * bios in flight at a time. Completions that arrive on the submitting thread do not recurse: the
 * pump loop picks up their work.
 */
final class RangeWriter {
    private static final int WINDOW = 4;

    private final VirtualDevice dev;
    private final ByteBuffer pattern;
    private final int patternBlocks;
    private final int flags;
    private final IntConsumer done;
    private long nextLba;
    private long remaining;
    private int inFlight;
    private int error;
    private boolean pumping;
    private boolean again;
    private final AtomicBoolean finished = new AtomicBoolean();

    /**
     * @param pattern a buffer whose whole blocks repeat the block to write; it is only read
     * @param done    called once with 0 or the first errno
     */
    RangeWriter(VirtualDevice dev, long lba, long blocks, ByteBuffer pattern, int flags, IntConsumer done) {
        this.dev = dev;
        this.pattern = pattern;
        this.patternBlocks = pattern.remaining() >> dev.blockShift();
        this.flags = flags;
        this.done = done;
        this.nextLba = lba;
        this.remaining = blocks;
    }

    void start() {
        pump();
    }

    private void pump() {
        synchronized (this) {
            if (pumping) {
                again = true;
                return;
            }
            pumping = true;
        }
        while (true) {
            while (true) {
                Bio bio;
                synchronized (this) {
                    if (remaining == 0 || error != 0 || inFlight >= WINDOW) {
                        break;
                    }
                    long n = Math.min(remaining, patternBlocks);
                    ByteBuffer seg = pattern.duplicate();
                    seg.limit(seg.position() + (int) (n << dev.blockShift()));
                    bio = Bio.write(dev.sectorOf(nextLba), new ByteBuffer[] {seg}, flags, (b, errno) -> chunkDone(errno));
                    nextLba += n;
                    remaining -= n;
                    inFlight++;
                }
                dev.submit(bio);
            }
            boolean finish;
            synchronized (this) {
                if (again) {
                    again = false;
                    continue;
                }
                pumping = false;
                finish = inFlight == 0 && (remaining == 0 || error != 0);
            }
            if (finish && finished.compareAndSet(false, true)) {
                done.accept(error);
            }
            return;
        }
    }

    private void chunkDone(int errno) {
        synchronized (this) {
            inFlight--;
            if (errno != 0 && error == 0) {
                error = errno;
            }
        }
        pump();
    }
}
